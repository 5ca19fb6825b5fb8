//! Output budgets: an invoke result sized for an agent's context window.
//!
//! `responseMode` `full` returns the result as it is. `auto` (the default) returns it as it is
//! when its JSON fits the byte budget (`AWS_MCP_MAX_RESPONSE_BYTES`, about 50 KB), and trims it
//! otherwise; `compact` always applies `maxResultItems` (20 unless given) and the budget.
//! `omitResponseFields` removes the named members at any depth (not under `full`).
//!
//! Trimming only ever drops whole list items, from the end of the largest lists first, and
//! replaces very long free-text strings by a note: it never cuts a pagination token, an
//! identifier, a name or an ARN (members named `*Token`, `*Id`, `*Ids`, `*Arn`, `*Name`... are
//! never replaced, and scalars are never shortened). The answer says exactly what was trimmed
//! (`truncated: {items: [{path, kept, total}], fields: [...], strings: [...]}`), the full
//! result is kept as an artifact file, and a cursor walks the trimmed lists' remaining items.

use serde_json::{Map, Value};

/// How much of a result an answer may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Trim only when the budget is exceeded.
    #[default]
    Auto,
    /// Always apply `maxResultItems` (default [`COMPACT_ITEMS`]) and the budget.
    Compact,
    /// No trimming.
    Full,
}

impl Mode {
    pub fn parse(text: &str) -> Option<Mode> {
        match text {
            "auto" => Some(Mode::Auto),
            "compact" => Some(Mode::Compact),
            "full" => Some(Mode::Full),
            _ => None,
        }
    }
}

/// List items kept per list in `compact` mode when `maxResultItems` is not given.
pub const COMPACT_ITEMS: usize = 20;
/// A string longer than this may be replaced by a note when the budget demands it.
const LONG_STRING: usize = 2048;

/// The limits of one answer.
#[derive(Debug, Clone)]
pub struct Budget {
    pub mode: Mode,
    pub max_bytes: usize,
    pub max_items: Option<usize>,
    pub omit: Vec<String>,
}

/// A list that lost items: where (a JSON pointer into the result), how many were kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrimmedList {
    pub path: String,
    pub kept: usize,
    pub total: usize,
}

/// What trimming did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub lists: Vec<TrimmedList>,
    /// Members removed by `omitResponseFields`: JSON pointers with list indexes as `*`
    /// (`/Contents/*/ETag`), each once.
    pub fields: Vec<String>,
    /// Long strings replaced by a note (JSON pointers).
    pub strings: Vec<String>,
}

impl Report {
    pub fn is_empty(&self) -> bool {
        self.lists.is_empty() && self.fields.is_empty() && self.strings.is_empty()
    }

    /// `{items: [{path, kept, total}], fields: [...], strings: [...]}` (empty parts left out).
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        if !self.lists.is_empty() {
            m.insert(
                "items".into(),
                Value::Array(
                    self.lists
                        .iter()
                        .map(|l| {
                            serde_json::json!({"path": l.path, "kept": l.kept, "total": l.total})
                        })
                        .collect(),
                ),
            );
        }
        if !self.fields.is_empty() {
            m.insert("fields".into(), self.fields.clone().into());
        }
        if !self.strings.is_empty() {
            m.insert("strings".into(), self.strings.clone().into());
        }
        Value::Object(m)
    }
}

/// Applies `budget` to `value`: the value to answer with and what was trimmed.
pub fn apply(mut value: Value, budget: &Budget) -> (Value, Report) {
    let mut report = Report::default();
    if budget.mode == Mode::Full {
        return (value, report);
    }
    for name in &budget.omit {
        omit(&mut value, name, "", &mut report.fields);
    }
    let per_list = match (budget.mode, budget.max_items) {
        (_, Some(n)) => Some(n),
        (Mode::Compact, None) => Some(COMPACT_ITEMS),
        _ => None,
    };
    if let Some(n) = per_list {
        cap_lists(&mut value, "", n, &mut report.lists);
    }
    if size_of(&value) > budget.max_bytes {
        shrink_lists(&mut value, budget.max_bytes, &mut report.lists);
    }
    if size_of(&value) > budget.max_bytes {
        shorten_strings(&mut value, "", budget.max_bytes, &mut report.strings);
    }
    report.lists.sort_by(|a, b| a.path.cmp(&b.path));
    (value, report)
}

/// The JSON size of a value.
pub fn size_of(value: &Value) -> usize {
    serde_json::to_vec(value).map_or(usize::MAX, |v| v.len())
}

fn pointer_segment(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Removes members named `name` at any depth.
fn omit(value: &mut Value, name: &str, path: &str, removed: &mut Vec<String>) {
    match value {
        Value::Object(m) => {
            if m.remove(name).is_some() {
                let p = format!("{path}/{}", pointer_segment(name));
                if !removed.contains(&p) {
                    removed.push(p);
                }
            }
            for (k, v) in m.iter_mut() {
                omit(v, name, &format!("{path}/{}", pointer_segment(k)), removed);
            }
        }
        Value::Array(items) => {
            let each = format!("{path}/*");
            for v in items.iter_mut() {
                omit(v, name, &each, removed);
            }
        }
        _ => {}
    }
}

/// Caps every list (not inside list items) at `n` items.
fn cap_lists(value: &mut Value, path: &str, n: usize, out: &mut Vec<TrimmedList>) {
    match value {
        Value::Object(m) => {
            for (k, v) in m.iter_mut() {
                cap_lists(v, &format!("{path}/{}", pointer_segment(k)), n, out);
            }
        }
        Value::Array(items) if items.len() > n => {
            out.push(TrimmedList {
                path: path.to_string(),
                kept: n,
                total: items.len(),
            });
            items.truncate(n);
        }
        _ => {}
    }
}

/// The lists of a value that are not inside other lists: pointer, item count.
fn lists(value: &Value, path: &str, out: &mut Vec<(String, usize)>) {
    match value {
        Value::Object(m) => {
            for (k, v) in m {
                lists(v, &format!("{path}/{}", pointer_segment(k)), out);
            }
        }
        Value::Array(items) => out.push((path.to_string(), items.len())),
        _ => {}
    }
}

/// Drops items from the ends of the lists, largest list first, until the value fits.
fn shrink_lists(value: &mut Value, max_bytes: usize, out: &mut Vec<TrimmedList>) {
    let mut found = Vec::new();
    lists(value, "", &mut found);
    // Largest serialized list first.
    let mut sized: Vec<(String, usize, usize)> = found
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(p, n)| {
            let bytes = value.pointer(&p).map_or(0, size_of);
            (p, n, bytes)
        })
        .collect();
    sized.sort_by_key(|l| std::cmp::Reverse(l.2));
    for (path, _, _) in sized {
        let total_now = size_of(value);
        if total_now <= max_bytes {
            break;
        }
        let Some(Value::Array(items)) = value.pointer_mut(&path) else {
            continue;
        };
        let original = items.len();
        let list_bytes = serde_json::to_vec(&*items).map_or(0, |v| v.len());
        let other = total_now.saturating_sub(list_bytes);
        let room = max_bytes.saturating_sub(other);
        // Keep the longest prefix that fits in the room left by the rest of the value.
        let mut used = 2; // []
        let mut keep = 0;
        for item in items.iter() {
            let b = size_of(item) + usize::from(keep > 0);
            if used + b > room {
                break;
            }
            used += b;
            keep += 1;
        }
        if keep < original {
            items.truncate(keep);
            match out.iter_mut().find(|l| l.path == path) {
                Some(l) => l.kept = keep,
                None => out.push(TrimmedList {
                    path,
                    kept: keep,
                    total: original,
                }),
            }
        }
    }
}

/// Whether a member of this name holds an identifier, a name or a token (never replaced).
fn is_identifying(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    [
        "token", "id", "ids", "arn", "arns", "name", "names", "key", "url", "marker",
    ]
    .iter()
    .any(|s| k.ends_with(s))
}

/// Replaces long free-text strings (largest first) by a note until the value fits.
fn shorten_strings(value: &mut Value, path: &str, max_bytes: usize, out: &mut Vec<String>) {
    let mut found = Vec::new();
    long_strings(value, path, None, &mut found);
    found.sort_by_key(|f| std::cmp::Reverse(f.1));
    for (p, len) in found {
        if size_of(value) <= max_bytes {
            break;
        }
        if let Some(slot) = value.pointer_mut(&p) {
            *slot = Value::String(format!(
                "** {len} bytes left out: the full result is in the artifact **"
            ));
            out.push(p);
        }
    }
}

fn long_strings(value: &Value, path: &str, key: Option<&str>, out: &mut Vec<(String, usize)>) {
    match value {
        Value::String(s) if s.len() > LONG_STRING && !key.is_some_and(is_identifying) => {
            out.push((path.to_string(), s.len()));
        }
        Value::Object(m) => {
            for (k, v) in m {
                long_strings(v, &format!("{path}/{}", pointer_segment(k)), Some(k), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                long_strings(v, &format!("{path}/{i}"), key, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn budget(mode: Mode, max_bytes: usize) -> Budget {
        Budget {
            mode,
            max_bytes,
            max_items: None,
            omit: Vec::new(),
        }
    }

    fn listing(n: usize) -> Value {
        let contents: Vec<Value> = (0..n)
            .map(|i| json!({"Key": format!("logs/2026/12/02/object-{i:05}.json"), "Size": i, "ETag": "\"0123456789abcdef\""}))
            .collect();
        json!({"Name": "bucket", "Contents": contents, "NextContinuationToken": "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=", "KeyCount": n})
    }

    #[test]
    fn small_results_pass_untouched() {
        let v = listing(3);
        let (out, report) = apply(v.clone(), &budget(Mode::Auto, 50_000));
        assert_eq!(out, v);
        assert!(report.is_empty());
    }

    #[test]
    fn large_lists_are_trimmed_to_the_budget_keeping_tokens() {
        let v = listing(2000);
        let (out, report) = apply(v, &budget(Mode::Auto, 50_000));
        assert!(size_of(&out) <= 50_000, "{}", size_of(&out));
        assert_eq!(
            out["NextContinuationToken"],
            listing(1)["NextContinuationToken"]
        );
        assert_eq!(out["Name"], "bucket");
        assert_eq!(report.lists.len(), 1);
        let l = &report.lists[0];
        assert_eq!((l.path.as_str(), l.total), ("/Contents", 2000));
        assert_eq!(out["Contents"].as_array().unwrap().len(), l.kept);
        assert!(l.kept > 100, "kept {}", l.kept);
        // The first items are kept, in order.
        assert_eq!(
            out["Contents"][0]["Key"],
            "logs/2026/12/02/object-00000.json"
        );
    }

    #[test]
    fn compact_caps_lists_and_full_keeps_everything() {
        let (out, report) = apply(listing(50), &budget(Mode::Compact, 50_000));
        assert_eq!(out["Contents"].as_array().unwrap().len(), COMPACT_ITEMS);
        assert_eq!(report.lists[0].total, 50);
        let mut b = budget(Mode::Compact, 50_000);
        b.max_items = Some(5);
        let (out, _) = apply(listing(50), &b);
        assert_eq!(out["Contents"].as_array().unwrap().len(), 5);
        let (out, report) = apply(listing(2000), &budget(Mode::Full, 1000));
        assert_eq!(out["Contents"].as_array().unwrap().len(), 2000);
        assert!(report.is_empty());
    }

    #[test]
    fn omitted_fields_are_reported_at_any_depth() {
        let mut b = budget(Mode::Auto, 50_000);
        b.omit = vec!["ETag".into()];
        let (out, report) = apply(listing(2), &b);
        assert!(out["Contents"][0].get("ETag").is_none());
        assert_eq!(report.fields, ["/Contents/*/ETag"]);
    }

    #[test]
    fn long_text_is_replaced_but_identifiers_never() {
        let doc = "x".repeat(20_000);
        let v = json!({"PolicyDocument": doc, "PolicyArn": format!("arn:aws:iam::1:policy/{}", "p".repeat(20_000))});
        let (out, report) = apply(v, &budget(Mode::Auto, 25_000));
        assert_eq!(report.strings, ["/PolicyDocument"]);
        assert!(out["PolicyArn"].as_str().unwrap().len() > 20_000);
        assert!(
            out["PolicyDocument"]
                .as_str()
                .unwrap()
                .contains("20000 bytes left out")
        );
    }
}
