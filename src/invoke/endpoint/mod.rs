//! Endpoint resolution: evaluates a service's Smithy endpoint rule set
//! (`smithy.rules#endpointRuleSet`) for a set of parameters (`Region`, `UseFIPS`, `Bucket`...)
//! and yields the URL to call, its properties (the auth schemes: signing name and region) and
//! headers — or the rule set's own error message ("FIPS and DualStack are enabled, but this
//! partition does not support one or both").
//!
//! codegen lowers each rule set into typed rules in the catalog (`catalog_format::format::RuleSet`:
//! templates already split, function names resolved), and evaluation walks that archived form
//! in place: nothing is parsed at run time, so a service's first resolve costs what later ones
//! do. Evaluation walks the rules in order, binding `assign`ed condition results in a scope
//! that is unwound when a rule does not apply. Every endpoint test case of every model
//! (`smithy.rules#endpointTests`, about 15,000) runs in `tests/endpoint_rules.rs`.

pub mod functions;
pub mod params;
pub mod partitions;

use std::collections::BTreeMap;

use catalog_format::format::{
    ArchivedAttrStep, ArchivedCondition, ArchivedEndpointRule, ArchivedExpr, ArchivedParamValue,
    ArchivedRule, ArchivedRuleParameterType, ArchivedRuleSet, ArchivedTemplatePart,
};
use serde_json::{Map, Value};

use crate::catalog;
use functions::FunctionError;

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
    #[error("endpoint rules refer to `{0}`, which has no value here")]
    UnsetValue(String),
    #[error(transparent)]
    Function(#[from] FunctionError),
}

/// The rule set of catalog service `service` (in the catalog: no reading, no caching).
pub fn rule_set(service: u32) -> Result<&'static ArchivedRuleSet, EndpointError> {
    let Some(svc) = catalog::get().services.get(service as usize) else {
        return Err(EndpointError::NoRuleSet(format!("#{service}")));
    };
    svc.endpoint_rules
        .as_ref()
        .ok_or_else(|| EndpointError::NoRuleSet(svc.name.to_string()))
}

/// Resolves the endpoint of catalog service `service` for `params`.
pub fn resolve_service(
    service: u32,
    params: &Map<String, Value>,
) -> Result<Endpoint, EndpointError> {
    resolve(rule_set(service)?, params)
}

/// Evaluates `rules` for `params` (parameter name → value; `null` counts as not given).
pub fn resolve(
    rules: &ArchivedRuleSet,
    params: &Map<String, Value>,
) -> Result<Endpoint, EndpointError> {
    let mut scope = Scope::default();
    for p in rules.parameters.iter() {
        let name = p.name.as_str();
        let value = match params.get(name).filter(|v| !v.is_null()) {
            Some(v) => Some(v.clone()),
            None => p.default.as_ref().map(param_value),
        };
        match value {
            Some(v) => {
                check_type(name, p.kind, &v)?;
                scope.vars.push((name, v));
            }
            None if p.required => return Err(EndpointError::MissingParameter(name.to_string())),
            None => {}
        }
    }
    match eval_rules(&rules.rules, &mut scope)? {
        Some(endpoint) => Ok(endpoint),
        None => Err(EndpointError::NoMatch),
    }
}

/// A parameter value of the catalog (a default, a static context param) as a JSON value.
pub(crate) fn param_value(v: &ArchivedParamValue) -> Value {
    match v {
        ArchivedParamValue::Bool(b) => Value::Bool(*b),
        ArchivedParamValue::String(s) => Value::String(s.to_string()),
        ArchivedParamValue::StringArray(a) => {
            Value::Array(a.iter().map(|s| Value::String(s.to_string())).collect())
        }
    }
}

fn check_type(name: &str, kind: ArchivedRuleParameterType, v: &Value) -> Result<(), EndpointError> {
    let (ok, expected) = match kind {
        ArchivedRuleParameterType::String => (v.is_string(), "a string"),
        ArchivedRuleParameterType::Boolean => (v.is_boolean(), "a boolean"),
        ArchivedRuleParameterType::StringArray => (
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
/// Names point into the catalog.
#[derive(Default)]
struct Scope<'a> {
    vars: Vec<(&'a str, Value)>,
}

impl Scope<'_> {
    fn get(&self, name: &str) -> Option<&Value> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }
}

/// The conditions of a rule.
fn conditions_of(rule: &ArchivedRule) -> &[ArchivedCondition] {
    match rule {
        ArchivedRule::Endpoint { conditions, .. }
        | ArchivedRule::Error { conditions, .. }
        | ArchivedRule::Tree { conditions, .. } => conditions,
    }
}

/// The first rule that applies decides; `None` when none does.
fn eval_rules<'a>(
    rules: &'a [ArchivedRule],
    scope: &mut Scope<'a>,
) -> Result<Option<Endpoint>, EndpointError> {
    for rule in rules {
        let mark = scope.vars.len();
        if conditions_hold(conditions_of(rule), scope)? {
            return match rule {
                ArchivedRule::Endpoint { endpoint, .. } => {
                    build_endpoint(endpoint, scope).map(Some)
                }
                ArchivedRule::Error { message, .. } => {
                    Err(EndpointError::Rule(string_of(message, scope)?))
                }
                // A tree whose conditions hold is final: falling out of it is no match.
                ArchivedRule::Tree { rules, .. } => match eval_rules(rules, scope)? {
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
fn conditions_hold<'a>(
    conditions: &'a [ArchivedCondition],
    scope: &mut Scope<'a>,
) -> Result<bool, EndpointError> {
    for c in conditions {
        let args = c
            .argv
            .iter()
            .map(|a| eval(a, scope))
            .collect::<Result<Vec<_>, _>>()?;
        match functions::call(&c.function, &args)? {
            None | Some(Value::Bool(false)) => return Ok(false),
            Some(value) => {
                if let Some(name) = c.assign.as_ref() {
                    scope.vars.push((name.as_str(), value));
                }
            }
        }
    }
    Ok(true)
}

/// The value of an expression; `None` when it is unset.
fn eval(expr: &ArchivedExpr, scope: &Scope) -> Result<Option<Value>, EndpointError> {
    Ok(match expr {
        ArchivedExpr::Ref(name) => scope.get(name.as_str()).cloned(),
        ArchivedExpr::Call { function, argv } => {
            let args = argv
                .iter()
                .map(|a| eval(a, scope))
                .collect::<Result<Vec<_>, _>>()?;
            functions::call(function, &args)?
        }
        ArchivedExpr::GetAttr { target, path } => match target.as_ref() {
            // The common case, a reference: read the path without copying the whole value.
            ArchivedExpr::Ref(name) => scope
                .get(name.as_str())
                .and_then(|v| functions::get_attr_steps(v, path))
                .cloned(),
            other => eval(other, scope)?.and_then(|v| functions::get_attr_steps(&v, path).cloned()),
        },
        ArchivedExpr::String(parts) => Some(Value::String(render(parts, scope)?)),
        ArchivedExpr::Bool(b) => Some(Value::Bool(*b)),
        ArchivedExpr::Integer(i) => Some(Value::from(i.to_native())),
        ArchivedExpr::Array(items) => Some(Value::Array(
            items
                .iter()
                .filter_map(|i| eval(i, scope).transpose())
                .collect::<Result<_, _>>()?,
        )),
        ArchivedExpr::Record(fields) => {
            let mut m = Map::new();
            for f in fields.iter() {
                if let Some(v) = eval(&f.value, scope)? {
                    m.insert(f.name.to_string(), v);
                }
            }
            Some(Value::Object(m))
        }
    })
}

/// An expression that must be a string (URL, error message, header value).
fn string_of(expr: &ArchivedExpr, scope: &Scope) -> Result<String, EndpointError> {
    match eval(expr, scope)? {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Ok(other.to_string()),
        None => Err(EndpointError::UnsetValue(describe(expr))),
    }
}

fn describe(expr: &ArchivedExpr) -> String {
    match expr {
        ArchivedExpr::Ref(name) => name.to_string(),
        ArchivedExpr::Call { function, .. } => format!("{}(...)", function.name()),
        ArchivedExpr::GetAttr { .. } => "getAttr(...)".to_string(),
        _ => "a value".to_string(),
    }
}

/// `name#a.b[1]`, for messages.
fn describe_path(name: &str, path: &[ArchivedAttrStep]) -> String {
    let mut out = name.to_string();
    for (i, step) in path.iter().enumerate() {
        match step {
            ArchivedAttrStep::Key(k) => {
                out.push(if i == 0 { '#' } else { '.' });
                out.push_str(k);
            }
            ArchivedAttrStep::Index(n) => {
                if i == 0 {
                    out.push('#');
                }
                out.push_str(&format!("[{n}]"));
            }
        }
    }
    out
}

fn render(parts: &[ArchivedTemplatePart], scope: &Scope) -> Result<String, EndpointError> {
    let mut out = String::new();
    for part in parts {
        match part {
            ArchivedTemplatePart::Literal(s) => out.push_str(s),
            ArchivedTemplatePart::Value { name, path } => {
                let unset = || EndpointError::UnsetValue(describe_path(name, path));
                let base = scope.get(name.as_str()).ok_or_else(unset)?;
                let value = functions::get_attr_steps(base, path).ok_or_else(unset)?;
                match value {
                    Value::String(s) => out.push_str(s),
                    other => out.push_str(&other.to_string()),
                }
            }
        }
    }
    Ok(out)
}

fn build_endpoint(spec: &ArchivedEndpointRule, scope: &Scope) -> Result<Endpoint, EndpointError> {
    let url = string_of(&spec.url, scope)?;
    let mut properties = Map::new();
    for f in spec.properties.iter() {
        if let Some(v) = eval(&f.value, scope)? {
            properties.insert(f.name.to_string(), v);
        }
    }
    let mut headers = BTreeMap::new();
    for h in spec.headers.iter() {
        let values = h
            .values
            .iter()
            .map(|v| string_of(v, scope))
            .collect::<Result<Vec<_>, _>>()?;
        headers.insert(h.name.to_string(), values);
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

    fn resolve_for(service: &str, params: Value) -> Result<Endpoint, EndpointError> {
        let s = catalog::resolve_service(service).unwrap();
        resolve_service(s, params.as_object().unwrap())
    }

    #[test]
    fn resolves_templates_properties_and_defaults() {
        let e = resolve_for("ec2", json!({"Region": "cn-north-1"})).unwrap();
        assert_eq!(e.url, "https://ec2.cn-north-1.amazonaws.com.cn");
        let e = resolve_for("ec2", json!({"Region": "us-east-1", "UseFIPS": true})).unwrap();
        assert_eq!(e.url, "https://ec2-fips.us-east-1.amazonaws.com");
        let e = resolve_for(
            "s3",
            json!({"Region": "eu-west-1", "Bucket": "my-bucket", "UseFIPS": null}),
        )
        .unwrap();
        assert_eq!(e.url, "https://my-bucket.s3.eu-west-1.amazonaws.com");
        assert_eq!(e.properties["authSchemes"][0]["signingRegion"], "eu-west-1");
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
            resolve_for("ec2", json!({})),
            Err(EndpointError::Rule(
                "Invalid Configuration: Missing Region".into()
            ))
        );
        assert_eq!(
            resolve_for("ec2", json!({"Region": 5})),
            Err(EndpointError::ParameterType {
                name: "Region".into(),
                expected: "a string"
            })
        );
    }
}
