//! Zero-copy access to the compiled AWS catalog, and name resolution.
//!
//! The catalog is an rkyv archive written by `build.rs` and embedded in the binary; nothing is
//! parsed at run time. Services and operations are found through compile-time perfect-hash
//! maps; a miss is answered with the closest names.

use catalog_format::format::{ArchivedCatalog, ArchivedOperation, ArchivedService, ArchivedShape};

pub mod search;

mod generated {
    include!(concat!(env!("OUT_DIR"), "/catalog_gen.rs"));
}

/// The archive bytes, 16-byte aligned as rkyv requires.
#[repr(C, align(16))]
struct Aligned<T: ?Sized>(T);

static CATALOG_BYTES: &Aligned<[u8]> =
    &Aligned(*include_bytes!(concat!(env!("OUT_DIR"), "/catalog.bin")));

/// The compiled catalog.
pub fn get() -> &'static ArchivedCatalog {
    // SAFETY: the bytes are the rkyv archive of a `Catalog`, written by this crate's build
    // script with the same `catalog_format::format` types this code is compiled against, and embedded
    // 16-byte aligned. `tests/catalog.rs` checks the archive with rkyv's validator.
    unsafe { rkyv::access_unchecked::<ArchivedCatalog>(&CATALOG_BYTES.0) }
}

/// The raw archive, for validation in tests.
pub fn archive_bytes() -> &'static [u8] {
    &CATALOG_BYTES.0
}

pub fn service(idx: u32) -> &'static ArchivedService {
    &get().services[idx as usize]
}

pub fn operation(idx: u32) -> &'static ArchivedOperation {
    &get().operations[idx as usize]
}

pub fn shape(idx: u32) -> &'static ArchivedShape {
    &get().shapes[idx as usize]
}

/// The operations of a service, as indices.
pub fn service_operations(service_idx: u32) -> std::ops::Range<u32> {
    let s = service(service_idx);
    let first = s.first_op.to_native();
    first..first + s.op_count.to_native()
}

/// A service by canonical name or alias, any case.
pub fn find_service(name: &str) -> Option<u32> {
    let key = name.trim().to_ascii_lowercase();
    generated::SERVICE_LOOKUP
        .get(key.as_str())
        .copied()
        .or_else(|| {
            // "Secrets Manager", "secrets_manager": sdkId-like spellings.
            let squashed: String = key
                .chars()
                .filter(|c| !matches!(c, ' ' | '_' | '-'))
                .collect();
            generated::SERVICE_LOOKUP.get(squashed.as_str()).copied()
        })
}

/// An operation of a service by name in any case, PascalCase, kebab-case or snake_case.
pub fn find_operation(service_idx: u32, name: &str) -> Option<u32> {
    let key = codegen_key(service_idx, name);
    generated::OPERATION_LOOKUP.get(key.as_str()).copied()
}

fn codegen_key(service_idx: u32, name: &str) -> String {
    let norm: String = name
        .trim()
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .flat_map(char::to_lowercase)
        .collect();
    format!("{service_idx}/{norm}")
}

/// Every operation's name normalized as lookups normalize it (lower-case, without `-`, `_` and
/// spaces: `describeinstances`), by operation index. Read from the name lookup table, whose
/// keys sit together in the binary, rather than from the archive, where each name lies next to
/// its operation's documentation: scanning all 16,677 names this way touches a few hundred KB
/// instead of most of the 57 MB archive (the policy matches globs such as `*:Describe*`).
pub fn normalized_operation_names() -> &'static [&'static str] {
    static NAMES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names = vec![""; get().operations.len()];
        for (key, &op) in generated::OPERATION_LOOKUP.entries() {
            if let (Some(slot), Some((_, name))) = (names.get_mut(op as usize), key.split_once('/'))
            {
                *slot = name;
            }
        }
        names
    })
}

/// All names a service answers to: its canonical name and aliases.
pub fn service_names(idx: u32) -> impl Iterator<Item = &'static str> {
    let s = service(idx);
    std::iter::once(s.name.as_str()).chain(s.aliases.iter().map(|a| a.as_str()))
}

/// A service or operation name that matches nothing in the catalog: what was asked, the
/// closest names, and a hint on what to do next. The tools turn it into their error type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    #[error("{message}")]
    Service {
        message: String,
        hint: String,
        suggestions: Vec<String>,
    },
    #[error("{message}")]
    Operation {
        /// The canonical name of the service that was found.
        service: String,
        message: String,
        hint: String,
        suggestions: Vec<String>,
    },
}

/// Resolves a service name or alias, or fails with the closest names.
pub fn resolve_service(name: &str) -> Result<u32, LookupError> {
    if let Some(i) = find_service(name) {
        return Ok(i);
    }
    let suggestions = closest_services(name, 5);
    let hint = if suggestions.is_empty() {
        "Use aws_search_operations to find the service (results carry its canonical name)."
            .to_string()
    } else {
        format!(
            "Did you mean {}? Use aws_search_operations to find services and operations.",
            quote_list(&suggestions)
        )
    };
    let mut message = format!("Unknown AWS service `{}`", name.trim());
    if get().snapshot.slim {
        message.push_str(&format!(
            " (this build carries only: {})",
            get()
                .services
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Err(LookupError::Service {
        message,
        hint,
        suggestions,
    })
}

/// Resolves a service and one of its operations, or fails with the closest names.
pub fn resolve_operation(service_name: &str, op_name: &str) -> Result<(u32, u32), LookupError> {
    let s = resolve_service(service_name)?;
    if let Some(op) = find_operation(s, op_name) {
        return Ok((s, op));
    }
    let svc = service(s);
    let suggestions = closest_operations(s, op_name, 5);
    let hint = if suggestions.is_empty() {
        format!(
            "Use aws_search_operations with serviceHint `{}` to find its operations.",
            svc.name.as_str()
        )
    } else {
        format!(
            "Did you mean {}? Operation names are PascalCase (kebab-case and snake_case work too); \
             use aws_search_operations with serviceHint `{}` to list more.",
            quote_list(&suggestions),
            svc.name.as_str()
        )
    };
    Err(LookupError::Operation {
        service: svc.name.as_str().to_string(),
        message: format!(
            "Service `{}` has no operation `{}`",
            svc.name.as_str(),
            op_name.trim()
        ),
        hint,
        suggestions,
    })
}

fn quote_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{s}`")).collect();
    quoted.join(", ")
}

/// The canonical names of the services whose names or aliases are closest to `name`.
pub fn closest_services(name: &str, n: usize) -> Vec<String> {
    let key = name.trim().to_ascii_lowercase();
    let budget = distance_budget(&key);
    let mut scored: Vec<(usize, &str)> = Vec::new();
    for (i, s) in get().services.iter().enumerate() {
        let best = service_names(i as u32)
            .filter_map(|alias| name_distance(&key, alias, budget))
            .min();
        if let Some(d) = best {
            scored.push((d, s.name.as_str()));
        }
    }
    pick_closest(scored, n)
}

/// The names of the operations of a service closest to `name`.
pub fn closest_operations(service_idx: u32, name: &str, n: usize) -> Vec<String> {
    let key: String = name
        .trim()
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .flat_map(char::to_lowercase)
        .collect();
    let budget = distance_budget(&key);
    let scored: Vec<(usize, &str)> = service_operations(service_idx)
        .filter_map(|i| {
            let op = operation(i);
            let d = name_distance(&key, &op.name.as_str().to_ascii_lowercase(), budget)?;
            Some((d, op.name.as_str()))
        })
        .collect();
    pick_closest(scored, n)
}

/// How far a suggestion may be from what was typed: proportionate to its length.
fn distance_budget(key: &str) -> usize {
    (key.chars().count() / 2).max(2)
}

/// The closest `n` candidates, best first.
fn pick_closest(mut scored: Vec<(usize, &str)>, n: usize) -> Vec<String> {
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(n)
        .map(|(_, s)| s.to_string())
        .collect()
}

/// Edit distance when within `budget`, with a discount when one name contains the other
/// (`dynamo` → `dynamodb`). Names whose lengths alone differ by more than the budget are
/// skipped without computing the distance.
fn name_distance(a: &str, b: &str, budget: usize) -> Option<usize> {
    if a.len() >= 3 && (b.contains(a) || a.contains(b)) {
        return Some(usize::from(a != b));
    }
    if a.chars().count().abs_diff(b.chars().count()) > budget {
        return None;
    }
    Some(levenshtein(a, b)).filter(|&d| d <= budget)
}

/// Levenshtein distance over chars (two rows).
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}
