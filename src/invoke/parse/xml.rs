//! XML bodies (restXml, awsQuery, ec2Query): the body is read into a small element tree, then
//! walked along the output shape.
//!
//! The tree is built with `xmlparser`, the tokenizer under aws-smithy-xml: its `decode` module
//! reads data only through `try_data`, which drops CDATA sections and stops at the first child,
//! and cannot list attributes, while error bodies (S3's `<Message><![CDATA[...]]>`) and
//! botocore's error dictionaries need both. Well-formedness (matching close tags, one root) is
//! checked here.
//!
//! - structure members by `xmlName`, else member name; `xmlAttribute` members from the
//!   element's attributes; a member element repeated is read once (the first);
//! - lists wrap their items (`<member>`, any name) unless `xmlFlattened`: then every element
//!   with the member's name is an item (named by the list member's `xmlName` when it has one,
//!   as botocore does);
//! - maps: `<entry><key/><value/></entry>` (key/value names from `xmlName`), flattened maps
//!   repeat the entry element;
//! - an empty element is the empty string; timestamps in any text form; blobs base64;
//! - awsQuery: members inside `<OperationResult>`; ec2Query: members under the root.

use catalog_format::format::{
    ArchivedProtocol, ArchivedShapeKind as K, T_XML_ATTRIBUTE, T_XML_FLATTENED,
};
use serde_json::{Map, Value};
use xmlparser::{ElementEnd, Token, Tokenizer};

use super::value::{self, member_has, target};
use super::{BodyError, ParseOptions};
use crate::catalog;

/// An XML element: local name, attributes (`prefix:local` names), children, direct text.
#[derive(Debug, Clone, Default)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    pub text: String,
}

impl Element {
    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The text of the first child named `name`.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.as_str())
    }

    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads an XML document into its root element.
pub fn read_document(body: &[u8]) -> Result<Element, BodyError> {
    let text = std::str::from_utf8(body)
        .map_err(|e| BodyError::new(format!("XML body is not UTF-8: {e}")))?;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    for token in Tokenizer::from(text) {
        let token = token.map_err(|e| BodyError::new(format!("invalid XML: {e}")))?;
        match token {
            Token::ElementStart { local, .. } => {
                if root.is_some() {
                    return Err(BodyError::new(
                        "invalid XML: content after the root element",
                    ));
                }
                stack.push(Element {
                    name: local.as_str().to_string(),
                    ..Element::default()
                });
            }
            Token::Attribute {
                prefix,
                local,
                value,
                ..
            } => {
                let name = if prefix.is_empty() {
                    local.as_str().to_string()
                } else {
                    format!("{}:{}", prefix.as_str(), local.as_str())
                };
                let v = unescape(value.as_str())?;
                if let Some(el) = stack.last_mut() {
                    el.attrs.push((name, v));
                }
            }
            Token::ElementEnd { end, .. } => {
                let close = match end {
                    ElementEnd::Open => continue,
                    ElementEnd::Empty => None,
                    ElementEnd::Close(_, local) => Some(local.as_str()),
                };
                let el = stack
                    .pop()
                    .ok_or_else(|| BodyError::new("invalid XML: unexpected close tag"))?;
                if let Some(name) = close
                    && name != el.name
                {
                    return Err(BodyError::new(format!(
                        "invalid XML: `</{name}>` closes `<{}>`",
                        el.name
                    )));
                }
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Token::Text { text } => {
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&unescape(text.as_str())?);
                } else if !text.as_str().trim().is_empty() {
                    return Err(BodyError::new("invalid XML: text outside the root element"));
                }
            }
            Token::Cdata { text, .. } => {
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(text.as_str());
                }
            }
            _ => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(BodyError::new(format!(
            "invalid XML: `<{}>` is not closed",
            open.name
        )));
    }
    root.ok_or_else(|| BodyError::new("invalid XML: no root element"))
}

/// Resolves the five predefined entities and character references.
fn unescape(s: &str) -> Result<String, BodyError> {
    if !s.contains('&') {
        return Ok(s.to_string());
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after
            .find(';')
            .ok_or_else(|| BodyError::new("invalid XML: unterminated entity"))?;
        let entity = &after[..end];
        let c = match entity {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32)
                .ok_or_else(|| BodyError::new(format!("invalid XML: bad reference `&{e};`")))?,
            e if e.starts_with('#') => e[1..]
                .parse::<u32>()
                .ok()
                .and_then(char::from_u32)
                .ok_or_else(|| BodyError::new(format!("invalid XML: bad reference `&{e};`")))?,
            e => {
                return Err(BodyError::new(format!(
                    "invalid XML: unknown entity `&{e};`"
                )));
            }
        };
        out.push(c);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// awsQuery/ec2Query success output: the `<OperationResult>` wrapper's members (awsQuery), or
/// the root's (ec2Query). A missing wrapper is an empty output.
pub fn parse_query_output(
    op: u32,
    shape: u32,
    protocol: ArchivedProtocol,
    body: &[u8],
    opts: &ParseOptions,
) -> Result<Value, BodyError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    let root = read_document(body)?;
    let start = if protocol == ArchivedProtocol::AwsQuery {
        let wrapper = format!("{}Result", catalog::operation(op).name.as_str());
        match root.child(&wrapper) {
            Some(el) => el,
            None => return Ok(Value::Object(Map::new())),
        }
    } else {
        &root
    };
    structure(shape, start, opts, |_| true)
}

/// The request id in a query body: `ResponseMetadata/RequestId` (awsQuery), `requestId`
/// (ec2Query), `RequestId`/`RequestID` (errors).
pub fn body_request_id(body: &[u8]) -> Option<String> {
    let root = read_document(body).ok()?;
    root.child("ResponseMetadata")
        .and_then(|m| m.child_text("RequestId"))
        .or_else(|| root.child_text("requestId"))
        .or_else(|| root.child_text("RequestId"))
        .or_else(|| root.child_text("RequestID"))
        .map(str::to_string)
}

/// The element name of a structure member. A flattened list or map is named by the list
/// member's `xmlName` when the structure member has none... and botocore prefers the list
/// member's: that order is kept.
fn member_element_name(m: &catalog_format::format::ArchivedMember) -> &str {
    let t = target(m);
    if member_has(m, T_XML_FLATTENED)
        && t.kind == K::List
        && let Some(n) = t.members.first().and_then(value::xml_name)
    {
        return n;
    }
    value::xml_name(m).unwrap_or(m.name.as_str())
}

/// A structure or union element: members from child elements (and attributes), in model
/// order. `keep` filters members (the rest protocols skip HTTP-bound ones).
pub fn structure(
    shape: u32,
    el: &Element,
    opts: &ParseOptions,
    keep: impl Fn(&catalog_format::format::ArchivedMember) -> bool,
) -> Result<Value, BodyError> {
    let s = catalog::shape(shape);
    let mut out = Map::new();
    for m in s.members.iter().filter(|m| keep(m)) {
        let name = member_element_name(m);
        let t = target(m);
        let flattened = member_has(m, T_XML_FLATTENED) && matches!(t.kind, K::List | K::Map);
        let parsed = if flattened {
            let items: Vec<&Element> = el.children.iter().filter(|c| c.name == name).collect();
            if items.is_empty() {
                continue;
            }
            collection(m.target.to_native(), &items, opts)
        } else if let Some(child) = el.child(name) {
            from_xml(m.target.to_native(), child, opts)
        } else if m.has(T_XML_ATTRIBUTE) {
            match el.attr(name) {
                Some(text) => scalar(m.target.to_native(), text, opts),
                None => continue,
            }
        } else {
            continue;
        };
        out.insert(
            m.name.as_str().to_string(),
            parsed.map_err(|e| e.under(m.name.as_str()))?,
        );
    }
    Ok(Value::Object(out))
}

/// An element of shape `shape` in output form.
pub fn from_xml(shape: u32, el: &Element, opts: &ParseOptions) -> Result<Value, BodyError> {
    let s = catalog::shape(shape);
    match s.kind {
        K::Structure | K::Union => structure(shape, el, opts, |_| true),
        K::List | K::Map => {
            let items: Vec<&Element> = el.children.iter().collect();
            collection(shape, &items, opts)
        }
        K::Document => Err(BodyError::new("documents are not supported in XML")),
        _ => scalar(shape, &el.text, opts),
    }
}

/// List items or map entries, already unwrapped from their container.
fn collection(shape: u32, items: &[&Element], opts: &ParseOptions) -> Result<Value, BodyError> {
    let s = catalog::shape(shape);
    if s.kind == K::List {
        let Some(member) = s.members.first() else {
            return Ok(Value::Array(Vec::new()));
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            out.push(
                from_xml(member.target.to_native(), item, opts)
                    .map_err(|e| e.under(i.to_string()))?,
            );
        }
        return Ok(Value::Array(out));
    }
    let key = s.members.iter().find(|m| m.name == "key");
    let val = s.members.iter().find(|m| m.name == "value");
    let (Some(key), Some(val)) = (key, val) else {
        return Ok(Value::Object(Map::new()));
    };
    let key_name = value::xml_name(key).unwrap_or("key");
    let val_name = value::xml_name(val).unwrap_or("value");
    let mut out = Map::new();
    for entry in items {
        let k = entry
            .child_text(key_name)
            .ok_or_else(|| BodyError::new(format!("map entry without `<{key_name}>`")))?;
        let v = match entry.child(val_name) {
            Some(v) => from_xml(val.target.to_native(), v, opts).map_err(|e| e.under(k))?,
            None => Value::Null,
        };
        out.insert(k.to_string(), v);
    }
    Ok(Value::Object(out))
}

/// A scalar from text (element content, attribute or header value).
pub fn scalar(shape: u32, text: &str, opts: &ParseOptions) -> Result<Value, BodyError> {
    let s = catalog::shape(shape);
    Ok(match s.kind {
        K::String | K::Enum => Value::String(text.to_string()),
        K::Boolean => Value::Bool(value::parse_bool(text)),
        K::Byte | K::Short | K::Integer | K::Long | K::IntEnum => value::parse_int(text)?,
        K::Float | K::Double => value::float(value::parse_float(text)?, opts),
        K::BigInteger | K::BigDecimal => value::parse_big(text)?,
        K::Timestamp => value::timestamp_text(text)?,
        K::Blob => value::blob(&value::decode_base64(text)?, opts),
        K::Structure | K::Union | K::List | K::Map | K::Document => {
            return Err(BodyError::new(format!(
                "expected a {:?} element, got text",
                s.kind
            )));
        }
    })
}
