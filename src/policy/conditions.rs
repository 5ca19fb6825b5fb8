//! Argument conditions: "an input member named like this has a value like that".
//!
//! The payload is walked along the operation's input shape, at any depth: structure and union
//! members by name, list items, and map values (map *keys* are data, not member names, and are
//! never matched). A member whose name matches one of the `members` globs (case-insensitively)
//! is tested when its value is a scalar (string, enum, number, boolean: compared as text) or a
//! list of scalars (each item is tested: `InstanceIds: ["i-1", "prod-2"]`). Its value is then
//! walked further whatever happens, so nested members are found too.
//!
//! The same walk over the shape graph alone (no payload) tells at load time whether a rule can
//! ever fire for the operations it names ([`reachable_members`]).

use catalog_format::format::{ArchivedShape, ArchivedShapeKind, T_SENSITIVE};
use serde_json::{Map, Value};

use super::glob::{Glob, any_matches};
use crate::catalog;

/// How deep the walk goes (payloads deeper than validation allows are not walked further).
const MAX_DEPTH: usize = 40;
/// The longest value quoted in a reason.
const MAX_QUOTED: usize = 120;

/// The value test.
#[derive(Debug, Clone)]
pub enum Test {
    Matches(Vec<Glob>),
    /// Values, lower-cased when the test ignores case.
    In(Vec<String>),
    NotIn(Vec<String>),
}

/// A compiled member condition.
#[derive(Debug, Clone)]
pub struct Condition {
    /// Member-name globs (case-insensitive).
    pub members: Vec<Glob>,
    /// `None`: the rule fires only on missing members (`when_missing` without a value test).
    pub test: Option<Test>,
    pub ignore_case: bool,
    /// Fire also when no member matching `members` holds a value.
    pub when_missing: bool,
    /// [`Self::describe_test`] and [`Self::describe_members`], written once.
    test_text: String,
    members_text: String,
}

/// What made a condition fire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// JSON-pointer path of the member (`/BlockDeviceMappings/0/DeviceName`), as validation
    /// errors give it; empty when the condition fired on a missing member.
    pub path: String,
    /// The value, quoted for a message (or a placeholder for `sensitive` members).
    pub value: String,
}

impl Condition {
    pub fn new(
        members: Vec<Glob>,
        test: Option<Test>,
        ignore_case: bool,
        when_missing: bool,
    ) -> Condition {
        let mut c = Condition {
            members,
            test,
            ignore_case,
            when_missing,
            test_text: String::new(),
            members_text: String::new(),
        };
        c.test_text = c.render_test();
        c.members_text = c
            .members
            .iter()
            .map(Glob::as_str)
            .collect::<Vec<_>>()
            .join(", ");
        c
    }

    /// The first member that makes the condition fire, if any.
    pub fn first_hit(&self, op: u32, payload: &Map<String, Value>) -> Option<Hit> {
        let input = catalog::operation(op).input.as_ref()?.to_native();
        let mut w = Walk {
            cond: self,
            path: String::new(),
            seen_member: false,
        };
        if let Some(hit) = w.structure(catalog::shape(input), payload, 0) {
            return Some(hit);
        }
        if self.when_missing && !w.seen_member {
            return Some(Hit {
                path: String::new(),
                value: String::new(),
            });
        }
        None
    }

    /// Whether `text` passes the test, i.e. makes the rule fire.
    fn fires_on(&self, text: &str) -> bool {
        let Some(test) = &self.test else { return false };
        let lowered;
        let candidate = if self.ignore_case {
            lowered = text.to_lowercase();
            lowered.as_str()
        } else {
            text
        };
        match test {
            Test::Matches(globs) => any_matches(globs, text),
            Test::In(values) => values.iter().any(|v| v == candidate),
            Test::NotIn(values) => !values.iter().any(|v| v == candidate),
        }
    }

    /// A short description of the test for reasons: `matches "prod-*"`.
    pub fn describe_test(&self) -> &str {
        &self.test_text
    }

    fn render_test(&self) -> String {
        match &self.test {
            Some(Test::Matches(globs)) => {
                format!("matches {}", quoted_list(globs.iter().map(Glob::as_str)))
            }
            Some(Test::In(v)) => format!("is one of {}", quoted_list(v.iter().map(String::as_str))),
            Some(Test::NotIn(v)) => {
                format!(
                    "is not one of {}",
                    quoted_list(v.iter().map(String::as_str))
                )
            }
            None => String::new(),
        }
    }

    /// The member globs for messages: `*Id, *Ids, Bucket`.
    pub fn describe_members(&self) -> &str {
        &self.members_text
    }
}

fn quoted_list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.map(|s| format!("\"{s}\"")).collect();
    if items.len() == 1 {
        items.into_iter().next().unwrap_or_default()
    } else {
        format!("[{}]", items.join(", "))
    }
}

struct Walk<'c> {
    cond: &'c Condition,
    path: String,
    /// A member matching the name globs held a value.
    seen_member: bool,
}

impl Walk<'_> {
    fn structure(
        &mut self,
        shape: &'static ArchivedShape,
        object: &Map<String, Value>,
        depth: usize,
    ) -> Option<Hit> {
        for (key, value) in object {
            let Some(member) = shape.members.iter().find(|m| m.name.as_str() == key) else {
                continue;
            };
            let target = catalog::shape(member.target.to_native());
            let mark = self.path.len();
            push_segment(&mut self.path, key);
            if any_matches(&self.cond.members, key) {
                let sensitive = member.has(T_SENSITIVE) || target.has(T_SENSITIVE);
                if let Some(hit) = self.test_value(target, value, sensitive) {
                    return Some(hit);
                }
            }
            if let Some(hit) = self.value(target, value, depth + 1) {
                return Some(hit);
            }
            self.path.truncate(mark);
        }
        None
    }

    /// Walks into a value to find nested members.
    fn value(&mut self, shape: &'static ArchivedShape, value: &Value, depth: usize) -> Option<Hit> {
        if depth > MAX_DEPTH {
            return None;
        }
        match (shape.kind, value) {
            (ArchivedShapeKind::Structure | ArchivedShapeKind::Union, Value::Object(m)) => {
                self.structure(shape, m, depth)
            }
            (ArchivedShapeKind::List, Value::Array(items)) => {
                let item_shape = catalog::shape(shape.members.first()?.target.to_native());
                if !is_container(item_shape) {
                    return None;
                }
                for (i, item) in items.iter().enumerate() {
                    let mark = self.path.len();
                    self.path.push('/');
                    self.path.push_str(&i.to_string());
                    if let Some(hit) = self.value(item_shape, item, depth + 1) {
                        return Some(hit);
                    }
                    self.path.truncate(mark);
                }
                None
            }
            (ArchivedShapeKind::Map, Value::Object(m)) => {
                let value_shape = catalog::shape(shape.members.get(1)?.target.to_native());
                if !is_container(value_shape) {
                    return None;
                }
                for (k, v) in m {
                    let mark = self.path.len();
                    push_segment(&mut self.path, k);
                    if let Some(hit) = self.value(value_shape, v, depth + 1) {
                        return Some(hit);
                    }
                    self.path.truncate(mark);
                }
                None
            }
            _ => None,
        }
    }

    /// Tests a matched member's value: a scalar, or each scalar of a list.
    fn test_value(
        &mut self,
        shape: &'static ArchivedShape,
        value: &Value,
        sensitive: bool,
    ) -> Option<Hit> {
        match value {
            Value::Array(items) if shape.kind == ArchivedShapeKind::List => {
                let item = shape.members.first()?;
                let item_shape = catalog::shape(item.target.to_native());
                let sensitive = sensitive || item.has(T_SENSITIVE) || item_shape.has(T_SENSITIVE);
                for (i, v) in items.iter().enumerate() {
                    if let Some(text) = scalar_text(v) {
                        self.seen_member = true;
                        if self.cond.fires_on(&text) {
                            return Some(Hit {
                                path: format!("{}/{i}", self.path),
                                value: quote(&text, sensitive),
                            });
                        }
                    }
                }
                None
            }
            _ => {
                let text = scalar_text(value)?;
                self.seen_member = true;
                self.cond.fires_on(&text).then(|| Hit {
                    path: self.path.clone(),
                    value: quote(&text, sensitive),
                })
            }
        }
    }
}

fn push_segment(path: &mut String, key: &str) {
    path.push('/');
    for c in key.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            _ => path.push(c),
        }
    }
}

fn is_container(shape: &ArchivedShape) -> bool {
    matches!(
        shape.kind,
        ArchivedShapeKind::Structure
            | ArchivedShapeKind::Union
            | ArchivedShapeKind::List
            | ArchivedShapeKind::Map
    )
}

/// A scalar's text: strings as they are, numbers and booleans as JSON writes them.
fn scalar_text(v: &Value) -> Option<std::borrow::Cow<'_, str>> {
    match v {
        Value::String(s) => Some(std::borrow::Cow::Borrowed(s)),
        Value::Number(n) => Some(std::borrow::Cow::Owned(n.to_string())),
        Value::Bool(b) => Some(std::borrow::Cow::Borrowed(if *b {
            "true"
        } else {
            "false"
        })),
        _ => None,
    }
}

fn quote(text: &str, sensitive: bool) -> String {
    if sensitive {
        return "(a sensitive value, not shown)".to_string();
    }
    let mut t: String = text.chars().take(MAX_QUOTED).collect();
    if t.len() < text.len() {
        t.push('…');
    }
    format!("\"{t}\"")
}

/// What the input shapes of some operations offer to a member condition: found at load time
/// by walking the shape graph.
#[derive(Debug, Default)]
pub struct Reach {
    /// Some input member's name matches the globs.
    pub named: bool,
    /// Some such member holds a scalar or a list of scalars (a value the test can see).
    pub testable: bool,
    /// When every matched member is a string enum (or a list of one): the union of their
    /// values. `None` when some matched member is not an enum, or nothing matched.
    pub enum_values: Option<Vec<&'static str>>,
}

/// Walks the input shapes of `ops` (each shape once) for members whose name matches `globs`.
/// With `full` the whole graph is walked (to collect enum values); without, the walk stops at
/// the first testable member.
pub fn reachable_members(ops: impl Iterator<Item = u32>, globs: &[Glob], full: bool) -> Reach {
    let shapes = &catalog::get().shapes;
    let mut seen = vec![false; shapes.len()];
    let mut reach = Reach::default();
    let mut all_enums = true;
    let mut values: Vec<&'static str> = Vec::new();
    let mut stack: Vec<u32> = Vec::new();
    for op in ops {
        if let Some(input) = catalog::operation(op).input.as_ref() {
            stack.push(input.to_native());
        }
        while let Some(s) = stack.pop() {
            let Some(flag) = seen.get_mut(s as usize) else {
                continue;
            };
            if *flag {
                continue;
            }
            *flag = true;
            let shape = catalog::shape(s);
            let is_struct = matches!(
                shape.kind,
                ArchivedShapeKind::Structure | ArchivedShapeKind::Union
            );
            for m in shape.members.iter() {
                let target = catalog::shape(m.target.to_native());
                if is_struct && any_matches(globs, m.name.as_str()) {
                    reach.named = true;
                    let scalar = scalar_shape(target).or_else(|| {
                        (target.kind == ArchivedShapeKind::List)
                            .then(|| target.members.first())
                            .flatten()
                            .and_then(|item| scalar_shape(catalog::shape(item.target.to_native())))
                    });
                    match scalar {
                        Some(enum_shape) => {
                            reach.testable = true;
                            match enum_shape {
                                Some(e) => {
                                    values.extend(crate::validate::enum_values(e));
                                }
                                None => all_enums = false,
                            }
                            if !full {
                                return reach;
                            }
                        }
                        None => all_enums = false,
                    }
                }
                if is_container(target) {
                    stack.push(m.target.to_native());
                }
            }
        }
    }
    if reach.testable && all_enums {
        values.sort_unstable();
        values.dedup();
        reach.enum_values = Some(values);
    }
    reach
}

/// `Some(Some(enum))` for a string enum, `Some(None)` for another scalar, `None` for
/// containers and blobs.
fn scalar_shape(shape: &'static ArchivedShape) -> Option<Option<&'static ArchivedShape>> {
    match shape.kind {
        ArchivedShapeKind::Enum => Some(Some(shape)),
        ArchivedShapeKind::String
        | ArchivedShapeKind::Boolean
        | ArchivedShapeKind::Byte
        | ArchivedShapeKind::Short
        | ArchivedShapeKind::Integer
        | ArchivedShapeKind::Long
        | ArchivedShapeKind::Float
        | ArchivedShapeKind::Double
        | ArchivedShapeKind::BigInteger
        | ArchivedShapeKind::BigDecimal
        | ArchivedShapeKind::IntEnum
        | ArchivedShapeKind::Timestamp => Some(None),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn op(service: &str, name: &str) -> u32 {
        catalog::resolve_operation(service, name).unwrap().1
    }

    fn cond(members: &[&str], test: Test) -> Condition {
        Condition::new(
            members.iter().map(|m| Glob::new(m, true)).collect(),
            Some(test),
            false,
            false,
        )
    }

    fn payload(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn matches_names_and_values_at_any_depth() {
        let terminate = op("ec2", "TerminateInstances");
        let c = cond(&["*Ids"], Test::Matches(vec![Glob::new("prod-*", false)]));
        let hit = c
            .first_hit(
                terminate,
                &payload(json!({"InstanceIds": ["i-1", "prod-web"]})),
            )
            .unwrap();
        assert_eq!(hit.path, "/InstanceIds/1");
        assert_eq!(hit.value, "\"prod-web\"");
        assert!(
            c.first_hit(terminate, &payload(json!({"InstanceIds": ["i-1"]})))
                .is_none()
        );

        // Nested: RunInstances BlockDeviceMappings[].Ebs.KmsKeyId.
        let run = op("ec2", "RunInstances");
        let c = cond(&["*Id"], Test::Matches(vec![Glob::new("prod-*", false)]));
        let p = payload(json!({
            "ImageId": "ami-1", "MinCount": 1, "MaxCount": 1,
            "BlockDeviceMappings": [{"DeviceName": "/dev/sda1", "Ebs": {"KmsKeyId": "prod-key"}}]
        }));
        let hit = c.first_hit(run, &p).unwrap();
        assert_eq!(hit.path, "/BlockDeviceMappings/0/Ebs/KmsKeyId");

        // Map keys are data, not member names; map structure values are walked.
        let c = cond(&["Bucket"], Test::Matches(vec![Glob::new("*", false)]));
        let create_fn = op("lambda", "CreateFunction");
        let p = payload(json!({"Environment": {"Variables": {"Bucket": "prod-x"}}}));
        assert!(c.first_hit(create_fn, &p).is_none());
    }

    #[test]
    fn in_and_not_in_compare_text_and_case() {
        let run = op("ec2", "RunInstances");
        let mut c = cond(
            &["InstanceType"],
            Test::NotIn(vec!["t3.micro".into(), "t3.small".into()]),
        );
        assert!(
            c.first_hit(run, &payload(json!({"InstanceType": "t3.micro"})))
                .is_none()
        );
        let hit = c
            .first_hit(run, &payload(json!({"InstanceType": "m5.large"})))
            .unwrap();
        assert_eq!(
            (hit.path.as_str(), hit.value.as_str()),
            ("/InstanceType", "\"m5.large\"")
        );
        // Absent: does not fire unless when_missing.
        assert!(c.first_hit(run, &payload(json!({}))).is_none());
        c.when_missing = true;
        assert_eq!(c.first_hit(run, &payload(json!({}))).unwrap().path, "");
        // Numbers compare as text.
        let c = cond(&["MaxCount"], Test::In(vec!["100".into()]));
        assert!(
            c.first_hit(run, &payload(json!({"MaxCount": 100})))
                .is_some()
        );
        // ignore_case lower-cases the value (the list is lower-cased when compiled).
        let mut c = cond(&["InstanceType"], Test::In(vec!["t3.micro".into()]));
        assert!(
            c.first_hit(run, &payload(json!({"InstanceType": "T3.MICRO"})))
                .is_none()
        );
        c.ignore_case = true;
        assert!(
            c.first_hit(run, &payload(json!({"InstanceType": "T3.MICRO"})))
                .is_some()
        );
    }

    #[test]
    fn sensitive_values_are_not_quoted() {
        let create = op("secretsmanager", "CreateSecret");
        let c = cond(
            &["SecretString"],
            Test::Matches(vec![Glob::new("*", false)]),
        );
        let hit = c
            .first_hit(
                create,
                &payload(json!({"Name": "n", "SecretString": "hunter2"})),
            )
            .unwrap();
        assert!(!hit.value.contains("hunter2"), "{}", hit.value);
    }

    #[test]
    fn reach_finds_members_and_enums() {
        let run = op("ec2", "RunInstances");
        let r = reachable_members(
            std::iter::once(run),
            &[Glob::new("InstanceType", true)],
            true,
        );
        assert!(r.named && r.testable);
        let values = r.enum_values.unwrap();
        assert!(values.contains(&"t3.micro"), "{}", values.len());
        let r = reachable_members(
            std::iter::once(run),
            &[Glob::new("NoSuchMember", true)],
            true,
        );
        assert!(!r.named && !r.testable && r.enum_values.is_none());
        // A structure member is named but holds no testable value.
        let r = reachable_members(std::iter::once(run), &[Glob::new("Placement", true)], true);
        assert!(r.named && !r.testable);
    }
}
