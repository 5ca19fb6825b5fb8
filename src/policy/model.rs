//! What the policy file says, checked for shape: every key known, every value of the right
//! type, each remembered with its position. Names are not looked up here (that is
//! [`super::compile`], against the catalog); this module knows only the syntax, documented in
//! docs/POLICY.md.
//!
//! Errors are collected, not returned at the first one, so that a file with three mistakes is
//! fixed in one round.

use super::Diagnostic;
use super::yaml::{Node, NodeKind, Pos};

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub pos: Pos,
}

impl<T> Spanned<T> {
    pub fn new(value: T, pos: Pos) -> Spanned<T> {
        Spanned { value, pos }
    }
}

/// `mode:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    ReadWrite,
    /// Only read operations run (see [`super::READ_RULE`]).
    ReadOnly,
}

/// The lists of rules, in the order they are evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleKind {
    Allow,
    Deny,
    DenyWhen,
    ConfirmWhen,
    RateLimit,
}

impl RuleKind {
    /// The top-level key of the list.
    pub fn key(self) -> &'static str {
        match self {
            RuleKind::Allow => "allow",
            RuleKind::Deny => "deny",
            RuleKind::DenyWhen => "deny_when",
            RuleKind::ConfirmWhen => "confirm_when",
            RuleKind::RateLimit => "rate_limits",
        }
    }

    /// An allow rule that matches nothing makes the policy stricter than it reads (harmless, a
    /// warning); any other rule that matches nothing makes it weaker (an error).
    pub fn restricts(self) -> bool {
        self != RuleKind::Allow
    }
}

/// `classes:`: what kind of operation a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpClass {
    /// Read operations (see [`super::READ_RULE`]).
    Read,
    /// Every operation that is not a read (destructive ones included).
    Write,
    /// Destructive operations (the model's classification plus `destructive_patterns`).
    Destructive,
}

/// The value test of a member condition.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueTest {
    /// `matches:` globs over the value.
    Matches(Vec<Spanned<String>>),
    /// `in:` the value is one of these.
    In(Vec<Spanned<String>>),
    /// `not_in:` the value is none of these.
    NotIn(Vec<Spanned<String>>),
}

/// `per:` of a rate limit: what gets a counter of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateScope {
    Operation,
    Principal,
    Region,
    /// The AWS identity of the call: profile and role.
    Identity,
}

/// One rule of `allow`, `deny`, `deny_when`, `confirm_when` or `rate_limits`.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSpec {
    pub kind: RuleKind,
    /// Where the rule (its list item) starts.
    pub pos: Pos,
    pub operations: Option<Vec<Spanned<String>>>,
    pub classes: Option<Vec<Spanned<OpClass>>>,
    pub regions: Option<Vec<Spanned<String>>>,
    pub profiles: Option<Vec<Spanned<String>>>,
    pub roles: Option<Vec<Spanned<String>>>,
    pub principals: Option<Vec<Spanned<String>>>,
    pub members: Option<Spanned<Vec<Spanned<String>>>>,
    pub test: Option<Spanned<ValueTest>>,
    pub ignore_case: bool,
    pub when_missing: bool,
    /// Calls and window length in seconds (`per_minute: 5` is `(5, 60)`).
    pub limit: Option<Spanned<(u64, u64)>>,
    pub per: Vec<Spanned<RateScope>>,
    pub reason: Option<String>,
    /// The rule has errors of its own: its names are still checked, nothing else.
    pub incomplete: bool,
}

impl RuleSpec {
    fn new(kind: RuleKind, pos: Pos) -> RuleSpec {
        RuleSpec {
            kind,
            pos,
            operations: None,
            classes: None,
            regions: None,
            profiles: None,
            roles: None,
            principals: None,
            members: None,
            test: None,
            ignore_case: false,
            when_missing: false,
            limit: None,
            per: Vec::new(),
            reason: None,
            incomplete: false,
        }
    }

    /// Whether the rule's scope depends on who calls or where (not only on the operation).
    pub fn is_scoped(&self) -> bool {
        self.regions.is_some()
            || self.profiles.is_some()
            || self.roles.is_some()
            || self.principals.is_some()
    }
}

/// One `required_tags` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct TagSpec {
    pub pos: Pos,
    pub key: Spanned<String>,
    pub pattern: Spanned<String>,
    pub operations: Option<Vec<Spanned<String>>>,
}

/// The whole file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Spec {
    pub version: Option<Spanned<u64>>,
    pub mode: Option<Spanned<Mode>>,
    /// `services.allowlist`: `None` when absent (every service), `Some(empty)` denies all.
    pub service_allowlist: Option<Spanned<Vec<Spanned<String>>>>,
    pub service_denylist: Vec<Spanned<String>>,
    /// `rules.allow` / `rules.deny`: regexes over `service:Operation`.
    pub regex_allow: Vec<Spanned<String>>,
    pub regex_deny: Vec<Spanned<String>>,
    /// Regexes over the operation name.
    pub destructive_patterns: Vec<Spanned<String>>,
    /// Label → regexes over the operation name, in file order.
    pub risk_patterns: Vec<(Spanned<String>, Vec<Spanned<String>>)>,
    pub required_tags: Vec<TagSpec>,
    pub deny_destructive: Option<Spanned<bool>>,
    pub require_approval_for_destructive: Option<Spanned<bool>>,
    pub require_approval_for_risk: Vec<Spanned<String>>,
    pub approval_ttl_seconds: Option<Spanned<u64>>,
    pub max_payload_bytes: Option<Spanned<u64>>,
    /// Every rule of the five lists, list by list in [`RuleKind`] order, each list in file
    /// order.
    pub rules: Vec<RuleSpec>,
    /// Where the file first uses a key of the Python reference's format (`services`, `rules`,
    /// `defaults`).
    pub reference_style: Option<Pos>,
}

const TOP_KEYS: &[&str] = &[
    "version",
    "mode",
    "max_payload_bytes",
    "allow",
    "deny",
    "deny_when",
    "confirm_when",
    "rate_limits",
    "services",
    "rules",
    "destructive_patterns",
    "risk_patterns",
    "required_tags",
    "defaults",
    "approval",
];
const SELECTOR_KEYS: &[&str] = &[
    "operations",
    "classes",
    "regions",
    "profiles",
    "roles",
    "principals",
    "reason",
];
const CONDITION_KEYS: &[&str] = &[
    "members",
    "matches",
    "in",
    "not_in",
    "ignore_case",
    "when_missing",
];
const RATE_KEYS: &[&str] = &["per_minute", "per_hour", "per"];

/// The largest `max_payload_bytes` (1 GiB).
pub const MAX_PAYLOAD_LIMIT: u64 = 1 << 30;
/// The most calls a rate limit may count per window.
pub const MAX_RATE: u64 = 1_000_000;

/// Reads the document (`None`: an empty file, all defaults).
pub fn read(root: Option<&Node>, diags: &mut Vec<Diagnostic>) -> Spec {
    let mut spec = Spec::default();
    let Some(root) = root else { return spec };
    let Some(entries) = mapping(root, "the policy", diags) else {
        return spec;
    };
    let mut rules: [Vec<RuleSpec>; 5] = Default::default();
    for (key, value) in entries {
        let Some(name) = known_key(key, TOP_KEYS, "at the top level", diags) else {
            continue;
        };
        match name {
            "version" => {
                if let Some(v) = number(value, "version", 1, 1, diags) {
                    spec.version = Some(v);
                }
            }
            "mode" => spec.mode = mode(value, diags),
            "max_payload_bytes" => {
                spec.max_payload_bytes =
                    number(value, "max_payload_bytes", 1, MAX_PAYLOAD_LIMIT, diags);
            }
            "allow" | "deny" | "deny_when" | "confirm_when" | "rate_limits" => {
                let kind = match name {
                    "allow" => RuleKind::Allow,
                    "deny" => RuleKind::Deny,
                    "deny_when" => RuleKind::DenyWhen,
                    "confirm_when" => RuleKind::ConfirmWhen,
                    _ => RuleKind::RateLimit,
                };
                for item in sequence(value, name, diags) {
                    if let Some(r) = rule(item, kind, diags) {
                        rules[kind as usize].push(r);
                    }
                }
            }
            "services" => {
                spec.reference_style.get_or_insert(key.pos);
                services(value, &mut spec, diags);
            }
            "rules" => {
                spec.reference_style.get_or_insert(key.pos);
                regex_rules(value, &mut spec, diags);
            }
            "destructive_patterns" => {
                spec.destructive_patterns = strings(value, "destructive_patterns", diags);
            }
            "risk_patterns" => risk_patterns(value, &mut spec, diags),
            "required_tags" => required_tags(value, &mut spec, diags),
            "defaults" => {
                spec.reference_style.get_or_insert(key.pos);
                defaults(value, &mut spec, diags);
            }
            "approval" => approval(value, &mut spec, diags),
            _ => {}
        }
    }
    spec.rules = rules.into_iter().flatten().collect();
    spec
}

fn err(diags: &mut Vec<Diagnostic>, pos: Pos, message: String) {
    diags.push(Diagnostic::error(pos, message));
}

/// A mapping's entries; null is an empty mapping.
fn mapping<'n>(
    node: &'n Node,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<&'n [(Node, Node)]> {
    match &node.kind {
        NodeKind::Map(entries) => Some(entries),
        _ if node.is_null() => Some(&[]),
        _ => {
            err(
                diags,
                node.pos,
                format!(
                    "{what} must be a mapping (key: value), got {}",
                    node.type_name()
                ),
            );
            None
        }
    }
}

/// A list's items; a null is an empty list.
fn sequence<'n>(node: &'n Node, what: &str, diags: &mut Vec<Diagnostic>) -> &'n [Node] {
    match &node.kind {
        NodeKind::Seq(items) => items,
        _ if node.is_null() => &[],
        _ => {
            err(
                diags,
                node.pos,
                format!(
                    "`{what}` must be a list (`- ...` items), got {}",
                    node.type_name()
                ),
            );
            &[]
        }
    }
}

/// The key's name when it is one of `allowed`; otherwise an error naming the closest key.
fn known_key<'k>(
    key: &Node,
    allowed: &[&'k str],
    context: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<&'k str> {
    let Some(text) = key.as_text() else {
        err(
            diags,
            key.pos,
            format!("keys must be names, got {}", key.type_name()),
        );
        return None;
    };
    if let Some(k) = allowed.iter().find(|k| **k == text) {
        return Some(k);
    }
    let lower = text.to_ascii_lowercase().replace('-', "_");
    let closest = allowed
        .iter()
        .map(|k| (crate::catalog::levenshtein(&lower, k), *k))
        .filter(|(d, k)| *d <= (k.len() / 3).max(2))
        .min();
    let hint = match closest {
        Some((_, k)) => format!("did you mean `{k}`?"),
        None => format!("known keys: {}", allowed.join(", ")),
    };
    err(
        diags,
        key.pos,
        format!(
            "unknown key `{}` {context}; {hint}",
            text.chars().take(60).collect::<String>()
        ),
    );
    None
}

/// A string, or a list of strings (`operations: "s3:*"` and `operations: ["s3:*"]` alike).
/// Numbers and booleans read as their text (`in: [5]` is "5").
fn strings(node: &Node, what: &str, diags: &mut Vec<Diagnostic>) -> Vec<Spanned<String>> {
    let items: &[Node] = match &node.kind {
        NodeKind::Seq(items) => items,
        NodeKind::Scalar { .. } if node.is_null() => &[],
        NodeKind::Scalar { .. } => std::slice::from_ref(node),
        NodeKind::Map(_) => {
            err(
                diags,
                node.pos,
                format!("`{what}` must be a string or a list of strings, got a mapping"),
            );
            &[]
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item.as_text() {
            Some(t) => out.push(Spanned::new(t.trim().to_string(), item.pos)),
            None => err(
                diags,
                item.pos,
                format!(
                    "items of `{what}` must be strings, got {}",
                    item.type_name()
                ),
            ),
        }
    }
    out
}

/// Like [`strings`], but an empty list is an error (`members: []` matches nothing).
fn non_empty_strings(
    node: &Node,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<Spanned<String>>> {
    let list = strings(node, what, diags);
    if list.is_empty() {
        err(
            diags,
            node.pos,
            format!(
                "`{what}` is empty: the rule could never apply; remove the key to mean \"any\""
            ),
        );
        return None;
    }
    Some(list)
}

fn boolean(node: &Node, what: &str, diags: &mut Vec<Diagnostic>) -> Option<Spanned<bool>> {
    match node.as_bool() {
        Some(b) => Some(Spanned::new(b, node.pos)),
        None => {
            err(
                diags,
                node.pos,
                format!(
                    "`{what}` must be true or false, got {} `{}`",
                    node.type_name(),
                    node.display()
                ),
            );
            None
        }
    }
}

fn number(
    node: &Node,
    what: &str,
    min: u64,
    max: u64,
    diags: &mut Vec<Diagnostic>,
) -> Option<Spanned<u64>> {
    match node.as_u64() {
        Some(n) if (min..=max).contains(&n) => Some(Spanned::new(n, node.pos)),
        _ => {
            let range = if min == max {
                format!("{min}")
            } else {
                format!("a whole number from {min} to {max}")
            };
            err(
                diags,
                node.pos,
                format!("`{what}` must be {range}, got `{}`", node.display()),
            );
            None
        }
    }
}

fn mode(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Spanned<Mode>> {
    let text = node.as_text().unwrap_or_default();
    let norm: String = text
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .flat_map(char::to_lowercase)
        .collect();
    match norm.as_str() {
        "readonly" => Some(Spanned::new(Mode::ReadOnly, node.pos)),
        "readwrite" => Some(Spanned::new(Mode::ReadWrite, node.pos)),
        _ => {
            err(
                diags,
                node.pos,
                format!(
                    "`mode` must be read-only or read-write, got `{}`",
                    node.display()
                ),
            );
            None
        }
    }
}

fn rule(node: &Node, kind: RuleKind, diags: &mut Vec<Diagnostic>) -> Option<RuleSpec> {
    let list = kind.key();
    let entries = match &node.kind {
        NodeKind::Map(entries) => entries,
        _ => {
            err(
                diags,
                node.pos,
                format!(
                    "each `{list}` item must be a mapping (operations: ..., ...), got {}",
                    node.type_name()
                ),
            );
            return None;
        }
    };
    let mut allowed: Vec<&str> = SELECTOR_KEYS.to_vec();
    match kind {
        RuleKind::DenyWhen | RuleKind::ConfirmWhen => allowed.extend(CONDITION_KEYS),
        RuleKind::RateLimit => allowed.extend(RATE_KEYS),
        RuleKind::Allow | RuleKind::Deny => {}
    }
    let context = format!("in a `{list}` rule");
    let mut r = RuleSpec::new(kind, node.pos);
    let mut tests: Vec<Spanned<ValueTest>> = Vec::new();
    let mut limits: Vec<Spanned<(u64, u64)>> = Vec::new();
    let mut limit_keys = 0;
    let mut test_keys = 0;
    let mut unknown_keys = 0;
    let errors_before = diags.len();
    for (key, value) in entries {
        let Some(name) = known_key(key, &allowed, &context, diags).or_else(|| {
            unknown_keys += 1;
            // A key of another rule kind: say where it belongs.
            let text = key.as_text()?;
            if (CONDITION_KEYS.contains(&text) || RATE_KEYS.contains(&text))
                && let Some(last) = diags.last_mut()
            {
                last.message = format!(
                    "`{text}` does not belong in a `{list}` rule: member conditions go in \
                     deny_when / confirm_when, per_minute / per_hour / per in rate_limits"
                );
            }
            None
        }) else {
            continue;
        };
        match name {
            "operations" => r.operations = non_empty_strings(value, name, diags),
            "regions" => r.regions = non_empty_strings(value, name, diags),
            "profiles" => r.profiles = non_empty_strings(value, name, diags),
            "roles" => r.roles = non_empty_strings(value, name, diags),
            "principals" => r.principals = non_empty_strings(value, name, diags),
            "classes" => {
                let mut classes = Vec::new();
                for s in non_empty_strings(value, name, diags).unwrap_or_default() {
                    match s.value.to_ascii_lowercase().as_str() {
                        "read" => classes.push(Spanned::new(OpClass::Read, s.pos)),
                        "write" => classes.push(Spanned::new(OpClass::Write, s.pos)),
                        "destructive" => classes.push(Spanned::new(OpClass::Destructive, s.pos)),
                        _ => err(
                            diags,
                            s.pos,
                            format!(
                                "unknown operation class `{}`; classes are read, write and \
                                 destructive",
                                s.value
                            ),
                        ),
                    }
                }
                if !classes.is_empty() {
                    r.classes = Some(classes);
                }
            }
            "reason" => match value.as_text() {
                Some(t) => r.reason = Some(t.trim().to_string()),
                None => err(diags, value.pos, "`reason` must be a string".to_string()),
            },
            "members" => {
                r.members =
                    non_empty_strings(value, name, diags).map(|m| Spanned::new(m, value.pos));
            }
            "matches" => {
                test_keys += 1;
                if let Some(list) = non_empty_strings(value, name, diags) {
                    tests.push(Spanned::new(ValueTest::Matches(list), key.pos));
                }
            }
            "in" => {
                test_keys += 1;
                if let Some(list) = non_empty_strings(value, name, diags) {
                    tests.push(Spanned::new(ValueTest::In(list), key.pos));
                }
            }
            "not_in" => {
                test_keys += 1;
                if let Some(list) = non_empty_strings(value, name, diags) {
                    tests.push(Spanned::new(ValueTest::NotIn(list), key.pos));
                }
            }
            "ignore_case" => {
                r.ignore_case = boolean(value, name, diags).is_some_and(|b| b.value);
            }
            "when_missing" => {
                r.when_missing = boolean(value, name, diags).is_some_and(|b| b.value);
            }
            "per_minute" => {
                limit_keys += 1;
                if let Some(n) = number(value, name, 1, MAX_RATE, diags) {
                    limits.push(Spanned::new((n.value, 60), key.pos));
                }
            }
            "per_hour" => {
                limit_keys += 1;
                if let Some(n) = number(value, name, 1, MAX_RATE, diags) {
                    limits.push(Spanned::new((n.value, 3600), key.pos));
                }
            }
            "per" => {
                for s in strings(value, name, diags) {
                    let scope = match s.value.to_ascii_lowercase().as_str() {
                        "operation" => RateScope::Operation,
                        "principal" => RateScope::Principal,
                        "region" => RateScope::Region,
                        "identity" => RateScope::Identity,
                        _ => {
                            err(
                                diags,
                                s.pos,
                                format!(
                                    "unknown `per` value `{}`; use operation, principal, \
                                     region or identity",
                                    s.value
                                ),
                            );
                            continue;
                        }
                    };
                    r.per.push(Spanned::new(scope, s.pos));
                }
            }
            _ => {}
        }
    }
    // With a misspelt key the rule's shape is unknown: no "X needs Y" follow-on errors.
    let complete = unknown_keys == 0;
    match (tests.len(), &r.members) {
        _ if !complete => {}
        (0, Some(m)) if !r.when_missing && test_keys == 0 => err(
            diags,
            m.pos,
            "`members` needs a value test: `matches`, `in` or `not_in`".to_string(),
        ),
        (0, _) => {}
        (1, None) => err(
            diags,
            tests[0].pos,
            "a value test needs `members`: the input members whose values it tests".to_string(),
        ),
        (1, Some(_)) => r.test = tests.pop(),
        _ => err(
            diags,
            tests[1].pos,
            "give one of `matches`, `in` and `not_in` per rule (split the rule in two)".to_string(),
        ),
    }
    if complete && r.when_missing && r.members.is_none() {
        err(
            diags,
            node.pos,
            "`when_missing` needs `members`: the members whose absence fires the rule".to_string(),
        );
    }
    if kind == RuleKind::RateLimit {
        match limits.len() {
            0 if limit_keys > 0 || !complete => {}
            0 => err(
                diags,
                node.pos,
                "a `rate_limits` rule needs `per_minute` or `per_hour`".to_string(),
            ),
            1 => r.limit = limits.pop(),
            _ => err(
                diags,
                limits[1].pos,
                "give one of `per_minute` and `per_hour` per rule".to_string(),
            ),
        }
    } else if !r.per.is_empty() {
        err(
            diags,
            r.per[0].pos,
            "`per` belongs in rate_limits".to_string(),
        );
    }
    // A rule with errors is still returned, so that the names it gives are checked too (all
    // mistakes in one round); the policy will not load.
    r.incomplete = diags.len() > errors_before;
    Some(r)
}

fn services(node: &Node, spec: &mut Spec, diags: &mut Vec<Diagnostic>) {
    let Some(entries) = mapping(node, "`services`", diags) else {
        return;
    };
    for (key, value) in entries {
        match known_key(key, &["allowlist", "denylist"], "in `services`", diags) {
            Some("allowlist") => {
                spec.service_allowlist = Some(Spanned::new(
                    strings(value, "services.allowlist", diags),
                    key.pos,
                ));
            }
            Some(_) => spec.service_denylist = strings(value, "services.denylist", diags),
            None => {}
        }
    }
}

fn regex_rules(node: &Node, spec: &mut Spec, diags: &mut Vec<Diagnostic>) {
    let Some(entries) = mapping(node, "`rules`", diags) else {
        return;
    };
    for (key, value) in entries {
        match known_key(key, &["allow", "deny"], "in `rules`", diags) {
            Some("allow") => spec.regex_allow = strings(value, "rules.allow", diags),
            Some(_) => spec.regex_deny = strings(value, "rules.deny", diags),
            None => {}
        }
    }
}

fn risk_patterns(node: &Node, spec: &mut Spec, diags: &mut Vec<Diagnostic>) {
    let Some(entries) = mapping(node, "`risk_patterns`", diags) else {
        return;
    };
    for (key, value) in entries {
        let Some(label) = key.as_text() else {
            err(
                diags,
                key.pos,
                "risk labels must be names (high: [...])".to_string(),
            );
            continue;
        };
        let patterns = strings(value, "risk_patterns", diags);
        spec.risk_patterns
            .push((Spanned::new(label.to_string(), key.pos), patterns));
    }
}

fn required_tags(node: &Node, spec: &mut Spec, diags: &mut Vec<Diagnostic>) {
    for item in sequence(node, "required_tags", diags) {
        let Some(entries) = mapping(item, "each `required_tags` item", diags) else {
            continue;
        };
        let mut key_v = None;
        let mut pattern = None;
        let mut operations = None;
        for (k, v) in entries {
            match known_key(
                k,
                &["key", "pattern", "operations"],
                "in a `required_tags` item",
                diags,
            ) {
                Some("key") => match v.as_text() {
                    Some(t) => key_v = Some(Spanned::new(t.to_string(), v.pos)),
                    None => err(diags, v.pos, "`key` must be a tag key".to_string()),
                },
                Some("pattern") => match v.as_text() {
                    Some(t) => pattern = Some(Spanned::new(t.to_string(), v.pos)),
                    None => err(diags, v.pos, "`pattern` must be a regex".to_string()),
                },
                Some(_) => operations = non_empty_strings(v, "operations", diags),
                None => {}
            }
        }
        match key_v {
            Some(key) => spec.required_tags.push(TagSpec {
                pos: item.pos,
                key,
                // The reference's default: any non-empty value.
                pattern: pattern.unwrap_or_else(|| Spanned::new(".+".to_string(), item.pos)),
                operations,
            }),
            None => err(
                diags,
                item.pos,
                "a `required_tags` item needs `key`".to_string(),
            ),
        }
    }
}

fn defaults(node: &Node, spec: &mut Spec, diags: &mut Vec<Diagnostic>) {
    let Some(entries) = mapping(node, "`defaults`", diags) else {
        return;
    };
    for (key, value) in entries {
        match known_key(
            key,
            &[
                "deny_destructive",
                "require_approval_for_destructive",
                "require_approval_for_risk",
            ],
            "in `defaults`",
            diags,
        ) {
            Some("deny_destructive") => {
                spec.deny_destructive = boolean(value, "deny_destructive", diags);
            }
            Some("require_approval_for_destructive") => {
                spec.require_approval_for_destructive =
                    boolean(value, "require_approval_for_destructive", diags);
            }
            Some(_) => {
                spec.require_approval_for_risk = strings(value, "require_approval_for_risk", diags);
            }
            None => {}
        }
    }
}

fn approval(node: &Node, spec: &mut Spec, diags: &mut Vec<Diagnostic>) {
    let Some(entries) = mapping(node, "`approval`", diags) else {
        return;
    };
    for (key, value) in entries {
        if known_key(key, &["ttl_seconds"], "in `approval`", diags).is_some() {
            spec.approval_ttl_seconds = number(value, "approval.ttl_seconds", 60, 86_400, diags);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> (Spec, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let root = super::super::yaml::parse(text).unwrap();
        let spec = read(root.as_ref(), &mut diags);
        (spec, diags)
    }

    #[test]
    fn the_issue_example_reads_as_written() {
        let (spec, diags) = read_text(
            r#"
mode: read-only            # or: read-write (default)
deny_when:                 # refuse the call
  - operations: ["ec2:TerminateInstances", "s3:Delete*"]   # service:Operation globs, aliases allowed
    members: ["*Id", "*Ids", "Bucket", "*Name", "*Arn"]    # input member names (globs), at any depth
    matches: "prod-*"                                       # glob on the member's string value
confirm_when:              # require confirmation even if not destructive
  - operations: ["ec2:RunInstances"]
    members: ["InstanceType"]
    not_in: ["t3.micro", "t3.small"]
rate_limits:
  - operations: ["*:Delete*"]
    per_minute: 5
"#,
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(spec.mode.unwrap().value, Mode::ReadOnly);
        assert_eq!(spec.rules.len(), 3);
        let deny = &spec.rules[0];
        assert_eq!(deny.kind, RuleKind::DenyWhen);
        assert_eq!(deny.pos.line, 4);
        assert_eq!(deny.members.as_ref().unwrap().value.len(), 5);
        assert!(
            matches!(&deny.test.as_ref().unwrap().value, ValueTest::Matches(m) if m[0].value == "prod-*")
        );
        let confirm = &spec.rules[1];
        assert!(
            matches!(&confirm.test.as_ref().unwrap().value, ValueTest::NotIn(v) if v.len() == 2)
        );
        let rate = &spec.rules[2];
        assert_eq!(rate.limit.as_ref().unwrap().value, (5, 60));
    }

    #[test]
    fn unknown_keys_name_line_column_and_closest_key() {
        let (_, diags) = read_text("mode: read-only\ndeny_whn:\n  - operations: [a]\n");
        assert_eq!(diags.len(), 1);
        assert_eq!((diags[0].line, diags[0].column), (2, 1));
        assert!(
            diags[0].message.contains("did you mean `deny_when`"),
            "{}",
            diags[0].message
        );

        let (_, diags) = read_text(
            "deny_when:\n  - operations: [\"ec2:*\"]\n    membres: [\"*Id\"]\n    matches: x\n",
        );
        assert!(
            diags.iter().any(|d| d.line == 3
                && d.column == 5
                && d.message.contains("did you mean `members`")),
            "{diags:?}"
        );

        let (_, diags) = read_text("allow:\n  - operations: [\"s3:*\"]\n    per_minute: 5\n");
        assert!(
            diags[0]
                .message
                .contains("does not belong in a `allow` rule"),
            "{diags:?}"
        );
    }

    #[test]
    fn reference_keys_are_read() {
        let (spec, diags) = read_text(
            r#"
version: 1
services:
  allowlist: [sts, ec2, logs]
  denylist: []
rules:
  allow: ["^ec2:Describe.*$"]
  deny: ~
destructive_patterns: ["Delete", "Terminate"]
risk_patterns:
  high: ["^Delete"]
  medium: ["^Stop"]
required_tags:
  - key: Owner
    pattern: ".+"
defaults:
  deny_destructive: true
  require_approval_for_destructive: true
  require_approval_for_risk: [high]
approval:
  ttl_seconds: 3600
"#,
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(spec.reference_style.unwrap().line, 3);
        assert_eq!(spec.service_allowlist.unwrap().value.len(), 3);
        assert_eq!(spec.regex_allow.len(), 1);
        assert!(spec.regex_deny.is_empty());
        assert_eq!(spec.risk_patterns.len(), 2);
        assert_eq!(spec.risk_patterns[1].0.value, "medium");
        assert_eq!(spec.required_tags[0].key.value, "Owner");
        assert!(spec.deny_destructive.unwrap().value);
        assert_eq!(spec.approval_ttl_seconds.unwrap().value, 3600);
    }

    #[test]
    fn type_errors_and_incomplete_rules() {
        let (_, diags) = read_text(
            r#"
mode: sometimes
max_payload_bytes: lots
rate_limits:
  - operations: ["s3:*"]
  - operations: ["s3:*"]
    per_minute: 0
confirm_when:
  - operations: ["ec2:RunInstances"]
    members: [InstanceType]
  - operations: ["ec2:RunInstances"]
    members: [InstanceType]
    in: [a]
    not_in: [b]
approval:
  ttl_seconds: 5
defaults:
  deny_destructive: yes
"#,
        );
        let mut lines: Vec<usize> = diags.iter().map(|d| d.line).collect();
        lines.sort();
        assert_eq!(lines, [2, 3, 5, 7, 10, 14, 16, 18], "{diags:#?}");
    }
}
