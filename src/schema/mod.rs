//! JSON Schema (draft 2020-12) of an operation's input, rendered from the compiled shape graph.
//!
//! The schema is compact and says what [`crate::validate`] checks:
//! - structures are closed objects with `required`; unions are objects with exactly one member
//!   (`minProperties`/`maxProperties` 1); lists are arrays (`minItems`/`maxItems` from
//!   `length`, `uniqueItems`); maps are objects with `additionalProperties` and
//!   `propertyNames` for constrained keys; `@sparse` collections allow `null` items;
//! - string enums and intEnums list their values; integers, floats and big numbers carry their
//!   `range` (bigInteger/bigDecimal also accept numeric strings); `length` and `pattern` come from
//!   both the target shape and the member; patterns are shown translated from Java's dialect
//!   (see `codegen::generate::regex`), which `regex` and ECMA-262 read alike for the common
//!   constructs;
//! - blobs are base64 strings (`contentEncoding`); timestamps are `date-time` strings or epoch
//!   seconds (`"type": ["string", "number"]`, as the validator accepts and as the models' own
//!   examples write them; the description says so); documents are any JSON;
//! - documentation is the member's (or the shape's) first sentence or two; defaults,
//!   deprecation, auto-filled idempotency tokens and streaming members are marked;
//! - shapes used once are inlined; structures, unions, collections, enums and patterned
//!   scalars used more than once, and every recursive shape, go to `$defs` under their
//!   JSON-pointer-safe local name (`#` refers back to the root for a self-recursive input);
//! - `examples` holds a skeleton of the required members (checked against the validator) and,
//!   when it validates and is small, the first example from the model.
//!
//! Rendering walks the graph twice (count uses, then render) and takes well under a
//! millisecond; `aws_get_operation_schema` keeps its serialised replies in a bounded cache since
//! agents ask for the same operation repeatedly.

pub mod compact;
pub mod ecma;
mod skeleton;
mod witness;

use std::collections::{HashMap, HashSet};

use catalog_format::format::{
    ArchivedCatalog, ArchivedDefaultValue, ArchivedMember, ArchivedShape, ArchivedShapeKind,
    ArchivedTrait, T_DEPRECATED, T_IDEMPOTENCY_TOKEN, T_SPARSE, T_STREAMING, T_UNIQUE_ITEMS,
};
use serde_json::{Map, Value, json};

pub use skeleton::{skeleton, skeleton_in};

use crate::catalog;
use crate::validate::{
    Constraints, enum_values, int_enum_values, member_required, named_member, validate_input_in,
};

/// The JSON Schema dialect of every rendered schema.
pub const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

/// Model examples larger than this (serialized) are left out of `examples`.
const MAX_MODEL_EXAMPLE: usize = 1500;
/// The input schema of operation `op` (rendered afresh; the schema tool caches its replies).
pub fn operation_input_schema(op: u32) -> Value {
    render_operation_in(catalog::get(), op)
}

/// Why a `path` names no part of an operation's input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{at}` is not part of the input (expected one of: {})", expected.join(", "))]
pub struct PathError {
    /// The path up to and including the segment that does not resolve.
    pub at: String,
    /// What may follow the part that resolved.
    pub expected: Vec<String>,
}

/// The schema of the input part at `pointer`, a JSON pointer over the input: member names,
/// `items` (or an index) for list items, `additionalProperties` (or `*`) for map values.
/// `""` and `"/"` are the whole input.
pub fn sub_schema(op: u32, pointer: &str) -> Result<Value, PathError> {
    let cat = catalog::get();
    let Some(mut idx) = cat
        .operations
        .get(op as usize)
        .and_then(|o| o.input.as_ref())
        .map(|i| i.to_native())
    else {
        return Err(PathError {
            at: pointer.to_string(),
            expected: Vec::new(),
        });
    };
    let mut at = String::new();
    for raw in pointer.split('/').filter(|s| !s.is_empty()) {
        let segment = raw.replace("~1", "/").replace("~0", "~");
        at.push('/');
        at.push_str(raw);
        let shape = &cat.shapes[idx as usize];
        let next = match shape.kind {
            ArchivedShapeKind::Structure | ArchivedShapeKind::Union => shape
                .members
                .iter()
                .find(|m| m.name.as_str() == segment)
                .or_else(|| {
                    shape
                        .members
                        .iter()
                        .find(|m| m.name.as_str().eq_ignore_ascii_case(&segment))
                }),
            ArchivedShapeKind::List if segment == "items" || segment.parse::<u64>().is_ok() => {
                shape.members.first()
            }
            ArchivedShapeKind::Map if matches!(segment.as_str(), "additionalProperties" | "*") => {
                shape.members.iter().find(|m| m.name.as_str() == "value")
            }
            _ => None,
        };
        let Some(m) = next else {
            let expected = match shape.kind {
                ArchivedShapeKind::Structure | ArchivedShapeKind::Union => shape
                    .members
                    .iter()
                    .map(|m| m.name.as_str().to_string())
                    .collect(),
                ArchivedShapeKind::List => vec!["items".to_string()],
                ArchivedShapeKind::Map => vec!["additionalProperties".to_string()],
                _ => Vec::new(),
            };
            return Err(PathError { at, expected });
        };
        idx = m.target.to_native();
    }
    let mut out = Map::new();
    out.insert("$schema".into(), DRAFT_2020_12.into());
    out.append(&mut Renderer::new(cat, idx).render_root());
    Ok(Value::Object(out))
}

/// Renders the schema of operation `op` of `cat` (no cache; tests use small hand-built
/// catalogs).
pub fn render_operation_in(cat: &'static ArchivedCatalog, op: u32) -> Value {
    let Some(operation) = cat.operations.get(op as usize) else {
        return json!({});
    };
    let mut root = match operation.input.as_ref() {
        Some(input) => Renderer::new(cat, input.to_native()).render_root(),
        None => {
            let mut m = Map::new();
            m.insert("type".into(), "object".into());
            m.insert("properties".into(), json!({}));
            m.insert("additionalProperties".into(), false.into());
            m
        }
    };
    let mut examples = Vec::new();
    if let Some(s) = skeleton_in(cat, op) {
        if validate_input_in(cat, op, &s).is_empty() {
            examples.push(s);
        } else {
            tracing::debug!(
                operation = operation.name.as_str(),
                "skeleton example does not validate; left out"
            );
        }
    }
    if let Some(text) = operation.examples.first().map(|e| e.as_str())
        && text.len() <= MAX_MODEL_EXAMPLE
        && let Ok(v) = serde_json::from_str::<Value>(text)
        && v.is_object()
        && !examples.contains(&v)
        && validate_input_in(cat, op, &v).is_empty()
    {
        examples.push(v);
    }
    let mut out = Map::new();
    out.insert("$schema".into(), DRAFT_2020_12.into());
    out.append(&mut root);
    if !examples.is_empty() {
        out.insert("examples".into(), Value::Array(examples));
    }
    Value::Object(out)
}

struct Renderer {
    cat: &'static ArchivedCatalog,
    root: u32,
    /// References (member edges) to each shape reachable from the root.
    uses: HashMap<u32, u32>,
    /// Shapes rendered into `$defs`, with their names.
    def_names: HashMap<u32, String>,
    taken: HashSet<String>,
    defs: Map<String, Value>,
}

impl Renderer {
    fn new(cat: &'static ArchivedCatalog, root: u32) -> Self {
        let mut r = Renderer {
            cat,
            root,
            uses: HashMap::new(),
            def_names: HashMap::new(),
            taken: HashSet::new(),
            defs: Map::new(),
        };
        r.count_uses();
        r
    }

    fn shape(&self, idx: u32) -> &'static ArchivedShape {
        &self.cat.shapes[idx as usize]
    }

    /// Counts member references to every shape reachable from the root.
    fn count_uses(&mut self) {
        let mut seen = HashSet::new();
        let mut stack = vec![self.root];
        seen.insert(self.root);
        while let Some(idx) = stack.pop() {
            let shape = self.shape(idx);
            if matches!(
                shape.kind,
                ArchivedShapeKind::Enum | ArchivedShapeKind::IntEnum
            ) {
                continue; // enum "members" are values, not references
            }
            for m in shape.members.iter() {
                let t = m.target.to_native();
                *self.uses.entry(t).or_default() += 1;
                if seen.insert(t) {
                    stack.push(t);
                }
            }
        }
    }

    fn render_root(mut self) -> Map<String, Value> {
        let mut root = self.render_shape(self.root, true);
        if !self.defs.is_empty() {
            root.insert(
                "$defs".into(),
                Value::Object(std::mem::take(&mut self.defs)),
            );
        }
        root
    }

    /// Whether a shape used `uses` times is rendered once into `$defs`.
    fn wants_def(shape: &ArchivedShape, uses: u32) -> bool {
        if uses < 2 {
            return false;
        }
        match shape.kind {
            ArchivedShapeKind::Structure
            | ArchivedShapeKind::Union
            | ArchivedShapeKind::List
            | ArchivedShapeKind::Map
            | ArchivedShapeKind::Enum
            | ArchivedShapeKind::IntEnum => true,
            _ => shape
                .traits
                .iter()
                .any(|t| matches!(t, ArchivedTrait::Pattern(_))),
        }
    }

    /// The schema of a reference to `idx`: a `$ref`, or the shape inline.
    fn reference(&mut self, idx: u32) -> Map<String, Value> {
        let mut m = Map::new();
        if idx == self.root {
            m.insert("$ref".into(), "#".into());
            return m;
        }
        let shape = self.shape(idx);
        let uses = self.uses.get(&idx).copied().unwrap_or(0);
        if !Self::wants_def(shape, uses) {
            return self.render_shape(idx, false);
        }
        let name = match self.def_names.get(&idx) {
            Some(n) => n.clone(),
            None => {
                let name = self.def_name(shape);
                self.def_names.insert(idx, name.clone());
                // Reserve the slot first: recursive references find the name above.
                self.defs.insert(name.clone(), Value::Null);
                let body = self.render_shape(idx, false);
                self.defs.insert(name.clone(), Value::Object(body));
                name
            }
        };
        m.insert("$ref".into(), format!("#/$defs/{name}").into());
        m
    }

    /// A `$defs` key: the local shape name with anything but `[A-Za-z0-9_.-]` replaced, made
    /// unique. Such names need no JSON-pointer or URI escaping.
    fn def_name(&mut self, shape: &ArchivedShape) -> String {
        let local = crate::validate::shape_name(shape);
        let base: String = local
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let base = if base.is_empty() {
            "Shape".to_string()
        } else {
            base
        };
        let mut name = base.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }

    /// The schema of a shape itself (its own traits; member traits are added by the caller).
    fn render_shape(&mut self, idx: u32, top: bool) -> Map<String, Value> {
        let shape = self.shape(idx);
        let mut s = Map::new();
        let c = Constraints::of(self.cat, shape, None);
        match shape.kind {
            ArchivedShapeKind::Structure => {
                s.insert("type".into(), "object".into());
                let mut props = Map::new();
                let mut required = Vec::new();
                for m in shape.members.iter() {
                    props.insert(m.name.to_string(), Value::Object(self.member(m, top, true)));
                    if member_required(m, top) {
                        required.push(Value::from(m.name.as_str()));
                    }
                }
                s.insert("properties".into(), Value::Object(props));
                if !required.is_empty() {
                    s.insert("required".into(), Value::Array(required));
                }
                s.insert("additionalProperties".into(), false.into());
            }
            ArchivedShapeKind::Union => {
                s.insert("type".into(), "object".into());
                let mut props = Map::new();
                for m in shape.members.iter() {
                    props.insert(
                        m.name.to_string(),
                        Value::Object(self.member(m, false, true)),
                    );
                }
                s.insert("properties".into(), Value::Object(props));
                s.insert("additionalProperties".into(), false.into());
                s.insert("minProperties".into(), 1.into());
                s.insert("maxProperties".into(), 1.into());
            }
            ArchivedShapeKind::List => {
                s.insert("type".into(), "array".into());
                if let Some(item) = named_member(shape, "member") {
                    let mut items = self.member(item, false, false);
                    if shape.has(T_SPARSE) {
                        items = nullable(items);
                    }
                    s.insert("items".into(), Value::Object(items));
                }
                count_bounds(&mut s, &c, "minItems", "maxItems");
                if shape.has(T_UNIQUE_ITEMS) {
                    s.insert("uniqueItems".into(), true.into());
                }
            }
            ArchivedShapeKind::Map => {
                s.insert("type".into(), "object".into());
                if let Some(key) = named_member(shape, "key") {
                    let names = self.property_names(key);
                    if !names.is_empty() {
                        s.insert("propertyNames".into(), Value::Object(names));
                    }
                }
                if let Some(value) = named_member(shape, "value") {
                    let mut v = self.member(value, false, false);
                    if shape.has(T_SPARSE) {
                        v = nullable(v);
                    }
                    s.insert("additionalProperties".into(), Value::Object(v));
                }
                count_bounds(&mut s, &c, "minProperties", "maxProperties");
            }
            ArchivedShapeKind::String => {
                s.insert("type".into(), "string".into());
                length_bounds(&mut s, &c);
                add_patterns(self.cat, &mut s, &c);
            }
            ArchivedShapeKind::Enum => {
                s.insert("type".into(), "string".into());
                let values: Vec<Value> = enum_values(shape).map(Value::from).collect();
                s.insert("enum".into(), Value::Array(values));
            }
            ArchivedShapeKind::IntEnum => {
                s.insert("type".into(), "integer".into());
                let values: Vec<Value> = int_enum_values(shape).map(Value::from).collect();
                s.insert("enum".into(), Value::Array(values));
            }
            ArchivedShapeKind::Byte
            | ArchivedShapeKind::Short
            | ArchivedShapeKind::Integer
            | ArchivedShapeKind::Long => {
                s.insert("type".into(), "integer".into());
                match shape.kind {
                    ArchivedShapeKind::Byte => {
                        s.insert("minimum".into(), i8::MIN.into());
                        s.insert("maximum".into(), i8::MAX.into());
                    }
                    ArchivedShapeKind::Short => {
                        s.insert("minimum".into(), i16::MIN.into());
                        s.insert("maximum".into(), i16::MAX.into());
                    }
                    _ => {}
                }
                range_bounds(&mut s, &c);
            }
            ArchivedShapeKind::Float | ArchivedShapeKind::Double => {
                s.insert("type".into(), "number".into());
                range_bounds(&mut s, &c);
            }
            ArchivedShapeKind::BigInteger => {
                s.insert("type".into(), json!(["integer", "string"]));
                s.insert("pattern".into(), "^[+-]?[0-9]+$".into());
                range_bounds(&mut s, &c);
            }
            ArchivedShapeKind::BigDecimal => {
                s.insert("type".into(), json!(["number", "string"]));
                s.insert(
                    "pattern".into(),
                    r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$".into(),
                );
                range_bounds(&mut s, &c);
            }
            ArchivedShapeKind::Boolean => {
                s.insert("type".into(), "boolean".into());
            }
            ArchivedShapeKind::Timestamp => {
                // RFC 3339 text, or epoch seconds (the models' own examples use both);
                // `format` applies to the strings.
                s.insert("type".into(), json!(["string", "number"]));
                s.insert("format".into(), "date-time".into());
            }
            ArchivedShapeKind::Blob => {
                s.insert("type".into(), "string".into());
                s.insert("contentEncoding".into(), "base64".into());
            }
            ArchivedShapeKind::Document => {}
        }
        if let Some(doc) = shape.find_trait(doc_of) {
            s.insert("description".into(), doc.into());
        }
        if let Some(v) = shape.find_trait(default_of) {
            s.insert("default".into(), v);
        }
        if shape.has(T_DEPRECATED) {
            s.insert("deprecated".into(), true.into());
        }
        s
    }

    /// `propertyNames` of a map: the key shape's constraints, when it has any.
    fn property_names(&mut self, key: &'static ArchivedMember) -> Map<String, Value> {
        let target = self.shape(key.target.to_native());
        let c = Constraints::of(self.cat, target, Some(key));
        let mut s = Map::new();
        if target.kind == ArchivedShapeKind::Enum {
            let values: Vec<Value> = enum_values(target).map(Value::from).collect();
            s.insert("enum".into(), Value::Array(values));
        }
        length_bounds(&mut s, &c);
        add_patterns(self.cat, &mut s, &c);
        s
    }

    /// The schema of a member: its target (inline or `$ref`) plus the member's own traits.
    /// `inherit_doc`: an inline target's own documentation stands in when the member has none
    /// (not for list items and map values, where the collection's member already says it).
    fn member(
        &mut self,
        m: &'static ArchivedMember,
        top: bool,
        inherit_doc: bool,
    ) -> Map<String, Value> {
        let idx = m.target.to_native();
        let target = self.shape(idx);
        // A member's own length, range or pattern replaces its target's (Smithy's member-trait
        // rule): the target is then rendered inline, since a `$ref`'s constraints cannot be
        // relaxed, and the target's keys of that kind give way to the member's.
        let own = Constraints::of_member(self.cat, m);
        let has = |kind: fn(&ArchivedTrait) -> bool| m.traits.iter().any(kind);
        let own_length = has(|t| matches!(t, ArchivedTrait::Length(_)));
        let own_range = has(|t| matches!(t, ArchivedTrait::Range(_)));
        let own_pattern = has(|t| matches!(t, ArchivedTrait::Pattern(_)));
        let mut s = if own_length || own_range || own_pattern {
            self.render_shape(idx, false)
        } else {
            self.reference(idx)
        };
        let (min_key, max_key) = match target.kind {
            ArchivedShapeKind::List => ("minItems", "maxItems"),
            ArchivedShapeKind::Map => ("minProperties", "maxProperties"),
            _ => ("minLength", "maxLength"),
        };
        if own_length && target.kind != ArchivedShapeKind::Blob {
            s.remove(min_key);
            s.remove(max_key);
            count_bounds(&mut s, &own, min_key, max_key);
        }
        if own_range {
            s.remove("minimum");
            s.remove("maximum");
            range_bounds(&mut s, &own);
        }
        if own_pattern {
            s.remove("pattern");
            s.remove("allOf");
            add_patterns(self.cat, &mut s, &own);
        }
        if m.has(T_UNIQUE_ITEMS) && target.kind == ArchivedShapeKind::List {
            s.insert("uniqueItems".into(), true.into());
        }
        let mut notes: Vec<String> = Vec::new();
        let target_doc = s.remove("description");
        if let Some(doc) = m.find_trait(doc_of) {
            notes.push(doc);
        } else if let Some(Value::String(doc)) = target_doc
            && inherit_doc
        {
            notes.push(doc);
        }
        match target.kind {
            ArchivedShapeKind::Blob => {
                let c = Constraints::of(self.cat, target, Some(m));
                let size = match (c.length_min, c.length_max) {
                    (Some(a), Some(b)) => format!(", {a} to {b} bytes"),
                    (Some(a), None) => format!(", at least {a} bytes"),
                    (None, Some(b)) => format!(", at most {b} bytes"),
                    (None, None) => String::new(),
                };
                if target.has(T_STREAMING) {
                    notes.push(format!(
                        "Streaming binary payload: give the whole content as base64 text{size}."
                    ));
                } else {
                    notes.push(format!("Binary data as base64 text{size}."));
                }
            }
            ArchivedShapeKind::Timestamp => notes.push(
                "Date-time as RFC 3339 text (e.g. 2024-01-31T13:45:00Z); epoch seconds as a \
                 number are accepted too."
                    .to_string(),
            ),
            ArchivedShapeKind::Document => notes.push("Any JSON value (a document).".to_string()),
            ArchivedShapeKind::Union if target.has(T_STREAMING) => {
                notes.push("Event stream: a stream of these events (one member each).".to_string())
            }
            _ => {}
        }
        if top && m.has(T_IDEMPOTENCY_TOKEN) {
            notes.push("Idempotency token: filled in automatically when omitted.".to_string());
        }
        if !notes.is_empty() {
            s.insert("description".into(), join_sentences(notes).into());
        }
        if let Some(v) = m.find_trait(default_of) {
            s.insert("default".into(), v);
        }
        if m.has(T_DEPRECATED) {
            s.insert("deprecated".into(), true.into());
        }
        s
    }
}

/// Joins notes into one text, ending each with a full stop when it has no final punctuation.
fn join_sentences(notes: Vec<String>) -> String {
    let mut out = String::new();
    for note in notes {
        if !out.is_empty() {
            if !out.ends_with(['.', '!', '?', ':', ')']) {
                out.push('.');
            }
            out.push(' ');
        }
        out.push_str(note.trim_end());
    }
    out
}

/// Wraps a schema so that `null` is also accepted.
fn nullable(s: Map<String, Value>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(
        "anyOf".into(),
        Value::Array(vec![Value::Object(s), json!({"type": "null"})]),
    );
    m
}

fn length_bounds(s: &mut Map<String, Value>, c: &Constraints) {
    tighten(s, "minLength", c.length_min, true);
    tighten(s, "maxLength", c.length_max, false);
}

fn count_bounds(s: &mut Map<String, Value>, c: &Constraints, min_key: &str, max_key: &str) {
    tighten(s, min_key, c.length_min, true);
    tighten(s, max_key, c.length_max, false);
}

/// Sets `key` to `value`, keeping the tighter bound when one is already there.
fn tighten(s: &mut Map<String, Value>, key: &str, value: Option<u64>, is_min: bool) {
    let Some(v) = value else { return };
    let v = match s.get(key).and_then(Value::as_u64) {
        Some(old) if is_min => old.max(v),
        Some(old) => old.min(v),
        None => v,
    };
    s.insert(key.into(), v.into());
}

fn range_bounds(s: &mut Map<String, Value>, c: &Constraints) {
    for (key, bound, is_min) in [
        ("minimum", c.range_min, true),
        ("maximum", c.range_max, false),
    ] {
        let Some(text) = bound else { continue };
        let Ok(n) = serde_json::from_str::<serde_json::Number>(text) else {
            continue;
        };
        let new = n.as_f64().unwrap_or(0.0);
        let keep_old = s
            .get(key)
            .and_then(Value::as_f64)
            .is_some_and(|old| if is_min { old >= new } else { old <= new });
        if !keep_old {
            s.insert(key.into(), Value::Number(n));
        }
    }
}

/// Adds `pattern` (and `allOf` patterns for a second one), in ECMA-262 syntax ([`ecma`]).
/// Patterns without a translation are left out.
fn add_patterns(cat: &ArchivedCatalog, s: &mut Map<String, Value>, c: &Constraints) {
    for idx in c.patterns.iter().flatten() {
        let translated = cat
            .patterns
            .get(*idx as usize)
            .map(|p| p.translated.as_str())
            .unwrap_or("");
        if translated.is_empty() {
            continue;
        }
        // JSON Schema patterns are ECMA-262: a pattern without an ECMA-262 form is left out
        // (validate still checks it).
        let Some(ecma) = ecma::to_ecma(translated) else {
            continue;
        };
        let translated = ecma.as_str();
        match s.get("pattern") {
            None => {
                s.insert("pattern".into(), translated.into());
            }
            Some(existing) if existing.as_str() == Some(translated) => {}
            Some(_) => {
                let extra = json!({ "pattern": translated });
                match s.get_mut("allOf").and_then(Value::as_array_mut) {
                    Some(all) => all.push(extra),
                    None => {
                        s.insert("allOf".into(), Value::Array(vec![extra]));
                    }
                }
            }
        }
    }
}

/// Documentation without the "For more information, see ..." sentences, whose links the
/// plain text no longer has.
fn doc_of(t: &'static ArchivedTrait) -> Option<String> {
    match t {
        ArchivedTrait::Documentation(d) if !d.is_empty() => {
            let text = compact_doc(d.as_str());
            (!text.is_empty()).then_some(text)
        }
        _ => None,
    }
}

fn compact_doc(doc: &str) -> String {
    const DROP: &[&str] = &[
        "For more information",
        "For more details",
        "For information",
        "For details",
        "For an example",
        "For examples",
        "To learn more",
    ];
    let mut out = String::with_capacity(doc.len());
    let mut rest = doc.trim();
    while !rest.is_empty() {
        // A sentence ends at ". " followed by an upper-case letter, or at the end.
        let end = rest
            .match_indices(". ")
            .find(|(i, _)| rest[i + 2..].starts_with(|c: char| c.is_uppercase()))
            .map_or(rest.len(), |(i, _)| i + 1);
        let sentence = &rest[..end];
        if !DROP.iter().any(|d| sentence.starts_with(d)) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(sentence);
        }
        rest = rest[end..].trim_start();
    }
    out
}

fn default_of(t: &'static ArchivedTrait) -> Option<Value> {
    match t {
        ArchivedTrait::Default(d) => default_json(d),
        _ => None,
    }
}

/// A model default as JSON (`null` for a removed default); `None` only for a number the
/// catalog cannot hold, which codegen never writes.
pub(crate) fn default_json(d: &ArchivedDefaultValue) -> Option<Value> {
    Some(match d {
        ArchivedDefaultValue::None => Value::Null,
        ArchivedDefaultValue::Bool(b) => Value::Bool(*b),
        ArchivedDefaultValue::Number(n) => number(n.as_str())?,
        ArchivedDefaultValue::String(s) => Value::String(s.to_string()),
        ArchivedDefaultValue::EmptyList => Value::Array(Vec::new()),
        ArchivedDefaultValue::EmptyMap => Value::Object(Map::new()),
    })
}

/// A JSON number from the model's text: an integer when it is one, else a float.
fn number(text: &str) -> Option<Value> {
    if let Ok(i) = text.parse::<i64>() {
        return Some(Value::from(i));
    }
    if let Ok(u) = text.parse::<u64>() {
        return Some(Value::from(u));
    }
    text.parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map(Value::Number)
}

#[cfg(test)]
mod tests {
    use super::compact_doc;

    #[test]
    fn typed_defaults_become_json() {
        use super::default_json;
        use catalog_format::format::DefaultValue;
        use serde_json::json;
        let archived = |d: DefaultValue| {
            let bytes = rkyv::to_bytes::<rkyv::rancor::Error>(&d).unwrap();
            let a =
                rkyv::access::<catalog_format::format::ArchivedDefaultValue, rkyv::rancor::Error>(
                    &bytes,
                )
                .unwrap();
            default_json(a)
        };
        assert_eq!(archived(DefaultValue::None), Some(json!(null)));
        assert_eq!(archived(DefaultValue::Bool(true)), Some(json!(true)));
        assert_eq!(
            archived(DefaultValue::Number("100".into())),
            Some(json!(100))
        );
        assert_eq!(archived(DefaultValue::Number("-1".into())), Some(json!(-1)));
        assert_eq!(
            archived(DefaultValue::Number("1.5".into())),
            Some(json!(1.5))
        );
        assert_eq!(archived(DefaultValue::String("x".into())), Some(json!("x")));
        assert_eq!(archived(DefaultValue::EmptyList), Some(json!([])));
        assert_eq!(archived(DefaultValue::EmptyMap), Some(json!({})));
    }

    #[test]
    fn docs_drop_dangling_see_also_sentences() {
        assert_eq!(
            compact_doc(
                "The block device mapping. For more information, see Block device mappings in \
                 the Amazon EC2 User Guide. Max 10 entries (e.g. sda1)."
            ),
            "The block device mapping. Max 10 entries (e.g. sda1)."
        );
        assert_eq!(compact_doc("For more information, see X."), "");
        assert_eq!(compact_doc("Version 1.2. Next."), "Version 1.2. Next.");
    }
}
