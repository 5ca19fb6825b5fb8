//! Lowering `smithy.rules#endpointRuleSet` JSON into the catalog's typed rule set
//! ([`RuleSet`]): parameters, rules, conditions and expressions, with string templates split
//! into literal text and values, `getAttr` paths split into steps and function names resolved
//! to [`Function`]s, so that the server evaluates the rules in place without parsing anything.

use serde_json::{Map, Value};

use crate::format::{
    AttrStep, Condition, EndpointRule, Expr, Function, ParamValue, RecordField, Rule, RuleHeader,
    RuleParameter, RuleParameterType, RuleSet, TemplatePart,
};

/// Lowers a rule set. Functions the engine does not know are kept as [`Function::Other`] and
/// reported in `unknown` (calling them fails at run time, for that service only).
pub fn lower_rule_set(v: &Value, unknown: &mut Vec<String>) -> Result<RuleSet, String> {
    let obj = v.as_object().ok_or("the rule set is not an object")?;
    let mut parameters = Vec::new();
    if let Some(params) = obj.get("parameters") {
        let params = params.as_object().ok_or("`parameters` is not an object")?;
        for (name, p) in params {
            parameters.push(parameter(name, p).map_err(|e| format!("parameter `{name}`: {e}"))?);
        }
    }
    parameters.sort_by(|a: &RuleParameter, b| a.name.cmp(&b.name));
    let mut lowering = Lowering { unknown };
    let rules = lowering.rules(obj.get("rules"))?;
    Ok(RuleSet { parameters, rules })
}

fn parameter(name: &str, p: &Value) -> Result<RuleParameter, String> {
    let kind = match p.get("type").and_then(Value::as_str) {
        Some("String" | "string") => RuleParameterType::String,
        Some("Boolean" | "boolean") => RuleParameterType::Boolean,
        Some("StringArray" | "stringArray") => RuleParameterType::StringArray,
        other => return Err(format!("unknown type {other:?}")),
    };
    let default = match p.get("default") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(ParamValue::Bool(*b)),
        Some(Value::String(s)) => Some(ParamValue::String(s.clone())),
        Some(Value::Array(items)) => Some(ParamValue::StringArray(
            items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(str::to_string)
                        .ok_or("a non-string in a default array")
                })
                .collect::<Result<_, _>>()?,
        )),
        Some(other) => return Err(format!("unsupported default {other}")),
    };
    Ok(RuleParameter {
        name: name.to_string(),
        kind,
        required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
        default,
        built_in: p.get("builtIn").and_then(Value::as_str).map(str::to_string),
    })
}

struct Lowering<'a> {
    unknown: &'a mut Vec<String>,
}

impl Lowering<'_> {
    fn rules(&mut self, v: Option<&Value>) -> Result<Vec<Rule>, String> {
        let items = v
            .and_then(Value::as_array)
            .ok_or("`rules` is not an array")?;
        items.iter().map(|r| self.rule(r)).collect()
    }

    fn rule(&mut self, v: &Value) -> Result<Rule, String> {
        let conditions = match v.get("conditions") {
            None => Vec::new(),
            Some(Value::Array(cs)) => cs
                .iter()
                .map(|c| self.condition(c))
                .collect::<Result<_, _>>()?,
            Some(_) => return Err("`conditions` is not an array".into()),
        };
        Ok(match v.get("type").and_then(Value::as_str) {
            Some("endpoint") => {
                let e = v
                    .get("endpoint")
                    .ok_or("endpoint rule without `endpoint`")?;
                Rule::Endpoint {
                    conditions,
                    endpoint: self.endpoint(e)?,
                }
            }
            Some("error") => Rule::Error {
                conditions,
                message: self.expr(v.get("error").ok_or("error rule without `error`")?)?,
            },
            Some("tree") => Rule::Tree {
                conditions,
                rules: self.rules(v.get("rules"))?,
            },
            other => return Err(format!("unknown rule type {other:?}")),
        })
    }

    fn condition(&mut self, v: &Value) -> Result<Condition, String> {
        let name = v
            .get("fn")
            .and_then(Value::as_str)
            .ok_or("a condition without `fn`")?;
        Ok(Condition {
            function: self.function(name),
            argv: self.args(name, v.get("argv"))?,
            assign: v.get("assign").and_then(Value::as_str).map(str::to_string),
        })
    }

    fn function(&mut self, name: &str) -> Function {
        let f = Function::from_name(name);
        if matches!(f, Function::Other(_)) && !self.unknown.iter().any(|u| u == name) {
            self.unknown.push(name.to_string());
        }
        f
    }

    fn args(&mut self, function: &str, v: Option<&Value>) -> Result<Vec<Expr>, String> {
        match v {
            Some(Value::Array(args)) => args.iter().map(|a| self.expr(a)).collect(),
            _ => Err(format!("call of `{function}` without `argv`")),
        }
    }

    fn endpoint(&mut self, v: &Value) -> Result<EndpointRule, String> {
        let url = self.expr(v.get("url").ok_or("endpoint without `url`")?)?;
        let properties = match v.get("properties") {
            None => Vec::new(),
            Some(Value::Object(m)) => self.fields(m)?,
            Some(_) => return Err("endpoint `properties` is not an object".into()),
        };
        let mut headers = Vec::new();
        match v.get("headers") {
            None => {}
            Some(Value::Object(m)) => {
                for (name, values) in m {
                    let values = values
                        .as_array()
                        .ok_or_else(|| format!("header `{name}` is not an array"))?;
                    headers.push(RuleHeader {
                        name: name.clone(),
                        values: values
                            .iter()
                            .map(|x| self.expr(x))
                            .collect::<Result<_, _>>()?,
                    });
                }
            }
            Some(_) => return Err("endpoint `headers` is not an object".into()),
        }
        Ok(EndpointRule {
            url,
            properties,
            headers,
        })
    }

    fn fields(&mut self, m: &Map<String, Value>) -> Result<Vec<RecordField>, String> {
        m.iter()
            .map(|(name, v)| {
                Ok(RecordField {
                    name: name.clone(),
                    value: self.expr(v)?,
                })
            })
            .collect()
    }

    /// An expression: an object with `ref` is a reference, one with `fn` a call, any other
    /// object a record; strings are templates.
    fn expr(&mut self, v: &Value) -> Result<Expr, String> {
        Ok(match v {
            Value::String(s) => Expr::String(TemplatePart::parse_template(s)),
            Value::Bool(b) => Expr::Bool(*b),
            Value::Number(n) => Expr::Integer(
                n.as_i64()
                    .and_then(|i| i32::try_from(i).ok())
                    .ok_or_else(|| format!("{n} is not a small integer"))?,
            ),
            Value::Array(items) => Expr::Array(
                items
                    .iter()
                    .map(|i| self.expr(i))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(m) => {
                if let Some(r) = m.get("ref") {
                    Expr::Ref(r.as_str().ok_or("`ref` must be a string")?.to_string())
                } else if let Some(Value::String(name)) = m.get("fn") {
                    let argv = m.get("argv");
                    match (
                        name.as_str(),
                        argv.and_then(Value::as_array).map(Vec::as_slice),
                    ) {
                        // A literal path is split now; a computed one is read at run time.
                        ("getAttr", Some([target, Value::String(path)]))
                            if !path.contains(['{', '}']) =>
                        {
                            Expr::GetAttr {
                                target: Box::new(self.expr(target)?),
                                path: AttrStep::parse_path(path),
                            }
                        }
                        _ => Expr::Call {
                            function: self.function(name),
                            argv: self.args(name, argv)?,
                        },
                    }
                } else {
                    Expr::Record(self.fields(m)?)
                }
            }
            Value::Null => return Err("null is not an expression".into()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lit(s: &str) -> TemplatePart {
        TemplatePart::Literal(s.into())
    }

    fn val(n: &str, path: &[&str]) -> TemplatePart {
        TemplatePart::Value {
            name: n.into(),
            path: path.iter().map(|k| AttrStep::Key(k.to_string())).collect(),
        }
    }

    #[test]
    fn templates_split_into_literals_and_values() {
        assert_eq!(
            TemplatePart::parse_template("https://sts.{Region}.{PartitionResult#dnsSuffix}"),
            vec![
                lit("https://sts."),
                val("Region", &[]),
                lit("."),
                val("PartitionResult", &["dnsSuffix"]),
            ]
        );
        assert_eq!(TemplatePart::parse_template("plain"), vec![lit("plain")]);
        assert_eq!(TemplatePart::parse_template(""), vec![lit("")]);
        assert_eq!(
            TemplatePart::parse_template("{{literal}} {x}"),
            vec![lit("{literal} "), val("x", &[])]
        );
        assert_eq!(TemplatePart::parse_template("a{b"), vec![lit("a{b")]);
        assert_eq!(
            AttrStep::parse_path("a.b[1].c"),
            vec![
                AttrStep::Key("a".into()),
                AttrStep::Key("b".into()),
                AttrStep::Index(1),
                AttrStep::Key("c".into())
            ]
        );
        assert_eq!(AttrStep::parse_path("[0]"), vec![AttrStep::Index(0)]);
    }

    #[test]
    fn rules_and_expressions_lower() {
        let mut unknown = Vec::new();
        let rs = lower_rule_set(
            &json!({"version":"1.0","parameters":{
                "Region":{"type":"String","builtIn":"AWS::Region"},
                "UseFIPS":{"type":"Boolean","required":true,"default":false}},
            "rules":[{"type":"tree","conditions":[{"fn":"isSet","argv":[{"ref":"Region"}]}],
              "rules":[{"type":"endpoint","conditions":[
                  {"fn":"aws.partition","argv":[{"ref":"Region"}],"assign":"P"},
                  {"fn":"booleanEquals","argv":[{"fn":"getAttr","argv":[{"ref":"P"},"supportsFIPS"]},true]},
                  {"fn":"fancy.new","argv":[]}],
                "endpoint":{"url":"https://x.{Region}",
                "properties":{"authSchemes":[{"name":"sigv4","disableDoubleEncoding":true}]},
                "headers":{"h":["v"]}}}]},
             {"type":"error","conditions":[],"error":"Invalid Configuration: Missing Region"}]}),
            &mut unknown,
        )
        .unwrap();
        assert_eq!(unknown, ["fancy.new"]);
        assert_eq!(rs.parameters[0].name, "Region");
        assert_eq!(rs.parameters[0].built_in.as_deref(), Some("AWS::Region"));
        assert_eq!(rs.parameters[1].default, Some(ParamValue::Bool(false)));
        assert!(rs.parameters[1].required);
        let Rule::Tree { conditions, rules } = &rs.rules[0] else {
            panic!("{:?}", rs.rules[0]);
        };
        assert_eq!(conditions[0].function, Function::IsSet);
        assert_eq!(conditions[0].argv, [Expr::Ref("Region".into())]);
        let Rule::Endpoint {
            conditions,
            endpoint,
        } = &rules[0]
        else {
            panic!("{:?}", rules[0]);
        };
        assert_eq!(conditions[0].assign.as_deref(), Some("P"));
        assert_eq!(
            conditions[1].argv[0],
            Expr::GetAttr {
                target: Box::new(Expr::Ref("P".into())),
                path: vec![AttrStep::Key("supportsFIPS".into())]
            }
        );
        assert_eq!(conditions[2].function, Function::Other("fancy.new".into()));
        assert_eq!(endpoint.properties[0].name, "authSchemes");
        assert_eq!(endpoint.headers[0].values, [Expr::String(vec![lit("v")])]);
        assert!(matches!(&rs.rules[1], Rule::Error { .. }));
        assert!(lower_rule_set(&json!({"rules": [{"type": "nope"}]}), &mut unknown).is_err());
    }
}
