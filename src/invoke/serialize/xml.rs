//! XML bodies of restXml: the body members (root element named after the input structure) or a
//! structure payload (root named after the payload member), with `xmlName`, `xmlAttribute`,
//! `xmlFlattened` and `xmlNamespace`. Written with `aws-smithy-xml`'s writer (escaping).

use aws_smithy_xml::encode::{ElWriter, ScopeWriter, XmlWriter};
use catalog_format::format::{
    ArchivedMember, ArchivedShape, ArchivedShapeKind, ArchivedTrait, T_XML_ATTRIBUTE,
    T_XML_FLATTENED,
};
use serde_json::{Map, Value};

use super::{Ctx, Result, SerializeError, check_known_members, scalar_text, type_error, xml_name};
use crate::catalog;
use crate::timestamp::TimestampFormat;

/// The XML document of `shape` holding `input`: the whole input's unbound members
/// (`payload` = `None`) or a structure payload member's value.
pub(super) fn write_root(
    ctx: &Ctx,
    shape: &'static ArchivedShape,
    input: &Map<String, Value>,
    payload: Option<&'static ArchivedMember>,
) -> Result<String> {
    let root_name = payload
        .and_then(|m| {
            m.find_trait(|t| match t {
                ArchivedTrait::XmlName(n) => Some(n.as_str()),
                _ => None,
            })
        })
        .or_else(|| {
            shape.find_trait(|t| match t {
                ArchivedTrait::XmlName(n) => Some(n.as_str()),
                _ => None,
            })
        })
        .unwrap_or_else(|| crate::validate::shape_name(shape));
    let mut out = String::with_capacity(256);
    let mut writer = XmlWriter::new(&mut out);
    let mut el = writer.start_el(root_name);
    let ns = payload
        .and_then(namespace_of_member)
        .or_else(|| namespace_of_shape(shape))
        .or_else(|| (!ctx.xml_namespace.is_empty()).then_some((ctx.xml_namespace, None)));
    if let Some((uri, prefix)) = ns {
        el = el.write_ns(uri, prefix);
    }
    if payload.is_some() {
        write_structure_body(ctx, el, shape, input)?;
    } else {
        // Only the members without an HTTP binding go in the body.
        write_unbound_members(ctx, el, shape, input)?;
    }
    Ok(out)
}

type Namespace<'a> = (&'a str, Option<&'a str>);

fn namespace(t: &ArchivedTrait) -> Option<Namespace<'static>> {
    match t {
        ArchivedTrait::XmlNamespace(i) => {
            let ns = catalog::get().xml_namespaces.get(i.to_native() as usize)?;
            Some((ns.uri.as_str(), ns.prefix.as_ref().map(|p| p.as_str())))
        }
        _ => None,
    }
}

fn namespace_of_member(m: &'static ArchivedMember) -> Option<Namespace<'static>> {
    m.find_trait(namespace)
        .or_else(|| catalog::shape(m.target.to_native()).find_trait(namespace))
}

fn namespace_of_shape(s: &'static ArchivedShape) -> Option<Namespace<'static>> {
    s.find_trait(namespace)
}

fn write_unbound_members(
    ctx: &Ctx,
    el: ElWriter<'_, '_>,
    shape: &'static ArchivedShape,
    input: &Map<String, Value>,
) -> Result<()> {
    // Only the members without an HTTP binding go in the body.
    let unbound = |m: &ArchivedMember| !super::http_binding::is_bound(m);
    write_members(ctx, el, shape, input, &unbound)
}

fn write_structure_body(
    ctx: &Ctx,
    el: ElWriter<'_, '_>,
    shape: &'static ArchivedShape,
    input: &Map<String, Value>,
) -> Result<()> {
    check_known_members(shape, input)?;
    write_members(ctx, el, shape, input, &|_| true)
}

/// Attributes first (they belong to the start tag), then the member elements in model order.
fn write_members(
    ctx: &Ctx,
    mut el: ElWriter<'_, '_>,
    shape: &'static ArchivedShape,
    input: &Map<String, Value>,
    keep: &dyn Fn(&ArchivedMember) -> bool,
) -> Result<()> {
    for (m, target, v) in super::set_members(shape, input) {
        if keep(m) && m.has(T_XML_ATTRIBUTE) {
            let name = xml_name(m).unwrap_or(m.name.as_str());
            let text = scalar_text(ctx, Some(m), target, v, TimestampFormat::DateTime)
                .map_err(|e| e.within(m.name.as_str()))?;
            el.write_attribute(name, &text);
        }
    }
    let mut scope = el.finish();
    for (m, target, v) in super::set_members(shape, input) {
        if keep(m) && !m.has(T_XML_ATTRIBUTE) {
            let name = xml_name(m).unwrap_or(m.name.as_str());
            write_value(ctx, &mut scope, name, Some(m), target, v)
                .map_err(|e| e.within(m.name.as_str()))?;
        }
    }
    scope.finish();
    Ok(())
}

/// Writes `v` as element(s) named `name` inside `parent`.
fn write_value(
    ctx: &Ctx,
    parent: &mut ScopeWriter<'_, '_>,
    name: &str,
    member: Option<&'static ArchivedMember>,
    shape: &'static ArchivedShape,
    v: &Value,
) -> Result<()> {
    use ArchivedShapeKind as K;
    let flattened = member.is_some_and(|m| m.has(T_XML_FLATTENED));
    let ns = member.and_then(namespace_of_member);
    match shape.kind {
        K::Structure | K::Union => {
            let Value::Object(o) = v else {
                return Err(type_error("an object", v));
            };
            let mut el = parent.start_el(name);
            if let Some((uri, prefix)) = ns {
                el = el.write_ns(uri, prefix);
            }
            write_structure_body(ctx, el, shape, o)?;
        }
        K::List => {
            let (item, item_shape, items) = super::list_of(shape, v)?;
            if flattened {
                for (i, value) in items.iter().enumerate().filter(|(_, v)| !v.is_null()) {
                    write_value(ctx, parent, name, Some(item), item_shape, value)
                        .map_err(|e| e.within(&i.to_string()))?;
                }
            } else {
                let item_name = xml_name(item).unwrap_or("member");
                let mut el = parent.start_el(name);
                if let Some((uri, prefix)) = ns {
                    el = el.write_ns(uri, prefix);
                }
                let mut scope = el.finish();
                for (i, value) in items.iter().enumerate().filter(|(_, v)| !v.is_null()) {
                    write_value(ctx, &mut scope, item_name, Some(item), item_shape, value)
                        .map_err(|e| e.within(&i.to_string()))?;
                }
                scope.finish();
            }
        }
        K::Map => {
            let Value::Object(entries) = v else {
                return Err(type_error("an object", v));
            };
            let Some((key_m, value_m)) = super::map_members(shape) else {
                return Ok(());
            };
            let key_shape = catalog::shape(key_m.target.to_native());
            let value_shape = catalog::shape(value_m.target.to_native());
            let key_name = xml_name(key_m).unwrap_or("key");
            let value_name = xml_name(value_m).unwrap_or("value");
            let write_entry = |scope: &mut ScopeWriter<'_, '_>,
                               tag: &str,
                               k: &String,
                               value: &Value|
             -> Result<()> {
                let mut entry = scope.start_el(tag).finish();
                write_value(
                    ctx,
                    &mut entry,
                    key_name,
                    Some(key_m),
                    key_shape,
                    &Value::String(k.clone()),
                )?;
                write_value(
                    ctx,
                    &mut entry,
                    value_name,
                    Some(value_m),
                    value_shape,
                    value,
                )
                .map_err(|e| e.within(k))?;
                entry.finish();
                Ok(())
            };
            if flattened {
                for (k, value) in entries.iter().filter(|(_, v)| !v.is_null()) {
                    write_entry(parent, name, k, value)?;
                }
            } else {
                let mut el = parent.start_el(name);
                if let Some((uri, prefix)) = ns {
                    el = el.write_ns(uri, prefix);
                }
                let mut scope = el.finish();
                for (k, value) in entries.iter().filter(|(_, v)| !v.is_null()) {
                    write_entry(&mut scope, "entry", k, value)?;
                }
                scope.finish();
            }
        }
        K::Document => {
            return Err(SerializeError::Unsupported(
                "documents cannot be sent in XML".to_string(),
            ));
        }
        _ => {
            let text = scalar_text(ctx, member, shape, v, TimestampFormat::DateTime)?;
            let mut el = parent.start_el(name);
            if let Some((uri, prefix)) = ns {
                el = el.write_ns(uri, prefix);
            }
            let mut scope = el.finish();
            scope.data(&text);
            scope.finish();
        }
    }
    Ok(())
}
