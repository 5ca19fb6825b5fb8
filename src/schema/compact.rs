//! Schemas sized for a context window: the full schema ([`super::operation_input_schema`])
//! reduced to a byte budget, so that every operation's default answer fits an agent's context.
//!
//! Steps, each only while the schema is over its budget (the first always, and above
//! [`TERSE_ABOVE`] bytes the descriptions of step 3 are cut to a sentence in any case):
//! 1. enums of more than [`MAX_ENUM`] values become their count and a few examples (the
//!    description says `validate` checks the full list, and `path` shows it);
//! 2. nested structures, largest first, become a one-line summary naming their members (the
//!    top-level members a call requires, and what they contain, are summarised last);
//! 3. descriptions below the root are cut to a sentence, then dropped (those of required
//!    top-level members and of summarised enums stay);
//! 4. optional top-level members become bare types (structures a summary), then required ones.
//!
//! Every step only widens what the schema accepts (a summary is an open object, an enum a
//! string), so a payload valid for the full schema is valid for the compact one; `validate`
//! checks the full shape graph either way.

use serde_json::{Map, Value, json};

/// Enums with more values than this are summarised.
pub const MAX_ENUM: usize = 40;
/// Values shown of a summarised enum.
const ENUM_EXAMPLES: usize = 8;
/// Schemas larger than this get optional members' descriptions cut to a sentence.
pub const TERSE_ABOVE: usize = 4 * 1024;
/// Members named in a structure's summary.
const SUMMARY_MEMBERS: usize = 12;

/// What compaction did, for the reply.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Compaction {
    pub enums: usize,
    pub structures: usize,
    pub descriptions: usize,
    pub members: usize,
}

impl Compaction {
    pub fn is_empty(&self) -> bool {
        *self == Compaction::default()
    }
}

fn size(v: &Value) -> usize {
    serde_json::to_string(v).map_or(0, |s| s.len())
}

/// `schema` reduced to at most `budget` bytes of compact JSON where the steps allow.
pub fn compact(mut schema: Value, budget: usize) -> (Value, Compaction) {
    let mut done = Compaction::default();
    shrink_enums(&mut schema, "", &mut done);
    let mut total = size(&schema);
    let required = required_of(&schema);
    // Above TERSE_ABOVE, optional members' descriptions are cut to their first sentence even
    // within the budget: most of an agent's cost per task is the schema it reads.
    if total > TERSE_ABOVE {
        let changed = trim_descriptions(&mut schema, &required, false, true);
        if changed > 0 {
            done.descriptions += changed;
            total = size(&schema);
        }
    }
    if total <= budget {
        return (schema, done);
    }
    // 2. Structures, largest first: `$defs` entries and nested inline objects. A round
    // collapses by estimate, then drops the `$defs` nothing refers to any more and measures.
    for _round in 0..16 {
        if total <= budget {
            break;
        }
        let mut candidates = structures(&schema, &required);
        if candidates.is_empty() {
            break;
        }
        // Optional first, the deepest first (the top levels stay expanded), the largest first.
        candidates.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(b.2.cmp(&a.2)));
        // Half the excess per round (the estimate leaves out the `$defs` a summary orphans,
        // which the measure after pruning counts): summaries stay as few as the budget allows.
        let excess = total - budget;
        let goal = if excess < 2048 {
            budget
        } else {
            budget + excess / 2
        };
        let mut estimate = total;
        for (_, _, _, at) in candidates {
            if estimate <= goal {
                break;
            }
            let Some(node) = pointer_mut(&mut schema, &at) else {
                continue;
            };
            // Already inside a summarised structure.
            if node.get("properties").is_none() {
                continue;
            }
            let before = size(node);
            let path = input_path(&at);
            *node = summary(node, path.as_deref());
            estimate = estimate.saturating_sub(before) + size(node);
            done.structures += 1;
        }
        prune_defs(&mut schema);
        total = size(&schema);
    }
    // 3. Descriptions, below the root: cut to a sentence, then dropped (a summarised enum's
    // note stays).
    for drop in [false, true] {
        if total <= budget {
            break;
        }
        let changed = trim_descriptions(&mut schema, &required, drop, true);
        if changed > 0 {
            done.descriptions += changed;
            total = size(&schema);
        }
    }
    // 4. Optional top-level members, then required ones, to their bare type or a summary.
    for required_too in [false, true] {
        if total <= budget {
            break;
        }
        let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
            break;
        };
        for (name, body) in props.iter_mut() {
            if total <= budget {
                break;
            }
            if required.contains(name) != required_too {
                continue;
            }
            let before = size(body);
            let smaller = if body.get("properties").is_some() {
                summary(
                    body,
                    Some(&format!("/{}", name.replace('~', "~0").replace('/', "~1"))),
                )
            } else {
                bare_type(body)
            };
            if smaller != *body {
                *body = smaller;
                total = total.saturating_sub(before) + size(body);
                done.members += 1;
            }
        }
        prune_defs(&mut schema);
        total = size(&schema);
    }
    (schema, done)
}

/// The names of the root's required members.
fn required_of(schema: &Value) -> Vec<String> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Every structure that can be summarised: `$defs` entries and the objects nested in them and
/// in the top-level members, as `(required, depth, size, location)`: whether a required
/// top-level member holds it, how deep it sits below the root (a `$defs` entry: where it is
/// first referenced), and its size.
fn structures(schema: &Value, required: &[String]) -> Vec<(bool, usize, usize, Vec<String>)> {
    let mut out = Vec::new();
    let depths = def_depths(schema);
    if let Some(defs) = schema.get("$defs").and_then(Value::as_object) {
        for (name, body) in defs {
            let at = vec!["$defs".to_string(), name.clone()];
            let depth = depths.get(name).copied().unwrap_or(1);
            if body.get("properties").is_some() {
                out.push((false, depth, size(body), at.clone()));
            }
            nested_objects(body, at, false, depth, &mut out);
        }
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, body) in props {
            nested_objects(
                body,
                vec!["properties".into(), name.clone()],
                required.contains(name),
                1,
                &mut out,
            );
        }
    }
    out
}

/// How deep below the root each `$defs` entry is first referenced (breadth first).
fn def_depths(schema: &Value) -> std::collections::HashMap<String, usize> {
    let mut depths = std::collections::HashMap::new();
    let Some(defs) = schema.get("$defs").and_then(Value::as_object) else {
        return depths;
    };
    let mut queue: std::collections::VecDeque<(&Value, usize)> = std::collections::VecDeque::new();
    if let Some(root) = schema.as_object() {
        queue.extend(
            root.iter()
                .filter(|(k, _)| *k != "$defs")
                .map(|(_, v)| (v, 0)),
        );
    }
    while let Some((v, depth)) = queue.pop_front() {
        match v {
            Value::Object(o) => {
                if let Some(Value::String(r)) = o.get("$ref")
                    && let Some(name) = r.strip_prefix("#/$defs/")
                    && !depths.contains_key(name)
                    && let Some(def) = defs.get(name)
                {
                    depths.insert(name.to_string(), depth + 1);
                    queue.push_back((def, depth + 1));
                }
                for (k, child) in o {
                    let d = if matches!(k.as_str(), "properties" | "items" | "additionalProperties")
                    {
                        depth + 1
                    } else {
                        depth
                    };
                    queue.push_back((child, d));
                }
            }
            Value::Array(a) => queue.extend(a.iter().map(|c| (c, depth))),
            _ => {}
        }
    }
    depths
}

/// Removes the `$defs` entries no `$ref` reaches from the schema's root any more.
fn prune_defs(schema: &mut Value) {
    let Some(defs) = schema.get("$defs").and_then(Value::as_object) else {
        return;
    };
    let mut reached: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut stack: Vec<&Value> = Vec::new();
    if let Some(root) = schema.as_object() {
        stack.extend(root.iter().filter(|(k, _)| *k != "$defs").map(|(_, v)| v));
    }
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(o) => {
                if let Some(Value::String(r)) = o.get("$ref")
                    && let Some(name) = r.strip_prefix("#/$defs/")
                    && reached.insert(name.to_string())
                    && let Some(def) = defs.get(name)
                {
                    stack.push(def);
                }
                stack.extend(o.values());
            }
            Value::Array(a) => stack.extend(a.iter()),
            _ => {}
        }
    }
    if let Some(Value::Object(defs)) = schema.get_mut("$defs") {
        defs.retain(|name, _| reached.contains(name));
        if defs.is_empty()
            && let Some(root) = schema.as_object_mut()
        {
            root.remove("$defs");
        }
    }
}

/// Collects the object schemas nested under `v` (not `v` itself when it is a top-level member
/// or a `$defs` entry: those are counted by the caller), `depth` being `v`'s.
fn nested_objects(
    v: &Value,
    at: Vec<String>,
    required: bool,
    depth: usize,
    out: &mut Vec<(bool, usize, usize, Vec<String>)>,
) {
    let Some(o) = v.as_object() else { return };
    if o.get("properties").is_some() && at.len() > 2 {
        out.push((required, depth, size(v), at.clone()));
    }
    if let Some(props) = o.get("properties").and_then(Value::as_object) {
        for (name, body) in props {
            let mut next = at.clone();
            next.push("properties".into());
            next.push(name.clone());
            nested_objects(body, next, required, depth + 1, out);
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(body) = o.get(key).filter(|b| b.is_object()) {
            let mut next = at.clone();
            next.push(key.into());
            nested_objects(body, next, required, depth + 1, out);
        }
    }
}

fn pointer_mut<'a>(v: &'a mut Value, at: &[String]) -> Option<&'a mut Value> {
    let mut node = v;
    for key in at {
        node = node.as_object_mut()?.get_mut(key)?;
    }
    Some(node)
}

/// The input path (for `path`) of a schema location under `properties` / `items` /
/// `additionalProperties`; `None` under `$defs` (shared by several paths).
fn input_path(at: &[String]) -> Option<String> {
    if at.first().map(String::as_str) == Some("$defs") {
        return None;
    }
    let mut path = String::new();
    let mut i = 0;
    while i < at.len() {
        match at[i].as_str() {
            "properties" => {
                path.push('/');
                path.push_str(&at.get(i + 1)?.replace('~', "~0").replace('/', "~1"));
                i += 2;
            }
            other => {
                path.push('/');
                path.push_str(other);
                i += 1;
            }
        }
    }
    Some(path)
}

/// A structure's one-line stand-in: an open object whose description names its members.
fn summary(body: &Value, path: Option<&str>) -> Value {
    let names: Vec<&str> = body
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let required: Vec<&str> = body
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut text = body
        .get("description")
        .and_then(Value::as_str)
        .map(first_sentence)
        .unwrap_or_default();
    if !text.is_empty() && !text.ends_with('.') {
        text.push('.');
    }
    let shown: Vec<&str> = names.iter().take(SUMMARY_MEMBERS).copied().collect();
    let more = names.len().saturating_sub(shown.len());
    text.push_str(&format!(
        "{}An object with members {}{}",
        if text.is_empty() { "" } else { " " },
        shown.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    ));
    if !required.is_empty() {
        text.push_str(&format!(" (required: {})", required.join(", ")));
    }
    match path {
        Some(p) => text.push_str(&format!(
            ". Summarised: aws_get_operation_schema with path \"{p}\" gives its schema."
        )),
        None => text.push_str(". Summarised: aws_get_operation_schema with the path of a member using it, or detail \"full\", gives its schema."),
    }
    json!({"type": "object", "description": text})
}

fn first_sentence(s: &str) -> String {
    let end = s
        .match_indices(". ")
        .next()
        .map_or(s.len(), |(i, _)| i + 1)
        .min(s.len());
    let cut = crate::validate::truncate(&s[..end], 160);
    cut.to_string()
}

/// Whether `o` is a summarised enum, whose description is its value list's stand-in.
fn is_enum_note(o: &Map<String, Value>) -> bool {
    o.contains_key("examples")
        && o.get("description")
            .and_then(Value::as_str)
            .is_some_and(|d| d.starts_with("One of "))
}

/// Cuts (or, with `drop`, removes) the descriptions under `v`, except the root's own, those of
/// required top-level members and summarised enums'; how many changed.
fn trim_descriptions(v: &mut Value, required: &[String], drop: bool, root: bool) -> usize {
    let mut changed = 0;
    match v {
        Value::Object(o) => {
            if !root && !is_enum_note(o) {
                if drop {
                    changed += usize::from(o.remove("description").is_some());
                } else if let Some(Value::String(d)) = o.get("description") {
                    let short = first_sentence(d);
                    if short.len() < d.len() {
                        o.insert("description".into(), short.into());
                        changed += 1;
                    }
                }
            }
            for (k, child) in o.iter_mut() {
                match k.as_str() {
                    "examples" | "enum" | "default" | "const" | "description" => {}
                    "properties" if root => {
                        if let Value::Object(props) = child {
                            for (name, c) in props.iter_mut() {
                                if required.contains(name) {
                                    // Its own description stays; what it holds is trimmed.
                                    if let Value::Object(inner) = c {
                                        for (ik, ic) in inner.iter_mut() {
                                            if ik != "description" {
                                                changed +=
                                                    trim_descriptions(ic, required, drop, false);
                                            }
                                        }
                                    }
                                } else {
                                    changed += trim_descriptions(c, required, drop, false);
                                }
                            }
                        }
                    }
                    _ => changed += trim_descriptions(child, required, drop, false),
                }
            }
        }
        Value::Array(a) => {
            for child in a {
                changed += trim_descriptions(child, required, drop, false);
            }
        }
        _ => {}
    }
    changed
}

/// A member reduced to its type (and a `$ref` kept as is).
fn bare_type(body: &Value) -> Value {
    let Some(o) = body.as_object() else {
        return body.clone();
    };
    let mut out = Map::new();
    for key in ["$ref", "type"] {
        if let Some(v) = o.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    Value::Object(out)
}

/// Step 1, everywhere: large enums become a count and examples.
fn shrink_enums(v: &mut Value, path: &str, done: &mut Compaction) {
    match v {
        Value::Object(o) => {
            let big = o
                .get("enum")
                .and_then(Value::as_array)
                .filter(|e| e.len() > MAX_ENUM)
                .cloned();
            if let Some(values) = big {
                o.remove("enum");
                let examples: Vec<Value> = values.iter().take(ENUM_EXAMPLES).cloned().collect();
                let shown: Vec<String> = examples
                    .iter()
                    .map(|e| e.as_str().map_or_else(|| e.to_string(), str::to_string))
                    .collect();
                let mut text = format!(
                    "One of {} values, for example {}; validate checks the full list{}.",
                    values.len(),
                    shown.join(", "),
                    if path.is_empty() || path.starts_with("/$defs") {
                        " (detail \"full\" lists it)".to_string()
                    } else {
                        format!(" (path \"{path}\" lists it)")
                    }
                );
                if let Some(d) = o.get("description").and_then(Value::as_str) {
                    text.push(' ');
                    text.push_str(d);
                }
                o.insert("description".into(), text.into());
                o.insert("examples".into(), Value::Array(examples));
                done.enums += 1;
            }
            for (k, child) in o.iter_mut() {
                let child_path = match k.as_str() {
                    "examples" | "enum" | "default" | "const" => continue,
                    "properties" | "$defs" => {
                        if let Value::Object(m) = child {
                            for (name, c) in m.iter_mut() {
                                let p = if k == "$defs" {
                                    format!("/$defs/{name}")
                                } else {
                                    format!("{path}/{}", name.replace('~', "~0").replace('/', "~1"))
                                };
                                shrink_enums(c, &p, done);
                            }
                        }
                        continue;
                    }
                    "items" | "additionalProperties" => format!("{path}/{k}"),
                    _ => path.to_string(),
                };
                shrink_enums(child, &child_path, done);
            }
        }
        Value::Array(a) => {
            for child in a {
                shrink_enums(child, path, done);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_schemas_are_untouched() {
        let s =
            json!({"type": "object", "properties": {"A": {"type": "string", "enum": ["x", "y"]}}});
        let (out, done) = compact(s.clone(), 12 * 1024);
        assert_eq!(out, s);
        assert!(done.is_empty());
    }

    #[test]
    fn big_enums_and_nested_structures_are_summarised() {
        let values: Vec<String> = (0..100).map(|i| format!("v{i}")).collect();
        let nested: Map<String, Value> = (0..200)
            .map(|i| {
                (
                    format!("M{i}"),
                    json!({"type": "string", "description": "x".repeat(50)}),
                )
            })
            .collect();
        let s = json!({
            "type": "object",
            "required": ["Kind"],
            "properties": {
                "Kind": {"type": "string", "enum": values},
                "Config": {"type": "object", "properties": {"Inner": {
                    "type": "object", "properties": nested, "additionalProperties": false}}}
            }
        });
        let (out, done) = compact(s, 4096);
        assert!(size(&out) <= 4096, "{}", size(&out));
        assert_eq!(done.enums, 1);
        let kind = &out["properties"]["Kind"];
        assert!(kind.get("enum").is_none() && kind["examples"].as_array().unwrap().len() == 8);
        assert!(
            kind["description"]
                .as_str()
                .unwrap()
                .starts_with("One of 100 values")
        );
        let inner = &out["properties"]["Config"]["properties"]["Inner"];
        let text = inner["description"].as_str().unwrap();
        assert!(
            text.contains("M0, M1") && text.contains("path \"/Config/Inner\""),
            "{text}"
        );
        assert!(inner.get("additionalProperties").is_none());
    }
}
