//! Payload validation against the compiled shape graph.
//!
//! [`validate_input`] walks an operation's input shapes alongside the caller's JSON and collects
//! every problem at once, each with a JSON-pointer path, what was expected, what was given and
//! a hint on how to fix it. It checks what the JSON Schema of `aws_get_operation_schema`
//! (`crate::schema`) describes, from the same traits, but directly on the shape graph: no JSON
//! Schema validator is built.
//!
//! Decisions (the Python reference left these open or got them wrong, see
//! REFERENCE-BEHAVIOUR.md §1.7 and §11.1):
//! - Types are strict: `"5"` is not an integer and `"true"` not a boolean (the hint says how to
//!   write it). Only bigInteger/bigDecimal also take numeric strings, and float/double the
//!   strings `NaN`, `Infinity`, `-Infinity` as the AWS JSON protocols do.
//! - Timestamps take an RFC 3339 date-time string or epoch seconds (a number); blobs take
//!   standard base64 (checked to decode; `length` counts decoded bytes).
//! - `null` counts as a value of the wrong type, except as an item of a `@sparse` list or map;
//!   members are omitted, not nulled.
//! - Top-level idempotency tokens are not required: `invoke` fills them in (§1.4.6), and the
//!   schema says so.
//! - Patterns (Java syntax, translated at build time) that cannot be translated or compiled
//!   are skipped, never an error.
//! - Payload nesting is followed to [`MAX_DEPTH`] levels; issues are capped at [`MAX_ISSUES`].

pub mod patterns;

use base64::Engine as _;
use catalog_format::format::{
    ArchivedCatalog, ArchivedMember, ArchivedShape, ArchivedShapeKind, ArchivedTrait, T_HOST_LABEL,
    T_IDEMPOTENCY_TOKEN, T_REQUIRED, T_SENSITIVE, T_SPARSE, T_UNIQUE_ITEMS,
};
use serde_json::{Map, Value, json};

use crate::catalog;

/// Payload nesting followed before giving up on a branch (DynamoDB `AttributeValue` documents
/// nest; nothing legitimate comes near this).
pub const MAX_DEPTH: usize = 64;
/// Issues reported at most; the rest are counted.
pub const MAX_ISSUES: usize = 100;

/// What kind of problem an issue is (the `type` of an issue).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueKind {
    MissingRequired,
    InvalidType,
    EnumViolation,
    PatternMismatch,
    MinLengthViolation,
    MaxLengthViolation,
    MinimumViolation,
    MaximumViolation,
    MinItemsViolation,
    MaxItemsViolation,
    MinPropertiesViolation,
    MaxPropertiesViolation,
    AdditionalProperty,
    UnionViolation,
    DuplicateItems,
    /// A string of the right type in the wrong format (timestamp, base64, number text).
    FormatError,
    /// Nested deeper than [`MAX_DEPTH`].
    DepthExceeded,
}

impl IssueKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IssueKind::MissingRequired => "missing_required",
            IssueKind::InvalidType => "invalid_type",
            IssueKind::EnumViolation => "enum_violation",
            IssueKind::PatternMismatch => "pattern_mismatch",
            IssueKind::MinLengthViolation => "min_length_violation",
            IssueKind::MaxLengthViolation => "max_length_violation",
            IssueKind::MinimumViolation => "minimum_violation",
            IssueKind::MaximumViolation => "maximum_violation",
            IssueKind::MinItemsViolation => "min_items_violation",
            IssueKind::MaxItemsViolation => "max_items_violation",
            IssueKind::MinPropertiesViolation => "min_properties_violation",
            IssueKind::MaxPropertiesViolation => "max_properties_violation",
            IssueKind::AdditionalProperty => "additional_property",
            IssueKind::UnionViolation => "union_violation",
            IssueKind::DuplicateItems => "duplicate_items",
            IssueKind::FormatError => "format_error",
            IssueKind::DepthExceeded => "depth_exceeded",
        }
    }
}

/// One problem in a payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationIssue {
    /// JSON pointer to the value (or to where a missing member belongs), e.g. `/Item/a/S`;
    /// `""` is the payload itself.
    pub path: String,
    pub kind: IssueKind,
    /// What the schema wants here.
    pub expected: String,
    /// What was given (values of sensitive members are not echoed).
    pub got: String,
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

impl ValidationIssue {
    /// `{path, type, expected, got, message, hint}`.
    pub fn to_json(&self) -> Value {
        json!({
            "path": self.path,
            "type": self.kind.as_str(),
            "expected": self.expected,
            "got": self.got,
            "message": self.message,
            "hint": self.hint,
        })
    }
}

/// Validates `payload` against the input of operation `op`; empty when it is valid.
pub fn validate_input(op: u32, payload: &Value) -> Vec<ValidationIssue> {
    validate_input_in(catalog::get(), op, payload)
}

/// [`validate_input`] over a given catalog (tests use small hand-built ones).
pub fn validate_input_in(
    cat: &'static ArchivedCatalog,
    op: u32,
    payload: &Value,
) -> Vec<ValidationIssue> {
    let mut w = Walker::new(cat);
    let Some(operation) = cat.operations.get(op as usize) else {
        return Vec::new();
    };
    match operation.input.as_ref() {
        Some(input) => w.check(input.to_native(), None, payload, 0),
        None => match payload {
            Value::Object(map) => {
                for key in map.keys() {
                    w.path_push(key);
                    w.issue(
                        IssueKind::AdditionalProperty,
                        "no members: this operation takes no input",
                        format!("member `{key}`"),
                        format!("Unknown member `{key}`: this operation takes no parameters"),
                        "Send an empty payload {}.".to_string(),
                    );
                    w.path_pop();
                }
            }
            other => {
                w.issue(
                    IssueKind::InvalidType,
                    "object",
                    describe(other, false),
                    format!(
                        "The payload must be a JSON object, got {}",
                        type_name(other)
                    ),
                    "Send an empty payload {}.".to_string(),
                );
            }
        },
    }
    if w.dropped > 0 {
        w.issues.push(ValidationIssue {
            path: String::new(),
            kind: IssueKind::FormatError,
            expected: String::new(),
            got: String::new(),
            message: format!("{} more issue(s) not listed", w.dropped),
            hint: "Fix the issues listed, then validate again to see the rest.".to_string(),
        });
    }
    w.issues
}

/// Whether a member must be given by the caller. Top-level idempotency tokens are filled in by
/// `invoke` and so are optional.
pub fn member_required(member: &ArchivedMember, top_level: bool) -> bool {
    member.has(T_REQUIRED) && !(top_level && member.has(T_IDEMPOTENCY_TOKEN))
}

/// The constraints of a value: its target shape's traits, each replaced by the member's trait of
/// the same kind when the member has one (Smithy's member-trait rule; botocore validates the
/// same way): a member `@length(min: 1)` on a target `@length(min: 2, max: 10)` allows 1 and
/// more.
#[derive(Debug, Default, Clone, Copy)]
pub struct Constraints {
    pub length_min: Option<u64>,
    pub length_max: Option<u64>,
    /// Range bounds as the model's decimal text.
    pub range_min: Option<&'static str>,
    pub range_max: Option<&'static str>,
    /// Pattern indices (the shape's, then the member's, when different).
    pub patterns: [Option<u32>; 2],
}

impl Constraints {
    /// The constraints of a value of `shape` held by `member` (if any).
    pub fn of(
        cat: &'static ArchivedCatalog,
        shape: &'static ArchivedShape,
        member: Option<&'static ArchivedMember>,
    ) -> Self {
        let mut c = Constraints::default();
        c.add(cat, &shape.traits);
        if let Some(m) = member {
            let own = Constraints::of_member(cat, m);
            let has = |kind: fn(&ArchivedTrait) -> bool| m.traits.iter().any(kind);
            if has(|t| matches!(t, ArchivedTrait::Length(_))) {
                c.length_min = own.length_min;
                c.length_max = own.length_max;
            }
            if has(|t| matches!(t, ArchivedTrait::Range(_))) {
                c.range_min = own.range_min;
                c.range_max = own.range_max;
            }
            if has(|t| matches!(t, ArchivedTrait::Pattern(_))) {
                c.patterns = own.patterns;
            }
        }
        c
    }

    /// The member's own constraints only (those of its target not included).
    pub fn of_member(cat: &'static ArchivedCatalog, member: &'static ArchivedMember) -> Self {
        let mut c = Constraints::default();
        c.add(cat, &member.traits);
        c
    }

    fn add(&mut self, cat: &'static ArchivedCatalog, traits: &'static [ArchivedTrait]) {
        for t in traits {
            match t {
                ArchivedTrait::Length(i) => {
                    if let Some(b) = cat.lengths.get(i.to_native() as usize) {
                        if let Some(min) = b.min.as_ref().map(|v| v.to_native()) {
                            self.length_min = Some(self.length_min.map_or(min, |m| m.max(min)));
                        }
                        if let Some(max) = b.max.as_ref().map(|v| v.to_native()) {
                            self.length_max = Some(self.length_max.map_or(max, |m| m.min(max)));
                        }
                    }
                }
                ArchivedTrait::Range(i) => {
                    if let Some(b) = cat.ranges.get(i.to_native() as usize) {
                        if let Some(min) = b.min.as_ref().map(|s| s.as_str()) {
                            self.range_min = Some(tighter(self.range_min, min, true));
                        }
                        if let Some(max) = b.max.as_ref().map(|s| s.as_str()) {
                            self.range_max = Some(tighter(self.range_max, max, false));
                        }
                    }
                }
                ArchivedTrait::Pattern(i) => {
                    let i = i.to_native();
                    if self.patterns[0].is_none() {
                        self.patterns[0] = Some(i);
                    } else if self.patterns[0] != Some(i) {
                        self.patterns[1] = Some(i);
                    }
                }
                _ => {}
            }
        }
    }
}

/// The tighter of two decimal bounds (the larger minimum or the smaller maximum).
fn tighter(current: Option<&'static str>, new: &'static str, is_min: bool) -> &'static str {
    let Some(cur) = current else { return new };
    match (cur.parse::<f64>(), new.parse::<f64>()) {
        (Ok(a), Ok(b)) if (is_min && b > a) || (!is_min && b < a) => new,
        _ => cur,
    }
}

/// The values of a string enum, in model order.
pub fn enum_values(shape: &'static ArchivedShape) -> impl Iterator<Item = &'static str> {
    shape.members.iter().filter_map(|m| {
        m.find_trait(|t| match t {
            ArchivedTrait::EnumValue(v) => Some(v.as_str()),
            _ => None,
        })
    })
}

/// The values of an intEnum, in model order.
pub fn int_enum_values(shape: &'static ArchivedShape) -> impl Iterator<Item = i64> {
    shape.members.iter().filter_map(|m| {
        m.find_trait(|t| match t {
            ArchivedTrait::IntEnumValue(v) => Some(i64::from(v.to_native())),
            _ => None,
        })
    })
}

/// The inclusive range of an integer kind.
pub fn integer_bounds(kind: ArchivedShapeKind) -> Option<(i128, i128)> {
    match kind {
        ArchivedShapeKind::Byte => Some((i128::from(i8::MIN), i128::from(i8::MAX))),
        ArchivedShapeKind::Short => Some((i128::from(i16::MIN), i128::from(i16::MAX))),
        ArchivedShapeKind::Integer | ArchivedShapeKind::IntEnum => {
            Some((i128::from(i32::MIN), i128::from(i32::MAX)))
        }
        ArchivedShapeKind::Long => Some((i128::from(i64::MIN), i128::from(i64::MAX))),
        _ => None,
    }
}

/// A member of a list (`member`) or map (`key`, `value`) shape.
pub fn named_member(shape: &'static ArchivedShape, name: &str) -> Option<&'static ArchivedMember> {
    shape.members.iter().find(|m| m.name.as_str() == name)
}

/// Seconds and nanoseconds since the Unix epoch of a timestamp, in any form
/// [`crate::timestamp::parse`] reads (the forms botocore and the AWS CLI accept). The error
/// says what is wrong.
pub fn parse_timestamp(value: &Value) -> Result<(i64, u32), String> {
    crate::timestamp::parse(value).map(|dt| (dt.secs(), dt.subsec_nanos()))
}

/// The JSON type name of a value, as the schema calls it.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A short rendering of a given value for `got` (sensitive values are not shown).
pub fn describe(v: &Value, sensitive: bool) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) if !sensitive => format!("boolean {b}"),
        Value::Number(n) if !sensitive => format!("{} {n}", type_name(v)),
        Value::String(s) if sensitive => {
            format!("string (sensitive, {} characters)", s.chars().count())
        }
        Value::String(s) => format!("string {}", Value::String(truncate(s, 60))),
        Value::Array(a) => format!("array of {} item(s)", a.len()),
        Value::Object(o) => format!("object with {} member(s)", o.len()),
        _ => format!("{} (sensitive)", type_name(v)),
    }
}

/// At most `n` characters of `s`, with `…` when cut.
pub fn truncate(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_string(),
    }
}

/// The closest of `candidates` to a misspelt `name`: same letters ignoring case and `-`/`_`,
/// else the smallest edit distance within a third of the name's length.
pub fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .flat_map(char::to_lowercase)
            .collect()
    };
    let key = squash(name);
    let budget = (key.chars().count() / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        let d = catalog::levenshtein(&key, &squash(c));
        if d <= budget && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
            if d == 0 {
                break;
            }
        }
    }
    best.map(|(_, c)| c)
}

/// What a shape expects, in words (`string`, `integer (32-bit)`, `object (Tag)`, ...).
pub fn expected_label(shape: &ArchivedShape) -> String {
    let name = shape_name(shape);
    match shape.kind {
        ArchivedShapeKind::Blob => "base64 string".to_string(),
        ArchivedShapeKind::Boolean => "boolean".to_string(),
        ArchivedShapeKind::String => "string".to_string(),
        ArchivedShapeKind::Byte => "integer (8-bit)".to_string(),
        ArchivedShapeKind::Short => "integer (16-bit)".to_string(),
        ArchivedShapeKind::Integer => "integer (32-bit)".to_string(),
        ArchivedShapeKind::Long => "integer (64-bit)".to_string(),
        ArchivedShapeKind::Float | ArchivedShapeKind::Double => "number".to_string(),
        ArchivedShapeKind::BigInteger => "integer (number or digit string)".to_string(),
        ArchivedShapeKind::BigDecimal => "decimal (number or numeric string)".to_string(),
        ArchivedShapeKind::Timestamp => {
            "timestamp (RFC 3339 date-time string or epoch seconds)".to_string()
        }
        ArchivedShapeKind::Document => "any JSON value".to_string(),
        ArchivedShapeKind::Enum => format!("string enum ({name})"),
        ArchivedShapeKind::IntEnum => format!("integer enum ({name})"),
        ArchivedShapeKind::List => format!("array ({name})"),
        ArchivedShapeKind::Map => format!("object map ({name})"),
        ArchivedShapeKind::Structure => format!("object ({name})"),
        ArchivedShapeKind::Union => format!("object with exactly one member ({name})"),
    }
}

/// The local name of a shape (`com.amazonaws.s3#BucketName` → `BucketName`).
pub fn shape_name(shape: &ArchivedShape) -> &str {
    let id = shape.id.as_str();
    id.rsplit_once('#').map_or(id, |(_, name)| name)
}

/// Walks the shapes and the payload together.
struct Walker {
    cat: &'static ArchivedCatalog,
    issues: Vec<ValidationIssue>,
    dropped: usize,
    /// JSON pointer of the value being checked.
    path: String,
    /// Where each pushed segment starts in `path`.
    marks: Vec<usize>,
}

impl Walker {
    fn new(cat: &'static ArchivedCatalog) -> Self {
        Walker {
            cat,
            issues: Vec::new(),
            dropped: 0,
            path: String::new(),
            marks: Vec::new(),
        }
    }

    fn shape(&self, idx: u32) -> &'static ArchivedShape {
        &self.cat.shapes[idx as usize]
    }

    fn path_push(&mut self, segment: &str) {
        self.marks.push(self.path.len());
        self.path.push('/');
        for c in segment.chars() {
            match c {
                '~' => self.path.push_str("~0"),
                '/' => self.path.push_str("~1"),
                _ => self.path.push(c),
            }
        }
    }

    fn path_push_index(&mut self, i: usize) {
        self.marks.push(self.path.len());
        self.path.push('/');
        self.path.push_str(&i.to_string());
    }

    fn path_pop(&mut self) {
        if let Some(at) = self.marks.pop() {
            self.path.truncate(at);
        }
    }

    fn issue(
        &mut self,
        kind: IssueKind,
        expected: impl Into<String>,
        got: impl Into<String>,
        message: String,
        hint: String,
    ) {
        if self.issues.len() >= MAX_ISSUES {
            self.dropped += 1;
            return;
        }
        self.issues.push(ValidationIssue {
            path: self.path.clone(),
            kind,
            expected: expected.into(),
            got: got.into(),
            message,
            hint,
        });
    }

    /// The path for messages: `/A/B`, or `the payload` at the root.
    fn here(&self) -> String {
        if self.path.is_empty() {
            "the payload".to_string()
        } else {
            format!("`{}`", self.path)
        }
    }

    fn wrong_type(&mut self, shape: &ArchivedShape, value: &Value, sensitive: bool, hint: String) {
        let expected = expected_label(shape);
        let message = format!(
            "{} must be {}, got {}",
            self.here(),
            article(&expected),
            type_name(value)
        );
        self.issue(
            IssueKind::InvalidType,
            expected,
            describe(value, sensitive),
            message,
            hint,
        );
    }

    /// Checks `value` against shape `target`, reached through `member` (if any).
    fn check(
        &mut self,
        target: u32,
        member: Option<&'static ArchivedMember>,
        value: &Value,
        depth: usize,
    ) {
        let shape = self.shape(target);
        let sensitive = shape.has(T_SENSITIVE) || member.is_some_and(|m| m.has(T_SENSITIVE));
        if depth > MAX_DEPTH {
            self.issue(
                IssueKind::DepthExceeded,
                format!("at most {MAX_DEPTH} levels of nesting"),
                "deeper nesting",
                format!("{} is nested too deeply to validate", self.here()),
                "Flatten the value; nothing AWS accepts nests this deep.".to_string(),
            );
            return;
        }
        match shape.kind {
            ArchivedShapeKind::Structure => self.check_structure(shape, value, depth, sensitive),
            ArchivedShapeKind::Union => self.check_union(shape, value, depth, sensitive),
            ArchivedShapeKind::List => self.check_list(shape, member, value, depth, sensitive),
            ArchivedShapeKind::Map => self.check_map(shape, member, value, depth, sensitive),
            ArchivedShapeKind::String => self.check_string(shape, member, value, sensitive),
            ArchivedShapeKind::Enum => self.check_enum(shape, value, sensitive),
            ArchivedShapeKind::IntEnum => self.check_int_enum(shape, value, sensitive),
            ArchivedShapeKind::Byte
            | ArchivedShapeKind::Short
            | ArchivedShapeKind::Integer
            | ArchivedShapeKind::Long => self.check_integer(shape, member, value, sensitive),
            ArchivedShapeKind::Float | ArchivedShapeKind::Double => {
                self.check_float(shape, member, value, sensitive)
            }
            ArchivedShapeKind::BigInteger | ArchivedShapeKind::BigDecimal => {
                self.check_big(shape, member, value, sensitive)
            }
            ArchivedShapeKind::Boolean => {
                if !value.is_boolean() {
                    let hint = match value.as_str().map(str::to_ascii_lowercase).as_deref() {
                        Some("true" | "false") => format!(
                            "Write {} without quotes.",
                            value.as_str().unwrap_or_default().to_ascii_lowercase()
                        ),
                        _ => "Use true or false.".to_string(),
                    };
                    self.wrong_type(shape, value, sensitive, hint);
                }
            }
            ArchivedShapeKind::Timestamp => self.check_timestamp(shape, value, sensitive),
            ArchivedShapeKind::Blob => self.check_blob(shape, member, value, sensitive),
            ArchivedShapeKind::Document => {}
        }
    }

    fn check_structure(
        &mut self,
        shape: &'static ArchivedShape,
        value: &Value,
        depth: usize,
        sensitive: bool,
    ) {
        let Value::Object(map) = value else {
            let hint = if value.is_string() && depth == 0 {
                "Give the payload as a JSON object (a string must hold a JSON object).".to_string()
            } else {
                format!(
                    "Give an object with the members of {} (see aws_get_operation_schema).",
                    shape_name(shape)
                )
            };
            self.wrong_type(shape, value, sensitive, hint);
            return;
        };
        let top = depth == 0;
        for m in shape.members.iter() {
            let name = m.name.as_str();
            match map.get(name) {
                Some(v) => {
                    self.path_push(name);
                    if v.is_null() {
                        self.null_member(m, top);
                    } else {
                        self.check(m.target.to_native(), Some(m), v, depth + 1);
                    }
                    self.path_pop();
                }
                None if member_required(m, top) => {
                    let target = self.shape(m.target.to_native());
                    let expected = expected_label(target);
                    self.path_push(name);
                    self.issue(
                        IssueKind::MissingRequired,
                        expected.clone(),
                        "nothing",
                        format!("Missing required member `{name}`"),
                        format!("Add `{name}` ({expected})."),
                    );
                    self.path_pop();
                }
                None => {}
            }
        }
        self.unknown_members(shape, map, top);
    }

    /// A member given as `null`.
    fn null_member(&mut self, m: &'static ArchivedMember, top: bool) {
        let target = self.shape(m.target.to_native());
        if target.kind == ArchivedShapeKind::Document {
            return; // null is a document value
        }
        let expected = expected_label(target);
        let name = m.name.as_str();
        let hint = if member_required(m, top) {
            format!("`{name}` is required: give it a value ({expected}).")
        } else {
            format!("Omit `{name}` instead of sending null, or give it a value ({expected}).")
        };
        let message = format!("{} is null", self.here());
        self.issue(IssueKind::InvalidType, expected, "null", message, hint);
    }

    fn unknown_members(
        &mut self,
        shape: &'static ArchivedShape,
        map: &Map<String, Value>,
        top: bool,
    ) {
        for key in map.keys() {
            if shape.members.iter().any(|m| m.name.as_str() == key) {
                continue;
            }
            let names = || shape.members.iter().map(|m| m.name.as_str());
            let suggestion = suggest(key, names());
            let wrapped =
                top && matches!(
                    key.to_ascii_lowercase().as_str(),
                    "payload" | "params" | "parameters" | "input" | "arguments" | "body"
                ) && map.len() == 1
                    && map.get(key).is_some_and(Value::is_object);
            let hint = match suggestion {
                Some(s) => format!("Did you mean `{s}`?"),
                None if wrapped => format!(
                    "Do not wrap the parameters in `{key}`: give the operation's members at the \
                     top level of the payload."
                ),
                None if shape.members.is_empty() => "This takes no members: send {}.".to_string(),
                None => format!("Remove it. Known members: {}.", list_names(names(), 12)),
            };
            self.path_push(key);
            let message = match suggestion {
                Some(s) => format!(
                    "Unknown member `{key}` in {}; did you mean `{s}`?",
                    shape_name(shape)
                ),
                None => format!("Unknown member `{key}` in {}", shape_name(shape)),
            };
            self.issue(
                IssueKind::AdditionalProperty,
                format!("a member of {}", shape_name(shape)),
                format!("member `{key}`"),
                message,
                hint,
            );
            self.path_pop();
        }
    }

    fn check_union(
        &mut self,
        shape: &'static ArchivedShape,
        value: &Value,
        depth: usize,
        sensitive: bool,
    ) {
        let Value::Object(map) = value else {
            let hint = format!(
                "Give an object with exactly one of: {}.",
                list_names(shape.members.iter().map(|m| m.name.as_str()), 12)
            );
            self.wrong_type(shape, value, sensitive, hint);
            return;
        };
        let set: Vec<&'static ArchivedMember> = shape
            .members
            .iter()
            .filter(|m| map.get(m.name.as_str()).is_some_and(|v| !v.is_null()))
            .collect();
        let names = || shape.members.iter().map(|m| m.name.as_str());
        let unknown = map
            .keys()
            .any(|k| !shape.members.iter().any(|m| m.name.as_str() == k));
        if set.len() != 1 && !(set.is_empty() && unknown) {
            let (got, message, hint) = if set.is_empty() {
                (
                    "no member".to_string(),
                    format!(
                        "{} must set exactly one member of {}, none is set",
                        self.here(),
                        shape_name(shape)
                    ),
                    format!("Set exactly one of: {}.", list_names(names(), 12)),
                )
            } else {
                let given: Vec<&str> = set.iter().map(|m| m.name.as_str()).collect();
                (
                    format!("{} members: {}", given.len(), given.join(", ")),
                    format!(
                        "{} must set exactly one member of {}, {} are set",
                        self.here(),
                        shape_name(shape),
                        given.len()
                    ),
                    format!("Keep only one of {}.", given.join(", ")),
                )
            };
            self.issue(
                IssueKind::UnionViolation,
                format!("exactly one of: {}", list_names(names(), 12)),
                got,
                message,
                hint,
            );
        }
        for m in shape.members.iter() {
            let name = m.name.as_str();
            match map.get(name) {
                Some(Value::Null) => {
                    self.path_push(name);
                    self.null_member(m, false);
                    self.path_pop();
                }
                Some(v) => {
                    self.path_push(name);
                    self.check(m.target.to_native(), Some(m), v, depth + 1);
                    self.path_pop();
                }
                None => {}
            }
        }
        self.unknown_members(shape, map, false);
    }

    fn check_list(
        &mut self,
        shape: &'static ArchivedShape,
        member: Option<&'static ArchivedMember>,
        value: &Value,
        depth: usize,
        sensitive: bool,
    ) {
        let Value::Array(items) = value else {
            let hint = if value.is_object() || value.is_string() || value.is_number() {
                "Wrap the value in an array: [ ... ].".to_string()
            } else {
                "Give an array.".to_string()
            };
            self.wrong_type(shape, value, sensitive, hint);
            return;
        };
        let c = Constraints::of(self.cat, shape, member);
        self.count_bounds(&c, items.len(), true);
        let unique = shape.has(T_UNIQUE_ITEMS) || member.is_some_and(|m| m.has(T_UNIQUE_ITEMS));
        if unique {
            self.duplicates(items);
        }
        let Some(item) = named_member(shape, "member") else {
            return;
        };
        let sparse = shape.has(T_SPARSE);
        for (i, v) in items.iter().enumerate() {
            self.path_push_index(i);
            if v.is_null() {
                if !sparse {
                    self.null_item(item, "list item");
                }
            } else {
                self.check(item.target.to_native(), Some(item), v, depth + 1);
            }
            self.path_pop();
        }
    }

    fn null_item(&mut self, item: &'static ArchivedMember, what: &str) {
        let target = self.shape(item.target.to_native());
        if target.kind == ArchivedShapeKind::Document {
            return;
        }
        let expected = expected_label(target);
        let message = format!("{} is null; this {what} cannot be null", self.here());
        self.issue(
            IssueKind::InvalidType,
            expected.clone(),
            "null",
            message,
            format!("Remove the null or give {}.", article(&expected)),
        );
    }

    fn duplicates(&mut self, items: &[Value]) {
        let mut seen = std::collections::HashMap::new();
        for (i, v) in items.iter().enumerate() {
            let key = v.to_string();
            if let Some(first) = seen.insert(key, i) {
                self.path_push_index(i);
                let message = format!("{} repeats item {first}; items must be unique", self.here());
                self.issue(
                    IssueKind::DuplicateItems,
                    "unique items",
                    format!("a duplicate of item {first}"),
                    message,
                    "Remove the duplicate.".to_string(),
                );
                self.path_pop();
            }
        }
    }

    /// Item/entry count bounds (length on lists and maps).
    fn count_bounds(&mut self, c: &Constraints, n: usize, list: bool) {
        let n = n as u64;
        let (what, min_kind, max_kind) = if list {
            (
                "item(s)",
                IssueKind::MinItemsViolation,
                IssueKind::MaxItemsViolation,
            )
        } else {
            (
                "entries",
                IssueKind::MinPropertiesViolation,
                IssueKind::MaxPropertiesViolation,
            )
        };
        if let Some(min) = c.length_min.filter(|&m| n < m) {
            let message = format!("{} has {n} {what}, needs at least {min}", self.here());
            self.issue(
                min_kind,
                format!("at least {min} {what}"),
                format!("{n} {what}"),
                message,
                format!("Give at least {min} {what}."),
            );
        }
        if let Some(max) = c.length_max.filter(|&m| n > m) {
            let message = format!("{} has {n} {what}, allows at most {max}", self.here());
            self.issue(
                max_kind,
                format!("at most {max} {what}"),
                format!("{n} {what}"),
                message,
                format!("Give at most {max} {what}; split the request if needed."),
            );
        }
    }

    fn check_map(
        &mut self,
        shape: &'static ArchivedShape,
        member: Option<&'static ArchivedMember>,
        value: &Value,
        depth: usize,
        sensitive: bool,
    ) {
        let Value::Object(map) = value else {
            let hint = if value.is_array() {
                "Give an object mapping keys to values ({\"key\": value}), not an array."
                    .to_string()
            } else {
                "Give an object mapping keys to values.".to_string()
            };
            self.wrong_type(shape, value, sensitive, hint);
            return;
        };
        let c = Constraints::of(self.cat, shape, member);
        self.count_bounds(&c, map.len(), false);
        let key_member = named_member(shape, "key");
        let value_member = named_member(shape, "value");
        let sparse = shape.has(T_SPARSE);
        for (k, v) in map {
            self.path_push(k);
            if let Some(km) = key_member {
                let key_value = Value::String(k.clone());
                let before = self.issues.len();
                self.check(km.target.to_native(), Some(km), &key_value, depth + 1);
                for issue in &mut self.issues[before..] {
                    issue.message = format!("Map key: {}", issue.message);
                }
            }
            if let Some(vm) = value_member {
                if v.is_null() {
                    if !sparse {
                        self.null_item(vm, "map value");
                    }
                } else {
                    self.check(vm.target.to_native(), Some(vm), v, depth + 1);
                }
            }
            self.path_pop();
        }
    }

    fn check_string(
        &mut self,
        shape: &'static ArchivedShape,
        member: Option<&'static ArchivedMember>,
        value: &Value,
        sensitive: bool,
    ) {
        let Value::String(s) = value else {
            let hint = match value {
                Value::Number(n) => format!("Write it as a string: \"{n}\"."),
                Value::Bool(b) => format!("Write it as a string: \"{b}\"."),
                Value::Array(a) if a.len() == 1 && a[0].is_string() => {
                    "Give a single string, not an array.".to_string()
                }
                _ => "Give a string.".to_string(),
            };
            self.wrong_type(shape, value, sensitive, hint);
            return;
        };
        let c = Constraints::of(self.cat, shape, member);
        self.string_constraints(&c, s, sensitive);
        if member.is_some_and(|m| m.has(T_HOST_LABEL)) && !crate::invoke::request::is_host_label(s)
        {
            let message = format!(
                "{} is part of the endpoint's host name and must be a valid host label",
                self.here()
            );
            self.issue(
                IssueKind::FormatError,
                "a host label: letters, digits and '-', 1 to 63 per dot-separated part".to_string(),
                describe(&Value::String(s.to_string()), sensitive),
                message,
                "Give a non-empty value of letters, digits and '-' (dots separate labels)."
                    .to_string(),
            );
        }
    }

    /// Length (in characters) and patterns of a string.
    fn string_constraints(&mut self, c: &Constraints, s: &str, sensitive: bool) {
        if c.length_min.is_some() || c.length_max.is_some() {
            let n = s.chars().count() as u64;
            self.length_bounds(c, n, "character(s)");
        }
        for idx in c.patterns.iter().flatten() {
            if patterns::is_match(self.cat, *idx, s) == Some(false) {
                let shown = patterns::display(self.cat, *idx);
                let message = format!("{} does not match the pattern {shown}", self.here());
                let got = describe(&Value::String(s.to_string()), sensitive);
                self.issue(
                    IssueKind::PatternMismatch,
                    format!("pattern {shown}"),
                    got,
                    message,
                    format!("Give a value matching the regular expression {shown}."),
                );
            }
        }
    }

    fn length_bounds(&mut self, c: &Constraints, n: u64, unit: &str) {
        if let Some(min) = c.length_min.filter(|&m| n < m) {
            let message = format!("{} is {n} {unit} long, needs at least {min}", self.here());
            self.issue(
                IssueKind::MinLengthViolation,
                format!("at least {min} {unit}"),
                format!("{n} {unit}"),
                message,
                format!("Provide a value with at least {min} {unit}."),
            );
        }
        if let Some(max) = c.length_max.filter(|&m| n > m) {
            let message = format!("{} is {n} {unit} long, allows at most {max}", self.here());
            self.issue(
                IssueKind::MaxLengthViolation,
                format!("at most {max} {unit}"),
                format!("{n} {unit}"),
                message,
                format!("Provide a value with at most {max} {unit}."),
            );
        }
    }

    fn check_enum(&mut self, shape: &'static ArchivedShape, value: &Value, sensitive: bool) {
        let Value::String(s) = value else {
            let hint = format!("Use one of: {}.", list_names(enum_values(shape), 30));
            self.wrong_type(shape, value, sensitive, hint);
            return;
        };
        if enum_values(shape).any(|v| v == s) {
            return;
        }
        let allowed = list_names(enum_values(shape), 30);
        let suggestion = suggest(s, enum_values(shape));
        let hint = match suggestion {
            Some(v) => format!("Did you mean `{v}`? Allowed values: {allowed}."),
            None => format!("Use one of: {allowed}."),
        };
        let message = format!(
            "{} is not an allowed value of {}",
            self.here(),
            shape_name(shape)
        );
        self.issue(
            IssueKind::EnumViolation,
            format!("one of: {allowed}"),
            describe(value, sensitive),
            message,
            hint,
        );
    }

    fn check_int_enum(&mut self, shape: &'static ArchivedShape, value: &Value, sensitive: bool) {
        let allowed = || {
            int_enum_values(shape)
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let Some(n) = value.as_number().and_then(integer_of) else {
            let hint = match value.as_str().and_then(|s| s.trim().parse::<i64>().ok()) {
                Some(n) => format!("Write {n} without quotes."),
                None => format!("Use one of: {}.", allowed()),
            };
            self.wrong_type(shape, value, sensitive, hint);
            return;
        };
        if int_enum_values(shape).any(|v| i128::from(v) == n) {
            return;
        }
        let message = format!(
            "{} is not an allowed value of {}",
            self.here(),
            shape_name(shape)
        );
        self.issue(
            IssueKind::EnumViolation,
            format!("one of: {}", allowed()),
            describe(value, sensitive),
            message,
            format!("Use one of: {}.", allowed()),
        );
    }

    fn check_integer(
        &mut self,
        shape: &'static ArchivedShape,
        member: Option<&'static ArchivedMember>,
        value: &Value,
        sensitive: bool,
    ) {
        let Some(num) = value.as_number() else {
            let hint = match value.as_str().and_then(|s| s.trim().parse::<i64>().ok()) {
                Some(n) => format!("Write {n} without quotes."),
                None => "Give a whole number.".to_string(),
            };
            self.wrong_type(shape, value, sensitive, hint);
            return;
        };
        let Some(n) = integer_of(num) else {
            let expected = expected_label(shape);
            let message = format!("{} must be a whole number, got {num}", self.here());
            self.issue(
                IssueKind::InvalidType,
                expected,
                describe(value, sensitive),
                message,
                "Give a whole number (no fraction).".to_string(),
            );
            return;
        };
        if let Some((lo, hi)) = integer_bounds(shape.kind)
            && (n < lo || n > hi)
        {
            let (kind, bound, word) = if n < lo {
                (IssueKind::MinimumViolation, lo, "greater")
            } else {
                (IssueKind::MaximumViolation, hi, "less")
            };
            let message = format!(
                "{} is out of range for {}",
                self.here(),
                expected_label(shape)
            );
            self.issue(
                kind,
                format!("{lo} to {hi}"),
                describe(value, sensitive),
                message,
                format!("Provide a value {word} than or equal to {bound}."),
            );
            return;
        }
        let c = Constraints::of(self.cat, shape, member);
        self.range(&c, n as f64, value, sensitive);
    }

    fn range(&mut self, c: &Constraints, n: f64, value: &Value, sensitive: bool) {
        if let Some(min) = c.range_min
            && let Ok(m) = min.parse::<f64>()
            && n < m
        {
            let message = format!("{} is less than the minimum {min}", self.here());
            self.issue(
                IssueKind::MinimumViolation,
                format!(">= {min}"),
                describe(value, sensitive),
                message,
                format!("Provide a value greater than or equal to {min}."),
            );
        }
        if let Some(max) = c.range_max
            && let Ok(m) = max.parse::<f64>()
            && n > m
        {
            let message = format!("{} is greater than the maximum {max}", self.here());
            self.issue(
                IssueKind::MaximumViolation,
                format!("<= {max}"),
                describe(value, sensitive),
                message,
                format!("Provide a value less than or equal to {max}."),
            );
        }
    }

    fn check_float(
        &mut self,
        shape: &'static ArchivedShape,
        member: Option<&'static ArchivedMember>,
        value: &Value,
        sensitive: bool,
    ) {
        match value {
            Value::Number(n) => {
                let c = Constraints::of(self.cat, shape, member);
                self.range(&c, n.as_f64().unwrap_or(0.0), value, sensitive);
            }
            Value::String(s) if matches!(s.as_str(), "NaN" | "Infinity" | "-Infinity") => {}
            _ => {
                let hint = match value.as_str().and_then(|s| s.trim().parse::<f64>().ok()) {
                    Some(n) if n.is_finite() => format!("Write {n} without quotes."),
                    _ => "Give a number.".to_string(),
                };
                self.wrong_type(shape, value, sensitive, hint);
            }
        }
    }

    fn check_big(
        &mut self,
        shape: &'static ArchivedShape,
        member: Option<&'static ArchivedMember>,
        value: &Value,
        sensitive: bool,
    ) {
        let integer = shape.kind == ArchivedShapeKind::BigInteger;
        let as_f64 = match value {
            Value::Number(n) => {
                if integer && integer_of(n).is_none() && n.is_f64() {
                    let message = format!("{} must be a whole number, got {n}", self.here());
                    self.issue(
                        IssueKind::InvalidType,
                        expected_label(shape),
                        describe(value, sensitive),
                        message,
                        "Give a whole number (no fraction).".to_string(),
                    );
                    return;
                }
                n.as_f64().unwrap_or(0.0)
            }
            Value::String(s) => {
                let ok = if integer {
                    is_integer_text(s)
                } else {
                    is_decimal_text(s)
                };
                if !ok {
                    let what = if integer {
                        "digits"
                    } else {
                        "a decimal number"
                    };
                    let message = format!("{} is a string but not {what}", self.here());
                    self.issue(
                        IssueKind::FormatError,
                        expected_label(shape),
                        describe(value, sensitive),
                        message,
                        format!("Give a JSON number or a string of {what}, e.g. \"12345\"."),
                    );
                    return;
                }
                s.parse::<f64>().unwrap_or(0.0)
            }
            _ => {
                self.wrong_type(
                    shape,
                    value,
                    sensitive,
                    "Give a number, or a numeric string for values beyond 64 bits.".to_string(),
                );
                return;
            }
        };
        let c = Constraints::of(self.cat, shape, member);
        self.range(&c, as_f64, value, sensitive);
    }

    fn check_timestamp(&mut self, shape: &'static ArchivedShape, value: &Value, sensitive: bool) {
        match value {
            Value::String(_) | Value::Number(_) => {
                if let Err(reason) = parse_timestamp(value) {
                    let message = format!("{} is not a valid timestamp: {reason}", self.here());
                    self.issue(
                        IssueKind::FormatError,
                        expected_label(shape),
                        describe(value, sensitive),
                        message,
                        "Use an RFC 3339 date-time like 2024-01-31T13:45:00Z (or with an offset, \
                         +02:00), a date like 2024-01-31, or epoch seconds."
                            .to_string(),
                    );
                }
            }
            _ => self.wrong_type(
                shape,
                value,
                sensitive,
                "Use an RFC 3339 date-time string like 2024-01-31T13:45:00Z, or epoch seconds."
                    .to_string(),
            ),
        }
    }

    fn check_blob(
        &mut self,
        shape: &'static ArchivedShape,
        member: Option<&'static ArchivedMember>,
        value: &Value,
        sensitive: bool,
    ) {
        let Value::String(s) = value else {
            self.wrong_type(
                shape,
                value,
                sensitive,
                "Give the bytes as a base64 string, e.g. \"SGVsbG8=\" for Hello.".to_string(),
            );
            return;
        };
        let decoded = base64::engine::general_purpose::STANDARD.decode(s.as_bytes());
        match decoded {
            Ok(bytes) => {
                let c = Constraints::of(self.cat, shape, member);
                self.length_bounds(&c, bytes.len() as u64, "byte(s)");
            }
            Err(e) => {
                let other_alphabet = base64::engine::general_purpose::URL_SAFE
                    .decode(s.as_bytes())
                    .is_ok()
                    || base64::engine::general_purpose::STANDARD_NO_PAD
                        .decode(s.as_bytes())
                        .is_ok()
                    || base64::engine::general_purpose::URL_SAFE_NO_PAD
                        .decode(s.as_bytes())
                        .is_ok();
                let hint = if other_alphabet {
                    "Use standard base64 (alphabet A-Z a-z 0-9 + /, padded with =).".to_string()
                } else {
                    "Encode the bytes as standard base64 (e.g. \"SGVsbG8=\" for Hello); plain \
                     text must be base64-encoded too."
                        .to_string()
                };
                let message = format!("{} is not valid base64: {e}", self.here());
                self.issue(
                    IssueKind::FormatError,
                    "base64 string",
                    describe(value, sensitive),
                    message,
                    hint,
                );
            }
        }
    }
}

/// An integer value of a JSON number (also `5.0`); `None` when it has a fraction or is beyond
/// 128 bits.
fn integer_of(n: &serde_json::Number) -> Option<i128> {
    if let Some(i) = n.as_i64() {
        return Some(i128::from(i));
    }
    if let Some(u) = n.as_u64() {
        return Some(i128::from(u));
    }
    let f = n.as_f64()?;
    (f.is_finite() && f.fract() == 0.0 && f.abs() < 1e38).then_some(f as i128)
}

fn is_integer_text(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn is_decimal_text(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = (!int.is_empty() || !frac.is_empty()) && digits(int) && digits(frac);
    let exponent_ok = exponent.is_none_or(is_integer_text);
    mantissa_ok && exponent_ok
}

/// `a string`, `an integer`, ...
fn article(label: &str) -> String {
    let vowel = label.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {label}", if vowel { "an" } else { "a" })
}

/// Up to `n` names joined by `, `, then `…` when cut.
fn list_names<'a>(names: impl Iterator<Item = &'a str>, n: usize) -> String {
    let mut out = String::new();
    for (i, name) in names.enumerate() {
        if i == n {
            out.push_str(", …");
            break;
        }
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_parse_rfc3339_and_epoch_seconds() {
        assert_eq!(parse_timestamp(&json!("1970-01-01T00:00:00Z")), Ok((0, 0)));
        assert_eq!(
            parse_timestamp(&json!("2024-02-29T12:00:00.5+01:00")),
            Ok((1_709_204_400, 500_000_000))
        );
        assert_eq!(
            parse_timestamp(&json!(1_700_000_000)),
            Ok((1_700_000_000, 0))
        );
        assert_eq!(parse_timestamp(&json!(1.5)), Ok((1, 500_000_000)));
        assert!(parse_timestamp(&json!("2023-02-29T00:00:00Z")).is_err());
        assert_eq!(
            parse_timestamp(&json!("2024-01-01")),
            Ok((1_704_067_200, 0))
        );
        assert!(parse_timestamp(&json!("2024-01-01T25:00:00Z")).is_err());
        assert_eq!(
            parse_timestamp(&json!("2024-01-01T00:00:00")),
            Ok((1_704_067_200, 0))
        );
        assert!(parse_timestamp(&json!("2024-01-01T00:00:00Zjunk")).is_err());
        assert!(parse_timestamp(&json!("２０２４-01-01T00:00:00Z")).is_err());
        assert!(parse_timestamp(&json!(true)).is_err());
    }

    #[test]
    fn numeric_text() {
        assert!(is_integer_text("-123"));
        assert!(!is_integer_text("12a"));
        assert!(!is_integer_text("-"));
        assert!(is_decimal_text("1.5e-3"));
        assert!(is_decimal_text(".5"));
        assert!(!is_decimal_text("."));
        assert!(!is_decimal_text("1e"));
    }

    #[test]
    fn suggestions_ignore_case_and_separators() {
        let names = ["Bucket", "Key", "ContentType", "BucketName"];
        assert_eq!(suggest("bucket", names.into_iter()), Some("Bucket"));
        assert_eq!(
            suggest("bucket_name", names.into_iter()),
            Some("BucketName")
        );
        assert_eq!(suggest("Bukcet", names.into_iter()), Some("Bucket"));
        assert_eq!(suggest("Zebra", names.into_iter()), None);
    }

    #[test]
    fn describe_hides_sensitive_values() {
        assert_eq!(
            describe(&json!("secret"), true),
            "string (sensitive, 6 characters)"
        );
        assert_eq!(describe(&json!(5), true), "integer (sensitive)");
        assert_eq!(describe(&json!("a"), false), "string \"a\"");
    }
}
