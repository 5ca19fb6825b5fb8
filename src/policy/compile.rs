//! From what the file says ([`Spec`]) to a [`Policy`] that answers by catalog index.
//!
//! Everything the file names is looked up in the compiled catalog here, once: every rule gets
//! the set of operations it applies to (a bit set), every operation its read / destructive /
//! risk facts and its exposure. Checks, each reported at the line and column of the entry:
//!
//! * names: services and aliases (`logs` is `cloudwatch-logs`), operations (names and globs
//!   ignoring case, `-` and `_`), regions (of some partition), role ARNs;
//! * globs and regexes compile (regexes with the `regex` crate: linear time, so no pattern
//!   can hang the server; look-around and back-references are refused by the compiler);
//! * nothing matches: an entry that would deny, confirm or count calls but matches nothing is
//!   an **error** (the policy would be weaker than it reads); in allow lists and in
//!   `destructive_patterns` / `risk_patterns` it is a **warning** (harmless: the policy is
//!   only stricter than it reads, or the model's classification still applies);
//! * rules that can never fire: member conditions naming no input member of the operations
//!   (error), members that hold no testable value (error), `in` / `not_in` values outside the
//!   member's enum (warning), rules whose operations are all denied anyway (warning),
//!   `deny_destructive` next to allow rules (warning: it has no effect).

use std::time::Duration;

use catalog_format::format::{OP_DESTRUCTIVE, OP_READONLY};

use super::conditions::{Condition, Test, reachable_members};
use super::glob::{self, Glob};
use super::model::{OpClass, RuleSpec, Spanned, Spec, ValueTest};
use super::opset::OpSet;
use super::yaml::Pos;
use super::{
    DEFAULT_APPROVAL_TTL, Destructive, Diagnostic, Exposure, Mode, OpFacts, Origin, Policy,
    PolicySource, Rate, RequiredTag, Rule, RuleKind, Summary,
};
use crate::catalog;
use crate::clock::SystemClock;

/// The longest regex accepted.
const MAX_REGEX_LEN: usize = 1024;
/// Rules naming at most this many operations get their `in` / `not_in` values checked
/// against the members' enums (a full walk of their input shapes).
const ENUM_CHECK_MAX_OPS: usize = 64;

/// Every operation's name, by index, copied once per process into one contiguous block (about
/// 300 KB): the names in the archive are scattered over 57 MB, a cache miss each, which made
/// matching a regex against all 16,677 operations cost milliseconds per regex. (Globs match
/// [`catalog::normalized_operation_names`], which does not touch the archive at all.)
fn op_names() -> &'static [&'static str] {
    static NAMES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let ops = &catalog::get().operations;
        let mut text = String::with_capacity(ops.len() * 24);
        let mut bounds = Vec::with_capacity(ops.len());
        for o in ops.iter() {
            let start = text.len();
            text.push_str(o.name.as_str());
            bounds.push((start, text.len()));
        }
        // Lives as long as the process, like the catalog it copies.
        let text: &'static str = text.leak();
        bounds
            .into_iter()
            .map(|(a, b)| text.get(a..b).unwrap_or_default())
            .collect()
    })
}

struct Compiler<'d> {
    diags: &'d mut Vec<Diagnostic>,
    n_ops: usize,
}

/// Builds the policy; problems go to `diags` (the policy is only used when none is an error).
pub(super) fn compile(spec: &Spec, source: PolicySource, diags: &mut Vec<Diagnostic>) -> Policy {
    let cat = catalog::get();
    let n_ops = cat.operations.len();
    let n_services = cat.services.len();
    let mut c = Compiler { diags, n_ops };

    let reads: Vec<bool> = cat.operations.iter().map(|o| o.has(OP_READONLY)).collect();
    let mut destructive: Vec<Destructive> = cat
        .operations
        .iter()
        .map(|o| {
            if o.has(OP_DESTRUCTIVE) {
                Destructive::Model
            } else {
                Destructive::No
            }
        })
        .collect();

    // destructive_patterns: regexes over the name of operations that are not reads.
    let mut destructive_patterns = Vec::new();
    for p in &spec.destructive_patterns {
        let Some(re) = c.regex(p, "destructive_patterns") else {
            continue;
        };
        let idx = destructive_patterns.len() as u16;
        let mut any = false;
        for (i, name) in op_names().iter().enumerate() {
            if !reads[i] && re.is_match(name) {
                any = true;
                if destructive[i] == Destructive::No {
                    destructive[i] = Destructive::Pattern(idx);
                }
            }
        }
        if !any {
            c.warn(
                p.pos,
                format!(
                    "destructive_patterns `{}` matches the name of no operation that is not a \
                     read",
                    p.value
                ),
            );
        }
        destructive_patterns.push((p.value.clone(), p.pos));
    }

    // risk_patterns: the first label (in file order) with a regex matching the name.
    let mut risk_labels: Vec<(String, bool, Pos)> = Vec::new();
    let mut risk: Vec<Option<u16>> = vec![None; n_ops];
    for (label, patterns) in &spec.risk_patterns {
        let idx = risk_labels.len() as u16;
        let needs = spec
            .require_approval_for_risk
            .iter()
            .any(|l| l.value == label.value);
        risk_labels.push((label.value.clone(), needs, label.pos));
        for p in patterns {
            let Some(re) = c.regex(p, &format!("risk_patterns.{}", label.value)) else {
                continue;
            };
            let mut any = false;
            for (i, name) in op_names().iter().enumerate() {
                if re.is_match(name) {
                    any = true;
                    if risk[i].is_none() {
                        risk[i] = Some(idx);
                    }
                }
            }
            if !any {
                c.warn(
                    p.pos,
                    format!(
                        "risk_patterns.{} `{}` matches no operation name",
                        label.value, p.value
                    ),
                );
            }
        }
    }
    for l in &spec.require_approval_for_risk {
        if !risk_labels.iter().any(|(label, _, _)| *label == l.value) {
            let known: Vec<&str> = risk_labels.iter().map(|(l, _, _)| l.as_str()).collect();
            c.error(
                l.pos,
                format!(
                    "risk label `{}` is not defined in risk_patterns{}",
                    l.value,
                    if known.is_empty() {
                        String::new()
                    } else {
                        format!(" (labels: {})", known.join(", "))
                    }
                ),
            );
        }
    }

    // services.allowlist / denylist.
    let service_allow = spec.service_allowlist.as_ref().map(|list| {
        let mut allowed = vec![false; n_services];
        for s in &list.value {
            for i in c.services(s, false, "services.allowlist") {
                if let Some(a) = allowed.get_mut(i as usize) {
                    *a = true;
                }
            }
        }
        if list.value.is_empty() {
            c.warn(
                list.pos,
                "services.allowlist is empty: every call is denied (remove the key to allow \
                 every service)"
                    .to_string(),
            );
        }
        (allowed, list.pos)
    });

    let mut rules: Vec<Rule> = Vec::new();
    for s in &spec.service_denylist {
        for svc in c.services(s, true, "services.denylist") {
            let mut ops = OpSet::empty(n_ops);
            for op in catalog::service_operations(svc) {
                ops.insert(op);
            }
            let name = catalog::service(svc).name.as_str().to_string();
            rules.push(plain_rule(
                RuleKind::Deny,
                s.pos,
                Origin::ServiceDenylist(name.clone()),
                ops,
                name,
            ));
        }
    }
    for p in &spec.regex_deny {
        if let Some(ops) = c.regex_rule(p, "rules.deny", true) {
            rules.push(plain_rule(
                RuleKind::Deny,
                p.pos,
                Origin::Regex(p.value.clone()),
                ops,
                p.value.clone(),
            ));
        }
    }
    for p in &spec.regex_allow {
        if let Some(ops) = c.regex_rule(p, "rules.allow", false) {
            rules.push(plain_rule(
                RuleKind::Allow,
                p.pos,
                Origin::Regex(p.value.clone()),
                ops,
                p.value.clone(),
            ));
        }
    }
    for r in &spec.rules {
        if let Some(rule) = c.rule(r, &reads, &destructive) {
            rules.push(rule);
        }
    }

    let mut required_tags = Vec::new();
    for t in &spec.required_tags {
        let Some(pattern) = c.anchored_regex(&t.pattern, "required_tags pattern") else {
            continue;
        };
        if t.key.value.is_empty() {
            c.error(t.key.pos, "empty tag key".to_string());
            continue;
        }
        let ops = match &t.operations {
            Some(list) => c.op_list(list, true),
            None => taggable_writes(&reads, &destructive),
        };
        required_tags.push(RequiredTag {
            pos: t.pos,
            key: t.key.value.clone(),
            pattern_text: t.pattern.value.clone(),
            pattern,
            ops,
        });
    }

    let mode = spec.mode.as_ref().map_or(Mode::ReadWrite, |m| m.value);
    let has_allow_rules = rules.iter().any(|r| r.kind == RuleKind::Allow);
    let deny_destructive = match &spec.deny_destructive {
        Some(b) if b.value && has_allow_rules => {
            c.warn(
                b.pos,
                "deny_destructive has no effect next to allow rules: a destructive operation \
                 runs only when an allow rule names it anyway"
                    .to_string(),
            );
            None
        }
        Some(b) if b.value => Some(b.pos),
        _ => None,
    };
    if let Some(pos) = spec.reference_style
        && spec.deny_destructive.is_none()
        && !has_allow_rules
    {
        c.warn(
            pos,
            "defaults.deny_destructive is not set: the Python reference denied destructive \
             operations here by default, this server asks for confirmation instead; set \
             `deny_destructive: true` under `defaults` to keep denying them"
                .to_string(),
        );
    }
    let require_approval_for_destructive = spec
        .require_approval_for_destructive
        .as_ref()
        .is_none_or(|b| b.value);

    // Exposure, per operation.
    let mut ops: Vec<OpFacts> = Vec::with_capacity(n_ops);
    let mut blocked_base = vec![false; n_ops];
    let mut hidden = vec![false; n_ops];
    let mut visible_per_service = vec![0u32; n_services];
    let mut summary = Summary {
        mode: match mode {
            Mode::ReadOnly => "read-only",
            Mode::ReadWrite => "read-write",
        },
        operations: n_ops,
        ..Summary::default()
    };
    for (i, o) in cat.operations.iter().enumerate() {
        let op = i as u32;
        let svc = o.service.to_native() as usize;
        let base = service_allow
            .as_ref()
            .is_some_and(|(allowed, _)| !allowed.get(svc).copied().unwrap_or(false))
            || (mode == Mode::ReadOnly && !reads[i]);
        let static_deny = rules.iter().any(|r| {
            matches!(r.kind, RuleKind::Deny | RuleKind::DenyWhen)
                && r.condition.is_none()
                && !r.is_scoped()
                && r.ops.contains(op)
        });
        let allow_miss = has_allow_rules
            && !rules
                .iter()
                .any(|r| r.kind == RuleKind::Allow && r.ops.contains(op));
        let is_destructive = destructive[i] != Destructive::No;
        let hide =
            base || static_deny || allow_miss || (deny_destructive.is_some() && is_destructive);
        blocked_base[i] = base || static_deny;
        hidden[i] = hide;
        let risk_needs = risk[i]
            .and_then(|r| risk_labels.get(r as usize))
            .is_some_and(|(_, needs, _)| *needs);
        let confirm_beyond_destructive = risk_needs
            || rules.iter().any(|r| {
                r.kind == RuleKind::ConfirmWhen
                    && r.condition.is_none()
                    && !r.is_scoped()
                    && r.ops.contains(op)
            });
        let confirm =
            (is_destructive && require_approval_for_destructive) || confirm_beyond_destructive;
        let exposure = if hide {
            summary.hidden_operations += 1;
            Exposure::Hidden
        } else {
            if let Some(n) = visible_per_service.get_mut(svc) {
                *n += 1;
            }
            if confirm {
                summary.confirm_operations += 1;
            }
            Exposure::Visible {
                requires_confirmation: confirm,
            }
        };
        ops.push(OpFacts {
            read: reads[i],
            destructive: destructive[i],
            risk: risk[i],
            exposure,
            confirm_beyond_destructive,
        });
    }

    // Rules that can never fire because everything they name is denied anyway.
    for r in &rules {
        if r.ops.is_empty() || !matches!(r.origin, Origin::List) {
            continue;
        }
        let all = |v: &[bool]| {
            r.ops
                .iter()
                .all(|op| v.get(op as usize).copied().unwrap_or(true))
        };
        let unconditional_deny =
            matches!(r.kind, RuleKind::Deny | RuleKind::DenyWhen) && r.condition.is_none();
        let message = match r.kind {
            RuleKind::Allow if all(&blocked_base) => Some(
                "this allow rule never allows anything: every operation it names is denied by \
                 the mode, services.allowlist or a deny rule",
            ),
            _ if unconditional_deny => None,
            RuleKind::Allow => None,
            _ if all(&hidden) => Some(
                "this rule never fires: every operation it names is already denied (mode, \
                 services, deny or allow rules)",
            ),
            _ => None,
        };
        if let Some(m) = message {
            c.warn(r.pos, m.to_string());
        }
    }

    for r in &rules {
        match (r.kind, &r.origin) {
            (_, Origin::Regex(_)) => summary.regex_rules += 1,
            (_, Origin::ServiceDenylist(_)) => {}
            (RuleKind::Allow, _) => summary.allow += 1,
            (RuleKind::Deny, _) => summary.deny += 1,
            (RuleKind::DenyWhen, _) => summary.deny_when += 1,
            (RuleKind::ConfirmWhen, _) => summary.confirm_when += 1,
            (RuleKind::RateLimit, _) => summary.rate_limits += 1,
        }
    }
    summary.services_listed =
        spec.service_allowlist.as_ref().map_or(0, |l| l.value.len()) + spec.service_denylist.len();
    summary.required_tags = required_tags.len();

    Policy {
        label: source.to_string(),
        source,
        mode,
        mode_pos: spec.mode.as_ref().map(|m| m.pos),
        max_payload: spec
            .max_payload_bytes
            .as_ref()
            .map(|m| (usize::try_from(m.value).unwrap_or(usize::MAX), m.pos)),
        service_allow,
        rules,
        has_allow_rules,
        deny_destructive,
        require_approval_for_destructive,
        destructive_patterns,
        risk_labels,
        required_tags,
        ops,
        visible_per_service,
        approval_ttl: spec
            .approval_ttl_seconds
            .as_ref()
            .map_or(DEFAULT_APPROVAL_TTL, |t| Duration::from_secs(t.value)),
        warnings: Vec::new(),
        summary,
        rates: std::sync::Arc::new(super::InMemoryRates::new()),
        clock: std::sync::Arc::new(SystemClock::new()),
    }
}

fn plain_rule(kind: RuleKind, pos: Pos, origin: Origin, ops: OpSet, what: String) -> Rule {
    Rule {
        kind,
        pos,
        origin,
        ops,
        what,
        regions: None,
        profiles: None,
        roles: None,
        principals: None,
        condition: None,
        rate: None,
        reason: None,
    }
}

/// Where `required_tags` applies unless it names operations: the operations that create
/// resources with tags, i.e. neither reads nor destructive, with a top-level `Tags` or
/// `TagSpecifications` member, and not themselves about tags (`CreateTags`, `TagResource`,
/// `AddTagsToResource` edit the tags of existing resources). S3's object-level `Tagging` is read
/// too, but only where `operations` names such an operation.
fn taggable_writes(reads: &[bool], destructive: &[Destructive]) -> OpSet {
    let cat = catalog::get();
    let mut set = OpSet::empty(cat.operations.len());
    for (i, o) in cat.operations.iter().enumerate() {
        if reads.get(i).copied().unwrap_or(true)
            || destructive.get(i).is_some_and(|d| *d != Destructive::No)
        {
            continue;
        }
        let Some(input) = o.input.as_ref() else {
            continue;
        };
        let takes_tags = catalog::shape(input.to_native())
            .members
            .iter()
            .any(|m| matches!(m.name.as_str(), "Tags" | "TagSpecifications"));
        if takes_tags && !is_tag_editor(o.name.as_str()) {
            set.insert(i as u32);
        }
    }
    set
}

/// `CreateTags`, `TagResource`, `AddTagsToStream`: a word of the PascalCase name is a tag word
/// (`CreateStage` is not).
fn is_tag_editor(name: &str) -> bool {
    let mut words = Vec::new();
    let mut start = 0;
    for (i, c) in name.char_indices().skip(1) {
        if c.is_ascii_uppercase() {
            words.push(&name[start..i]);
            start = i;
        }
    }
    words.push(&name[start..]);
    words
        .iter()
        .any(|w| matches!(*w, "Tag" | "Tags" | "Tagging" | "Untag"))
}

impl Compiler<'_> {
    fn error(&mut self, pos: Pos, message: String) {
        self.diags.push(Diagnostic::error(pos, message));
    }

    fn warn(&mut self, pos: Pos, message: String) {
        self.diags.push(Diagnostic::warning(pos, message));
    }

    /// An error when the entry restricts calls, a warning when it only allows them.
    fn nothing(&mut self, restricts: bool, pos: Pos, message: String) {
        if restricts {
            self.error(pos, message);
        } else {
            self.warn(pos, message);
        }
    }

    fn regex(&mut self, p: &Spanned<String>, what: &str) -> Option<regex::Regex> {
        self.regex_text(&p.value, p.pos, what)
    }

    /// A regex that must match the whole value (required tags, as the reference).
    fn anchored_regex(&mut self, p: &Spanned<String>, what: &str) -> Option<regex::Regex> {
        self.regex_text(&p.value, p.pos, what)?;
        self.regex_text(&format!("^(?:{})$", p.value), p.pos, what)
    }

    fn regex_text(&mut self, text: &str, pos: Pos, what: &str) -> Option<regex::Regex> {
        if text.chars().count() > MAX_REGEX_LEN {
            self.error(
                pos,
                format!("{what} regex is longer than {MAX_REGEX_LEN} characters"),
            );
            return None;
        }
        match regex::RegexBuilder::new(text).size_limit(1 << 20).build() {
            Ok(re) => Some(re),
            Err(e) => {
                let detail = match &e {
                    regex::Error::Syntax(s) => s
                        .lines()
                        .rev()
                        .find_map(|l| l.trim().strip_prefix("error: "))
                        .unwrap_or(s)
                        .to_string(),
                    other => other.to_string(),
                };
                self.error(pos, format!("invalid regex in {what} `{text}`: {detail}"));
                None
            }
        }
    }

    /// Services named by a name, an alias or a glob over names and aliases.
    fn services(&mut self, s: &Spanned<String>, restricts: bool, what: &str) -> Vec<u32> {
        let text = s.value.as_str();
        if let Err(e) = glob::check(text, "a service name", |c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
        }) {
            self.error(s.pos, e);
            return Vec::new();
        }
        let g = Glob::new(text, true);
        if g.is_literal() {
            return match catalog::resolve_service(text) {
                Ok(i) => vec![i],
                Err(e) => {
                    let hint = match &e {
                        catalog::LookupError::Service { suggestions, .. }
                            if !suggestions.is_empty() =>
                        {
                            format!("; did you mean `{}`?", suggestions.join("`, `"))
                        }
                        _ => String::new(),
                    };
                    self.nothing(restricts, s.pos, format!("{what}: {e}{hint}"));
                    Vec::new()
                }
            };
        }
        let found: Vec<u32> = (0..catalog::get().services.len() as u32)
            .filter(|&i| catalog::service_names(i).any(|n| g.matches(n)))
            .collect();
        if found.is_empty() {
            self.nothing(
                restricts,
                s.pos,
                format!("{what}: `{text}` matches no service name or alias"),
            );
        }
        found
    }

    /// The union of `service:Operation` patterns.
    fn op_list(&mut self, list: &[Spanned<String>], restricts: bool) -> OpSet {
        let mut set = OpSet::empty(self.n_ops);
        for p in list {
            let s = self.op_pattern(p, restricts);
            set.union_with(&s);
        }
        set
    }

    /// One `service:Operation` glob.
    fn op_pattern(&mut self, p: &Spanned<String>, restricts: bool) -> OpSet {
        let mut set = OpSet::empty(self.n_ops);
        let text = p.value.as_str();
        let (svc, op) = if text == "*" {
            ("*", "*")
        } else {
            match text.split_once(':') {
                Some((s, o)) if !o.contains(':') => (s, o),
                _ => {
                    self.error(
                        p.pos,
                        format!(
                            "`{text}` is not service:Operation (e.g. `ec2:TerminateInstances`, \
                             `s3:Delete*`; `{}:*` for every operation of a service)",
                            text.split(':').next().unwrap_or(text)
                        ),
                    );
                    return set;
                }
            }
        };
        if let Err(e) = glob::check(op, "an operation name", |c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_')
        }) {
            self.error(p.pos, e);
            return set;
        }
        let services = self.services(
            &Spanned::new(svc.to_string(), p.pos),
            restricts,
            &format!("`{text}`"),
        );
        if services.is_empty() {
            return set;
        }
        let g = Glob::new(op, true);
        // Globs match the normalized names (`delete-*`, `Delete*` and `delete_*` alike).
        let normalized: String = op
            .chars()
            .filter(|c| !matches!(c, '-' | '_'))
            .flat_map(char::to_lowercase)
            .collect();
        let ng = Glob::new(&normalized, false);
        let names = catalog::normalized_operation_names();
        for &s in &services {
            if g.is_literal() {
                if let Some(i) = catalog::find_operation(s, op) {
                    set.insert(i);
                }
            } else {
                for i in catalog::service_operations(s) {
                    if names.get(i as usize).is_some_and(|n| ng.matches(n)) {
                        set.insert(i);
                    }
                }
            }
        }
        if set.is_empty() {
            let message = match services.as_slice() {
                [one] if g.is_literal() => {
                    let close = catalog::closest_operations(*one, op, 3);
                    format!(
                        "`{text}`: service `{}` has no operation `{op}`{}",
                        catalog::service(*one).name.as_str(),
                        if close.is_empty() {
                            String::new()
                        } else {
                            format!("; did you mean `{}`?", close.join("`, `"))
                        }
                    )
                }
                _ => format!("`{text}` matches no operation"),
            };
            self.nothing(restricts, p.pos, message);
        }
        set
    }

    /// A `rules.allow` / `rules.deny` regex over `service:Operation`.
    fn regex_rule(&mut self, p: &Spanned<String>, what: &str, restricts: bool) -> Option<OpSet> {
        let re = self.regex(p, what)?;
        let ops = regex_ops(&re, &p.value, self.n_ops);
        if ops.is_empty() {
            self.nothing(
                restricts,
                p.pos,
                format!(
                    "{what} `{}` matches no service:Operation (names are case-sensitive here: \
                     `s3:GetObject`)",
                    p.value
                ),
            );
        }
        Some(ops)
    }

    fn rule(&mut self, r: &RuleSpec, reads: &[bool], destructive: &[Destructive]) -> Option<Rule> {
        let restricts = r.kind.restricts();
        let errors_before = self.error_count();
        let mut ops = match &r.operations {
            Some(list) => self.op_list(list, restricts),
            None => OpSet::full(self.n_ops),
        };
        if let Some(classes) = &r.classes {
            let before = ops.len();
            let mut of_class = OpSet::empty(self.n_ops);
            for i in 0..self.n_ops {
                let read = reads.get(i).copied().unwrap_or(false);
                let destr = destructive.get(i).is_some_and(|d| *d != Destructive::No);
                if classes.iter().any(|c| match c.value {
                    OpClass::Read => read,
                    OpClass::Write => !read,
                    OpClass::Destructive => destr,
                }) {
                    of_class.insert(i as u32);
                }
            }
            ops.intersect_with(&of_class);
            if before > 0 && ops.is_empty() {
                self.nothing(
                    restricts,
                    classes[0].pos,
                    "no operation named by `operations` is of these classes: the rule names \
                     nothing"
                        .to_string(),
                );
            }
        }
        let regions = r.regions.as_ref().map(|l| self.regions(l, restricts));
        let profiles = r
            .profiles
            .as_ref()
            .map(|l| self.identity_globs(l, "a profile glob", false));
        let roles = r
            .roles
            .as_ref()
            .map(|l| self.identity_globs(l, "a role ARN glob", true));
        let principals = r
            .principals
            .as_ref()
            .map(|l| self.identity_globs(l, "a principal glob", false));
        let condition = if r.incomplete {
            None
        } else {
            self.condition(r, &ops)
        };
        let rate = r.limit.as_ref().map(|l| Rate {
            limit: u32::try_from(l.value.0).unwrap_or(u32::MAX),
            window: Duration::from_secs(l.value.1),
            per: r.per.iter().map(|p| p.value).collect(),
        });
        if r.incomplete {
            return None;
        }
        if r.kind == RuleKind::Deny
            && r.operations.is_none()
            && r.classes.is_none()
            && !r.is_scoped()
        {
            self.error(
                r.pos,
                "this deny rule names nothing, so it would deny every call; give operations, \
                 classes, regions or identities (or use services.allowlist / mode)"
                    .to_string(),
            );
        }
        if r.kind == RuleKind::Allow
            && r.operations.is_none()
            && r.classes.is_none()
            && !r.is_scoped()
        {
            self.warn(
                r.pos,
                "this allow rule names nothing, so it allows every call (and the other allow \
                 rules have no effect)"
                    .to_string(),
            );
        }
        if self.error_count() > errors_before {
            return None;
        }
        let mut what: Vec<String> = Vec::new();
        if let Some(list) = &r.operations {
            what.push(
                list.iter()
                    .map(|p| p.value.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
        if let Some(classes) = &r.classes {
            let names: Vec<&str> = classes
                .iter()
                .map(|c| match c.value {
                    OpClass::Read => "read",
                    OpClass::Write => "write",
                    OpClass::Destructive => "destructive",
                })
                .collect();
            what.push(format!("class {}", names.join("/")));
        }
        Some(Rule {
            kind: r.kind,
            pos: r.pos,
            origin: Origin::List,
            ops,
            what: if what.is_empty() {
                "every operation".to_string()
            } else {
                what.join(", ")
            },
            regions,
            profiles,
            roles,
            principals,
            condition,
            rate,
            reason: r.reason.clone(),
        })
    }

    fn error_count(&self) -> usize {
        self.diags
            .iter()
            .filter(|d| d.severity == super::Severity::Error)
            .count()
    }

    fn regions(&mut self, list: &[Spanned<String>], restricts: bool) -> Vec<Glob> {
        let mut out = Vec::new();
        for r in list {
            let text = r.value.as_str();
            if let Err(e) = glob::check(text, "a region glob", |c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
            }) {
                let e = if text.chars().any(|c| c.is_ascii_uppercase()) {
                    format!("{e} (region codes are lower-case: us-east-1)")
                } else {
                    e
                };
                self.error(r.pos, e);
                continue;
            }
            let g = Glob::new(text, false);
            if g.is_literal() {
                if let Err(problem) = crate::config::check_region(text) {
                    self.nothing(restricts, r.pos, format!("region `{text}` is {problem}"));
                }
            } else if !crate::invoke::endpoint::partitions::all_regions()
                .iter()
                .any(|known| g.matches(known))
            {
                self.nothing(
                    restricts,
                    r.pos,
                    format!("region glob `{text}` matches no region of any AWS partition"),
                );
            }
            out.push(g);
        }
        out
    }

    fn identity_globs(&mut self, list: &[Spanned<String>], what: &str, arn: bool) -> Vec<Glob> {
        let mut out = Vec::new();
        for p in list {
            if let Err(e) = glob::check(&p.value, what, |c| !c.is_control()) {
                self.error(p.pos, e);
                continue;
            }
            if arn && !(p.value.starts_with("arn:") || p.value.starts_with('*')) {
                self.error(
                    p.pos,
                    format!(
                        "`{}` is not a role ARN (arn:aws:iam::123456789012:role/Name; globs \
                         allowed: arn:aws:iam::*:role/Admin*)",
                        p.value
                    ),
                );
                continue;
            }
            out.push(Glob::new(&p.value, false));
        }
        out
    }

    fn condition(&mut self, r: &RuleSpec, ops: &OpSet) -> Option<Condition> {
        let members = r.members.as_ref()?;
        let mut globs = Vec::new();
        for m in &members.value {
            match glob::check(&m.value, "a member name glob", |c| {
                c.is_ascii_alphanumeric() || c == '_'
            }) {
                Ok(()) => globs.push(Glob::new(&m.value, true)),
                Err(e) => self.error(m.pos, e),
            }
        }
        let lower = |v: &str| {
            if r.ignore_case {
                v.to_lowercase()
            } else {
                v.to_string()
            }
        };
        let test = r.test.as_ref().map(|t| match &t.value {
            ValueTest::Matches(list) => Test::Matches(
                list.iter()
                    .map(|g| Glob::new(&g.value, r.ignore_case))
                    .collect(),
            ),
            ValueTest::In(list) => Test::In(list.iter().map(|v| lower(&v.value)).collect()),
            ValueTest::NotIn(list) => Test::NotIn(list.iter().map(|v| lower(&v.value)).collect()),
        });
        if !ops.is_empty() && !globs.is_empty() {
            let full = ops.len() <= ENUM_CHECK_MAX_OPS;
            let reach = reachable_members(ops.iter(), &globs, full);
            let names = members
                .value
                .iter()
                .map(|m| m.value.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            if !reach.named {
                let consequence = if r.when_missing {
                    "with when_missing it would fire on every call"
                } else {
                    "the rule can never fire"
                };
                self.error(
                    members.pos,
                    format!(
                        "no input member of the {} operation(s) this rule names is called {names} \
                         (at any depth): {consequence}",
                        ops.len()
                    ),
                );
            } else if test.is_some() && !reach.testable {
                self.error(
                    members.pos,
                    format!(
                        "the input members called {names} hold structures or maps, not values \
                         a test can compare: the rule can never fire; name the nested member \
                         instead"
                    ),
                );
            } else if let (Some(values), Some(t)) = (&reach.enum_values, &r.test) {
                self.check_enum_values(&t.value, values, r.ignore_case, &names);
            }
        }
        Some(Condition::new(globs, test, r.ignore_case, r.when_missing))
    }

    /// Warns about `in` / `not_in` values that no valid payload can hold, and `matches` globs
    /// that match no value of the enum.
    fn check_enum_values(
        &mut self,
        test: &ValueTest,
        values: &[&'static str],
        ignore_case: bool,
        names: &str,
    ) {
        let is_value = |v: &str| {
            values
                .iter()
                .any(|e| *e == v || (ignore_case && e.eq_ignore_ascii_case(v)))
        };
        let sample = || {
            let mut s: Vec<&str> = values.iter().take(8).copied().collect();
            if values.len() > 8 {
                s.push("…");
            }
            s.join(", ")
        };
        match test {
            ValueTest::In(list) | ValueTest::NotIn(list) => {
                for v in list {
                    if !is_value(&v.value) {
                        let m = format!(
                            "`{}` is not a value of {names} in the AWS model (values: {}): a valid \
                             payload never holds it",
                            v.value,
                            sample()
                        );
                        self.warn(v.pos, m);
                    }
                }
            }
            ValueTest::Matches(list) => {
                for g in list {
                    let glob = Glob::new(&g.value, ignore_case);
                    if !values.iter().any(|e| glob.matches(e)) {
                        let m = format!(
                            "`{}` matches no value of {names} in the AWS model (values: {})",
                            g.value,
                            sample()
                        );
                        self.warn(g.pos, m);
                    }
                }
            }
        }
    }
}

/// The operations a regex over `service:Operation` matches. A regex that starts with a
/// literal service name (`^logs:Describe.*`) is tried on that service's operations with the
/// name as written (so aliases work); any other regex on every operation, with the service's
/// canonical name, its endpoint prefix and its AWS CLI name.
fn regex_ops(re: &regex::Regex, text: &str, n_ops: usize) -> OpSet {
    let mut set = OpSet::empty(n_ops);
    let mut key = String::new();
    let literal_service = if has_top_level_alternation(text) {
        None
    } else {
        text.strip_prefix('^').and_then(|rest| {
            let (svc, _) = rest.split_once(':')?;
            (!svc.is_empty()
                && svc
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .then_some(svc)
        })
    };
    let op_names = op_names();
    let name_of = |op: u32| op_names.get(op as usize).copied().unwrap_or_default();
    if let Some(svc) = literal_service {
        if let Some(s) = catalog::find_service(svc) {
            for op in catalog::service_operations(s) {
                key.clear();
                key.push_str(svc);
                key.push(':');
                key.push_str(name_of(op));
                if re.is_match(&key) {
                    set.insert(op);
                }
            }
        }
        return set;
    }
    for s in 0..catalog::get().services.len() as u32 {
        let svc = catalog::service(s);
        let mut names: Vec<&str> = vec![
            svc.name.as_str(),
            svc.endpoint_prefix.as_str(),
            svc.cli_name.as_str(),
        ];
        names.retain(|n| !n.is_empty());
        names.dedup();
        for op in catalog::service_operations(s) {
            let op_name = name_of(op);
            let hit = names.iter().any(|n| {
                key.clear();
                key.push_str(n);
                key.push(':');
                key.push_str(op_name);
                re.is_match(&key)
            });
            if hit {
                set.insert(op);
            }
        }
    }
    set
}

/// `a|b` outside any group: then a literal start (`^ec2:...|^s3:...`) says nothing about the
/// other branches.
fn has_top_level_alternation(re: &str) -> bool {
    let mut depth = 0usize;
    let mut escaped = false;
    let mut in_class = false;
    for c in re.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            _ if in_class => {}
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            '|' if depth == 0 => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_editors_are_told_by_their_words() {
        for name in [
            "CreateTags",
            "TagResource",
            "AddTagsToStream",
            "PutBucketTagging",
        ] {
            assert!(is_tag_editor(name), "{name}");
        }
        for name in ["CreateStage", "RunInstances", "CreateFunction", "Tagless"] {
            assert!(!is_tag_editor(name), "{name}");
        }
    }

    #[test]
    fn regexes_with_a_literal_service_and_alternatives() {
        assert!(has_top_level_alternation("^ec2:Describe.*$|^s3:Get.*"));
        assert!(!has_top_level_alternation("^s3:(List|Get).*$"));
        assert!(!has_top_level_alternation(r"^s3:[|]\|x"));
        let n = catalog::get().operations.len();
        let re = regex::Regex::new("^ec2:DescribeInstances$|^s3:GetObject$").unwrap();
        let ops = regex_ops(&re, re.as_str(), n);
        assert_eq!(ops.len(), 2);
        // A literal alias is tried as written.
        let re = regex::Regex::new("^logs:DescribeLogGroups$").unwrap();
        assert_eq!(regex_ops(&re, re.as_str(), n).len(), 1);
        // Other regexes see canonical names, endpoint prefixes and CLI names.
        let re = regex::Regex::new("(^|:)logs:DescribeLogGroups$").unwrap();
        assert_eq!(regex_ops(&re, re.as_str(), n).len(), 1);
    }
}
