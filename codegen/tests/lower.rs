//! Codegen on the hand-written models under models/test/.

use std::path::PathBuf;

use codegen::format::*;
use codegen::generate::{Options, build};

fn models_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../models/test")
}

fn opts(services: Option<Vec<&str>>) -> Options {
    Options {
        models_dir: models_dir(),
        snapshot_file: None,
        cli_dir: None,
        services: services.map(|v| v.into_iter().map(str::to_string).collect()),
        verify_manifest: false,
    }
}

fn catalog() -> Catalog {
    build(&opts(None)).expect("test models compile").0
}

fn op<'a>(c: &'a Catalog, service: &str, name: &str) -> &'a Operation {
    let s = c
        .services
        .iter()
        .position(|s| s.name == service)
        .expect("service") as u32;
    c.operations
        .iter()
        .find(|o| o.service == s && o.name == name)
        .unwrap_or_else(|| panic!("operation {service}:{name}"))
}

fn shape<'a>(c: &'a Catalog, id: &str) -> &'a Shape {
    c.shapes
        .iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("shape {id}"))
}

fn member<'a>(s: &'a Shape, name: &str) -> &'a Member {
    s.members
        .iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("member {name}"))
}

#[test]
fn services_are_named_by_directory_with_tiered_aliases() {
    let c = catalog();
    let names: Vec<&str> = c.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["gadgets", "widgets"]);
    let widgets = &c.services[1];
    assert_eq!(widgets.sdk_id, "Widget Store");
    assert_eq!(widgets.signing_name, "widget-signer");
    assert_eq!(widgets.protocol, Some(Protocol::RestJson1));
    assert_eq!(widgets.title, "Example Widget Store");
    assert_eq!(widgets.documentation, "The widget store & its API.");
    assert!(widgets.endpoint_rules.is_some());
    // Both claim the endpoint prefix `widgetstore`: the service with more operations wins.
    assert!(widgets.aliases.contains(&"widgetstore".to_string()));
    assert!(!c.services[0].aliases.contains(&"widgetstore".to_string()));
    // The ARN namespace `widgets` is the canonical name already, so it is no alias.
    assert!(!widgets.aliases.contains(&"widgets".to_string()));
    for alias in ["widget-signer", "widget-store"] {
        assert!(
            widgets.aliases.iter().any(|a| a == alias),
            "{alias} in {:?}",
            widgets.aliases
        );
    }
    assert_eq!(c.services[0].protocol, Some(Protocol::AwsJson1_1));
    assert_eq!(c.services[0].xml_namespace, "http://example.com/gadgets/");
}

#[test]
fn operations_come_from_the_service_and_nested_resources_sorted() {
    let c = catalog();
    let w = &c.services[1];
    let ops: Vec<&str> = c.operations[w.first_op as usize..(w.first_op + w.op_count) as usize]
        .iter()
        .map(|o| o.name.as_str())
        .collect();
    assert_eq!(
        ops,
        [
            "AttachPart",
            "DeleteWidget",
            "GetStatus",
            "GetWidget",
            "ListWidgets"
        ]
    );
}

#[test]
fn operation_traits_are_lowered() {
    let c = catalog();
    let get = op(&c, "widgets", "GetWidget");
    assert!(get.flags & OP_READONLY != 0 && get.flags & OP_DESTRUCTIVE == 0);
    assert_eq!(
        get.summary,
        "Gets a widget. It returns everything about it, e.g. its colour and size."
    );
    assert!(get.documentation.contains("e.g. its colour"));
    assert_eq!(get.errors.len(), 1);
    let http = get.http.as_ref().expect("http");
    assert_eq!(
        (http.method.as_str(), http.uri.as_str(), http.code),
        ("GET", "/widgets/{widgetId}", 200)
    );

    let delete = op(&c, "widgets", "DeleteWidget");
    assert!(delete.flags & OP_DESTRUCTIVE != 0 && delete.flags & OP_IDEMPOTENT != 0);
    assert!(op(&c, "gadgets", "TerminateGadget").flags & OP_DESTRUCTIVE != 0);
    assert!(op(&c, "widgets", "AttachPart").flags & OP_DESTRUCTIVE == 0);
    assert!(op(&c, "widgets", "GetStatus").input.is_none());

    let list = op(&c, "widgets", "ListWidgets");
    let p = list.paginated.as_ref().expect("paginated");
    assert_eq!(p.items.as_deref(), Some("widgets"));
    assert_eq!(p.page_size.as_deref(), Some("maxResults"));
}

#[test]
fn mixins_prelude_defaults_and_member_traits() {
    let c = catalog();
    let input = &c.shapes[op(&c, "widgets", "GetWidget").input.expect("input") as usize];
    assert_eq!(input.id, "GetWidgetInput");
    assert!(input.flags & T_INPUT != 0);
    let names: Vec<&str> = input.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["widgetId", "verbose"], "mixin members come first");
    let id = member(input, "widgetId");
    assert!(id.flags & T_REQUIRED != 0 && id.flags & T_HTTP_LABEL != 0);
    assert!(id.traits.iter().any(
        |t| matches!(t, Trait::Documentation(d) if d == "The widget's id. Unique per account.")
    ));
    let verbose = member(input, "verbose");
    assert_eq!(
        c.shapes[verbose.target as usize].id,
        "smithy.api#PrimitiveBoolean"
    );
    assert!(
        verbose
            .traits
            .iter()
            .any(|t| matches!(t, Trait::Default(DefaultValue::Bool(false))))
    );
    assert!(
        verbose
            .traits
            .iter()
            .any(|t| matches!(t, Trait::HttpQuery(q) if q == "verbose"))
    );

    let widget_id = &c.shapes[id.target as usize];
    let length = widget_id.traits.iter().find_map(|t| match t {
        Trait::Length(i) => Some(&c.lengths[*i as usize]),
        _ => None,
    });
    assert_eq!(
        length,
        Some(&LengthBounds {
            min: Some(3),
            max: Some(64)
        })
    );
    let pattern = widget_id.traits.iter().find_map(|t| match t {
        Trait::Pattern(i) => Some(&c.patterns[*i as usize]),
        _ => None,
    });
    assert_eq!(pattern.expect("pattern").source, "^[\\p{Alnum}-]+$");
}

#[test]
fn enums_unions_recursion_and_streaming() {
    let c = catalog();
    let colour = shape(&c, "Colour");
    assert_eq!(colour.kind, ShapeKind::Enum);
    let values: Vec<String> = colour
        .members
        .iter()
        .flat_map(|m| m.traits.iter())
        .filter_map(|t| match t {
            Trait::EnumValue(v) => Some(v.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(values, ["red", "GREEN"]);

    let size = shape(&c, "Size");
    assert_eq!(size.kind, ShapeKind::IntEnum);
    assert!(matches!(size.members[1].traits[0], Trait::IntEnumValue(2)));

    let legacy = shape(&c, "LegacyKind");
    assert_eq!(
        legacy.kind,
        ShapeKind::Enum,
        "Smithy 1 enum trait becomes an enum"
    );
    assert_eq!(legacy.members[0].name, "OLD");
    assert!(matches!(&legacy.members[1].traits[0], Trait::EnumValue(v) if v == "new-kind"));

    let data = shape(&c, "WidgetData");
    let list = &c.shapes[member(data, "children").target as usize];
    assert_eq!(list.kind, ShapeKind::List);
    assert_eq!(
        &c.shapes[list.members[0].target as usize].id, "WidgetData",
        "recursion"
    );
    assert_eq!(shape(&c, "ShapeChoice").kind, ShapeKind::Union);
    assert!(shape(&c, "SecretString").flags & T_SENSITIVE != 0);
    let created = member(data, "createdAt");
    assert!(
        created
            .traits
            .iter()
            .any(|t| matches!(t, Trait::TimestampFormat(TimestampFormat::EpochSeconds)))
    );

    let attach = &c.shapes[op(&c, "widgets", "AttachPart").input.expect("input") as usize];
    let body = member(attach, "body");
    assert!(body.flags & T_HTTP_PAYLOAD != 0);
    assert!(c.shapes[body.target as usize].flags & T_STREAMING != 0);
    let delete = &c.shapes[op(&c, "widgets", "DeleteWidget").input.expect("input") as usize];
    assert!(member(delete, "clientToken").flags & T_IDEMPOTENCY_TOKEN != 0);
}

#[test]
fn slim_selection_accepts_aliases_and_rejects_unknown_names() {
    let (c, _) = build(&opts(Some(vec!["Widget-Signer"]))).expect("alias selects widgets");
    assert_eq!(c.services.len(), 1);
    assert_eq!(c.services[0].name, "widgets");
    let err = build(&opts(Some(vec!["widgets", "nosuch"]))).expect_err("unknown name");
    assert!(
        err.0.contains("nosuch") && err.0.contains("gadgets, widgets"),
        "{err}"
    );
}

#[test]
fn a_missing_models_dir_says_what_to_run() {
    let mut o = opts(None);
    o.models_dir = models_dir().join("does-not-exist");
    let err = build(&o).expect_err("missing dir");
    assert!(
        err.0.contains("scripts/update-models.sh") && err.0.contains("AWS_MCP_MODELS_DIR"),
        "{err}"
    );
}

#[test]
fn a_malformed_model_names_the_file() {
    let dir = std::env::temp_dir().join(format!("codegen-bad-{}", std::process::id()));
    let version = dir.join("broken/service/2020-01-01");
    std::fs::create_dir_all(&version).expect("mkdir");
    std::fs::write(
        version.join("broken.json"),
        "{\"smithy\": \"2.0\", \"shapes\": {",
    )
    .expect("write");
    let mut o = opts(None);
    o.models_dir = dir.clone();
    let err = build(&o).expect_err("malformed");
    assert!(
        err.0.contains("broken.json") && err.0.contains("not valid JSON"),
        "{err}"
    );
    std::fs::write(
        version.join("broken.json"),
        "{\"smithy\": \"2.0\", \"shapes\": {}}",
    )
    .expect("write");
    let err = build(&o).expect_err("no service");
    assert!(err.0.contains("no `service` shape"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn output_is_deterministic() {
    let a = rkyv::to_bytes::<rkyv::rancor::Error>(&catalog()).expect("archive");
    let b = rkyv::to_bytes::<rkyv::rancor::Error>(&catalog()).expect("archive");
    assert_eq!(a.as_slice(), b.as_slice());
}
