//! The policy: which AWS calls may run, which need a person's confirmation, and how often.
//!
//! `policy.yaml` (path `POLICY_PATH`, default `./policy.yaml`; without either, the repo's
//! `policy.yaml` compiled in) is read once at start ([`Policy::load`]). Reading it checks
//! everything against the compiled catalog and fails with the line and column of every
//! mistake: unknown keys, bad globs and regexes, names that match nothing, rules that can
//! never fire (see [`compile`]). The syntax and the evaluation order are in docs/POLICY.md.
//!
//! At run time the policy answers three questions, all by index into the catalog:
//! * [`Policy::exposure`]: may search and schema show this operation at all (and does it
//!   always need confirmation)? Precomputed per operation; independent of who calls.
//! * [`Policy::evaluate`]: may this call run as it is (operation, region, identity,
//!   payload)? The [`Decision`] carries the reasons as sentences. Nothing is counted.
//! * [`Policy::admit`]: the call is about to run: count it against the rate caps (all or
//!   nothing; a cap filled since `evaluate` refuses it).
//!
//! Confirmation tokens and elicitation (the confirmation flow) are not here: they consume
//! [`Decision::requires_confirmation`] and [`Decision::approval_sources`].

mod compile;
pub mod conditions;
mod glob;
pub mod model;
mod opset;
pub mod rate;
mod yaml;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::catalog;
use crate::clock::Clock;
use crate::principal::Principal;
pub use model::{Mode, OpClass, RateScope, RuleKind};
pub use rate::{InMemoryRates, RateKey, RateStore};

use conditions::Condition;
use glob::{Glob, any_matches};
use opset::OpSet;
use yaml::Pos;

/// The repo's `policy.yaml`, compiled in: used when `./policy.yaml` does not exist and
/// `POLICY_PATH` is not set.
pub const DEFAULT_POLICY: &str = include_str!("../../policy.yaml");
/// Where the policy is read from when `POLICY_PATH` is not set.
pub const DEFAULT_PATH: &str = "./policy.yaml";
/// How long a confirmation token lives unless `approval.ttl_seconds` says otherwise.
pub const DEFAULT_APPROVAL_TTL: Duration = Duration::from_secs(300);
/// What a "read" operation is, for messages and docs.
pub const READ_RULE: &str = "reads are the operations the AWS model marks @readonly or whose \
     name starts with Describe, List, Get, Head, Search, Lookup, BatchGet, Scan or Query";

/// How serious a finding in the policy file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// A finding in the policy file, at a line and column (both from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub line: usize,
    pub column: usize,
    pub severity: Severity,
    pub message: String,
}

impl Diagnostic {
    fn error(pos: Pos, message: String) -> Diagnostic {
        Diagnostic {
            line: pos.line,
            column: pos.col,
            severity: Severity::Error,
            message,
        }
    }

    fn warning(pos: Pos, message: String) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(pos, message)
        }
    }
}

/// Where the policy came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicySource {
    File(PathBuf),
    /// The compiled-in default (no `./policy.yaml`, no `POLICY_PATH`).
    BuiltIn,
}

impl fmt::Display for PolicySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicySource::File(p) => write!(f, "{}", p.display()),
            PolicySource::BuiltIn => f.write_str("built-in policy"),
        }
    }
}

/// Why the policy could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The file named by `POLICY_PATH` (or `./policy.yaml`) cannot be read.
    #[error("cannot read the policy file {} ({hint})", path.display())]
    Read {
        path: PathBuf,
        hint: &'static str,
        #[source]
        source: std::io::Error,
    },
    /// The file has errors; each names its line and column (`file:line:column: message`).
    #[error("{}", render_errors(file, errors))]
    Invalid {
        file: String,
        errors: Vec<Diagnostic>,
    },
}

fn render_errors(file: &str, errors: &[Diagnostic]) -> String {
    let lines: Vec<String> = errors
        .iter()
        .map(|d| format!("{file}:{}:{}: {}", d.line, d.column, d.message))
        .collect();
    lines.join("\n")
}

/// What a tool knows about a call when it asks the policy.
#[derive(Debug, Clone, Copy)]
pub struct CallFacts<'a> {
    /// Catalog index of the service (the operation's own service).
    pub service: u32,
    /// Catalog index of the operation.
    pub operation: u32,
    /// The region the call goes to. `None` (a `validate` without a region): rules scoped to
    /// regions are taken to apply. `invoke` must pass the region of each call (of each region
    /// of a fan-out).
    pub region: Option<&'a str>,
    pub principal: &'a Principal,
    /// The AWS profile the call uses: `options.profile`, else `AWS_PROFILE`, else `None`,
    /// which `profiles:` globs see as `default`.
    pub profile: Option<&'a str>,
    /// The role assumed for the call (`options.roleArn`).
    pub role_arn: Option<&'a str>,
    /// The payload as validated (before idempotency tokens are filled in).
    pub payload: &'a Map<String, Value>,
    /// Size of the payload as compact JSON ([`payload_size`]).
    pub payload_bytes: usize,
}

/// The size of a payload as compact JSON, the measure of `max_payload_bytes`.
pub fn payload_size(payload: &Map<String, Value>) -> usize {
    struct Counter(usize);
    impl std::io::Write for Counter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut c = Counter(0);
    match serde_json::to_writer(&mut c, payload) {
        Ok(()) => c.0,
        Err(_) => usize::MAX,
    }
}

/// Why a call needs confirmation, in the reference's `ApprovalSource` spelling
/// (`policy:destructive`, `policy:risk:high`) plus our rules (`policy:confirm_when:line 9`).
/// `MCP_REQUIRE_APPROVAL` (`server`) is the tools' to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApprovalSource {
    /// The operation is destructive and `require_approval_for_destructive` holds.
    Destructive,
    /// The operation's risk label is in `require_approval_for_risk`.
    Risk(String),
    /// A `confirm_when` rule fired.
    Rule { line: usize },
}

impl fmt::Display for ApprovalSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApprovalSource::Destructive => f.write_str("policy:destructive"),
            ApprovalSource::Risk(label) => write!(f, "policy:risk:{label}"),
            ApprovalSource::Rule { line } => write!(f, "policy:confirm_when:line {line}"),
        }
    }
}

/// The policy's answer for one call.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The call may run (after confirmation when [`Self::requires_confirmation`]).
    pub allowed: bool,
    /// The policy asks a person to confirm this call (see [`Self::confirmation_gate`] for
    /// the server's flags on top).
    pub requires_confirmation: bool,
    /// The operation only reads (see [`READ_RULE`]).
    pub read_only: bool,
    /// Destructive: the model's classification or the policy's `destructive_patterns`.
    pub destructive: bool,
    /// The operation's risk label (`risk_patterns`).
    pub risk: Option<String>,
    /// Sentences: why the call is denied, or why it needs confirmation. Each names the rule
    /// (`file:line`) and, for member conditions, the member's path and value.
    pub reasons: Vec<String>,
    pub approval_sources: Vec<ApprovalSource>,
    /// Denied by a rate cap: when to try again.
    pub retry_after: Option<Duration>,
    /// The counters [`Policy::admit`] counts the call against.
    rate_keys: Vec<RateKey>,
}

impl Decision {
    fn new(read_only: bool, destructive: bool, risk: Option<String>) -> Decision {
        Decision {
            allowed: true,
            requires_confirmation: false,
            read_only,
            destructive,
            risk,
            reasons: Vec::new(),
            approval_sources: Vec::new(),
            retry_after: None,
            rate_keys: Vec::new(),
        }
    }

    fn deny(mut self, reason: String) -> Decision {
        self.allowed = false;
        self.requires_confirmation = false;
        self.approval_sources.clear();
        self.reasons = vec![reason];
        self
    }

    /// Whether the call must be confirmed, given the server's flags (REFERENCE-BEHAVIOUR
    /// §1.4.4): `MCP_REQUIRE_APPROVAL` (`server_require`) asks for every call;
    /// `AWS_MCP_AUTO_APPROVE_DESTRUCTIVE` (`auto_approve_destructive`) skips the confirmation
    /// only when its sole source is the destructive classification (never a risk label or a
    /// `confirm_when` rule, never with `server_require`).
    pub fn confirmation_gate(&self, server_require: bool, auto_approve_destructive: bool) -> bool {
        if !self.allowed {
            return false;
        }
        if server_require {
            return true;
        }
        let only_destructive = self.approval_sources == [ApprovalSource::Destructive];
        self.requires_confirmation && !(auto_approve_destructive && only_destructive)
    }

    /// The `policy` object of `validate`'s answer: the reference's keys (`allowed`,
    /// `requireApproval`, `risk`, `reasons`) plus ours.
    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "allowed": self.allowed,
            "requireApproval": self.requires_confirmation,
            "risk": self.risk,
            "reasons": self.reasons,
            "readOnly": self.read_only,
            "destructive": self.destructive,
        });
        if !self.approval_sources.is_empty() {
            v["approvalSources"] = self
                .approval_sources
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .into();
        }
        if let Some(wait) = self.retry_after {
            v["retryAfterSeconds"] = wait.as_secs_f64().ceil().into();
        }
        v
    }
}

/// A call refused by [`Policy::admit`]: a rate cap filled up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct RateLimited {
    pub retry_after: Duration,
    pub reason: String,
}

/// What search and schema may show of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exposure {
    /// Denied whoever calls, wherever, with whatever payload: not listed.
    Hidden,
    /// Listed. `requires_confirmation`: every call needs confirmation (destructive, a risk
    /// label that needs approval, or a `confirm_when` rule without conditions). Calls may
    /// still be denied or need confirmation depending on region, identity or payload.
    Visible { requires_confirmation: bool },
}

/// How many rules of each kind, for `check-config`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub mode: &'static str,
    pub allow: usize,
    pub deny: usize,
    pub deny_when: usize,
    pub confirm_when: usize,
    pub rate_limits: usize,
    pub regex_rules: usize,
    pub services_listed: usize,
    pub required_tags: usize,
    pub hidden_operations: usize,
    pub confirm_operations: usize,
    pub operations: usize,
}

/// Where an operation stands before anything about the call is known.
#[derive(Debug, Clone, Copy)]
struct OpFacts {
    read: bool,
    destructive: Destructive,
    /// Index into `risk_labels`.
    risk: Option<u16>,
    exposure: Exposure,
    /// Every call needs confirmation for a reason other than the destructive classification
    /// (a risk label that needs approval, a `confirm_when` rule without scope or condition).
    confirm_beyond_destructive: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Destructive {
    No,
    /// The model's classification (catalog `OP_DESTRUCTIVE`).
    Model,
    /// A `destructive_patterns` entry (index).
    Pattern(u16),
}

/// Where a rule came from, for reasons.
#[derive(Debug, Clone)]
enum Origin {
    /// An item of `allow`, `deny`, `deny_when`, `confirm_when` or `rate_limits`.
    List,
    /// A `rules.allow` / `rules.deny` regex.
    Regex(String),
    /// A `services.denylist` entry.
    ServiceDenylist(String),
}

/// `rate_limits` details.
#[derive(Debug, Clone)]
struct Rate {
    limit: u32,
    window: Duration,
    per: Vec<RateScope>,
}

/// A compiled rule.
#[derive(Debug, Clone)]
struct Rule {
    kind: RuleKind,
    pos: Pos,
    origin: Origin,
    ops: OpSet,
    /// What the rule names, for reasons (`ec2:TerminateInstances, s3:Delete*`).
    what: String,
    regions: Option<Vec<Glob>>,
    profiles: Option<Vec<Glob>>,
    roles: Option<Vec<Glob>>,
    principals: Option<Vec<Glob>>,
    condition: Option<Condition>,
    rate: Option<Rate>,
    reason: Option<String>,
}

impl Rule {
    fn is_scoped(&self) -> bool {
        self.regions.is_some()
            || self.profiles.is_some()
            || self.roles.is_some()
            || self.principals.is_some()
    }

    /// The call's region and identity are within the rule's scope.
    fn in_scope(&self, f: &CallFacts<'_>, principal_label: &mut Option<String>) -> bool {
        if let (Some(globs), Some(region)) = (&self.regions, f.region)
            && !any_matches(globs, region)
        {
            return false;
        }
        if let Some(globs) = &self.profiles
            && !any_matches(globs, f.profile.unwrap_or("default"))
        {
            return false;
        }
        if let Some(globs) = &self.roles {
            match f.role_arn {
                Some(arn) if any_matches(globs, arn) => {}
                _ => return false,
            }
        }
        if let Some(globs) = &self.principals {
            let label = principal_label.get_or_insert_with(|| f.principal.label());
            if !any_matches(globs, label) {
                return false;
            }
        }
        true
    }
}

/// A `required_tags` entry.
#[derive(Debug, Clone)]
struct RequiredTag {
    pos: Pos,
    key: String,
    /// The pattern as written; `pattern` is it anchored (a full match, as the reference).
    pattern_text: String,
    pattern: regex::Regex,
    ops: OpSet,
}

/// The loaded policy. Cheap to share (`Arc<Policy>`); rate counters live in its
/// [`RateStore`].
pub struct Policy {
    source: PolicySource,
    /// `source` as text, for reasons.
    label: String,
    mode: Mode,
    mode_pos: Option<Pos>,
    max_payload: Option<(usize, Pos)>,
    /// `services.allowlist`: per service, allowed or not.
    service_allow: Option<(Vec<bool>, Pos)>,
    rules: Vec<Rule>,
    has_allow_rules: bool,
    deny_destructive: Option<Pos>,
    require_approval_for_destructive: bool,
    destructive_patterns: Vec<(String, Pos)>,
    risk_labels: Vec<(String, bool, Pos)>,
    required_tags: Vec<RequiredTag>,
    ops: Vec<OpFacts>,
    visible_per_service: Vec<u32>,
    approval_ttl: Duration,
    warnings: Vec<Diagnostic>,
    summary: Summary,
    rates: Arc<dyn RateStore>,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policy")
            .field("source", &self.source)
            .field("summary", &self.summary)
            .finish_non_exhaustive()
    }
}

impl Policy {
    /// Loads the policy for the server: the file at `path` (`POLICY_PATH`), which must
    /// exist; without a path `./policy.yaml` when it exists, else the built-in default (said
    /// in a log line). Warnings are logged.
    pub fn load(path: Option<&Path>) -> Result<Policy, PolicyError> {
        match path {
            Some(p) => Policy::load_at(p, true),
            None => Policy::load_at(Path::new(DEFAULT_PATH), false),
        }
    }

    /// Loads the file at `file`; when it does not exist and was not named explicitly, the
    /// built-in default.
    pub fn load_at(file: &Path, explicit: bool) -> Result<Policy, PolicyError> {
        let file = file.to_path_buf();
        let text = match std::fs::read_to_string(&file) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
                let cwd = std::env::current_dir()
                    .map(|d| d.display().to_string())
                    .unwrap_or_else(|_| "?".to_string());
                tracing::warn!(
                    "no {DEFAULT_PATH} in {cwd} and POLICY_PATH is not set: using the built-in \
                     default policy (every operation allowed, destructive operations need \
                     confirmation)"
                );
                return Ok(Policy::builtin());
            }
            Err(source) => {
                return Err(PolicyError::Read {
                    hint: if explicit {
                        "set by POLICY_PATH"
                    } else {
                        "the default path"
                    },
                    path: file,
                    source,
                });
            }
        };
        let policy = Policy::parse(&text, PolicySource::File(file))?;
        for w in policy.warnings() {
            tracing::warn!("{}:{}:{}: {}", policy.source, w.line, w.column, w.message);
        }
        Ok(policy)
    }

    /// Reads a policy from its text; every error (not just the first) names its line.
    pub fn parse(text: &str, source: PolicySource) -> Result<Policy, PolicyError> {
        let mut diags = Vec::new();
        let root = match yaml::parse(text) {
            Ok(root) => root,
            Err(d) => {
                return Err(PolicyError::Invalid {
                    file: source.to_string(),
                    errors: vec![d],
                });
            }
        };
        let spec = model::read(root.as_ref(), &mut diags);
        let policy = compile::compile(&spec, source, &mut diags);
        diags.sort_by_key(|d| (d.line, d.column));
        let (errors, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) = diags
            .into_iter()
            .partition(|d| d.severity == Severity::Error);
        if !errors.is_empty() {
            return Err(PolicyError::Invalid {
                file: policy.source.to_string(),
                errors,
            });
        }
        Ok(Policy { warnings, ..policy })
    }

    /// The compiled-in default policy (the repo's `policy.yaml`).
    pub fn builtin() -> Policy {
        match Policy::parse(DEFAULT_POLICY, PolicySource::BuiltIn) {
            Ok(p) => p,
            Err(e) => {
                // Tested: cannot happen in a release. Its documented meaning, built by hand.
                tracing::error!("the built-in policy does not load: {e}");
                let mut diags = Vec::new();
                compile::compile(&model::Spec::default(), PolicySource::BuiltIn, &mut diags)
            }
        }
    }

    /// The built-in policy, built once per process (for contexts without a loaded policy:
    /// tests, benchmarks).
    pub fn shared_builtin() -> Arc<Policy> {
        static BUILTIN: OnceLock<Arc<Policy>> = OnceLock::new();
        BUILTIN.get_or_init(|| Arc::new(Policy::builtin())).clone()
    }

    /// The same policy counting calls in `rates` with `clock` (a shared store, or a manual
    /// clock in tests).
    pub fn with_rate_store(mut self, rates: Arc<dyn RateStore>, clock: Arc<dyn Clock>) -> Policy {
        self.rates = rates;
        self.clock = clock;
        self
    }

    pub fn source(&self) -> &PolicySource {
        &self.source
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Findings that do not stop the policy from loading (already logged by [`Self::load`]).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// How long a confirmation token lives (`approval.ttl_seconds`, default 5 minutes).
    pub fn approval_ttl(&self) -> Duration {
        self.approval_ttl
    }

    /// What search and schema may show of `operation` (a catalog index).
    pub fn exposure(&self, operation: u32) -> Exposure {
        self.ops
            .get(operation as usize)
            .map_or(Exposure::Hidden, |o| o.exposure)
    }

    /// Whether every call of `operation` needs confirmation, with the server's flags applied
    /// as [`Decision::confirmation_gate`] applies them: the flag search and schema show.
    pub fn always_confirms(
        &self,
        operation: u32,
        server_require: bool,
        auto_approve_destructive: bool,
    ) -> bool {
        let Some(o) = self.ops.get(operation as usize) else {
            return false;
        };
        match o.exposure {
            Exposure::Hidden => false,
            Exposure::Visible {
                requires_confirmation,
            } => {
                server_require
                    || (requires_confirmation
                        && (!auto_approve_destructive || o.confirm_beyond_destructive))
            }
        }
    }

    /// Whether search may show `service` at all: some of its operations are visible.
    pub fn service_visible(&self, service: u32) -> bool {
        self.visible_per_service
            .get(service as usize)
            .is_some_and(|n| *n > 0)
    }

    /// Whether the operation is destructive (the model's classification or a
    /// `destructive_patterns` entry; a read operation never is).
    pub fn is_destructive(&self, operation: u32) -> bool {
        self.ops
            .get(operation as usize)
            .is_some_and(|o| o.destructive != Destructive::No)
    }

    /// `validate`'s view: the decision for the call as it is, nothing counted. The same as
    /// [`Self::evaluate`]; named for the call site.
    pub fn decide_for_validate(&self, facts: &CallFacts<'_>) -> Decision {
        self.evaluate(facts)
    }

    /// The decision for one call. Counts nothing (a rate cap already full denies the call
    /// with [`Decision::retry_after`]); call [`Self::admit`] when the call is about to run.
    pub fn evaluate(&self, f: &CallFacts<'_>) -> Decision {
        let op = f.operation;
        // Built only for a reason.
        let key = || op_key(op);
        let Some(info) = self.ops.get(op as usize) else {
            return Decision::new(false, false, None)
                .deny(format!("Operation index {op} is not in the catalog"));
        };
        let risk = info
            .risk
            .and_then(|i| self.risk_labels.get(i as usize))
            .map(|(label, _, _)| label.clone());
        let d = Decision::new(info.read, info.destructive != Destructive::No, risk);
        let at = |pos: Pos| format!("{}:{}", self.label, pos.line);
        let mut principal_label: Option<String> = None;

        if let Some((max, pos)) = self.max_payload
            && f.payload_bytes > max
        {
            return d.deny(format!(
                "The payload is {} bytes, more than max_payload_bytes {max} ({})",
                f.payload_bytes,
                at(pos)
            ));
        }
        let service = catalog::operation(op).service.to_native();
        if let Some((allowed, pos)) = &self.service_allow
            && !allowed.get(service as usize).copied().unwrap_or(false)
        {
            return d.deny(format!(
                "Service `{}` is not in services.allowlist ({})",
                catalog::service(service).name.as_str(),
                at(*pos)
            ));
        }
        if self.mode == Mode::ReadOnly && !info.read {
            let pos = self.mode_pos.unwrap_or_default();
            return d.deny(format!(
                "Read-only mode ({}): {} is not a read operation ({READ_RULE})",
                at(pos),
                key()
            ));
        }

        let mut denials = Vec::new();
        for r in self
            .rules
            .iter()
            .filter(|r| matches!(r.kind, RuleKind::Deny | RuleKind::DenyWhen) && r.ops.contains(op))
        {
            if !r.in_scope(f, &mut principal_label) {
                continue;
            }
            match &r.condition {
                None => denials.push(self.deny_reason(r, &key())),
                Some(c) => {
                    if let Some(hit) = c.first_hit(op, f.payload) {
                        denials.push(self.condition_reason(r, c, &key(), &hit, "Denied"));
                    }
                }
            }
        }
        if !denials.is_empty() {
            let mut d = d.deny(String::new());
            d.reasons = denials;
            return d;
        }

        if self.has_allow_rules
            && !self.rules.iter().any(|r| {
                r.kind == RuleKind::Allow
                    && r.ops.contains(op)
                    && r.in_scope(f, &mut principal_label)
            })
        {
            let mut lines: Vec<String> = self
                .rules
                .iter()
                .filter(|r| r.kind == RuleKind::Allow)
                .map(|r| r.pos.line.to_string())
                .take(9)
                .collect();
            if lines.len() == 9 {
                lines[8] = "…".to_string();
            }
            return d.deny(format!(
                "{} is not allowlisted here: no allow rule names it for this region and \
                 identity ({} lines {})",
                key(),
                self.label,
                lines.join(", ")
            ));
        }
        if let Some(pos) = self.deny_destructive
            && info.destructive != Destructive::No
        {
            return d.deny(format!(
                "{} is destructive and defaults.deny_destructive ({}) denies destructive \
                 operations that no allow rule names",
                key(),
                at(pos)
            ));
        }
        for t in self.required_tags.iter().filter(|t| t.ops.contains(op)) {
            if let Some(problem) = tag_problem(f.payload, t) {
                return d.deny(format!("{problem} (required_tags, {})", at(t.pos)));
            }
        }

        let mut d = d;
        for r in self
            .rules
            .iter()
            .filter(|r| r.kind == RuleKind::RateLimit && r.ops.contains(op))
        {
            if !r.in_scope(f, &mut principal_label) {
                continue;
            }
            if let Some(rate) = &r.rate {
                d.rate_keys
                    .push(rate_key(r, rate, f, op, &mut principal_label));
            }
        }
        if let Err(wait) = self.rates.check(&d.rate_keys, self.clock.monotonic()) {
            let reason = self.rate_reason(&d.rate_keys, &key(), wait);
            let mut d = d.deny(reason);
            d.retry_after = Some(wait);
            return d;
        }

        if self.require_approval_for_destructive {
            match info.destructive {
                Destructive::No => {}
                Destructive::Model => {
                    d.approval_sources.push(ApprovalSource::Destructive);
                    d.reasons.push(format!(
                        "{} is destructive (the AWS model classifies it so: it removes, stops \
                         or detaches something) and the policy asks for confirmation of \
                         destructive operations",
                        key()
                    ));
                }
                Destructive::Pattern(i) => {
                    let (pattern, pos) = self
                        .destructive_patterns
                        .get(i as usize)
                        .cloned()
                        .unwrap_or_default();
                    d.approval_sources.push(ApprovalSource::Destructive);
                    d.reasons.push(format!(
                        "{} is destructive (destructive_patterns `{pattern}`, {}) and the \
                         policy asks for confirmation of destructive operations",
                        key(),
                        at(pos)
                    ));
                }
            }
        }
        if let Some(i) = info.risk
            && let Some((label, needs, pos)) = self.risk_labels.get(i as usize)
            && *needs
        {
            d.approval_sources.push(ApprovalSource::Risk(label.clone()));
            d.reasons.push(format!(
                "{} has risk `{label}` (risk_patterns, {}), which \
                 defaults.require_approval_for_risk lists",
                key(),
                at(*pos)
            ));
        }
        for r in self
            .rules
            .iter()
            .filter(|r| r.kind == RuleKind::ConfirmWhen && r.ops.contains(op))
        {
            if !r.in_scope(f, &mut principal_label) {
                continue;
            }
            let reason = match &r.condition {
                None => Some(self.confirm_reason(r, &key())),
                Some(c) => c
                    .first_hit(op, f.payload)
                    .map(|hit| self.condition_reason(r, c, &key(), &hit, "Confirmation required")),
            };
            if let Some(reason) = reason {
                d.approval_sources
                    .push(ApprovalSource::Rule { line: r.pos.line });
                d.reasons.push(reason);
            }
        }
        d.requires_confirmation = !d.approval_sources.is_empty();
        d
    }

    /// Counts the call against its rate caps, right before it runs. All or nothing: when a cap
    /// filled up since [`Self::evaluate`], nothing is counted and the call is refused.
    pub fn admit(&self, decision: &Decision) -> Result<(), RateLimited> {
        self.rates
            .admit(&decision.rate_keys, self.clock.monotonic())
            .map_err(|wait| RateLimited {
                retry_after: wait,
                reason: self.rate_reason(&decision.rate_keys, "this call", wait),
            })
    }

    fn deny_reason(&self, r: &Rule, key: &str) -> String {
        let at = format!("{}:{}", self.label, r.pos.line);
        let mut s = match &r.origin {
            Origin::Regex(p) => format!("Denied by policy rule `{p}` (rules.deny, {at})"),
            Origin::ServiceDenylist(name) => {
                format!("Service `{name}` is in services.denylist ({at})")
            }
            Origin::List => format!(
                "Denied by the {} rule at {at}: {key} matches {}{}",
                r.kind.key(),
                r.what,
                scope_note(r)
            ),
        };
        if let Some(reason) = &r.reason {
            s.push_str(": ");
            s.push_str(reason);
        }
        s
    }

    fn confirm_reason(&self, r: &Rule, key: &str) -> String {
        let mut s = format!(
            "Confirmation required by the confirm_when rule at {}:{}: {key} matches {}{}",
            self.label,
            r.pos.line,
            r.what,
            scope_note(r)
        );
        if let Some(reason) = &r.reason {
            s.push_str(": ");
            s.push_str(reason);
        }
        s
    }

    fn condition_reason(
        &self,
        r: &Rule,
        c: &Condition,
        key: &str,
        hit: &conditions::Hit,
        verb: &str,
    ) -> String {
        let at = format!("{}:{}", self.label, r.pos.line);
        let mut s = if hit.path.is_empty() {
            format!(
                "{verb} by the {} rule at {at}: {key} has no input member named {} \
                 (when_missing)",
                r.kind.key(),
                c.describe_members()
            )
        } else {
            format!(
                "{verb} by the {} rule at {at}: {key} input member `{}` = {} {}",
                r.kind.key(),
                hit.path,
                hit.value,
                c.describe_test()
            )
        };
        if let Some(reason) = &r.reason {
            s.push_str(": ");
            s.push_str(reason);
        }
        s
    }

    fn rate_reason(&self, keys: &[RateKey], key: &str, wait: Duration) -> String {
        let caps: Vec<String> = keys
            .iter()
            .map(|k| {
                let per = if k.window.as_secs() >= 3600 {
                    "hour"
                } else {
                    "minute"
                };
                let line = k.id.split('|').next().unwrap_or_default();
                format!("{} calls per {per} ({}:{line})", k.limit, self.label)
            })
            .collect();
        format!(
            "Rate limit reached for {key}: at most {}; retry in {} s",
            caps.join(", "),
            wait.as_secs_f64().ceil().max(1.0)
        )
    }
}

/// ` in region eu-west-1`-style note of a scoped rule, for reasons.
fn scope_note(r: &Rule) -> String {
    let mut parts = Vec::new();
    let list = |globs: &Option<Vec<Glob>>| {
        globs
            .as_ref()
            .map(|g| g.iter().map(Glob::as_str).collect::<Vec<_>>().join(", "))
    };
    if let Some(l) = list(&r.regions) {
        parts.push(format!("regions {l}"));
    }
    if let Some(l) = list(&r.profiles) {
        parts.push(format!("profiles {l}"));
    }
    if let Some(l) = list(&r.roles) {
        parts.push(format!("roles {l}"));
    }
    if let Some(l) = list(&r.principals) {
        parts.push(format!("principals {l}"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join("; "))
    }
}

/// `ec2:RunInstances`.
fn op_key(op: u32) -> String {
    let o = catalog::operation(op);
    format!(
        "{}:{}",
        catalog::service(o.service.to_native()).name.as_str(),
        o.name.as_str()
    )
}

fn rate_key(
    r: &Rule,
    rate: &Rate,
    f: &CallFacts<'_>,
    op: u32,
    principal_label: &mut Option<String>,
) -> RateKey {
    let mut id = r.pos.line.to_string();
    for scope in &rate.per {
        id.push('|');
        match scope {
            RateScope::Operation => id.push_str(&op_key(op)),
            RateScope::Principal => {
                id.push_str(principal_label.get_or_insert_with(|| f.principal.label()));
            }
            RateScope::Region => id.push_str(f.region.unwrap_or("-")),
            RateScope::Identity => {
                id.push_str(f.profile.unwrap_or("default"));
                id.push('/');
                id.push_str(f.role_arn.unwrap_or("-"));
            }
        }
    }
    RateKey {
        id,
        limit: rate.limit,
        window: rate.window,
    }
}

/// What is wrong with the payload's tags for a required tag, if anything. Tags are read from
/// `Tags` (a list of `{Key, Value}` or a map), `TagSpecifications[].Tags`, `Tagging.TagSet`
/// and S3's `Tagging` query string.
fn tag_problem(payload: &Map<String, Value>, t: &RequiredTag) -> Option<String> {
    let key = t.key.as_str();
    let mut found: Option<String> = None;
    let mut visit = |tags: &Value| match tags {
        Value::Array(items) => {
            for item in items {
                let Value::Object(m) = item else { continue };
                let k = m
                    .get("Key")
                    .or_else(|| m.get("key"))
                    .and_then(Value::as_str);
                let v = m
                    .get("Value")
                    .or_else(|| m.get("value"))
                    .and_then(Value::as_str);
                if k == Some(key) {
                    found = Some(v.unwrap_or_default().to_string());
                }
            }
        }
        Value::Object(m) => {
            if let Some(v) = m.get(key) {
                found = Some(v.as_str().unwrap_or_default().to_string());
            }
        }
        _ => {}
    };
    if let Some(tags) = payload.get("Tags") {
        visit(tags);
    }
    if let Some(Value::Array(specs)) = payload.get("TagSpecifications") {
        for spec in specs {
            if let Some(tags) = spec.get("Tags") {
                visit(tags);
            }
        }
    }
    match payload.get("Tagging") {
        // s3 PutBucketTagging: {TagSet: [{Key, Value}]}.
        Some(Value::Object(t)) => {
            if let Some(set) = t.get("TagSet") {
                visit(set);
            }
        }
        // s3 PutObject / CreateMultipartUpload: `k1=v1&k2=v2`, URL-encoded.
        Some(Value::String(query)) => {
            for pair in query.split('&') {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                let decode = |s: &str| {
                    percent_encoding::percent_decode_str(&s.replace('+', " "))
                        .decode_utf8_lossy()
                        .into_owned()
                };
                if decode(k) == key {
                    found = Some(decode(v));
                }
            }
        }
        _ => {}
    }
    match found {
        None => Some(format!("Required tag `{key}` is missing")),
        Some(v) if v.chars().count() > 256 || !t.pattern.is_match(&v) => Some(format!(
            "Tag `{key}` = \"{}\" does not match `{}`",
            v.chars().take(80).collect::<String>(),
            t.pattern_text
        )),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests;
