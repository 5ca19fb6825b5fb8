//! Lowering parsed Smithy models into the catalog's tables: services, their operations (bound
//! to the service directly or through resources, recursively), and every shape reachable from
//! an operation's input, output and errors, with the traits the runtime needs.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use super::names::Named;
use super::smithy::{Model, shape_name, targets, traits};
use super::{Error, Warnings};
use crate::format::*;
use crate::text::{cut_at_word, first_sentences, html_to_text};

/// Longest member/shape documentation kept (characters): a sentence or two.
const MEMBER_DOC_CHARS: usize = 250;
/// Longest operation documentation kept (characters).
const OPERATION_DOC_CHARS: usize = 6000;
/// Longest operation summary (characters).
const SUMMARY_CHARS: usize = 200;

/// Smithy prelude simple shapes: (name, kind, has a zero default).
const PRELUDE: &[(&str, ShapeKind, bool)] = &[
    ("String", ShapeKind::String, false),
    ("Blob", ShapeKind::Blob, false),
    ("BigInteger", ShapeKind::BigInteger, false),
    ("BigDecimal", ShapeKind::BigDecimal, false),
    ("Timestamp", ShapeKind::Timestamp, false),
    ("Document", ShapeKind::Document, false),
    ("Boolean", ShapeKind::Boolean, false),
    ("Byte", ShapeKind::Byte, false),
    ("Short", ShapeKind::Short, false),
    ("Integer", ShapeKind::Integer, false),
    ("Long", ShapeKind::Long, false),
    ("Float", ShapeKind::Float, false),
    ("Double", ShapeKind::Double, false),
    ("PrimitiveBoolean", ShapeKind::Boolean, true),
    ("PrimitiveByte", ShapeKind::Byte, true),
    ("PrimitiveShort", ShapeKind::Short, true),
    ("PrimitiveInteger", ShapeKind::Integer, true),
    ("PrimitiveLong", ShapeKind::Long, true),
    ("PrimitiveFloat", ShapeKind::Float, true),
    ("PrimitiveDouble", ShapeKind::Double, true),
    ("Unit", ShapeKind::Structure, false),
];

/// Verbs whose operations remove, overwrite-to-nothing, or interrupt existing resources.
const DESTRUCTIVE_VERBS: &[&str] = &[
    "Delete",
    "Terminate",
    "Remove",
    "Purge",
    "Destroy",
    "Deregister",
    "Detach",
    "Disassociate",
    "Revoke",
    "Reset",
    "Stop",
    "Reboot",
    "Cancel",
    "Abort",
    "Release",
    "Disable",
    "Drop",
    "Erase",
    "Wipe",
    "Evict",
    "Unassign",
    "Unlink",
    "Unsubscribe",
    "Reject",
    "Shutdown",
    "Flush",
];

/// Verbs of operations that only read, for models that omit `smithy.api#readonly` (many AWS
/// models do: s3 ListBuckets, ec2 DescribeInstances).
const READ_VERBS: &[&str] = &[
    "Describe", "List", "Get", "Head", "Search", "Lookup", "BatchGet", "Scan", "Query",
];

/// The protocols we speak, in the order we prefer them when a service declares several.
const PROTOCOLS: &[(&str, Protocol)] = &[
    ("aws.protocols#awsJson1_0", Protocol::AwsJson1_0),
    ("aws.protocols#awsJson1_1", Protocol::AwsJson1_1),
    ("aws.protocols#restJson1", Protocol::RestJson1),
    ("aws.protocols#restXml", Protocol::RestXml),
    ("aws.protocols#awsQuery", Protocol::AwsQuery),
    ("aws.protocols#ec2Query", Protocol::Ec2Query),
];

/// Builds services, operations, shapes and patterns (everything but the snapshot and search).
pub fn lower(models: &[Model], named: &Named, warnings: &mut Warnings) -> Result<Catalog, Error> {
    let mut lw = Lowerer::default();
    lw.add_prelude();
    for &m in &named.selected {
        let model = &models[m];
        let service = lw.lower_service(model, m, named, warnings)?;
        lw.catalog.services.push(service);
    }
    lw.mark_event_streams();
    Ok(lw.catalog)
}

#[derive(Default)]
struct Lowerer {
    catalog: Catalog,
    /// (model index or usize::MAX for the prelude, shape id) → shape index.
    shape_index: HashMap<(usize, String), ShapeIdx>,
    pattern_index: HashMap<String, PatternIdx>,
    length_index: HashMap<LengthBounds, u32>,
    range_index: HashMap<RangeBounds, u32>,
    xml_ns_index: HashMap<XmlNamespace, u32>,
}

impl Lowerer {
    fn add_prelude(&mut self) {
        for &(name, kind, zero_default) in PRELUDE {
            let id = format!("smithy.api#{name}");
            let mut shape_traits = Vec::new();
            if zero_default {
                let zero = if kind == ShapeKind::Boolean {
                    DefaultValue::Bool(false)
                } else {
                    DefaultValue::Number("0".into())
                };
                shape_traits.push(Trait::Default(zero));
            }
            let idx = self.catalog.shapes.len() as ShapeIdx;
            self.catalog.shapes.push(Shape {
                id: id.clone(),
                kind,
                members: Vec::new(),
                flags: 0,
                traits: shape_traits,
            });
            self.shape_index.insert((usize::MAX, id), idx);
        }
    }

    fn lower_service(
        &mut self,
        model: &Model,
        model_idx: usize,
        named: &Named,
        warnings: &mut Warnings,
    ) -> Result<Service, Error> {
        let svc = model.service();
        let t = traits(svc);
        let api = t.get("aws.api#service");
        let protocols: Vec<String> = t
            .keys()
            .filter(|k| k.starts_with("aws.protocols#") || k.starts_with("smithy.protocols#"))
            .filter(|k| !k.ends_with("awsQueryCompatible") && !k.ends_with("awsQueryError"))
            .map(|k| shape_name(k).to_string())
            .collect();
        let protocol = PROTOCOLS
            .iter()
            .find(|(id, _)| t.contains_key(*id))
            .map(|&(_, p)| p);
        if protocol.is_none() {
            warnings.push(format!(
                "service `{}` declares no supported protocol ({protocols:?}): it can be searched and \
                 validated but not invoked",
                model.dir
            ));
        }
        let doc = t
            .get("smithy.api#documentation")
            .and_then(Value::as_str)
            .map(html_to_text)
            .unwrap_or_default();
        let first_paragraph = doc.lines().next().unwrap_or("");

        let endpoint_rules = t.get("smithy.rules#endpointRuleSet").and_then(|v| {
            let mut unknown = Vec::new();
            let lowered = super::rules::lower_rule_set(v, &mut unknown);
            if !unknown.is_empty() {
                warnings.push(format!(
                    "the endpoint rules of `{}` call functions the engine does not know \
                     ({unknown:?}): resolving its endpoints may fail",
                    model.dir
                ));
            }
            lowered
                .map_err(|e| {
                    warnings.push(format!(
                        "the endpoint rules of `{}` cannot be read ({e}): its endpoints cannot be \
                         resolved",
                        model.dir
                    ))
                })
                .ok()
        });

        // Operations: bound directly or through resources, recursively; sorted by name.
        let mut op_ids: Vec<String> = Vec::new();
        collect_operations(model, svc, &mut op_ids, 0);
        op_ids.sort_by(|a, b| shape_name(a).cmp(shape_name(b)).then(a.cmp(b)));
        op_ids.dedup();
        let service_idx = self.catalog.services.len() as ServiceIdx;
        let first_op = self.catalog.operations.len() as OpIdx;
        let service_paginated = t.get("smithy.api#paginated");
        for id in &op_ids {
            let Some(op) = model.shape(id) else {
                return Err(Error(format!(
                    "model `{}`: operation `{id}` is referenced but not defined",
                    model.dir
                )));
            };
            let operation =
                self.lower_operation(model, model_idx, service_idx, id, op, service_paginated)?;
            self.catalog.operations.push(operation);
        }
        let aliases: Vec<String> = named
            .aliases
            .iter()
            .filter(|&(_, &i)| i == model_idx)
            .map(|(a, _)| a.clone())
            .collect();
        Ok(Service {
            name: model.dir.clone(),
            shape_id: model.service_id.clone(),
            sdk_id: str_at(api, "sdkId"),
            endpoint_prefix: str_at(api, "endpointPrefix"),
            signing_name: str_at(t.get("aws.auth#sigv4"), "name"),
            arn_namespace: str_at(api, "arnNamespace"),
            cloudtrail_event_source: str_at(api, "cloudTrailEventSource"),
            cli_name: named.cli_names[model_idx].clone(),
            aliases,
            title: t
                .get("smithy.api#title")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            version: str_at(Some(svc), "version"),
            protocol,
            protocols,
            aws_query_compatible: t.contains_key("aws.protocols#awsQueryCompatible"),
            xml_namespace: str_at(t.get("smithy.api#xmlNamespace"), "uri"),
            documentation: cut_at_word(first_paragraph, 600),
            first_op,
            op_count: op_ids.len() as u32,
            endpoint_rules,
            client_context_params: client_context_params(t.get("smithy.rules#clientContextParams")),
        })
    }

    fn lower_operation(
        &mut self,
        model: &Model,
        model_idx: usize,
        service: ServiceIdx,
        id: &str,
        op: &Value,
        service_paginated: Option<&Value>,
    ) -> Result<Operation, Error> {
        let name = shape_name(id).to_string();
        let t = traits(op);
        let target = |key: &str| {
            op.get(key)
                .and_then(|v| v.get("target"))
                .and_then(Value::as_str)
        };
        let input = match target("input") {
            Some(tid) if tid != "smithy.api#Unit" => Some(self.intern(model, model_idx, tid)?),
            _ => None,
        };
        let output = match target("output") {
            Some(tid) if tid != "smithy.api#Unit" => Some(self.intern(model, model_idx, tid)?),
            _ => None,
        };
        let mut errors = Vec::new();
        for e in targets(op.get("errors")) {
            errors.push(self.intern(model, model_idx, e)?);
        }
        let doc = t
            .get("smithy.api#documentation")
            .and_then(Value::as_str)
            .map(html_to_text)
            .unwrap_or_default();
        let summary = first_sentences(skip_boilerplate(&doc), SUMMARY_CHARS);
        let http = t.get("smithy.api#http").map(|h| {
            let uri = str_or(Some(h), "uri", "/");
            let (path, query) = split_uri_template(&uri);
            HttpBinding {
                method: str_or(Some(h), "method", "POST"),
                code: h.get("code").and_then(Value::as_u64).unwrap_or(200) as u16,
                path,
                query,
                uri,
            }
        });
        let mut flags = 0;
        let readonly = t.contains_key("smithy.api#readonly")
            || READ_VERBS.iter().any(|v| starts_with_word(&name, v));
        if readonly {
            flags |= OP_READONLY;
        }
        if t.contains_key("smithy.api#idempotent") {
            flags |= OP_IDEMPOTENT;
        }
        let verb_destructive = DESTRUCTIVE_VERBS.iter().any(|v| starts_with_word(&name, v));
        let method_delete = http.as_ref().is_some_and(|h| h.method == "DELETE");
        if !readonly && (verb_destructive || method_delete) {
            flags |= OP_DESTRUCTIVE;
        }
        if t.contains_key("smithy.api#deprecated") {
            flags |= OP_DEPRECATED;
        }
        let auth = strings(t.get("smithy.api#auth"));
        if t.contains_key("smithy.api#optionalAuth")
            || t.get("smithy.api#auth")
                .and_then(Value::as_array)
                .is_some_and(Vec::is_empty)
        {
            flags |= OP_OPTIONAL_AUTH;
        }
        if t.contains_key("aws.auth#unsignedPayload") {
            flags |= OP_UNSIGNED_PAYLOAD;
        }
        if t.contains_key("smithy.api#httpChecksumRequired") {
            flags |= OP_CHECKSUM_REQUIRED;
        }
        let paginated = t.get("smithy.api#paginated").map(|p| {
            let field = |key: &str| {
                p.get(key)
                    .or_else(|| service_paginated.and_then(|s| s.get(key)))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            };
            Paginated {
                input_token: field("inputToken"),
                output_token: field("outputToken"),
                items: field("items"),
                page_size: field("pageSize"),
            }
        });
        let examples = t
            .get("smithy.api#examples")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|e| e.get("input"))
                    .map(Value::to_string)
                    .collect()
            })
            .unwrap_or_default();
        Ok(Operation {
            service,
            name,
            input,
            output,
            errors,
            documentation: cut_at_word(&doc, OPERATION_DOC_CHARS),
            summary,
            flags,
            http,
            host_prefix: t
                .get("smithy.api#endpoint")
                .and_then(|e| e.get("hostPrefix"))
                .and_then(Value::as_str)
                .map(str::to_string),
            paginated,
            http_checksum: t.get("aws.protocols#httpChecksum").map(http_checksum),
            static_context_params: static_context_params(t.get("smithy.rules#staticContextParams")),
            operation_context_params: operation_context_params(
                t.get("smithy.rules#operationContextParams"),
            ),
            request_compression: strings(
                t.get("smithy.api#requestCompression")
                    .and_then(|r| r.get("encodings")),
            ),
            auth,
            examples,
        })
    }

    /// The index of shape `id` of `model`, lowering it (and everything it reaches) on first use.
    fn intern(&mut self, model: &Model, model_idx: usize, id: &str) -> Result<ShapeIdx, Error> {
        if let Some(&i) = self.lookup(model_idx, id) {
            return Ok(i);
        }
        // Worklist: reserve an index first so that recursive shapes refer to themselves.
        let root = self.reserve(model, model_idx, id)?;
        let mut pending = vec![(root, id.to_string())];
        while let Some((idx, sid)) = pending.pop() {
            let shape = self.lower_shape(model, model_idx, &sid, &mut pending)?;
            self.catalog.shapes[idx as usize] = shape;
        }
        Ok(root)
    }

    fn lookup(&self, model_idx: usize, id: &str) -> Option<&ShapeIdx> {
        if id.starts_with("smithy.api#")
            && let Some(i) = self.shape_index.get(&(usize::MAX, id.to_string()))
        {
            return Some(i);
        }
        self.shape_index.get(&(model_idx, id.to_string()))
    }

    fn reserve(&mut self, model: &Model, model_idx: usize, id: &str) -> Result<ShapeIdx, Error> {
        if model.shape(id).is_none() {
            return Err(Error(format!(
                "model `{}`: shape `{id}` is referenced but not defined (and is not in the Smithy \
                 prelude)",
                model.dir
            )));
        }
        let idx = self.catalog.shapes.len() as ShapeIdx;
        self.catalog.shapes.push(Shape {
            id: id.to_string(),
            kind: ShapeKind::Document,
            members: Vec::new(),
            flags: 0,
            traits: Vec::new(),
        });
        self.shape_index.insert((model_idx, id.to_string()), idx);
        Ok(idx)
    }

    /// The index of a member target: known, or reserved and queued for lowering.
    fn target(
        &mut self,
        model: &Model,
        model_idx: usize,
        id: &str,
        pending: &mut Vec<(ShapeIdx, String)>,
    ) -> Result<ShapeIdx, Error> {
        if let Some(&i) = self.lookup(model_idx, id) {
            return Ok(i);
        }
        let idx = self.reserve(model, model_idx, id)?;
        pending.push((idx, id.to_string()));
        Ok(idx)
    }

    fn lower_shape(
        &mut self,
        model: &Model,
        model_idx: usize,
        id: &str,
        pending: &mut Vec<(ShapeIdx, String)>,
    ) -> Result<Shape, Error> {
        let raw = model
            .shape(id)
            .ok_or_else(|| Error(format!("shape `{id}` vanished")))?;
        let ty = raw.get("type").and_then(Value::as_str).unwrap_or("");
        let merged_traits = merged_traits(model, raw);
        let (mut flags, mut shape_traits) = self.lower_traits(&merged_traits);
        let smithy1_enum = ty == "string" && merged_traits.contains_key("smithy.api#enum");
        let kind = match ty {
            "blob" => ShapeKind::Blob,
            "boolean" => ShapeKind::Boolean,
            "string" if smithy1_enum => ShapeKind::Enum,
            "string" => ShapeKind::String,
            "byte" => ShapeKind::Byte,
            "short" => ShapeKind::Short,
            "integer" => ShapeKind::Integer,
            "long" => ShapeKind::Long,
            "float" => ShapeKind::Float,
            "double" => ShapeKind::Double,
            "bigInteger" => ShapeKind::BigInteger,
            "bigDecimal" => ShapeKind::BigDecimal,
            "timestamp" => ShapeKind::Timestamp,
            "document" => ShapeKind::Document,
            "enum" => ShapeKind::Enum,
            "intEnum" => ShapeKind::IntEnum,
            "list" => ShapeKind::List,
            "set" => {
                flags |= T_UNIQUE_ITEMS;
                ShapeKind::List
            }
            "map" => ShapeKind::Map,
            "structure" => ShapeKind::Structure,
            "union" => ShapeKind::Union,
            other => {
                return Err(Error(format!(
                    "model `{}`: shape `{id}` of type `{other}` is used as data",
                    model.dir
                )));
            }
        };
        let unit = self
            .lookup(model_idx, "smithy.api#Unit")
            .copied()
            .unwrap_or(0);
        let mut members = Vec::new();
        if smithy1_enum {
            for def in merged_traits["smithy.api#enum"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let Some(value) = def.get("value").and_then(Value::as_str) else {
                    continue;
                };
                let name = def.get("name").and_then(Value::as_str).unwrap_or(value);
                let mut member_traits = vec![Trait::EnumValue(value.to_string())];
                if let Some(doc) = def.get("documentation").and_then(Value::as_str) {
                    member_traits.push(Trait::Documentation(short_doc(doc)));
                }
                members.push(Member {
                    name: name.to_string(),
                    target: unit,
                    flags: 0,
                    traits: member_traits,
                });
            }
        } else {
            for (name, member) in raw_members(model, raw, ty) {
                let target_id = member
                    .get("target")
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        Error(format!(
                            "model `{}`: member `{id}${name}` has no target",
                            model.dir
                        ))
                    })?;
                let target = self.target(model, model_idx, target_id, pending)?;
                let (mflags, mut mtraits) = self.lower_traits(traits(&member));
                if kind == ShapeKind::Enum
                    && !mtraits.iter().any(|t| matches!(t, Trait::EnumValue(_)))
                {
                    mtraits.push(Trait::EnumValue(name.clone()));
                }
                members.push(Member {
                    name,
                    target,
                    flags: mflags,
                    traits: mtraits,
                });
            }
        }
        shape_traits.shrink_to_fit();
        Ok(Shape {
            id: local_id(model, id),
            kind,
            members,
            flags,
            traits: shape_traits,
        })
    }

    fn pattern(&mut self, source: &str) -> PatternIdx {
        if let Some(&i) = self.pattern_index.get(source) {
            return i;
        }
        let (translated, needs_fancy) = super::regex::translate_java_regex(source);
        let idx = self.catalog.patterns.len() as PatternIdx;
        self.catalog.patterns.push(Pattern {
            source: source.to_string(),
            translated,
            needs_fancy,
        });
        self.pattern_index.insert(source.to_string(), idx);
        idx
    }

    /// Flags and valued traits of a shape or member.
    fn lower_traits(&mut self, t: &Map<String, Value>) -> (u32, Vec<Trait>) {
        let mut flags = 0;
        let mut out = Vec::new();
        for (key, value) in t {
            let s = || value.as_str().unwrap_or("").to_string();
            match key.as_str() {
                "smithy.api#required" => flags |= T_REQUIRED,
                "smithy.api#sensitive" => flags |= T_SENSITIVE,
                "smithy.api#idempotencyToken" => flags |= T_IDEMPOTENCY_TOKEN,
                "smithy.api#streaming" => flags |= T_STREAMING,
                "smithy.api#uniqueItems" => flags |= T_UNIQUE_ITEMS,
                "smithy.api#sparse" => flags |= T_SPARSE,
                "smithy.api#deprecated" => flags |= T_DEPRECATED,
                "smithy.api#httpLabel" => flags |= T_HTTP_LABEL,
                "smithy.api#httpPayload" => flags |= T_HTTP_PAYLOAD,
                "smithy.api#httpResponseCode" => flags |= T_HTTP_RESPONSE_CODE,
                "smithy.api#httpQueryParams" => flags |= T_HTTP_QUERY_PARAMS,
                "smithy.api#xmlAttribute" => flags |= T_XML_ATTRIBUTE,
                "smithy.api#xmlFlattened" => flags |= T_XML_FLATTENED,
                "smithy.api#hostLabel" => flags |= T_HOST_LABEL,
                "smithy.api#eventHeader" => flags |= T_EVENT_HEADER,
                "smithy.api#eventPayload" => flags |= T_EVENT_PAYLOAD,
                "smithy.api#requiresLength" => flags |= T_REQUIRES_LENGTH,
                "smithy.api#clientOptional" => flags |= T_CLIENT_OPTIONAL,
                "smithy.api#input" => flags |= T_INPUT,
                "smithy.api#output" => flags |= T_OUTPUT,
                "aws.api#arnReference" | "aws.api#arn" => flags |= T_ARN,
                "smithy.api#error" => {
                    flags |= T_ERROR;
                    out.push(Trait::Error(s()));
                }
                "smithy.api#documentation" => {
                    let doc = short_doc(value.as_str().unwrap_or(""));
                    if !doc.is_empty() {
                        out.push(Trait::Documentation(doc));
                    }
                }
                // A value Smithy forbids (a non-empty list or map) is left out.
                "smithy.api#default" => out.extend(default_value(value).map(Trait::Default)),
                "smithy.api#length" => {
                    let bounds = LengthBounds {
                        min: value.get("min").and_then(Value::as_u64),
                        max: value.get("max").and_then(Value::as_u64),
                    };
                    out.push(Trait::Length(intern(
                        &mut self.catalog.lengths,
                        &mut self.length_index,
                        bounds,
                    )));
                }
                "smithy.api#range" => {
                    let bounds = RangeBounds {
                        min: value
                            .get("min")
                            .filter(|v| v.is_number())
                            .map(Value::to_string),
                        max: value
                            .get("max")
                            .filter(|v| v.is_number())
                            .map(Value::to_string),
                    };
                    out.push(Trait::Range(intern(
                        &mut self.catalog.ranges,
                        &mut self.range_index,
                        bounds,
                    )));
                }
                "smithy.api#pattern" => {
                    if let Some(p) = value.as_str() {
                        let idx = self.pattern(p);
                        out.push(Trait::Pattern(idx));
                    }
                }
                "smithy.api#timestampFormat" => {
                    let format = match value.as_str() {
                        Some("date-time") => Some(TimestampFormat::DateTime),
                        Some("http-date") => Some(TimestampFormat::HttpDate),
                        Some("epoch-seconds") => Some(TimestampFormat::EpochSeconds),
                        _ => None,
                    };
                    out.extend(format.map(Trait::TimestampFormat));
                }
                "smithy.api#jsonName" => out.push(Trait::JsonName(s())),
                "smithy.api#xmlName" => out.push(Trait::XmlName(s())),
                "smithy.api#xmlNamespace" => {
                    let ns = XmlNamespace {
                        uri: str_at(Some(value), "uri"),
                        prefix: value
                            .get("prefix")
                            .and_then(Value::as_str)
                            .map(str::to_string),
                    };
                    out.push(Trait::XmlNamespace(intern(
                        &mut self.catalog.xml_namespaces,
                        &mut self.xml_ns_index,
                        ns,
                    )));
                }
                "aws.protocols#ec2QueryName" => out.push(Trait::Ec2QueryName(s())),
                "smithy.api#httpHeader" => out.push(Trait::HttpHeader(s())),
                "smithy.api#httpPrefixHeaders" => out.push(Trait::HttpPrefixHeaders(s())),
                "smithy.api#httpQuery" => out.push(Trait::HttpQuery(s())),
                "smithy.api#mediaType" => out.push(Trait::MediaType(s())),
                "smithy.api#enumValue" => match value {
                    Value::String(v) => out.push(Trait::EnumValue(v.clone())),
                    Value::Number(n) => out.extend(
                        n.as_i64()
                            .and_then(|v| i32::try_from(v).ok())
                            .map(Trait::IntEnumValue),
                    ),
                    _ => {}
                },
                "smithy.api#httpError" => {
                    out.extend(value.as_u64().map(|c| Trait::HttpError(c as u16)));
                }
                "aws.protocols#awsQueryError" => out.push(Trait::AwsQueryError {
                    code: str_at(Some(value), "code"),
                    http_response_code: value
                        .get("httpResponseCode")
                        .and_then(Value::as_u64)
                        .unwrap_or(400) as u16,
                }),
                "smithy.rules#contextParam" => {
                    if let Some(name) = value.get("name").and_then(Value::as_str) {
                        out.push(Trait::ContextParam(name.to_string()));
                    }
                }
                _ => {}
            }
        }
        (flags, out)
    }

    /// Sets `OP_EVENT_STREAM` on operations whose input or output has a streaming union member.
    fn mark_event_streams(&mut self) {
        let shapes = &self.catalog.shapes;
        let has_event_stream = |s: Option<ShapeIdx>| {
            s.is_some_and(|s| {
                shapes[s as usize].members.iter().any(|m| {
                    let t = &shapes[m.target as usize];
                    t.kind == ShapeKind::Union && t.flags & T_STREAMING != 0
                })
            })
        };
        let marks: Vec<bool> = self
            .catalog
            .operations
            .iter()
            .map(|op| has_event_stream(op.input) || has_event_stream(op.output))
            .collect();
        for (op, mark) in self.catalog.operations.iter_mut().zip(marks) {
            if mark {
                op.flags |= OP_EVENT_STREAM;
            }
        }
    }
}

/// The documentation without a leading sentence that only says where the operation does not
/// apply (s3: "This operation is not supported for directory buckets."), which would otherwise
/// fill the summary.
fn skip_boilerplate(doc: &str) -> &str {
    let lead = [
        "This operation is not supported",
        "This API is not supported",
    ];
    // The first sentence ends at a full stop followed by a space or a line break.
    let end = doc
        .char_indices()
        .find(|&(i, c)| c == '.' && doc[i + 1..].starts_with(char::is_whitespace))
        .map(|(i, _)| i);
    match end {
        Some(i) if lead.iter().any(|l| doc.starts_with(l)) && !doc[i + 1..].trim().is_empty() => {
            doc[i + 1..].trim_start()
        }
        _ => doc,
    }
}

/// The strings of a JSON array (empty when absent; non-strings skipped).
/// Splits an HTTP URI template (`/{Bucket}/{Key+}?x-id=GetObject`) into path segments and
/// literal query parameters.
pub(crate) fn split_uri_template(uri: &str) -> (Vec<UriSegment>, Vec<QueryLiteral>) {
    let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
    let mut segments = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            segments.push(UriSegment::Literal(rest[..open].to_string()));
        }
        let after = &rest[open + 1..];
        let close = after.find('}').unwrap_or(after.len());
        let label = &after[..close];
        segments.push(match label.strip_suffix('+') {
            Some(name) => UriSegment::GreedyLabel(name.to_string()),
            None => UriSegment::Label(label.to_string()),
        });
        rest = after.get(close + 1..).unwrap_or("");
    }
    if !rest.is_empty() {
        segments.push(UriSegment::Literal(rest.to_string()));
    }
    let query = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => QueryLiteral {
                key: k.to_string(),
                value: Some(v.to_string()),
            },
            None => QueryLiteral {
                key: p.to_string(),
                value: None,
            },
        })
        .collect();
    (segments, query)
}

/// A `smithy.api#default` value; `None` for a non-empty list or map, which Smithy forbids.
fn default_value(v: &Value) -> Option<DefaultValue> {
    Some(match v {
        Value::Null => DefaultValue::None,
        Value::Bool(b) => DefaultValue::Bool(*b),
        Value::Number(n) => DefaultValue::Number(n.to_string()),
        Value::String(s) => DefaultValue::String(s.clone()),
        Value::Array(a) if a.is_empty() => DefaultValue::EmptyList,
        Value::Object(m) if m.is_empty() => DefaultValue::EmptyMap,
        Value::Array(_) | Value::Object(_) => return None,
    })
}

fn http_checksum(v: &Value) -> HttpChecksum {
    let member = |key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    HttpChecksum {
        request_algorithm_member: member("requestAlgorithmMember"),
        request_checksum_required: v
            .get("requestChecksumRequired")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        request_validation_mode_member: member("requestValidationModeMember"),
        response_algorithms: strings(v.get("responseAlgorithms")),
    }
}

fn static_context_params(v: Option<&Value>) -> Vec<StaticContextParam> {
    let Some(map) = v.and_then(Value::as_object) else {
        return Vec::new();
    };
    map.iter()
        .filter_map(|(name, p)| {
            let value = match p.get("value")? {
                Value::Bool(b) => ParamValue::Bool(*b),
                Value::String(s) => ParamValue::String(s.clone()),
                Value::Array(a) => ParamValue::StringArray(
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect(),
                ),
                _ => return None,
            };
            Some(StaticContextParam {
                name: name.clone(),
                value,
            })
        })
        .collect()
}

fn operation_context_params(v: Option<&Value>) -> Vec<OperationContextParam> {
    let Some(map) = v.and_then(Value::as_object) else {
        return Vec::new();
    };
    map.iter()
        .filter_map(|(name, p)| {
            Some(OperationContextParam {
                name: name.clone(),
                path: p.get("path")?.as_str()?.to_string(),
            })
        })
        .collect()
}

fn client_context_params(v: Option<&Value>) -> Vec<ClientContextParam> {
    let Some(map) = v.and_then(Value::as_object) else {
        return Vec::new();
    };
    map.iter()
        .map(|(name, p)| ClientContextParam {
            name: name.clone(),
            kind: match p.get("type").and_then(Value::as_str) {
                Some("boolean") => ParamKind::Boolean,
                _ => ParamKind::String,
            },
        })
        .collect()
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The string member `key` of an object (empty when absent or not a string).
fn str_at(v: Option<&Value>, key: &str) -> String {
    str_or(v, key, "")
}

/// The string member `key` of an object, or `default`.
fn str_or(v: Option<&Value>, key: &str, default: &str) -> String {
    v.and_then(|v| v.get(key))
        .and_then(Value::as_str)
        .unwrap_or(default)
        .to_string()
}

/// The index of `value` in a deduplicated side table.
fn intern<T: Eq + std::hash::Hash + Clone>(
    table: &mut Vec<T>,
    index: &mut HashMap<T, u32>,
    value: T,
) -> u32 {
    *index.entry(value.clone()).or_insert_with(|| {
        table.push(value);
        (table.len() - 1) as u32
    })
}

/// Documentation trimmed to a sentence or two of plain text.
fn short_doc(html: &str) -> String {
    first_sentences(&html_to_text(html), MEMBER_DOC_CHARS)
}

/// A shape id without its namespace when that is the service's own (`com.amazonaws.s3#Bucket`
/// → `Bucket`); other namespaces keep the absolute id.
fn local_id(model: &Model, id: &str) -> String {
    let service_ns = model.service_id.split_once('#').map_or("", |(ns, _)| ns);
    match id.split_once('#') {
        Some((ns, name)) if ns == service_ns => name.to_string(),
        _ => id.to_string(),
    }
}

/// `name` begins with the PascalCase word `verb` (`DeleteBucket`, not `Deletegate`).
fn starts_with_word(name: &str, verb: &str) -> bool {
    name.strip_prefix(verb)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_uppercase()))
}

/// Operation ids bound to a service or resource, recursively through `resources`.
fn collect_operations(model: &Model, container: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > 32 {
        return;
    }
    for key in ["operations", "collectionOperations"] {
        out.extend(targets(container.get(key)).into_iter().map(str::to_string));
    }
    for key in ["create", "put", "read", "update", "delete", "list"] {
        if let Some(t) = container
            .get(key)
            .and_then(|v| v.get("target"))
            .and_then(Value::as_str)
        {
            out.push(t.to_string());
        }
    }
    for resource in targets(container.get("resources")) {
        if let Some(r) = model.shape(resource) {
            collect_operations(model, r, out, depth + 1);
        }
    }
}

/// Traits of a shape with those of its mixins (local traits win).
fn merged_traits(model: &Model, raw: &Value) -> Map<String, Value> {
    let mut merged = Map::new();
    for mixin in targets(raw.get("mixins")) {
        if let Some(m) = model.shape(mixin) {
            for (k, v) in merged_traits(model, m) {
                if k != "smithy.api#mixin" {
                    merged.insert(k, v);
                }
            }
        }
    }
    for (k, v) in traits(raw) {
        merged.insert(k.clone(), v.clone());
    }
    merged
}

/// Members of a shape in model order, mixin members first; `member` for lists and sets; `key`
/// and `value` for maps.
fn raw_members(model: &Model, raw: &Value, ty: &str) -> Vec<(String, Value)> {
    let mut out: BTreeMap<usize, (String, Value)> = BTreeMap::new();
    let mut order = 0;
    let mut push = |name: &str, v: &Value, out: &mut BTreeMap<usize, (String, Value)>| {
        if let Some((_, slot)) = out.values_mut().find(|(n, _)| n == name) {
            // A local member refines a mixin member: merge traits, local wins.
            let mut merged = slot.clone();
            if let (Some(mt), Some(lt)) = (merged.get_mut("traits"), v.get("traits")) {
                if let (Some(mt), Some(lt)) = (mt.as_object_mut(), lt.as_object()) {
                    for (k, val) in lt {
                        mt.insert(k.clone(), val.clone());
                    }
                }
            } else if let Some(lt) = v.get("traits") {
                merged["traits"] = lt.clone();
            }
            *slot = merged;
        } else {
            out.insert(order, (name.to_string(), v.clone()));
            order += 1;
        }
    };
    for mixin in targets(raw.get("mixins")) {
        if let Some(m) = model.shape(mixin) {
            for (n, v) in raw_members(model, m, ty) {
                push(&n, &v, &mut out);
            }
        }
    }
    match ty {
        "list" | "set" => {
            if let Some(m) = raw.get("member") {
                push("member", m, &mut out);
            }
        }
        "map" => {
            for key in ["key", "value"] {
                if let Some(m) = raw.get(key) {
                    push(key, m, &mut out);
                }
            }
        }
        _ => {
            if let Some(members) = raw.get("members").and_then(Value::as_object) {
                for (n, v) in members {
                    push(n, v, &mut out);
                }
            }
        }
    }
    out.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_skip_not_supported_boilerplate() {
        let doc =
            "This operation is not supported for directory buckets. Returns a list of buckets.";
        assert_eq!(skip_boilerplate(doc), "Returns a list of buckets.");
        assert_eq!(
            skip_boilerplate("Returns a list. More."),
            "Returns a list. More."
        );
        assert_eq!(
            skip_boilerplate("This operation is not supported."),
            "This operation is not supported."
        );
    }

    #[test]
    fn destructive_verbs_match_whole_words() {
        assert!(starts_with_word("DeleteBucket", "Delete"));
        assert!(starts_with_word("Stop", "Stop"));
        assert!(!starts_with_word("Deletegate", "Delete"));
        assert!(!starts_with_word("StopwatchList", "Stop"));
    }
}
