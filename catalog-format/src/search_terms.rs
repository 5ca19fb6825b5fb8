//! Text normalisation shared by the search index builder (`generate::search`, build time) and the
//! query side (`src/catalog/search.rs`, run time), so both reduce text to the same terms:
//!
//! * [`words`]: split on anything not alphanumeric and on PascalCase / camelCase boundaries
//!   (`DescribeDBInstances` → `describe`, `db`, `instances`; acronyms stay together, a plural
//!   acronym keeps its `s`: `ListAMIs` → `list`, `amis`), lower-cased;
//! * [`stem`]: a light English stemmer (plurals, `-ing`, `-ed`, a final `-e`), enough to make
//!   `list`/`listing`/`listed`, `instance`/`instances`, `create`/`creating` meet;
//! * stop words for queries ([`is_stop_word`]) and filler words of operation names
//!   ([`is_name_filler`]);
//! * how people talk about AWS: [`PHRASES`] (multi-word expressions replaced by AWS terms),
//!   [`SYNONYMS`] (a word that also means other terms and hints at services) and [`VERBS`]
//!   (the operation verbs a query verb stands for).
//!
//! The tables are plain static data; the query side stems them once at first use.

/// Splits `text` into lower-case words: runs of alphanumeric characters, further split at
/// camelCase boundaries. Digits stay with the letters before them (`ec2`, `v2`, `s3`); an
/// upper-case letter after a digit starts a word (`Route53Domains` → `route53`, `domains`).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for run in text.split(|c: char| !c.is_alphanumeric()) {
        if !run.is_empty() {
            split_camel(run, &mut out);
        }
    }
    out
}

/// Splits one alphanumeric run at camelCase boundaries, pushing lower-case words.
fn split_camel(run: &str, out: &mut Vec<String>) {
    let chars: Vec<char> = run.chars().collect();
    let mut start = 0;
    for i in 1..chars.len() {
        let (prev, cur) = (chars[i - 1], chars[i]);
        let boundary = if cur.is_uppercase() {
            if prev.is_lowercase() || prev.is_numeric() {
                true
            } else if prev.is_uppercase() {
                // "DBInstances": split before the 'I' that starts a capitalised word, except for
                // a plural acronym ("AMIs", "ACLsFor"): an 's' ending the run or followed by an
                // upper-case letter.
                match chars.get(i + 1) {
                    Some(&next) if next.is_lowercase() => {
                        let plural =
                            next == 's' && chars.get(i + 2).is_none_or(|c| !c.is_lowercase());
                        !plural
                    }
                    _ => false,
                }
            } else {
                false
            }
        } else {
            false
        };
        if boundary {
            out.push(
                chars[start..i]
                    .iter()
                    .flat_map(|c| c.to_lowercase())
                    .collect(),
            );
            start = i;
        }
    }
    out.push(
        chars[start..]
            .iter()
            .flat_map(|c| c.to_lowercase())
            .collect(),
    );
}

/// `text` with everything but letters and digits removed, lower-cased (`describe-key-pairs`
/// and `DescribeKeyPairs` → `describekeypairs`).
pub fn glued(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

fn has_vowel(s: &[u8]) -> bool {
    s.iter().any(|&c| is_vowel(c))
}

/// Irregular forms, mapped before the suffix rules.
const IRREGULAR: &[(&str, &str)] = &[
    ("indices", "index"),
    ("indexes", "index"),
    ("children", "child"),
    ("people", "person"),
    ("analyses", "analysis"),
    ("aliases", "alias"),
    ("statuses", "status"),
    ("buses", "bus"),
    ("data", "data"),
    ("media", "media"),
    ("metadata", "metadata"),
    ("was", "was"),
    ("has", "has"),
    ("is", "is"),
    ("does", "do"),
    ("this", "this"),
    ("its", "its"),
    ("news", "news"),
    ("series", "series"),
    ("species", "species"),
];

/// A light English stemmer for lower-case words. Words of three characters or less, words with
/// digits and non-ASCII words are kept as they are. Both sides of the search use it, so the
/// stems only have to agree with each other, not be real words (`create` → `creat`).
pub fn stem(word: &str) -> String {
    if word.len() <= 3 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return word.to_string();
    }
    if let Some((_, to)) = IRREGULAR.iter().find(|(from, _)| *from == word) {
        return (*to).to_string();
    }
    let mut w: Vec<u8> = word.as_bytes().to_vec();
    let n = w.len();
    if w.ends_with(b"ies") && n > 4 {
        w.truncate(n - 3);
        w.push(b'y');
    } else if w.ends_with(b"sses")
        || w.ends_with(b"xes")
        || w.ends_with(b"ches")
        || w.ends_with(b"shes")
        || w.ends_with(b"zzes")
    {
        w.truncate(n - 2);
    } else if w.ends_with(b"ss") || w.ends_with(b"us") || w.ends_with(b"is") || w.ends_with(b"ias")
    {
        // access, status, analysis, alias: not plurals.
    } else if w.ends_with(b"s") && n > 3 {
        w.truncate(n - 1);
    } else if w.ends_with(b"ing") && n > 5 && has_vowel(&w[..n - 3]) {
        w.truncate(n - 3);
        undouble(&mut w);
    } else if w.ends_with(b"ed") && !w.ends_with(b"eed") && n > 4 && has_vowel(&w[..n - 2]) {
        w.truncate(n - 2);
        undouble(&mut w);
    }
    // Nouns of action meet their verbs: invalidation/invalidate → invalidat, execution/execute
    // → execut, encryption/encrypt → encrypt (at least three letters before the suffix).
    let n = w.len();
    if n >= 8 && (w.ends_with(b"ation") || w.ends_with(b"ution") || w.ends_with(b"ption")) {
        w.truncate(n - 3);
    }
    // A final silent 'e' (create/creat(ing), image/images, database/databases).
    if w.len() > 3 && w.ends_with(b"e") && !w.ends_with(b"ee") {
        w.pop();
    }
    String::from_utf8(w).unwrap_or_else(|_| word.to_string())
}

/// `tagg` → `tag`, `runn` → `run`; keeps `ll`, `ss`, `zz` (`bill`, `access`).
fn undouble(w: &mut Vec<u8>) {
    let n = w.len();
    if n >= 3
        && w[n - 1] == w[n - 2]
        && !is_vowel(w[n - 1])
        && !matches!(w[n - 1], b'l' | b's' | b'z')
    {
        w.pop();
    }
}

/// Query words that carry no meaning for the search (compared on the lower-case word, before
/// stemming).
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// Sorted (checked by a unit test).
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "all",
    "already",
    "also",
    "am",
    "amazon",
    "an",
    "and",
    "any",
    "api",
    "are",
    "as",
    "at",
    "available",
    "aws",
    "be",
    "been",
    "being",
    "but",
    "by",
    "call",
    "called",
    "can",
    "certain",
    "could",
    "currently",
    "did",
    "do",
    "does",
    "doing",
    "done",
    "each",
    "else",
    "ever",
    "every",
    "exactly",
    "existing",
    "for",
    "from",
    "give",
    "going",
    "got",
    "had",
    "has",
    "have",
    "having",
    "help",
    "here",
    "how",
    "i",
    "i'd",
    "i'm",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "just",
    "let",
    "like",
    "many",
    "me",
    "mine",
    "much",
    "my",
    "myself",
    "named",
    "need",
    "needs",
    "now",
    "of",
    "on",
    "one",
    "onto",
    "operation",
    "or",
    "our",
    "ours",
    "particular",
    "please",
    "possible",
    "quickly",
    "recently",
    "right",
    "should",
    "so",
    "some",
    "specific",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "today",
    "too",
    "up",
    "us",
    "using",
    "via",
    "wanna",
    "want",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "who",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "would",
    "yesterday",
    "you",
    "your",
];

/// Question words: the query asks about existing things, so read operations (List, Describe,
/// Get) are preferred when no other verb is given.
pub fn is_question_word(word: &str) -> bool {
    matches!(
        word,
        "what" | "which" | "how" | "where" | "who" | "whose" | "is" | "are" | "do" | "does" | "any"
    )
}

/// Prepositions: words after one describe the context (`objects in a bucket`), not the object
/// of the action, and weigh less.
pub fn is_preposition(word: &str) -> bool {
    matches!(
        word,
        "in" | "into"
            | "inside"
            | "within"
            | "from"
            | "to"
            | "onto"
            | "of"
            | "for"
            | "on"
            | "at"
            | "under"
            | "by"
            | "with"
            | "across"
            | "between"
            | "behind"
            | "via"
            | "per"
            | "over"
            // Subordinate clauses describe conditions, not the object: "an alert *when* cpu is
            // high".
            | "when"
            | "whenever"
            | "if"
            | "once"
            | "until"
            | "while"
    )
}

/// Articles and possessives, which may sit inside a phrase ("the cloudfront cache").
pub fn is_article(word: &str) -> bool {
    matches!(
        word,
        "a" | "an"
            | "the"
            | "my"
            | "our"
            | "your"
            | "this"
            | "that"
            | "these"
            | "those"
            | "its"
            | "their"
    )
}

/// Participles that introduce the context like a preposition ("disks *attached to* my
/// servers", "the queue *named* orders").
pub fn is_participle_modifier(word: &str) -> bool {
    matches!(
        word,
        "attached"
            | "belonging"
            | "associated"
            | "stored"
            | "named"
            | "called"
            | "linked"
            | "located"
            | "running"
            | "deployed"
            | "hosted"
    )
}

/// A word written in the plural: it ends in `s` and its stem is shorter (`clusters`, `policies`;
/// not `status`, `access`, `ecs`).
pub fn is_plural(word: &str, stem: &str) -> bool {
    word.ends_with('s') && stem.len() < word.len() && !word.ends_with("ss") && word.len() > 3
}

/// Words of operation names that do not count when judging how much of a name a query covers
/// (`GetCostAndUsage`: `and`; `ListObjectsV2`: `v2`). Compared on stems.
pub fn is_name_filler(stem: &str) -> bool {
    if matches!(
        stem,
        "and"
            | "or"
            | "by"
            | "for"
            | "from"
            | "to"
            | "with"
            | "of"
            | "in"
            | "on"
            | "the"
            | "a"
            | "an"
            | "as"
            | "at"
            | "into"
    ) {
        return true;
    }
    // Version suffixes: v1, v2, v20150317 ...
    let b = stem.as_bytes();
    b.len() >= 2 && b[0] == b'v' && b[1..].iter().all(u8::is_ascii_digit)
}

/// Words of operation names that name an aspect of the thing rather than the thing
/// (`GetSecretValue`, `GetQueueAttributes`, `GetFunctionConfiguration`): the thing is the word
/// before. Compared on the lower-case word.
pub fn is_aspect_word(word: &str) -> bool {
    matches!(
        word,
        "value"
            | "values"
            | "attribute"
            | "attributes"
            | "detail"
            | "details"
            | "info"
            | "information"
            | "status"
            | "statuses"
            | "configuration"
            | "configurations"
            | "config"
            | "data"
            | "content"
            | "contents"
            | "metadata"
            | "property"
            | "properties"
            | "summary"
            | "summaries"
            | "description"
            | "statistics"
            | "history"
            | "health"
            | "url"
            | "name"
            | "names"
            | "id"
            | "ids"
            | "arn"
            | "arns"
    )
}

/// Adjectives of state ("running", "stopped", "unused"): in a query they filter what is
/// listed, they do not name an operation, unless they lead the query.
pub fn is_state_word(word: &str) -> bool {
    matches!(
        word,
        "running"
            | "stopped"
            | "pending"
            | "terminated"
            | "active"
            | "inactive"
            | "idle"
            | "unused"
            | "failed"
            | "failing"
            | "expired"
            | "expiring"
            | "healthy"
            | "unhealthy"
            | "detached"
            | "encrypted"
            | "unencrypted"
            | "empty"
            | "old"
            | "recent"
            | "latest"
            | "current"
            | "public"
            | "private"
            | "open"
            | "new"
            | "enabled"
            | "disabled"
    )
}

/// Verbs that lead an operation name but are not its action (`BatchGetItem`, `AdminCreateUser`).
pub fn is_verb_prefix(stem: &str) -> bool {
    matches!(stem, "batch" | "admin")
}

/// Multi-word expressions (and a few single words) that users type and the AWS vocabulary says
/// otherwise. `(phrase, replacement, services)`: the phrase (matched on stems, word by word)
/// is replaced by the replacement's concepts (space separated; `a|b` are alternatives for one
/// concept; an empty replacement drops the phrase); `services` are hinted with a strength.
pub type Phrase = (&'static str, &'static str, &'static [(&'static str, f32)]);

pub const PHRASES: &[Phrase] = &[
    // identity
    ("who am i", "caller identity", &[("sts", 1.0)]),
    ("whoami", "caller identity", &[("sts", 1.0)]),
    ("current identity", "caller identity", &[("sts", 0.8)]),
    ("current user", "caller identity", &[("sts", 0.6)]),
    ("my identity", "caller identity", &[("sts", 0.8)]),
    ("account id", "caller identity|account", &[("sts", 0.6)]),
    ("last month", "", &[]),
    ("this month", "", &[]),
    ("last week", "", &[]),
    ("this week", "", &[]),
    ("last year", "", &[]),
    ("past month", "", &[]),
    ("past week", "", &[]),
    ("last day", "", &[]),
    ("last hour", "", &[]),
    ("past hour", "", &[]),
    ("log in as", "", &[]),
    // "log in to ecr": the login, not CloudWatch Logs (phrases match on stems: also "logged
    // in"; "who am i logged in as" is the phrase above).
    ("log in", "login", &[]),
    ("log into", "login", &[]),
    ("signed in", "", &[]),
    (
        "temporary credentials",
        "session token|assume role",
        &[("sts", 0.8)],
    ),
    ("session token", "session token", &[("sts", 0.8)]),
    ("access key", "access key", &[("iam", 0.7)]),
    ("access keys", "access key", &[("iam", 0.7)]),
    ("login profile", "login profile", &[("iam", 0.8)]),
    ("console password", "login profile", &[("iam", 0.8)]),
    ("mfa device", "mfa device", &[("iam", 0.6)]),
    ("permission set", "permission set", &[("sso-admin", 0.8)]),
    (
        "user pool",
        "user pool",
        &[("cognito-identity-provider", 1.0)],
    ),
    (
        "identity pool",
        "identity pool",
        &[("cognito-identity", 1.0)],
    ),
    ("sign up", "sign up", &[("cognito-identity-provider", 0.8)]),
    // compute
    ("virtual machine", "instance", &[("ec2", 0.8)]),
    ("virtual machines", "instance", &[("ec2", 0.8)]),
    ("spin up", "run|launch|create|start", &[]),
    ("fire up", "run|launch|start", &[]),
    ("turn on", "start|enable", &[]),
    ("turn off", "stop|disable", &[]),
    ("shut down", "stop", &[]),
    ("power off", "stop", &[]),
    ("kick off", "start", &[]),
    ("set up", "create", &[]),
    ("look up", "lookup|describe|get", &[]),
    ("machine image", "image", &[("ec2", 0.8)]),
    ("key pair", "key pair", &[("ec2", 0.8)]),
    ("ssh key", "key pair", &[("ec2", 0.8)]),
    ("elastic ip", "address", &[("ec2", 1.0)]),
    ("public ip", "address", &[("ec2", 0.6)]),
    ("ip address", "address", &[("ec2", 0.6)]),
    ("security group", "security group", &[("ec2", 0.8)]),
    (
        "firewall rule",
        "security group rule|ingress",
        &[("ec2", 0.4)],
    ),
    (
        "open port",
        "authorize security group ingress",
        &[("ec2", 0.8)],
    ),
    ("ebs volume", "volume", &[("ec2", 1.0)]),
    ("ebs snapshot", "snapshot", &[("ec2", 0.8), ("ebs", 0.4)]),
    ("hard drive", "volume", &[("ec2", 0.6)]),
    ("hard disk", "volume", &[("ec2", 0.6)]),
    ("launch template", "launch template", &[("ec2", 0.8)]),
    ("spot price", "spot price", &[("ec2", 0.8)]),
    ("spot instance", "spot instance", &[("ec2", 0.8)]),
    ("availability zone", "availability zone", &[("ec2", 0.6)]),
    ("nat gateway", "nat gateway", &[("ec2", 0.8)]),
    ("internet gateway", "internet gateway", &[("ec2", 0.8)]),
    ("route table", "route table", &[("ec2", 0.8)]),
    ("network interface", "network interface", &[("ec2", 0.8)]),
    (
        "auto scaling group",
        "auto scaling group",
        &[("auto-scaling", 1.0)],
    ),
    (
        "autoscaling group",
        "auto scaling group",
        &[("auto-scaling", 1.0)],
    ),
    (
        "scaling group",
        "auto scaling group",
        &[("auto-scaling", 1.0)],
    ),
    (
        "desired capacity",
        "desired capacity",
        &[("auto-scaling", 0.8)],
    ),
    (
        "load balancer",
        "load balancer",
        &[("elastic-load-balancing-v2", 0.8)],
    ),
    (
        "load balancers",
        "load balancer",
        &[("elastic-load-balancing-v2", 0.8)],
    ),
    (
        "target group",
        "target group",
        &[("elastic-load-balancing-v2", 0.8)],
    ),
    ("run command", "send command", &[("ssm", 0.8)]),
    ("shell command", "send command", &[("ssm", 0.6)]),
    ("parameter store", "parameter", &[("ssm", 1.0)]),
    ("session manager", "session", &[("ssm", 1.0)]),
    // "delete all messages": a bulk delete is a purge where a service has one (sqs PurgeQueue).
    ("delete all", "purge|delete", &[]),
    ("remove all", "purge|delete", &[]),
    ("clear all", "purge|delete", &[]),
    ("patch baseline", "patch baseline", &[("ssm", 0.8)]),
    ("serverless function", "function", &[("lambda", 1.0)]),
    ("lambda function", "function", &[("lambda", 1.0)]),
    ("cloud function", "function", &[("lambda", 0.6)]),
    (
        "event source mapping",
        "event source mapping",
        &[("lambda", 0.8)],
    ),
    ("step function", "", &[("sfn", 1.0)]),
    ("step functions", "", &[("sfn", 1.0)]),
    ("state machine", "state machine", &[("sfn", 0.9)]),
    ("container image", "image", &[("ecr", 0.6)]),
    ("docker image", "image", &[("ecr", 0.8)]),
    ("container registry", "repository|registry", &[("ecr", 1.0)]),
    (
        "container registries",
        "repository|registry",
        &[("ecr", 1.0)],
    ),
    ("docker registry", "repository|registry", &[("ecr", 1.0)]),
    ("image repository", "repository", &[("ecr", 0.8)]),
    ("container service", "", &[("ecs", 0.8)]),
    ("task definition", "task definition", &[("ecs", 0.9)]),
    ("fargate task", "task", &[("ecs", 0.9)]),
    ("node group", "nodegroup", &[("eks", 0.9)]),
    ("worker node", "nodegroup", &[("eks", 0.6)]),
    ("batch job", "job", &[("batch", 0.8)]),
    // storage
    ("s3 bucket", "bucket", &[("s3", 1.0)]),
    ("storage bucket", "bucket", &[("s3", 0.8)]),
    ("object storage", "object", &[("s3", 0.8)]),
    ("bucket policy", "bucket policy", &[("s3", 1.0)]),
    ("presigned url", "object", &[("s3", 0.6)]),
    ("multipart upload", "multipart upload", &[("s3", 1.0)]),
    ("file system", "file system", &[("efs", 0.6), ("fsx", 0.3)]),
    ("file systems", "file system", &[("efs", 0.6), ("fsx", 0.3)]),
    ("nfs share", "file system", &[("efs", 0.8)]),
    ("cold storage", "vault|archive", &[("glacier", 0.8)]),
    ("backup plan", "backup plan", &[("backup", 0.9)]),
    ("backup vault", "backup vault", &[("backup", 0.9)]),
    // databases
    ("nosql table", "table", &[("dynamodb", 1.0)]),
    ("nosql database", "table", &[("dynamodb", 1.0)]),
    ("dynamo table", "table", &[("dynamodb", 1.0)]),
    ("sql database", "db instance|database", &[("rds", 0.8)]),
    (
        "relational database",
        "db instance|database",
        &[("rds", 1.0)],
    ),
    ("database instance", "db instance", &[("rds", 0.8)]),
    ("database cluster", "db cluster", &[("rds", 0.8)]),
    ("database snapshot", "db snapshot", &[("rds", 0.8)]),
    ("db instance", "db instance", &[("rds", 0.9)]),
    ("db cluster", "db cluster", &[("rds", 0.9)]),
    ("db snapshot", "db snapshot", &[("rds", 0.9)]),
    ("read replica", "db instance read replica", &[("rds", 0.9)]),
    ("point in time", "point time", &[]),
    ("sql server", "db instance|database", &[("rds", 0.8)]),
    ("data warehouse", "cluster", &[("redshift", 0.9)]),
    (
        "graph database",
        "graph",
        &[("neptune", 0.8), ("neptune-graph", 0.6)],
    ),
    ("cache cluster", "cache cluster", &[("elasticache", 0.9)]),
    (
        "redis cluster",
        "replication group|cache cluster",
        &[("elasticache", 0.9)],
    ),
    ("search domain", "domain", &[("opensearch", 0.8)]),
    // messaging & events
    ("message queue", "queue", &[("sqs", 1.0)]),
    ("message queues", "queue", &[("sqs", 1.0)]),
    ("dead letter queue", "dead letter queue", &[("sqs", 0.9)]),
    ("sns topic", "topic", &[("sns", 1.0)]),
    ("push notification", "publish|endpoint", &[("sns", 0.8)]),
    (
        "text message",
        "sms",
        &[("sns", 0.6), ("pinpoint-sms-voice-v2", 0.4)],
    ),
    ("event bus", "event bus", &[("eventbridge", 1.0)]),
    ("event rule", "rule", &[("eventbridge", 0.8)]),
    (
        "cron job",
        "schedule|rule",
        &[("scheduler", 0.6), ("eventbridge", 0.5)],
    ),
    (
        "scheduled task",
        "schedule|rule",
        &[("scheduler", 0.6), ("eventbridge", 0.5)],
    ),
    ("data stream", "stream", &[("kinesis", 0.8)]),
    ("delivery stream", "delivery stream", &[("firehose", 1.0)]),
    // monitoring & logs
    ("log group", "log group", &[("cloudwatch-logs", 1.0)]),
    ("log groups", "log group", &[("cloudwatch-logs", 1.0)]),
    ("log stream", "log stream", &[("cloudwatch-logs", 1.0)]),
    ("log streams", "log stream", &[("cloudwatch-logs", 1.0)]),
    ("log events", "log event", &[("cloudwatch-logs", 1.0)]),
    ("log event", "log event", &[("cloudwatch-logs", 1.0)]),
    ("log entries", "log event", &[("cloudwatch-logs", 1.0)]),
    ("log lines", "log event", &[("cloudwatch-logs", 1.0)]),
    ("log messages", "log event", &[("cloudwatch-logs", 0.8)]),
    ("logs insights", "query", &[("cloudwatch-logs", 1.0)]),
    ("metric alarm", "metric alarm", &[("cloudwatch", 1.0)]),
    ("metric data", "metric data", &[("cloudwatch", 1.0)]),
    ("custom metric", "metric data", &[("cloudwatch", 1.0)]),
    ("api calls", "event", &[("cloudtrail", 0.6)]),
    ("api activity", "event", &[("cloudtrail", 0.8)]),
    ("audit log", "event", &[("cloudtrail", 0.8)]),
    ("audit logs", "event", &[("cloudtrail", 0.8)]),
    ("config rule", "config rule", &[("config-service", 1.0)]),
    ("config rules", "config rule", &[("config-service", 1.0)]),
    ("non compliant", "compliance", &[("config-service", 0.6)]),
    ("trace", "trace", &[("xray", 0.6)]),
    // networking & delivery
    ("dns record", "resource record set", &[("route-53", 1.0)]),
    ("dns records", "resource record set", &[("route-53", 1.0)]),
    ("dns entry", "resource record set", &[("route-53", 1.0)]),
    ("record set", "resource record set", &[("route-53", 0.9)]),
    ("hosted zone", "hosted zone", &[("route-53", 1.0)]),
    (
        "domain name",
        "domain",
        &[("route-53-domains", 0.6), ("route-53", 0.4)],
    ),
    (
        "register domain",
        "register domain",
        &[("route-53-domains", 1.0)],
    ),
    ("ssl certificate", "certificate", &[("acm", 1.0)]),
    ("tls certificate", "certificate", &[("acm", 1.0)]),
    ("https certificate", "certificate", &[("acm", 1.0)]),
    ("cache invalidation", "invalidation", &[("cloudfront", 1.0)]),
    (
        "invalidate cache",
        "create invalidation",
        &[("cloudfront", 1.0)],
    ),
    ("rest api", "rest api", &[("api-gateway", 1.0)]),
    ("http api", "api", &[("apigatewayv2", 0.8)]),
    ("websocket api", "api", &[("apigatewayv2", 0.8)]),
    ("api key", "api key", &[("api-gateway", 0.8)]),
    ("vpn connection", "vpn connection", &[("ec2", 0.8)]),
    ("transit gateway", "transit gateway", &[("ec2", 0.8)]),
    ("web acl", "web acl", &[("wafv2", 1.0)]),
    ("ip set", "ip set", &[("wafv2", 0.8)]),
    // security
    ("customer master key", "key", &[("kms", 1.0)]),
    ("master key", "key", &[("kms", 1.0)]),
    ("encryption key", "key", &[("kms", 1.0)]),
    ("kms key", "key", &[("kms", 1.0)]),
    ("data key", "data key", &[("kms", 1.0)]),
    ("key policy", "key policy", &[("kms", 0.9)]),
    ("secret value", "secret value", &[("secrets-manager", 1.0)]),
    ("api keys", "secret|api key", &[]),
    ("db password", "secret", &[("secrets-manager", 0.8)]),
    ("database password", "secret", &[("secrets-manager", 0.8)]),
    (
        "security findings",
        "finding",
        &[("securityhub", 0.6), ("guardduty", 0.5)],
    ),
    (
        "threat detection",
        "detector|finding",
        &[("guardduty", 1.0)],
    ),
    ("iam role", "role", &[("iam", 1.0)]),
    ("iam user", "user", &[("iam", 1.0)]),
    ("iam policy", "policy", &[("iam", 1.0)]),
    ("iam group", "group", &[("iam", 1.0)]),
    (
        "inline policy",
        "user policy|role policy|group policy",
        &[("iam", 1.0)],
    ),
    ("managed policy", "policy", &[("iam", 0.9)]),
    ("trust policy", "assume role policy", &[("iam", 1.0)]),
    (
        "service control policy",
        "policy",
        &[("organizations", 1.0)],
    ),
    (
        "organizational unit",
        "organizational unit",
        &[("organizations", 1.0)],
    ),
    ("resource share", "resource share", &[("ram", 1.0)]),
    // cost
    ("how much", "cost", &[("cost-explorer", 0.6)]),
    ("cost and usage", "cost usage", &[("cost-explorer", 1.0)]),
    ("aws bill", "cost", &[("cost-explorer", 0.8)]),
    ("savings plan", "savings plan", &[("savingsplans", 0.8)]),
    ("reserved instance", "reserved instance", &[("ec2", 0.6)]),
    ("service quota", "service quota", &[("service-quotas", 1.0)]),
    ("service limit", "service quota", &[("service-quotas", 1.0)]),
    (
        "service limits",
        "service quota",
        &[("service-quotas", 1.0)],
    ),
    // data, analytics, ml
    ("sql query", "query", &[("athena", 0.6)]),
    ("data catalog", "catalog|database|table", &[("glue", 0.8)]),
    ("etl job", "job", &[("glue", 1.0)]),
    ("machine learning", "model", &[("sagemaker", 0.8)]),
    ("ml model", "model", &[("sagemaker", 0.8)]),
    ("training job", "training job", &[("sagemaker", 1.0)]),
    (
        "train a model",
        "create training job",
        &[("sagemaker", 1.0)],
    ),
    ("foundation model", "foundation model", &[("bedrock", 1.0)]),
    ("foundation models", "foundation model", &[("bedrock", 1.0)]),
    (
        "language model",
        "model",
        &[("bedrock", 0.8), ("bedrock-runtime", 0.6)],
    ),
    (
        "large language model",
        "model",
        &[("bedrock", 0.8), ("bedrock-runtime", 0.6)],
    ),
    (
        "generative ai",
        "model",
        &[("bedrock", 0.8), ("bedrock-runtime", 0.6)],
    ),
    (
        "knowledge base",
        "knowledge base",
        &[("bedrock-agent", 0.9)],
    ),
    ("text to speech", "synthesize speech", &[("polly", 1.0)]),
    ("speech to text", "transcription", &[("transcribe", 1.0)]),
    (
        "extract text",
        "detect document text|analyze document",
        &[("textract", 0.9)],
    ),
    (
        "sentiment analysis",
        "detect sentiment",
        &[("comprehend", 1.0)],
    ),
    ("face detection", "detect face", &[("rekognition", 1.0)]),
    ("image recognition", "detect label", &[("rekognition", 1.0)]),
    // code & deployment
    ("git repository", "repository", &[("codecommit", 0.9)]),
    ("git repo", "repository", &[("codecommit", 0.9)]),
    ("code repository", "repository", &[("codecommit", 0.8)]),
    ("build project", "project", &[("codebuild", 0.9)]),
    ("ci pipeline", "pipeline", &[("codepipeline", 0.9)]),
    ("cicd pipeline", "pipeline", &[("codepipeline", 0.9)]),
    (
        "deployment group",
        "deployment group",
        &[("codedeploy", 0.9)],
    ),
    (
        "infrastructure as code",
        "stack",
        &[("cloudformation", 0.9)],
    ),
    (
        "cloudformation template",
        "template",
        &[("cloudformation", 1.0)],
    ),
    ("change set", "change set", &[("cloudformation", 0.8)]),
    ("stack set", "stack set", &[("cloudformation", 0.8)]),
    (
        "resource tags",
        "resource tag",
        &[("resource-groups-tagging-api", 0.6)],
    ),
];

/// Single words that stand for other terms and hint at services: `(word, alternatives,
/// services)`. The word itself still counts; the alternatives (`|`-separated, stemmed at use)
/// count a little less.
pub type Synonym = (&'static str, &'static str, &'static [(&'static str, f32)]);

pub const SYNONYMS: &[Synonym] = &[
    // compute
    ("vm", "instance", &[("ec2", 0.8)]),
    ("vms", "instance", &[("ec2", 0.8)]),
    ("server", "instance", &[("ec2", 0.6)]),
    ("servers", "instance", &[("ec2", 0.6)]),
    ("machine", "instance", &[("ec2", 0.5)]),
    ("machines", "instance", &[("ec2", 0.5)]),
    ("box", "instance", &[("ec2", 0.3)]),
    ("instance", "", &[("ec2", 0.4)]),
    ("instances", "", &[("ec2", 0.4)]),
    ("ami", "image", &[("ec2", 0.9)]),
    ("amis", "image", &[("ec2", 0.9)]),
    ("disk", "volume", &[("ec2", 0.6)]),
    ("disks", "volume", &[("ec2", 0.6)]),
    ("drive", "volume", &[("ec2", 0.4)]),
    ("volume", "", &[("ec2", 0.4)]),
    ("volumes", "", &[("ec2", 0.4)]),
    ("sg", "security group", &[("ec2", 0.8)]),
    ("vpc", "vpc", &[("ec2", 0.6)]),
    ("vpcs", "vpc", &[("ec2", 0.6)]),
    ("subnet", "", &[("ec2", 0.6)]),
    ("subnets", "", &[("ec2", 0.6)]),
    ("eni", "network interface", &[("ec2", 0.8)]),
    ("igw", "internet gateway", &[("ec2", 0.8)]),
    ("az", "availability zone", &[("ec2", 0.6)]),
    ("azs", "availability zone", &[("ec2", 0.6)]),
    ("region", "", &[("ec2", 0.3)]),
    ("regions", "", &[("ec2", 0.3)]),
    ("asg", "auto scaling group", &[("auto-scaling", 1.0)]),
    ("autoscaling", "auto scaling", &[("auto-scaling", 0.8)]),
    (
        "alb",
        "load balancer",
        &[("elastic-load-balancing-v2", 1.0)],
    ),
    (
        "nlb",
        "load balancer",
        &[("elastic-load-balancing-v2", 1.0)],
    ),
    (
        "elb",
        "load balancer",
        &[
            ("elastic-load-balancing-v2", 0.6),
            ("elastic-load-balancing", 0.6),
        ],
    ),
    ("lb", "load balancer", &[("elastic-load-balancing-v2", 0.8)]),
    ("function", "", &[("lambda", 0.6)]),
    ("functions", "", &[("lambda", 0.6)]),
    ("serverless", "function", &[("lambda", 0.8)]),
    ("faas", "function", &[("lambda", 1.0)]),
    ("container", "task|container", &[("ecs", 0.5)]),
    ("containers", "task|container", &[("ecs", 0.5)]),
    ("docker", "container|image", &[("ecs", 0.4), ("ecr", 0.4)]),
    ("kubernetes", "cluster", &[("eks", 1.0)]),
    ("k8s", "cluster", &[("eks", 1.0)]),
    ("kube", "cluster", &[("eks", 1.0)]),
    ("nodegroup", "nodegroup", &[("eks", 0.8)]),
    ("fargate", "", &[("ecs", 0.6)]),
    ("registry", "repository", &[("ecr", 0.5)]),
    ("registries", "repository", &[("ecr", 0.5)]),
    // storage
    ("bucket", "", &[("s3", 0.7)]),
    ("buckets", "", &[("s3", 0.7)]),
    ("object", "", &[("s3", 0.4)]),
    ("objects", "", &[("s3", 0.4)]),
    ("file", "object", &[("s3", 0.3)]),
    ("files", "object", &[("s3", 0.3)]),
    ("blob", "object", &[("s3", 0.5)]),
    ("folder", "object|prefix", &[("s3", 0.3)]),
    ("folders", "object|prefix", &[("s3", 0.3)]),
    ("nfs", "file system", &[("efs", 0.8)]),
    ("lustre", "file system", &[("fsx", 1.0)]),
    ("archive", "", &[("glacier", 0.3)]),
    // databases
    ("database", "db|cluster", &[("rds", 0.5)]),
    ("databases", "db|cluster", &[("rds", 0.5)]),
    ("db", "database", &[("rds", 0.5)]),
    ("dbs", "db|database", &[("rds", 0.5)]),
    ("postgres", "db", &[("rds", 0.9)]),
    ("postgresql", "db", &[("rds", 0.9)]),
    ("mysql", "db", &[("rds", 0.9)]),
    ("mariadb", "db", &[("rds", 0.9)]),
    ("aurora", "db cluster", &[("rds", 1.0)]),
    ("oracle", "db", &[("rds", 0.6)]),
    ("rds", "db", &[]),
    ("sql", "query", &[("athena", 0.3), ("rds", 0.3)]),
    ("nosql", "table", &[("dynamodb", 1.0)]),
    ("dynamo", "table", &[("dynamodb", 1.0)]),
    ("table", "", &[("dynamodb", 0.4)]),
    ("tables", "", &[("dynamodb", 0.4)]),
    ("item", "", &[("dynamodb", 0.5)]),
    ("items", "", &[("dynamodb", 0.5)]),
    ("row", "item", &[("dynamodb", 0.3)]),
    ("rows", "item", &[("dynamodb", 0.3)]),
    (
        "redis",
        "cache cluster|replication group",
        &[("elasticache", 0.8), ("memorydb", 0.4)],
    ),
    ("memcached", "cache cluster", &[("elasticache", 1.0)]),
    ("cache", "cache", &[("elasticache", 0.5)]),
    ("elasticsearch", "domain", &[("opensearch", 0.9)]),
    ("mongodb", "db cluster", &[("docdb", 0.9)]),
    ("cassandra", "keyspace|table", &[("keyspaces", 1.0)]),
    ("warehouse", "cluster", &[("redshift", 0.6)]),
    // messaging
    ("queue", "", &[("sqs", 0.7)]),
    ("queues", "", &[("sqs", 0.7)]),
    ("message", "", &[("sqs", 0.3)]),
    ("messages", "", &[("sqs", 0.3)]),
    ("dlq", "dead letter queue", &[("sqs", 0.9)]),
    ("topic", "", &[("sns", 0.6)]),
    ("topics", "", &[("sns", 0.6)]),
    ("notification", "publish", &[("sns", 0.6)]),
    ("notifications", "publish", &[("sns", 0.6)]),
    ("subscription", "subscription", &[("sns", 0.4)]),
    ("subscriptions", "subscription", &[("sns", 0.4)]),
    ("sms", "sms", &[("sns", 0.5)]),
    ("email", "email", &[("sesv2", 0.6), ("ses", 0.4)]),
    ("emails", "email", &[("sesv2", 0.6), ("ses", 0.4)]),
    ("mail", "email", &[("sesv2", 0.6), ("ses", 0.4)]),
    ("kafka", "cluster", &[("kafka", 1.0)]),
    ("msk", "cluster", &[("kafka", 1.0)]),
    ("rabbitmq", "broker", &[("mq", 1.0)]),
    ("activemq", "broker", &[("mq", 1.0)]),
    ("stream", "", &[("kinesis", 0.3)]),
    ("streams", "", &[("kinesis", 0.3)]),
    (
        "cron",
        "schedule|rule",
        &[("scheduler", 0.5), ("eventbridge", 0.5)],
    ),
    ("workflow", "state machine|workflow", &[("sfn", 0.5)]),
    ("workflows", "state machine|workflow", &[("sfn", 0.5)]),
    ("graphql", "graphql api", &[("appsync", 1.0)]),
    ("webhook", "api", &[("api-gateway", 0.3)]),
    // monitoring
    ("log", "", &[("cloudwatch-logs", 0.5)]),
    ("logs", "", &[("cloudwatch-logs", 0.5)]),
    ("metric", "", &[("cloudwatch", 0.6)]),
    ("metrics", "", &[("cloudwatch", 0.6)]),
    ("alarm", "", &[("cloudwatch", 0.7)]),
    ("alarms", "", &[("cloudwatch", 0.7)]),
    ("alert", "alarm", &[("cloudwatch", 0.6)]),
    ("cpu", "metric", &[("cloudwatch", 0.5)]),
    ("utilization", "metric", &[("cloudwatch", 0.5)]),
    ("latency", "metric", &[("cloudwatch", 0.4)]),
    ("alerts", "alarm", &[("cloudwatch", 0.6)]),
    ("dashboard", "", &[("cloudwatch", 0.5)]),
    ("dashboards", "", &[("cloudwatch", 0.5)]),
    ("trail", "", &[("cloudtrail", 0.8)]),
    ("trails", "", &[("cloudtrail", 0.8)]),
    ("audit", "event|trail", &[("cloudtrail", 0.5)]),
    ("compliant", "compliance", &[("config-service", 0.5)]),
    ("noncompliant", "compliance", &[("config-service", 0.6)]),
    ("compliance", "", &[("config-service", 0.4)]),
    ("tracing", "trace", &[("xray", 0.6)]),
    ("traces", "trace", &[("xray", 0.6)]),
    // networking
    (
        "dns",
        "resource record set|hosted zone",
        &[("route-53", 1.0)],
    ),
    (
        "domain",
        "",
        &[("route-53-domains", 0.3), ("route-53", 0.3)],
    ),
    (
        "domains",
        "",
        &[("route-53-domains", 0.3), ("route-53", 0.3)],
    ),
    ("zone", "hosted zone", &[("route-53", 0.3)]),
    ("cdn", "distribution", &[("cloudfront", 1.0)]),
    ("distribution", "", &[("cloudfront", 0.5)]),
    ("distributions", "", &[("cloudfront", 0.5)]),
    ("certificate", "", &[("acm", 0.6)]),
    ("certificates", "", &[("acm", 0.6)]),
    ("cert", "certificate", &[("acm", 0.8)]),
    ("certs", "certificate", &[("acm", 0.8)]),
    ("ssl", "certificate", &[("acm", 0.6)]),
    ("tls", "certificate", &[("acm", 0.6)]),
    (
        "firewall",
        "firewall|security group",
        &[("network-firewall", 0.4), ("ec2", 0.2)],
    ),
    ("vpn", "vpn connection", &[("ec2", 0.6)]),
    ("endpoint", "", &[]),
    ("api", "rest api", &[("api-gateway", 0.3)]),
    ("apis", "rest api", &[("api-gateway", 0.3)]),
    // security & identity
    ("user", "", &[("iam", 0.5)]),
    ("users", "", &[("iam", 0.5)]),
    ("role", "", &[("iam", 0.6)]),
    ("roles", "", &[("iam", 0.6)]),
    ("policy", "", &[("iam", 0.4)]),
    ("policies", "", &[("iam", 0.4)]),
    ("permission", "policy", &[("iam", 0.4)]),
    ("permissions", "policy", &[("iam", 0.4)]),
    ("group", "", &[("iam", 0.2)]),
    ("groups", "", &[("iam", 0.2)]),
    (
        "password",
        "login profile|secret|password",
        &[("iam", 0.3), ("secrets-manager", 0.3)],
    ),
    (
        "passwords",
        "login profile|secret|password",
        &[("iam", 0.3), ("secrets-manager", 0.3)],
    ),
    ("secret", "", &[("secrets-manager", 0.8)]),
    ("secrets", "secret", &[("secrets-manager", 0.8)]),
    ("credential", "secret", &[("secrets-manager", 0.5)]),
    ("credentials", "secret", &[("secrets-manager", 0.5)]),
    ("token", "", &[("sts", 0.3)]),
    ("identity", "", &[("sts", 0.3)]),
    ("key", "", &[("kms", 0.6)]),
    ("keys", "key", &[("kms", 0.6)]),
    ("cmk", "key", &[("kms", 1.0)]),
    ("encrypt", "", &[("kms", 0.7)]),
    ("decrypt", "", &[("kms", 0.7)]),
    ("encryption", "encrypt", &[("kms", 0.6)]),
    ("decryption", "decrypt", &[("kms", 0.6)]),
    ("signing", "sign", &[]),
    ("mfa", "mfa device", &[("iam", 0.6)]),
    ("sso", "", &[("sso-admin", 0.5), ("sso", 0.5)]),
    ("login", "", &[]),
    // An interactive shell on an instance is a Session Manager session.
    ("shell", "session", &[("ssm", 0.5)]),
    ("terminal", "session", &[("ssm", 0.4)]),
    ("finding", "", &[("guardduty", 0.4), ("securityhub", 0.4)]),
    (
        "findings",
        "finding",
        &[("guardduty", 0.4), ("securityhub", 0.4)],
    ),
    ("threat", "finding", &[("guardduty", 0.6)]),
    ("threats", "finding", &[("guardduty", 0.6)]),
    ("vulnerability", "finding", &[("inspector2", 0.8)]),
    ("vulnerabilities", "finding", &[("inspector2", 0.8)]),
    ("waf", "web acl", &[("wafv2", 1.0)]),
    // accounts & cost
    ("account", "", &[("organizations", 0.4)]),
    ("accounts", "", &[("organizations", 0.4)]),
    ("org", "organization", &[("organizations", 0.8)]),
    ("organization", "", &[("organizations", 0.8)]),
    ("ou", "organizational unit", &[("organizations", 1.0)]),
    ("ous", "organizational unit", &[("organizations", 1.0)]),
    ("scp", "policy", &[("organizations", 1.0)]),
    ("scps", "policy", &[("organizations", 1.0)]),
    ("cost", "", &[("cost-explorer", 0.7)]),
    ("costs", "cost", &[("cost-explorer", 0.7)]),
    ("spend", "cost usage", &[("cost-explorer", 0.7)]),
    ("spending", "cost usage", &[("cost-explorer", 0.7)]),
    ("spent", "cost usage", &[("cost-explorer", 0.7)]),
    ("bill", "cost usage", &[("cost-explorer", 0.6)]),
    ("billing", "cost usage", &[("cost-explorer", 0.6)]),
    ("charges", "cost usage", &[("cost-explorer", 0.6)]),
    ("expenses", "cost", &[("cost-explorer", 0.6)]),
    ("forecast", "forecast", &[("cost-explorer", 0.2)]),
    ("budget", "", &[("budgets", 0.8)]),
    ("budgets", "budget", &[("budgets", 0.8)]),
    ("price", "", &[("pricing", 0.6)]),
    ("prices", "price", &[("pricing", 0.6)]),
    ("quota", "service quota", &[("service-quotas", 0.8)]),
    ("quotas", "service quota", &[("service-quotas", 0.8)]),
    ("limit", "quota", &[]),
    ("limits", "quota", &[]),
    ("tag", "", &[]),
    ("tags", "tag", &[]),
    // analytics & ml
    ("crawler", "", &[("glue", 0.8)]),
    ("crawlers", "crawler", &[("glue", 0.8)]),
    ("etl", "job", &[("glue", 0.8)]),
    ("spark", "cluster|job", &[("emr", 0.6), ("glue", 0.3)]),
    ("hadoop", "cluster", &[("emr", 1.0)]),
    ("airflow", "environment", &[("mwaa", 1.0)]),
    (
        "llm",
        "model",
        &[("bedrock", 0.8), ("bedrock-runtime", 0.6)],
    ),
    (
        "llms",
        "model",
        &[("bedrock", 0.8), ("bedrock-runtime", 0.6)],
    ),
    (
        "genai",
        "model",
        &[("bedrock", 0.8), ("bedrock-runtime", 0.6)],
    ),
    (
        "prompt",
        "invoke model|converse",
        &[("bedrock-runtime", 0.8)],
    ),
    ("chat", "converse", &[("bedrock-runtime", 0.5)]),
    ("ml", "model", &[("sagemaker", 0.6)]),
    ("notebook", "notebook instance", &[("sagemaker", 0.6)]),
    ("speech", "", &[("polly", 0.4), ("transcribe", 0.4)]),
    ("tts", "synthesize speech", &[("polly", 1.0)]),
    ("voice", "speech", &[("polly", 0.4)]),
    ("transcription", "transcription", &[("transcribe", 0.8)]),
    ("ocr", "detect document text", &[("textract", 1.0)]),
    ("sentiment", "", &[("comprehend", 0.8)]),
    ("image", "", &[("rekognition", 0.2), ("ec2", 0.2)]),
    ("images", "image", &[("rekognition", 0.2), ("ec2", 0.2)]),
    ("photo", "image", &[("rekognition", 0.6)]),
    ("picture", "image", &[("rekognition", 0.6)]),
    ("faces", "face", &[("rekognition", 0.8)]),
    ("translation", "translate", &[("translate", 0.8)]),
    ("language", "", &[("translate", 0.2), ("comprehend", 0.2)]),
    ("french", "", &[("translate", 0.6)]),
    ("spanish", "", &[("translate", 0.6)]),
    ("german", "", &[("translate", 0.6)]),
    ("english", "", &[("translate", 0.4)]),
    // code & infra
    ("stack", "", &[("cloudformation", 0.6)]),
    ("stacks", "stack", &[("cloudformation", 0.6)]),
    ("template", "", &[("cloudformation", 0.4)]),
    ("templates", "template", &[("cloudformation", 0.4)]),
    ("cfn", "stack", &[("cloudformation", 1.0)]),
    ("terraform", "stack|resource", &[("cloudformation", 0.3)]),
    ("git", "repository", &[("codecommit", 0.8)]),
    ("repo", "repository", &[]),
    ("repos", "repository", &[]),
    ("pipeline", "", &[("codepipeline", 0.6)]),
    ("pipelines", "pipeline", &[("codepipeline", 0.6)]),
    ("cicd", "pipeline", &[("codepipeline", 0.8)]),
    ("parameter", "", &[("ssm", 0.6)]),
    ("parameters", "parameter", &[("ssm", 0.6)]),
    ("param", "parameter", &[("ssm", 0.6)]),
    ("params", "parameter", &[("ssm", 0.6)]),
    ("config", "configuration", &[]),
    ("configuration", "config", &[]),
    ("settings", "configuration|attribute", &[]),
    ("setting", "configuration|attribute", &[]),
    ("properties", "attribute", &[]),
    ("info", "detail|description", &[]),
    ("details", "detail|description", &[]),
    ("status", "health", &[]),
    ("health", "status", &[]),
    ("snapshot", "", &[]),
    ("backup", "snapshot|backup", &[("backup", 0.3)]),
    ("backups", "backup|snapshot", &[("backup", 0.3)]),
    ("url", "", &[]),
    ("link", "url", &[]),
    ("cluster", "", &[]),
    ("clusters", "cluster", &[]),
    ("job", "", &[]),
    ("jobs", "job", &[]),
    ("ip", "address", &[]),
    ("ips", "address", &[]),
    ("env", "environment", &[]),
    ("envs", "environment", &[]),
    ("size", "capacity", &[]),
    ("count", "capacity", &[]),
    ("capacity", "", &[]),
];

/// Query verbs and the operation verbs they stand for, with a weight (the verb itself counts
/// 1.0 when it is also an operation verb). Matched on stems.
pub type Verb = (&'static str, &'static [(&'static str, f32)]);

pub const VERBS: &[Verb] = &[
    ("list", &[("describe", 0.9), ("get", 0.6), ("search", 0.5)]),
    ("describe", &[("list", 0.9), ("get", 0.7)]),
    ("get", &[("describe", 0.8), ("list", 0.7), ("batch", 0.3)]),
    ("show", &[("describe", 0.9), ("list", 0.9), ("get", 0.9)]),
    ("display", &[("describe", 0.9), ("list", 0.9), ("get", 0.9)]),
    ("view", &[("describe", 0.9), ("list", 0.9), ("get", 0.9)]),
    ("see", &[("describe", 0.9), ("list", 0.9), ("get", 0.9)]),
    (
        "find",
        &[
            ("describe", 0.8),
            ("list", 0.8),
            ("get", 0.8),
            ("search", 0.9),
            ("filter", 0.7),
        ],
    ),
    ("fetch", &[("get", 0.95), ("describe", 0.8), ("list", 0.7)]),
    (
        "retrieve",
        &[("get", 0.95), ("describe", 0.8), ("list", 0.7)],
    ),
    ("read", &[("get", 0.9), ("describe", 0.7), ("receive", 0.6)]),
    ("check", &[("describe", 0.8), ("get", 0.9), ("list", 0.6)]),
    ("inspect", &[("describe", 0.9), ("get", 0.8)]),
    ("lookup", &[("describe", 0.8), ("get", 0.8), ("list", 0.6)]),
    ("enumerate", &[("list", 1.0), ("describe", 0.9)]),
    ("count", &[("list", 0.8), ("describe", 0.8)]),
    ("query", &[("query", 1.0), ("search", 0.7), ("get", 0.5)]),
    (
        "search",
        &[
            ("search", 1.0),
            ("filter", 0.8),
            ("list", 0.6),
            ("query", 0.6),
            ("find", 0.6),
        ],
    ),
    ("download", &[("get", 1.0)]),
    ("grep", &[("filter", 0.9), ("search", 0.8)]),
    (
        "create",
        &[
            ("put", 0.6),
            ("register", 0.5),
            ("add", 0.5),
            ("run", 0.4),
            ("start", 0.3),
        ],
    ),
    ("make", &[("create", 0.95), ("put", 0.6)]),
    ("new", &[("create", 0.9)]),
    ("provision", &[("create", 0.95), ("run", 0.6)]),
    ("build", &[("create", 0.8), ("start", 0.6)]),
    ("generate", &[("create", 0.8), ("get", 0.6)]),
    ("launch", &[("run", 0.95), ("create", 0.8), ("start", 0.7)]),
    ("take", &[("create", 0.9), ("get", 0.5)]),
    (
        "add",
        &[
            ("create", 0.8),
            ("put", 0.8),
            ("attach", 0.6),
            ("associate", 0.6),
            ("change", 0.6),
            ("register", 0.5),
        ],
    ),
    ("insert", &[("put", 0.9), ("create", 0.7), ("add", 0.8)]),
    ("write", &[("put", 0.9), ("write", 1.0), ("create", 0.6)]),
    ("save", &[("put", 0.9), ("create", 0.6)]),
    ("store", &[("put", 0.9), ("create", 0.6)]),
    ("upload", &[("put", 0.9), ("upload", 1.0), ("import", 0.5)]),
    (
        "set",
        &[("put", 0.8), ("update", 0.8), ("modify", 0.7), ("set", 1.0)],
    ),
    ("register", &[("create", 0.5)]),
    (
        "delete",
        &[
            ("remove", 0.8),
            ("deregister", 0.6),
            ("terminate", 0.6),
            ("delete", 1.0),
        ],
    ),
    (
        "remove",
        &[
            ("delete", 0.9),
            ("detach", 0.6),
            ("disassociate", 0.6),
            ("deregister", 0.6),
        ],
    ),
    ("drop", &[("delete", 0.95), ("remove", 0.8)]),
    ("destroy", &[("delete", 0.95), ("terminate", 0.9)]),
    ("erase", &[("delete", 0.95)]),
    ("purge", &[("purge", 1.0), ("delete", 0.8)]),
    ("clear", &[("delete", 0.8), ("purge", 0.8)]),
    ("empty", &[("purge", 1.0), ("delete", 0.8)]),
    (
        "kill",
        &[("terminate", 0.9), ("stop", 0.9), ("delete", 0.6)],
    ),
    ("nuke", &[("terminate", 0.9), ("delete", 0.9)]),
    ("terminate", &[("delete", 0.7), ("stop", 0.5)]),
    (
        "update",
        &[("modify", 0.9), ("put", 0.7), ("change", 0.6), ("set", 0.6)],
    ),
    ("modify", &[("update", 0.9), ("put", 0.6), ("change", 0.6)]),
    ("change", &[("update", 0.9), ("modify", 0.9), ("put", 0.5)]),
    ("edit", &[("update", 0.95), ("modify", 0.9), ("put", 0.6)]),
    ("alter", &[("update", 0.9), ("modify", 0.9)]),
    ("rename", &[("update", 0.8), ("modify", 0.7)]),
    ("resize", &[("modify", 0.9), ("update", 0.8)]),
    ("scale", &[("update", 0.7), ("set", 0.6), ("modify", 0.6)]),
    ("enable", &[("put", 0.4), ("update", 0.4)]),
    ("disable", &[("put", 0.4), ("update", 0.4)]),
    ("stop", &[("terminate", 0.4), ("cancel", 0.4)]),
    ("halt", &[("stop", 0.95)]),
    ("pause", &[("stop", 0.8), ("suspend", 0.8)]),
    ("cancel", &[("stop", 0.7), ("abort", 0.7)]),
    ("abort", &[("cancel", 0.8), ("stop", 0.7)]),
    (
        "start",
        &[
            ("run", 0.8),
            ("execute", 0.7),
            ("invoke", 0.5),
            ("create", 0.5),
        ],
    ),
    ("run", &[("start", 0.9), ("execute", 0.9), ("invoke", 0.7)]),
    ("execute", &[("start", 0.9), ("run", 0.9), ("invoke", 0.8)]),
    ("begin", &[("start", 0.95)]),
    ("trigger", &[("invoke", 0.9), ("start", 0.9), ("run", 0.7)]),
    ("invoke", &[("start", 0.5)]),
    ("call", &[("invoke", 0.9)]),
    ("resume", &[("start", 0.8), ("resume", 1.0)]),
    (
        "restart",
        &[("reboot", 0.95), ("restart", 1.0), ("start", 0.5)],
    ),
    ("reboot", &[("restart", 0.8)]),
    ("send", &[("publish", 0.8), ("put", 0.6)]),
    ("publish", &[("send", 0.8)]),
    ("post", &[("publish", 0.8), ("send", 0.8), ("put", 0.7)]),
    ("notify", &[("publish", 0.9), ("send", 0.7)]),
    ("push", &[("put", 0.8), ("publish", 0.7)]),
    ("receive", &[("get", 0.6)]),
    ("poll", &[("receive", 0.9), ("get", 0.6)]),
    ("consume", &[("receive", 0.9), ("get", 0.6)]),
    ("pull", &[("get", 0.8), ("receive", 0.8)]),
    ("copy", &[("copy", 1.0), ("replicate", 0.6)]),
    ("clone", &[("copy", 0.9), ("create", 0.5)]),
    ("duplicate", &[("copy", 0.9)]),
    ("move", &[("copy", 0.5), ("transfer", 0.6)]),
    ("restore", &[("restore", 1.0)]),
    ("recover", &[("restore", 0.9)]),
    ("import", &[("import", 1.0)]),
    ("export", &[("export", 1.0), ("get", 0.3)]),
    ("attach", &[("associate", 0.7), ("add", 0.5)]),
    ("detach", &[("disassociate", 0.7), ("remove", 0.5)]),
    ("connect", &[("associate", 0.6), ("attach", 0.6)]),
    ("disconnect", &[("disassociate", 0.6), ("detach", 0.6)]),
    ("link", &[("associate", 0.8), ("attach", 0.6)]),
    ("unlink", &[("disassociate", 0.8), ("detach", 0.6)]),
    ("allow", &[("authorize", 0.9), ("grant", 0.8), ("add", 0.5)]),
    ("permit", &[("authorize", 0.9), ("grant", 0.8)]),
    (
        "grant",
        &[("authorize", 0.7), ("add", 0.6), ("attach", 0.6)],
    ),
    ("deny", &[("revoke", 0.8)]),
    ("block", &[("revoke", 0.7), ("put", 0.5)]),
    ("revoke", &[("remove", 0.5)]),
    ("assume", &[("assume", 1.0)]),
    ("rotate", &[("rotate", 1.0)]),
    ("tag", &[("tag", 1.0)]),
    ("label", &[("tag", 0.9)]),
    ("untag", &[("untag", 1.0)]),
    ("subscribe", &[("subscribe", 1.0), ("create", 0.4)]),
    ("unsubscribe", &[("unsubscribe", 1.0), ("delete", 0.4)]),
    (
        "schedule",
        &[("create", 0.7), ("put", 0.6), ("schedule", 1.0)],
    ),
    ("encrypt", &[("encrypt", 1.0)]),
    ("decrypt", &[("decrypt", 1.0)]),
    ("sign", &[("sign", 1.0)]),
    ("verify", &[("verify", 1.0), ("validate", 0.7)]),
    ("validate", &[("validate", 1.0), ("verify", 0.7)]),
    ("test", &[("test", 1.0), ("validate", 0.6)]),
    ("detect", &[("detect", 1.0)]),
    ("analyze", &[("analyze", 1.0), ("detect", 0.6)]),
    ("analyse", &[("analyze", 1.0), ("detect", 0.6)]),
    ("translate", &[("translate", 1.0)]),
    ("transcribe", &[("start", 0.6)]),
    ("convert", &[("create", 0.5), ("start", 0.5)]),
    ("synthesize", &[("synthesize", 1.0)]),
    ("accept", &[("accept", 1.0)]),
    ("approve", &[("accept", 0.7), ("approve", 1.0)]),
    ("reject", &[("reject", 1.0)]),
    (
        "deploy",
        &[
            ("create", 0.6),
            ("deploy", 1.0),
            ("update", 0.7),
            ("publish", 0.7),
        ],
    ),
    ("install", &[("create", 0.5), ("install", 1.0)]),
    ("monitor", &[("get", 0.6), ("describe", 0.6)]),
    ("watch", &[("get", 0.6), ("describe", 0.6)]),
    ("measure", &[("get", 0.6)]),
    ("estimate", &[("get", 0.6)]),
    ("predict", &[("get", 0.5)]),
    ("train", &[("create", 0.8)]),
    (
        "increase",
        &[("request", 0.6), ("update", 0.6), ("modify", 0.5)],
    ),
    ("request", &[("request", 1.0), ("create", 0.5)]),
    (
        "open",
        &[
            ("authorize", 0.5),
            ("create", 0.5),
            ("open", 1.0),
            ("start", 0.6),
        ],
    ),
    ("close", &[("close", 1.0), ("delete", 0.5)]),
    ("reset", &[("reset", 1.0), ("update", 0.5)]),
    ("refresh", &[("refresh", 1.0), ("update", 0.5)]),
    ("invalidate", &[("create", 0.5)]),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        words(s)
    }

    #[test]
    fn splits_pascal_case_and_acronyms() {
        assert_eq!(w("DescribeDBInstances"), ["describe", "db", "instances"]);
        assert_eq!(w("ListBuckets"), ["list", "buckets"]);
        assert_eq!(w("ListObjectsV2"), ["list", "objects", "v2"]);
        assert_eq!(
            w("GetOpenIDConnectProvider"),
            ["get", "open", "id", "connect", "provider"]
        );
        assert_eq!(w("DescribeImages AMIs"), ["describe", "images", "amis"]);
        assert_eq!(w("ListACLsForUser"), ["list", "acls", "for", "user"]);
        assert_eq!(w("Route53Domains"), ["route53", "domains"]);
        assert_eq!(w("EC2Instance"), ["ec2", "instance"]);
        assert_eq!(w("describe-key-pairs"), ["describe", "key", "pairs"]);
        assert_eq!(w("s3:ListBuckets"), ["s3", "list", "buckets"]);
        assert_eq!(w("CreateSAMLProvider"), ["create", "saml", "provider"]);
        assert_eq!(w("  ..!? "), Vec::<String>::new());
        assert_eq!(w("Überprüfe Größe"), ["überprüfe", "größe"]);
    }

    #[test]
    fn glues() {
        assert_eq!(glued("describe-key-pairs"), "describekeypairs");
        assert_eq!(glued("List_Buckets"), "listbuckets");
    }

    #[test]
    fn stems_agree() {
        let same = |a: &str, b: &str| assert_eq!(stem(a), stem(b), "{a} vs {b}");
        same("list", "listing");
        same("list", "listed");
        same("instance", "instances");
        same("create", "creating");
        same("create", "created");
        same("policy", "policies");
        same("tag", "tagging");
        same("access", "access");
        same("address", "addresses");
        same("alias", "aliases");
        same("status", "statuses");
        same("database", "databases");
        same("image", "images");
        same("update", "updating");
        same("match", "matches");
        same("enable", "enabled");
        same("stop", "stopped");
        same("run", "running");
        same("index", "indices");
        same("repository", "repositories");
        same("invalidation", "invalidate");
        same("invalidations", "invalidated");
        same("execution", "execute");
        same("encryption", "encrypt");
        same("rotation", "rotate");
        same("creation", "create");
        assert_eq!(stem("station"), "station");
        assert_eq!(stem("option"), "option");
        assert_eq!(stem("string"), "string");
        assert_eq!(stem("s3"), "s3");
        assert_eq!(stem("ecs"), "ecs");
        assert_eq!(stem("analysis"), "analysis");
        assert_eq!(stem("bill"), "bill");
        assert_eq!(stem("billing"), "bill");
        assert_eq!(stem("need"), "need");
        assert_eq!(stem("größe"), "größe");
        assert_eq!(stem(""), "");
    }

    #[test]
    fn stop_words_sorted() {
        assert!(
            STOP_WORDS.windows(2).all(|p| p[0] < p[1]),
            "STOP_WORDS must be sorted"
        );
        assert!(is_stop_word("the"));
        assert!(!is_stop_word("bucket"));
    }

    #[test]
    fn fillers() {
        assert!(is_name_filler("and"));
        assert!(is_name_filler("v2"));
        assert!(!is_name_filler("vpc"));
        assert!(!is_name_filler("v"));
    }

    #[test]
    fn tables_are_well_formed() {
        for (phrase, _, svcs) in PHRASES {
            assert!(!phrase.trim().is_empty());
            assert!(svcs.iter().all(|(_, s)| *s > 0.0 && *s <= 1.0), "{phrase}");
        }
        for (word, _, svcs) in SYNONYMS {
            assert!(!word.contains(' '), "{word}: synonyms are single words");
            assert!(svcs.iter().all(|(_, s)| *s > 0.0 && *s <= 1.0), "{word}");
        }
        for (verb, alts) in VERBS {
            assert!(!verb.contains(' '));
            assert!(alts.iter().all(|(_, w)| *w > 0.0 && *w <= 1.0), "{verb}");
        }
    }
}
