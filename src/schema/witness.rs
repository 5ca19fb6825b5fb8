//! Example strings that satisfy a member's patterns and length, for the schema's skeleton
//! example.
//!
//! The translated pattern is parsed with fancy-regex's parser (it reads both the plain and the
//! fancy syntax) and walked to build a string: the first alternative, the minimum repetition,
//! a character picked from each class. A few variations (other alternatives, more repetitions)
//! are tried until one matches every pattern and fits the length; each candidate is checked
//! with the real compiled patterns, so a witness is never wrong, only sometimes missing.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use catalog_format::format::ArchivedCatalog;
use fancy_regex::{Expr, LookAround};

use crate::validate::patterns;

/// Longest witness built.
const MAX_WITNESS: usize = 2048;

/// A string matching all `pats` with a length (in characters) within the bounds, if one is
/// found. Results are cached.
pub fn string_witness(
    cat: &ArchivedCatalog,
    pats: &[u32],
    min: Option<u64>,
    max: Option<u64>,
) -> Option<String> {
    type Key = (usize, Vec<u32>, Option<u64>, Option<u64>);
    static CACHE: OnceLock<Mutex<HashMap<Key, Option<String>>>> = OnceLock::new();
    let key = (
        cat as *const ArchivedCatalog as usize,
        pats.to_vec(),
        min,
        max,
    );
    let cache = CACHE.get_or_init(Default::default);
    if let Ok(map) = cache.lock()
        && let Some(hit) = map.get(&key)
    {
        return hit.clone();
    }
    let found = find(cat, pats, min, max);
    if let Ok(mut map) = cache.lock() {
        if map.len() > 4096 {
            map.clear();
        }
        map.insert(key, found.clone());
    }
    found
}

fn find(cat: &ArchivedCatalog, pats: &[u32], min: Option<u64>, max: Option<u64>) -> Option<String> {
    let min = min.unwrap_or(0) as usize;
    let max = max.map_or(usize::MAX, |m| m as usize);
    if min > max || min > MAX_WITNESS {
        return None;
    }
    let fits = |s: &str| {
        let n = s.chars().count();
        n >= min
            && n <= max
            && pats
                .iter()
                .all(|&p| patterns::is_match(cat, p, s) != Some(false))
    };
    let usable: Vec<u32> = pats
        .iter()
        .copied()
        .filter(|&p| patterns::usable(cat, p))
        .collect();
    let Some(&first) = usable.first() else {
        return plain(min, max);
    };
    let Ok(tree) = Expr::parse_tree(patterns::display(cat, first)) else {
        return fallback(&fits);
    };
    // Variations: which alternative, how many extra repetitions, and whether positive
    // look-aheads are written out (`arn:(?=[^:]+:fsx:...)...` wants the look-ahead's text).
    let variants = [0, 1, usize::MAX, 2, 3]
        .into_iter()
        .map(|alt| (alt, false))
        .chain([(0, true), (1, true)]);
    for (alt, consume_lookahead) in variants {
        let mut extras = vec![0usize, 1, 2, 4, 8, 16, 64, 256];
        let mut tried = 0;
        while tried < extras.len() {
            let extra = extras[tried];
            tried += 1;
            let mut g = Generator {
                alt,
                extra,
                consume_lookahead,
                captures: HashMap::new(),
                next_group: 1,
            };
            let mut out = String::new();
            if g.gen_expr(&tree.expr, &mut out).is_none() {
                continue;
            }
            if fits(&out) {
                return Some(out);
            }
            // Too short: try exactly the missing number of extra repetitions (right for a
            // single open repetition), then padding with the last or first character.
            let n = out.chars().count();
            if n < min {
                let missing = min - n;
                for e in [missing, missing.div_ceil(2), missing.div_ceil(3)] {
                    if extra == 0 && !extras.contains(&e) {
                        extras.insert(tried, e);
                    }
                }
                for c in [out.chars().last(), out.chars().next(), Some('a')]
                    .into_iter()
                    .flatten()
                {
                    let padded = format!("{out}{}", c.to_string().repeat(missing));
                    if fits(&padded) {
                        return Some(padded);
                    }
                }
            }
        }
    }
    fallback(&fits)
}

/// The first of [`FALLBACKS`] that fits.
fn fallback(fits: &dyn Fn(&str) -> bool) -> Option<String> {
    FALLBACKS.iter().find(|c| fits(c)).map(|c| (*c).to_string())
}

/// Values tried when generating from the pattern: they satisfy look-ahead requirements
/// (mixed case, digits, symbols) that the generator ignores.
const FALLBACKS: &[&str] = &["Example-Passw0rd", "example-1", "Example1"];

/// A witness without a pattern: `string`, cut or padded to the length bounds.
fn plain(min: usize, max: usize) -> Option<String> {
    let mut s = "string".to_string();
    if s.len() < min {
        s.push_str(&"x".repeat(min - s.len()));
    }
    if s.len() > max {
        s.truncate(max);
    }
    Some(s)
}

struct Generator {
    /// Which alternative to take (index, clamped; `usize::MAX` = the last).
    alt: usize,
    /// Write positive look-aheads' text out instead of skipping them.
    consume_lookahead: bool,
    /// Extra repetitions beyond the minimum, where the maximum allows.
    extra: usize,
    captures: HashMap<usize, String>,
    next_group: usize,
}

impl Generator {
    fn gen_expr(&mut self, e: &Expr, out: &mut String) -> Option<()> {
        if out.len() > MAX_WITNESS {
            return None;
        }
        match e {
            Expr::Empty | Expr::Assertion(_) | Expr::KeepOut => Some(()),
            Expr::LookAround(inner, LookAround::LookAhead) if self.consume_lookahead => {
                self.gen_expr(inner, out)
            }
            Expr::LookAround(inner, _) => {
                self.next_group += count_groups(inner);
                Some(())
            }
            Expr::Any { .. } => {
                out.push('a');
                Some(())
            }
            Expr::Literal { val, .. } => {
                out.push_str(val);
                Some(())
            }
            Expr::Concat(parts) => {
                for p in parts {
                    self.gen_expr(p, out)?;
                }
                Some(())
            }
            Expr::Alt(alts) => {
                let i = self.alt.min(alts.len().checked_sub(1)?);
                let base = self.next_group;
                self.next_group = base + alts[..i].iter().map(count_groups).sum::<usize>();
                self.gen_expr(&alts[i], out)?;
                self.next_group = base + alts.iter().map(count_groups).sum::<usize>();
                Some(())
            }
            Expr::Group(inner) => {
                let idx = self.next_group;
                self.next_group += 1;
                let start = out.len();
                self.gen_expr(inner, out)?;
                self.captures.insert(idx, out[start..].to_string());
                Some(())
            }
            Expr::AtomicGroup(inner) => self.gen_expr(inner, out),
            Expr::Repeat { child, lo, hi, .. } => {
                let n = lo.saturating_add(self.extra).min(*hi).max(*lo);
                let base = self.next_group;
                for _ in 0..n {
                    // Every repetition reuses the same group numbers.
                    self.next_group = base;
                    self.gen_expr(child, out)?;
                    if out.len() > MAX_WITNESS {
                        return None;
                    }
                }
                self.next_group = base + count_groups(child);
                Some(())
            }
            Expr::Delegate { inner, casei } => {
                out.push(class_char(inner, *casei)?);
                Some(())
            }
            Expr::Backref { group, .. } => {
                out.push_str(self.captures.get(group)?);
                Some(())
            }
            _ => None,
        }
    }
}

/// Capturing groups inside `e` (they are numbered in the order they open).
fn count_groups(e: &Expr) -> usize {
    match e {
        Expr::Group(inner) => 1 + count_groups(inner),
        Expr::Concat(v) | Expr::Alt(v) => v.iter().map(count_groups).sum(),
        Expr::LookAround(inner, _) | Expr::AtomicGroup(inner) => count_groups(inner),
        Expr::Repeat { child, .. } => count_groups(child),
        _ => 0,
    }
}

/// A character matched by a class or escape (`[a-z0-9]`, `\p{L}`), preferring plain letters.
fn class_char(inner: &str, casei: bool) -> Option<char> {
    type Cache = Mutex<HashMap<(String, bool), Option<char>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = (inner.to_string(), casei);
    if let Ok(map) = cache.lock()
        && let Some(hit) = map.get(&key)
    {
        return *hit;
    }
    let pattern = if casei {
        format!("^(?i:{inner})$")
    } else {
        format!("^(?:{inner})$")
    };
    let found = regex::Regex::new(&pattern).ok().and_then(|re| {
        const PREFERRED: &str = "abxAB01-_.:/@ ";
        let mut buf = [0u8; 4];
        PREFERRED
            .chars()
            .chain((0x21u8..0x7F).map(char::from))
            .chain("éß中\u{a0}\u{3000}\t\n".chars())
            .find(|c| re.is_match(c.encode_utf8(&mut buf)))
    });
    if let Ok(mut map) = cache.lock() {
        if map.len() > 4096 {
            map.clear();
        }
        map.insert(key, found);
    }
    found
}
