//! The endpoint parameters of one operation call.
//!
//! A rule set's parameters get their values, highest precedence first, from
//! 1. the operation's `smithy.rules#staticContextParams` (fixed values, e.g. s3's
//!    `UseS3ExpressControlEndpoint` on CreateBucket),
//! 2. the input: members marked `smithy.rules#contextParam` (`Bucket`, `Key`) and the
//!    operation's `smithy.rules#operationContextParams` paths (`keys(RequestItems)`),
//! 3. client settings named by `smithy.rules#clientContextParams` (`ForcePathStyle`...),
//! 4. SDK built-ins (`AWS::Region`, `AWS::UseFIPS`, `SDK::Endpoint`, `AWS::S3::Accelerate`...),
//!
//! and the rule set's defaults fill in the rest when it is evaluated.

use catalog_format::format::ArchivedTrait;
use serde_json::{Map, Value};

use super::EndpointError;
use crate::catalog;

/// The parameters of operation `op` for `input`, with client settings `client` (by parameter
/// name) and SDK `built_ins` (by built-in name, `AWS::Region`).
pub fn operation_params(
    op: u32,
    input: &Map<String, Value>,
    client: &Map<String, Value>,
    built_ins: &Map<String, Value>,
) -> Result<Map<String, Value>, EndpointError> {
    let o = catalog::operation(op);
    let rules = super::rule_set(o.service.to_native())?;
    let mut params = Map::new();
    for p in rules.parameters.iter() {
        let name = p.name.as_str();
        if let Some(v) = p.built_in.as_ref().and_then(|b| built_ins.get(b.as_str())) {
            params.insert(name.to_string(), v.clone());
        }
        if let Some(v) = client.get(name) {
            params.insert(name.to_string(), v.clone());
        }
    }
    // Input members bound by name.
    if let Some(shape) = o.input.as_ref().map(|s| catalog::shape(s.to_native())) {
        for m in shape.members.iter() {
            let bound = m.find_trait(|t| match t {
                ArchivedTrait::ContextParam(n) => Some(n.as_str()),
                _ => None,
            });
            if let (Some(name), Some(v)) = (bound, input.get(m.name.as_str()))
                && !v.is_null()
            {
                params.insert(name.to_string(), v.clone());
            }
        }
    }
    for p in o.operation_context_params.iter() {
        if let Some(v) = select(input, p.path.as_str()) {
            params.insert(p.name.to_string(), v);
        }
    }
    for p in o.static_context_params.iter() {
        params.insert(p.name.to_string(), super::param_value(&p.value));
    }
    Ok(params)
}

/// The subset of JMESPath that `operationContextParams` use, applied to an operation's input:
/// `a.b`, `a[*].b` projections and `keys(a)`. `None` when the path selects nothing (or is of
/// another form). Walks by reference; only the selected values are copied.
pub fn select(input: &Map<String, Value>, path: &str) -> Option<Value> {
    if let Some(inner) = path.strip_prefix("keys(").and_then(|p| p.strip_suffix(')')) {
        let (found, _) = walk(input, inner);
        let keys = found
            .first()?
            .as_object()?
            .keys()
            .cloned()
            .map(Value::String);
        return Some(Value::Array(keys.collect()));
    }
    match walk(input, path) {
        (found, true) => Some(Value::Array(found.into_iter().cloned().collect())),
        (found, false) => found.first().map(|v| (*v).clone()),
    }
}

/// The values a dotted path reaches, and whether it went through a `[*]` projection (after
/// which the rest of the path applies to every element).
fn walk<'a>(input: &'a Map<String, Value>, path: &str) -> (Vec<&'a Value>, bool) {
    let mut objects: Vec<&Map<String, Value>> = vec![input];
    let mut found: Vec<&Value> = Vec::new();
    let mut projected = false;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let (key, project) = match part.strip_suffix("[*]") {
            Some(k) => (k, true),
            None => (part, false),
        };
        projected |= project;
        found = Vec::new();
        for field in objects.iter().filter_map(|o| o.get(key)) {
            if project {
                found.extend(field.as_array().into_iter().flatten());
            } else {
                found.push(field);
            }
        }
        if parts.peek().is_some() {
            objects = found.iter().filter_map(|v| v.as_object()).collect();
        }
    }
    (found, projected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn binds_built_ins_client_settings_input_members_and_static_values() {
        let (_, op) = catalog::resolve_operation("s3", "CreateBucket").unwrap();
        let input = json!({"Bucket": "my-bucket"});
        let p = operation_params(
            op,
            input.as_object().unwrap(),
            json!({"ForcePathStyle": true}).as_object().unwrap(),
            json!({"AWS::Region": "eu-west-1", "AWS::S3::ForcePathStyle": false, "Unrelated": 1})
                .as_object()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(p["Region"], "eu-west-1");
        assert_eq!(p["Bucket"], "my-bucket");
        assert_eq!(
            p["ForcePathStyle"], true,
            "client settings win over built-ins"
        );
        assert_eq!(
            p["UseS3ExpressControlEndpoint"], true,
            "static context param"
        );
        assert!(p.get("Unrelated").is_none());
    }

    #[test]
    fn paths() {
        let v = json!({"RequestItems": {"t1": {}, "t2": {}},
            "TransactItems": [{"Get": {"TableName": "a"}}, {"Get": {"TableName": "b"}}, {"Put": {}}],
            "TableCreationParameters": {"TableName": "x"}});
        let v = v.as_object().unwrap();
        assert_eq!(select(v, "keys(RequestItems)"), Some(json!(["t1", "t2"])));
        assert_eq!(
            select(v, "TransactItems[*].Get.TableName"),
            Some(json!(["a", "b"]))
        );
        assert_eq!(
            select(v, "TableCreationParameters.TableName"),
            Some(json!("x"))
        );
        assert_eq!(select(v, "Missing.Path"), None);
    }
}
