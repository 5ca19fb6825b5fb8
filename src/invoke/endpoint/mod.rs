//! Endpoint resolution: evaluates a service's Smithy endpoint rule set
//! (`smithy.rules#endpointRuleSet`) for a set of parameters (`Region`, `UseFIPS`, `Bucket`...)
//! and yields the URL to call, its properties (the auth schemes: signing name and region) and
//! headers — or the rule set's own error message ("FIPS and DualStack are enabled, but this
//! partition does not support one or both").
//!
//! The rule sets are compiled into the catalog as minified JSON; each is read into the typed
//! form of [`ruleset`] on its first use and kept (a few ms for the largest, s3's). Evaluation
//! walks the rules in order, binding `assign`ed condition results in a scope that is unwound
//! when a rule does not apply. Every endpoint test case of every model
//! (`smithy.rules#endpointTests`, about 15,000) runs in `tests/endpoint_rules.rs`.

pub mod functions;
pub mod params;
pub mod partitions;
pub mod ruleset;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::{Map, Value};

use crate::catalog;
use functions::FunctionError;
use ruleset::{
    Condition, EndpointSpec, Expr, ParameterType, Rule, RuleSet, Template, TemplatePart,
};

/// A resolved endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    pub url: String,
    /// `authSchemes` and other properties, as the rule set writes them.
    pub properties: Map<String, Value>,
    pub headers: BTreeMap<String, Vec<String>>,
}

/// Why no endpoint was resolved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EndpointError {
    /// An error rule of the model applied: its message says what is wrong with the parameters.
    #[error("{0}")]
    Rule(String),
    #[error("no endpoint rule matches these parameters")]
    NoMatch,
    #[error("missing required endpoint parameter `{0}`")]
    MissingParameter(String),
    #[error("endpoint parameter `{name}` must be {expected}")]
    ParameterType {
        name: String,
        expected: &'static str,
    },
    #[error("the service `{0}` has no endpoint rules")]
    NoRuleSet(String),
    #[error("the endpoint rules of `{service}` cannot be read: {reason}")]
    InvalidRuleSet { service: String, reason: String },
    #[error("endpoint rules refer to `{0}`, which has no value here")]
    UnsetValue(String),
    #[error(transparent)]
    Function(#[from] FunctionError),
}

/// The rule set of catalog service `service`, read on first use.
pub fn rule_set(service: u32) -> Result<&'static RuleSet, EndpointError> {
    static SETS: OnceLock<Vec<OnceLock<Result<RuleSet, String>>>> = OnceLock::new();
    let services = &catalog::get().services;
    let sets = SETS.get_or_init(|| services.iter().map(|_| OnceLock::new()).collect());
    let (Some(svc), Some(slot)) = (services.get(service as usize), sets.get(service as usize))
    else {
        return Err(EndpointError::NoRuleSet(format!("#{service}")));
    };
    let name = svc.name.as_str();
    let text = svc.endpoint_ruleset.as_str();
    if text.is_empty() {
        return Err(EndpointError::NoRuleSet(name.to_string()));
    }
    slot.get_or_init(|| serde_json::from_str(text).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|reason| EndpointError::InvalidRuleSet {
            service: name.to_string(),
            reason: reason.clone(),
        })
}

/// Resolves the endpoint of catalog service `service` for `params`.
pub fn resolve_service(
    service: u32,
    params: &Map<String, Value>,
) -> Result<Endpoint, EndpointError> {
    resolve(rule_set(service)?, params)
}

/// Evaluates `rules` for `params` (parameter name → value; `null` counts as not given).
pub fn resolve(rules: &RuleSet, params: &Map<String, Value>) -> Result<Endpoint, EndpointError> {
    let mut scope = Scope::default();
    for (name, p) in &rules.parameters {
        let given = params.get(name).filter(|v| !v.is_null());
        let value = given.or(p.default.as_ref());
        match value {
            Some(v) => {
                check_type(name, p.kind, v)?;
                scope.vars.push((name.clone(), v.clone()));
            }
            None if p.required => return Err(EndpointError::MissingParameter(name.clone())),
            None => {}
        }
    }
    match eval_rules(&rules.rules, &mut scope)? {
        Some(endpoint) => Ok(endpoint),
        None => Err(EndpointError::NoMatch),
    }
}

fn check_type(name: &str, kind: ParameterType, v: &Value) -> Result<(), EndpointError> {
    let (ok, expected) = match kind {
        ParameterType::String => (v.is_string(), "a string"),
        ParameterType::Boolean => (v.is_boolean(), "a boolean"),
        ParameterType::StringArray => (
            v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
            "an array of strings",
        ),
    };
    if ok {
        Ok(())
    } else {
        Err(EndpointError::ParameterType {
            name: name.to_string(),
            expected,
        })
    }
}

/// Values bound so far: the parameters, then `assign`ed condition results (innermost last).
#[derive(Default)]
struct Scope {
    vars: Vec<(String, Value)>,
}

impl Scope {
    fn get(&self, name: &str) -> Option<&Value> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}

/// The first rule that applies decides; `None` when none does.
fn eval_rules(rules: &[Rule], scope: &mut Scope) -> Result<Option<Endpoint>, EndpointError> {
    for rule in rules {
        let mark = scope.vars.len();
        if conditions_hold(rule.conditions(), scope)? {
            return match rule {
                Rule::Endpoint { endpoint, .. } => build_endpoint(endpoint, scope).map(Some),
                Rule::Error { error, .. } => Err(EndpointError::Rule(string_of(error, scope)?)),
                // A tree whose conditions hold is final: falling out of it is no match.
                Rule::Tree { rules, .. } => match eval_rules(rules, scope)? {
                    Some(endpoint) => Ok(Some(endpoint)),
                    None => Err(EndpointError::NoMatch),
                },
            };
        }
        scope.vars.truncate(mark);
    }
    Ok(None)
}

/// Whether every condition yields a set value other than `false`, binding `assign`s.
fn conditions_hold(conditions: &[Condition], scope: &mut Scope) -> Result<bool, EndpointError> {
    for c in conditions {
        let args = c
            .argv
            .iter()
            .map(|a| eval(a, scope))
            .collect::<Result<Vec<_>, _>>()?;
        match functions::call(&c.function, &args)? {
            None | Some(Value::Bool(false)) => return Ok(false),
            Some(value) => {
                if let Some(name) = &c.assign {
                    scope.vars.push((name.clone(), value));
                }
            }
        }
    }
    Ok(true)
}

/// The value of an expression; `None` when it is unset.
fn eval(expr: &Expr, scope: &Scope) -> Result<Option<Value>, EndpointError> {
    Ok(match expr {
        Expr::Ref(r) => scope.get(&r.name).cloned(),
        Expr::Call(call) => {
            let args = call
                .argv
                .iter()
                .map(|a| eval(a, scope))
                .collect::<Result<Vec<_>, _>>()?;
            functions::call(&call.function, &args)?
        }
        Expr::String(t) => Some(Value::String(render(t, scope)?)),
        Expr::Bool(b) => Some(Value::Bool(*b)),
        Expr::Integer(i) => Some(Value::from(*i)),
        Expr::Array(items) => Some(Value::Array(
            items
                .iter()
                .filter_map(|i| eval(i, scope).transpose())
                .collect::<Result<_, _>>()?,
        )),
        Expr::Record(fields) => {
            let mut m = Map::new();
            for (k, v) in fields {
                if let Some(v) = eval(v, scope)? {
                    m.insert(k.clone(), v);
                }
            }
            Some(Value::Object(m))
        }
    })
}

/// An expression that must be a string (URL, error message, header value).
fn string_of(expr: &Expr, scope: &Scope) -> Result<String, EndpointError> {
    match eval(expr, scope)? {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Ok(other.to_string()),
        None => Err(EndpointError::UnsetValue(describe(expr))),
    }
}

fn describe(expr: &Expr) -> String {
    match expr {
        Expr::Ref(r) => r.name.clone(),
        Expr::Call(c) => format!("{}(...)", c.function),
        _ => "a value".to_string(),
    }
}

fn render(t: &Template, scope: &Scope) -> Result<String, EndpointError> {
    let mut out = String::new();
    for part in &t.parts {
        match part {
            TemplatePart::Literal(s) => out.push_str(s),
            TemplatePart::Value { name, path } => {
                let base = scope
                    .get(name)
                    .ok_or_else(|| EndpointError::UnsetValue(name.clone()))?;
                let value = match path {
                    Some(p) => functions::get_attr(base, p)
                        .ok_or_else(|| EndpointError::UnsetValue(format!("{name}#{p}")))?,
                    None => base.clone(),
                };
                match value {
                    Value::String(s) => out.push_str(&s),
                    other => out.push_str(&other.to_string()),
                }
            }
        }
    }
    Ok(out)
}

fn build_endpoint(spec: &EndpointSpec, scope: &Scope) -> Result<Endpoint, EndpointError> {
    let url = string_of(&spec.url, scope)?;
    let mut properties = Map::new();
    for (k, v) in &spec.properties {
        if let Some(v) = eval(v, scope)? {
            properties.insert(k.clone(), v);
        }
    }
    let mut headers = BTreeMap::new();
    for (k, values) in &spec.headers {
        let values = values
            .iter()
            .map(|v| string_of(v, scope))
            .collect::<Result<Vec<_>, _>>()?;
        headers.insert(k.clone(), values);
    }
    Ok(Endpoint {
        url,
        properties,
        headers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules() -> RuleSet {
        serde_json::from_value(json!({
            "version": "1.0",
            "parameters": {
                "Region": {"type": "String", "builtIn": "AWS::Region"},
                "UseFIPS": {"type": "Boolean", "required": true, "default": false}
            },
            "rules": [
                {"type": "tree", "conditions": [
                    {"fn": "isSet", "argv": [{"ref": "Region"}]},
                    {"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "P"}
                ], "rules": [
                    {"type": "endpoint", "conditions": [
                        {"fn": "booleanEquals", "argv": [{"ref": "UseFIPS"}, true]}
                    ], "endpoint": {"url": "https://svc-fips.{Region}.{P#dnsSuffix}"}},
                    {"type": "endpoint", "conditions": [], "endpoint": {
                        "url": "https://svc.{Region}.{P#dnsSuffix}",
                        "properties": {"authSchemes": [{"name": "sigv4", "signingRegion": "{Region}"}]},
                        "headers": {"x-test": ["{P#name}"]}
                    }}
                ]},
                {"type": "error", "conditions": [], "error": "Invalid Configuration: Missing Region"}
            ]
        }))
        .unwrap()
    }

    fn params(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn resolves_templates_properties_and_headers() {
        let e = resolve(&rules(), &params(json!({"Region": "cn-north-1"}))).unwrap();
        assert_eq!(e.url, "https://svc.cn-north-1.amazonaws.com.cn");
        assert_eq!(
            e.properties["authSchemes"][0]["signingRegion"],
            "cn-north-1"
        );
        assert_eq!(e.headers["x-test"], vec!["aws-cn".to_string()]);
        let e = resolve(
            &rules(),
            &params(json!({"Region": "us-east-1", "UseFIPS": true})),
        )
        .unwrap();
        assert_eq!(e.url, "https://svc-fips.us-east-1.amazonaws.com");
    }

    #[test]
    fn unknown_service_index_is_an_error() {
        assert!(matches!(
            rule_set(u32::MAX),
            Err(EndpointError::NoRuleSet(_))
        ));
    }

    #[test]
    fn error_rules_and_bad_parameters() {
        assert_eq!(
            resolve(&rules(), &Map::new()),
            Err(EndpointError::Rule(
                "Invalid Configuration: Missing Region".into()
            ))
        );
        assert_eq!(
            resolve(&rules(), &params(json!({"Region": 5}))),
            Err(EndpointError::ParameterType {
                name: "Region".into(),
                expected: "a string"
            })
        );
    }
}
