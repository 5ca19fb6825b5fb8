//! The Smithy endpoint rule-set language (`smithy.rules#endpointRuleSet`) as Rust types.
//!
//! A rule set has parameters and an ordered list of rules. A rule has conditions (library
//! function calls, optionally binding their result to a name) and is an `endpoint` (a URL
//! template, properties, headers), an `error` (a message template) or a `tree` of further
//! rules. Strings anywhere in a rule are templates: `{Region}` or `{PartitionResult#dnsSuffix}`
//! insert a value, `{{` and `}}` are literal braces. Templates are split once, when the rule
//! set is read, so evaluation never re-parses text.

use std::collections::BTreeMap;

use serde::Deserialize;

/// A whole rule set.
#[derive(Debug, Deserialize)]
pub struct RuleSet {
    #[serde(default)]
    pub parameters: BTreeMap<String, Parameter>,
    pub rules: Vec<Rule>,
}

/// The type of a rule-set parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum ParameterType {
    #[serde(alias = "string")]
    String,
    #[serde(alias = "boolean")]
    Boolean,
    #[serde(alias = "stringArray")]
    StringArray,
}

/// One parameter of a rule set (`Region`, `UseFIPS`, `Bucket`...).
#[derive(Debug, Deserialize)]
pub struct Parameter {
    #[serde(rename = "type")]
    pub kind: ParameterType,
    #[serde(default)]
    pub required: bool,
    /// Used when the caller gives no value.
    pub default: Option<serde_json::Value>,
    /// The SDK setting it comes from (`AWS::Region`, `SDK::Endpoint`, `AWS::UseFIPS`...).
    #[serde(rename = "builtIn")]
    pub built_in: Option<String>,
    #[serde(default)]
    pub documentation: String,
}

/// A rule: conditions, then what it yields when they all hold.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Rule {
    Endpoint {
        #[serde(default)]
        conditions: Vec<Condition>,
        endpoint: EndpointSpec,
    },
    Error {
        #[serde(default)]
        conditions: Vec<Condition>,
        error: Expr,
    },
    Tree {
        #[serde(default)]
        conditions: Vec<Condition>,
        rules: Vec<Rule>,
    },
}

impl Rule {
    pub fn conditions(&self) -> &[Condition] {
        match self {
            Rule::Endpoint { conditions, .. }
            | Rule::Error { conditions, .. }
            | Rule::Tree { conditions, .. } => conditions,
        }
    }
}

/// A condition: a function call that must yield a set value other than `false`; the value is
/// bound to `assign` for the rest of the rule.
#[derive(Debug, Deserialize)]
pub struct Condition {
    #[serde(rename = "fn")]
    pub function: String,
    pub argv: Vec<Expr>,
    pub assign: Option<String>,
}

/// The endpoint a rule yields.
#[derive(Debug, Deserialize)]
pub struct EndpointSpec {
    pub url: Expr,
    #[serde(default)]
    pub properties: BTreeMap<String, Expr>,
    #[serde(default)]
    pub headers: BTreeMap<String, Vec<Expr>>,
}

/// An expression: a reference, a function call or a literal (strings are templates).
#[derive(Debug)]
pub enum Expr {
    Ref(Reference),
    Call(Call),
    String(Template),
    Bool(bool),
    Integer(i64),
    Array(Vec<Expr>),
    Record(BTreeMap<String, Expr>),
}

/// `{"ref": "Region"}`.
#[derive(Debug)]
pub struct Reference {
    pub name: String,
}

/// `{"fn": "substring", "argv": [...]}` used as a value.
#[derive(Debug)]
pub struct Call {
    pub function: String,
    pub argv: Vec<Expr>,
}

impl Expr {
    /// Reads an expression from JSON: an object with `ref` is a reference, one with `fn` a
    /// call, any other object a record. Read by hand rather than with serde's `untagged`,
    /// which re-reads each subtree once per variant it tries (7 ms instead of under 1 ms for
    /// s3's rule set).
    pub fn from_json(value: serde_json::Value) -> Result<Expr, String> {
        use serde_json::Value;
        Ok(match value {
            Value::String(s) => Expr::String(Template::parse(&s)),
            Value::Bool(b) => Expr::Bool(b),
            Value::Number(n) => {
                Expr::Integer(n.as_i64().ok_or_else(|| format!("{n} is not an integer"))?)
            }
            Value::Array(items) => Expr::Array(
                items
                    .into_iter()
                    .map(Expr::from_json)
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(mut m) => {
                if let Some(r) = m.get("ref") {
                    let name = r.as_str().ok_or("`ref` must be a string")?.to_string();
                    Expr::Ref(Reference { name })
                } else if let Some(Value::String(function)) = m.remove("fn") {
                    let argv = match m.remove("argv") {
                        Some(Value::Array(args)) => args
                            .into_iter()
                            .map(Expr::from_json)
                            .collect::<Result<_, _>>()?,
                        _ => return Err(format!("call of `{function}` without `argv`")),
                    };
                    Expr::Call(Call { function, argv })
                } else {
                    Expr::Record(
                        m.into_iter()
                            .map(|(k, v)| Ok((k, Expr::from_json(v)?)))
                            .collect::<Result<_, String>>()?,
                    )
                }
            }
            Value::Null => return Err("null is not an expression".into()),
        })
    }
}

impl<'de> Deserialize<'de> for Expr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        Expr::from_json(value).map_err(serde::de::Error::custom)
    }
}

/// A string with `{name}` / `{name#path}` placeholders, split into parts.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub parts: Vec<TemplatePart>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePart {
    Literal(String),
    /// A value by name, then an optional `getAttr` path (`PartitionResult#dnsSuffix`).
    Value {
        name: String,
        path: Option<String>,
    },
}

impl Template {
    /// Splits `text` into literal parts and placeholders. An unclosed `{` is kept literally.
    pub fn parse(text: &str) -> Template {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(i) = rest.find(['{', '}']) {
            literal.push_str(&rest[..i]);
            let tail = &rest[i..];
            if tail.starts_with("{{") || tail.starts_with("}}") {
                literal.push_str(&tail[..1]);
                rest = &tail[2..];
            } else if tail.starts_with('{') {
                match tail.find('}') {
                    Some(end) => {
                        if !literal.is_empty() {
                            parts.push(TemplatePart::Literal(std::mem::take(&mut literal)));
                        }
                        let inner = &tail[1..end];
                        let (name, path) = match inner.split_once('#') {
                            Some((n, p)) => (n.to_string(), Some(p.to_string())),
                            None => (inner.to_string(), None),
                        };
                        parts.push(TemplatePart::Value { name, path });
                        rest = &tail[end + 1..];
                    }
                    None => {
                        literal.push_str(tail);
                        rest = "";
                    }
                }
            } else {
                // A lone `}`.
                literal.push('}');
                rest = &tail[1..];
            }
        }
        literal.push_str(rest);
        if !literal.is_empty() || parts.is_empty() {
            parts.push(TemplatePart::Literal(literal));
        }
        Template { parts }
    }
}

impl<'de> Deserialize<'de> for Template {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Ok(Template::parse(&text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> TemplatePart {
        TemplatePart::Literal(s.into())
    }

    fn val(n: &str, p: Option<&str>) -> TemplatePart {
        TemplatePart::Value {
            name: n.into(),
            path: p.map(Into::into),
        }
    }

    #[test]
    fn templates_split_into_literals_and_values() {
        assert_eq!(
            Template::parse("https://sts.{Region}.{PartitionResult#dnsSuffix}").parts,
            vec![
                lit("https://sts."),
                val("Region", None),
                lit("."),
                val("PartitionResult", Some("dnsSuffix")),
            ]
        );
        assert_eq!(Template::parse("plain").parts, vec![lit("plain")]);
        assert_eq!(Template::parse("").parts, vec![lit("")]);
        assert_eq!(
            Template::parse("{{literal}} {x}").parts,
            vec![lit("{literal} "), val("x", None)]
        );
        assert_eq!(Template::parse("a{b").parts, vec![lit("a{b")]);
    }

    #[test]
    fn rules_and_expressions_deserialize() {
        let rs: RuleSet = serde_json::from_str(
            r#"{"version":"1.0","parameters":{"Region":{"type":"String","builtIn":"AWS::Region"}},
            "rules":[{"type":"tree","conditions":[{"fn":"isSet","argv":[{"ref":"Region"}]}],
              "rules":[{"type":"endpoint","conditions":[],"endpoint":{"url":"https://x.{Region}",
                "properties":{"authSchemes":[{"name":"sigv4","disableDoubleEncoding":true}]},
                "headers":{"h":["v"]}}}]},
             {"type":"error","conditions":[],"error":"Invalid Configuration: Missing Region"}]}"#,
        )
        .unwrap();
        assert_eq!(rs.parameters["Region"].kind, ParameterType::String);
        let set: Expr = serde_json::from_str(r#"["*"]"#).unwrap();
        assert!(matches!(&set, Expr::Array(items) if matches!(items[0], Expr::String(_))));
        assert_eq!(rs.rules.len(), 2);
        match &rs.rules[0] {
            Rule::Tree { conditions, rules } => {
                assert_eq!(conditions[0].function, "isSet");
                assert!(matches!(conditions[0].argv[0], Expr::Ref(_)));
                assert!(matches!(&rules[0], Rule::Endpoint { .. }));
            }
            other => panic!("{other:?}"),
        }
    }
}
