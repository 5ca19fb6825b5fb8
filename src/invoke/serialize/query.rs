//! Form bodies of awsQuery and ec2Query: `Action=<Op>&Version=<api version>&` then every input
//! value as a `Dotted.Path.N=value` pair.
//!
//! The two protocols differ only in naming: awsQuery uses `xmlName`, numbers list items under
//! `.member.N` (`.N` when flattened), maps under `.entry.N.key`/`.value`, and sends an empty
//! list as `Name=`; ec2Query uses `ec2QueryName`, else the `xmlName` capitalised, else the
//! member name, always flattens lists and sends nothing for an empty list.

use catalog_format::format::{
    ArchivedMember, ArchivedShape, ArchivedShapeKind, ArchivedTrait, T_XML_FLATTENED,
};
use percent_encoding::utf8_percent_encode;
use serde_json::{Map, Value};

use super::{
    Ctx, Result, SerializeError, Serialized, check_known_members, scalar_text, type_error, xml_name,
};
use crate::catalog;
use crate::timestamp::TimestampFormat;

/// Builds the form body of an awsQuery (`ec2 = false`) or ec2Query request.
pub(super) fn serialize_query(
    ctx: &Ctx,
    op: u32,
    input: &Map<String, Value>,
    ec2: bool,
) -> Result<Serialized> {
    let o = catalog::operation(op);
    let svc = catalog::service(o.service.to_native());
    let mut pairs: Vec<(String, String)> = vec![
        ("Action".to_string(), o.name.to_string()),
        ("Version".to_string(), svc.version.to_string()),
    ];
    if let Some(shape) = o.input.as_ref().map(|s| catalog::shape(s.to_native())) {
        let mut w = QueryWriter {
            ctx,
            ec2,
            pairs: &mut pairs,
        };
        w.structure(shape, input, "")?;
    }
    Ok(Serialized {
        method: "POST".to_string(),
        path: "/".to_string(),
        query: Vec::new(),
        headers: vec![(
            "Content-Type".to_string(),
            "application/x-www-form-urlencoded; charset=utf-8".to_string(),
        )],
        body: form_encode(&pairs).into_bytes(),
        streaming: false,
    })
}

/// `k=v&k=v` with the form encoding botocore uses (`urlencode`: space as `+`, `-_.~` kept).
pub fn form_encode(pairs: &[(String, String)]) -> String {
    let mut out = String::with_capacity(pairs.len() * 24);
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        push_form(&mut out, k);
        out.push('=');
        push_form(&mut out, v);
    }
    out
}

fn push_form(out: &mut String, s: &str) {
    // A space is the only source of `%20`: a literal `%` is encoded as `%25`.
    let encoded = utf8_percent_encode(s, super::http_binding::UNRESERVED).to_string();
    out.push_str(&encoded.replace("%20", "+"));
}

struct QueryWriter<'a> {
    ctx: &'a Ctx,
    ec2: bool,
    pairs: &'a mut Vec<(String, String)>,
}

impl QueryWriter<'_> {
    /// The name of a structure member in the key path.
    fn member_name<'m>(&self, m: &'m ArchivedMember) -> std::borrow::Cow<'m, str> {
        if self.ec2 {
            if let Some(n) = m.find_trait(|t| match t {
                ArchivedTrait::Ec2QueryName(n) => Some(n.as_str()),
                _ => None,
            }) {
                return n.into();
            }
            if let Some(n) = xml_name(m) {
                return capitalize(n).into();
            }
            return capitalize(m.name.as_str()).into();
        }
        xml_name(m).unwrap_or(m.name.as_str()).into()
    }

    fn structure(
        &mut self,
        shape: &'static ArchivedShape,
        input: &Map<String, Value>,
        prefix: &str,
    ) -> Result<()> {
        check_known_members(shape, input)?;
        for (m, target, v) in super::set_members(shape, input) {
            let name = self.member_name(m);
            let key = if prefix.is_empty() {
                name.into_owned()
            } else {
                format!("{prefix}.{name}")
            };
            self.value(Some(m), target, v, key)
                .map_err(|e| e.within(m.name.as_str()))?;
        }
        Ok(())
    }

    fn value(
        &mut self,
        member: Option<&'static ArchivedMember>,
        shape: &'static ArchivedShape,
        v: &Value,
        key: String,
    ) -> Result<()> {
        use ArchivedShapeKind as K;
        match shape.kind {
            K::Structure | K::Union => match v {
                Value::Object(o) => self.structure(shape, o, &key),
                other => Err(type_error("an object", other)),
            },
            K::List => {
                let (item, item_shape, items) = super::list_of(shape, v)?;
                if items.is_empty() {
                    if !self.ec2 {
                        self.pairs.push((key, String::new()));
                    }
                    return Ok(());
                }
                let flattened = self.ec2 || member.is_some_and(|m| m.has(T_XML_FLATTENED));
                let list_prefix = if flattened {
                    // A flattened list named by its member's xmlName replaces the last segment.
                    match (self.ec2, xml_name(item)) {
                        (false, Some(n)) => match key.rsplit_once('.') {
                            Some((head, _)) => format!("{head}.{n}"),
                            None => n.to_string(),
                        },
                        _ => key,
                    }
                } else {
                    format!("{key}.{}", xml_name(item).unwrap_or("member"))
                };
                for (i, value) in items.iter().enumerate() {
                    if value.is_null() {
                        continue;
                    }
                    self.value(
                        Some(item),
                        item_shape,
                        value,
                        format!("{list_prefix}.{}", i + 1),
                    )
                    .map_err(|e| e.within(&i.to_string()))?;
                }
                Ok(())
            }
            K::Map => {
                let Value::Object(entries) = v else {
                    return Err(type_error("an object", v));
                };
                let Some((key_m, value_m)) = super::map_members(shape) else {
                    return Ok(());
                };
                let flattened = member.is_some_and(|m| m.has(T_XML_FLATTENED));
                let base = if flattened {
                    key
                } else {
                    format!("{key}.entry")
                };
                let key_name = xml_name(key_m).unwrap_or("key");
                let value_name = xml_name(value_m).unwrap_or("value");
                let value_shape = catalog::shape(value_m.target.to_native());
                for (i, (k, value)) in entries.iter().enumerate() {
                    self.pairs
                        .push((format!("{base}.{}.{key_name}", i + 1), k.clone()));
                    if value.is_null() {
                        continue;
                    }
                    self.value(
                        Some(value_m),
                        value_shape,
                        value,
                        format!("{base}.{}.{value_name}", i + 1),
                    )
                    .map_err(|e| e.within(k))?;
                }
                Ok(())
            }
            K::Document => Err(SerializeError::Unsupported(
                "documents cannot be sent in a query body".to_string(),
            )),
            _ => {
                let text = scalar_text(self.ctx, member, shape, v, TimestampFormat::DateTime)?;
                self.pairs.push((key, text));
                Ok(())
            }
        }
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
