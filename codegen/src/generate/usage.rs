//! How people ask for operations: the AWS CLI's usage examples and commands (`models/awscli`),
//! turned into extra search text per operation.
//!
//! Inputs (see `models/awscli/README.md`):
//! * `examples.jsonl`: one vendored CLI example per line, resolved to catalog operations by
//!   `scripts/update-cli-examples.py`; examples whose `split` is `holdout` are the public eval
//!   set (`eval/search-cli-holdout.jsonl`) and are never indexed;
//! * `commands.tsv`: the CLI's own commands that are not one API operation (`s3 cp`,
//!   `eks update-kubeconfig`), the operations they call and, for commands without an example,
//!   a description.
//!
//! Output: per operation, its usage text (example titles and descriptions, command words) and the
//! glued names of CLI commands that reach it under another name (`s3cp`, `updatekubeconfig`,
//! `ec2waitinstancerunning`), which search treats like an exact operation name.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use serde_json::Value;

use super::Error;
use crate::format::Catalog;
use crate::search_terms::glued;

/// Usage of the catalog's operations.
#[derive(Debug, Default, Clone)]
pub struct Usage {
    /// Per operation id: its usage text, pieces joined by newlines.
    pub texts: BTreeMap<u32, String>,
    /// Per operation id: glued CLI command names that call it (not its own name).
    pub commands: BTreeMap<u32, BTreeSet<String>>,
    /// Per operation id: glued CLI commands without their service (`updatekubeconfig`), kept
    /// in `commands` when only one operation has them.
    plain: BTreeMap<u32, BTreeSet<String>>,
    /// Examples indexed, and held out.
    pub indexed: usize,
    pub held_out: usize,
}

/// One line of `examples.jsonl` (the fields search reads).
struct Example {
    command: String,
    operations: Vec<String>,
    title: String,
    text: String,
    split: String,
}

impl Example {
    fn parse(line: &str) -> Result<Example, String> {
        let v: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
        let s = |key: &str| v.get(key).and_then(Value::as_str).unwrap_or("").to_string();
        let operations: Vec<String> = v
            .get("operations")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        if operations.is_empty() {
            return Err("no `operations`".into());
        }
        Ok(Example {
            command: s("command"),
            operations,
            title: s("title"),
            text: s("text"),
            split: s("split"),
        })
    }
}

/// Reads `dir` (`models/awscli`); a missing directory is no usage. Operations of services not in
/// the catalog (a slim build) are skipped; an unknown operation of a compiled service is an
/// error, as the files are resolved against the same models.
pub fn load(dir: &Path, catalog: &Catalog) -> Result<Usage, Error> {
    let mut usage = Usage::default();
    if !dir.is_dir() {
        return Ok(usage);
    }
    let ops = OpLookup::new(catalog);
    let commands_path = dir.join("commands.tsv");
    let commands_text = std::fs::read_to_string(&commands_path)
        .map_err(|e| Error(format!("{}: {e}", commands_path.display())))?;
    let mut command_ops: HashMap<String, Vec<String>> = HashMap::new();
    for (n, line) in commands_text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(command), Some(targets)) = (cols.next(), cols.next()) else {
            return Err(Error(format!(
                "{}:{}: expected `command<TAB>operations[<TAB>description]`",
                commands_path.display(),
                n + 1
            )));
        };
        let targets: Vec<String> = targets.split_whitespace().map(str::to_string).collect();
        let description = cols.next().unwrap_or("");
        for target in &targets {
            if let Some(op) = ops.find(target, &commands_path)? {
                usage.add_text(op, &command_words(command));
                usage.add_text(op, description);
            }
        }
        command_ops.insert(command.to_string(), targets);
    }

    let examples_path = dir.join("examples.jsonl");
    let examples_text = std::fs::read_to_string(&examples_path)
        .map_err(|e| Error(format!("{}: {e}", examples_path.display())))?;
    for (n, line) in examples_text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let ex = Example::parse(line)
            .map_err(|e| Error(format!("{}:{}: {e}", examples_path.display(), n + 1)))?;
        if ex.split == "holdout" {
            usage.held_out += 1;
            continue;
        }
        usage.indexed += 1;
        for (i, target) in ex.operations.iter().enumerate() {
            let Some(op) = ops.find(target, &examples_path)? else {
                continue;
            };
            usage.add_text(op, &ex.title);
            usage.add_text(op, &ex.text);
            // A command named otherwise than its operation (a customization, a waiter, a
            // renamed or misspelt file) reaches its main operation by name.
            if i == 0 && !command_ops.contains_key(&ex.command) {
                usage.add_command(op, &ex.command, &ops);
            }
        }
    }
    for (command, targets) in &command_ops {
        if let Some(target) = targets.first()
            && let Some(op) = ops.find(target, &commands_path)?
        {
            usage.add_command(op, command, &ops);
        }
    }
    // A command without its service that several services have (`get-login-password` of ecr
    // and ecr-public) names none of them: only `<service> <command>` does.
    let mut owners: HashMap<&str, usize> = HashMap::new();
    for set in usage.plain.values() {
        for c in set {
            *owners.entry(c.as_str()).or_default() += 1;
        }
    }
    for (op, set) in &usage.plain {
        for c in set {
            if owners.get(c.as_str()) == Some(&1) {
                usage.commands.entry(*op).or_default().insert(c.clone());
            }
        }
    }
    Ok(usage)
}

impl Usage {
    fn add_text(&mut self, op: u32, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let t = self.texts.entry(op).or_default();
        if !t.is_empty() {
            t.push('\n');
        }
        t.push_str(text);
    }

    /// `cli` is `<cli service> <command words>` (`ec2 wait instance-running`). Adds the glued
    /// whole (`ec2waitinstancerunning`) and, for a command of two words or more that no
    /// operation is named, the glued command (`updatekubeconfig`, see `plain`); nothing when
    /// the command is the operation's own name.
    fn add_command(&mut self, op: u32, cli: &str, ops: &OpLookup) {
        let Some((_, command)) = cli.split_once(' ') else {
            return;
        };
        let own = glued(command);
        if ops.exact.get(&own).is_some_and(|list| list.contains(&op)) {
            return;
        }
        self.commands.entry(op).or_default().insert(glued(cli));
        if command.split([' ', '-']).count() >= 2 && !ops.exact.contains_key(&own) {
            self.plain.entry(op).or_default().insert(own);
        }
    }
}

/// `s3 cp` → `cp`; `eks update-kubeconfig` → `update kubeconfig`: the words a query may use.
fn command_words(cli: &str) -> String {
    cli.split_once(' ')
        .map_or(cli, |(_, c)| c)
        .replace(['-', '_'], " ")
}

/// `service:Operation` → operation id, over the compiled catalog.
struct OpLookup {
    services: HashMap<String, u32>,
    ops: HashMap<(u32, String), u32>,
    /// Glued lower-case operation name → operation ids.
    exact: HashMap<String, Vec<u32>>,
}

impl OpLookup {
    fn new(catalog: &Catalog) -> OpLookup {
        let mut lookup = OpLookup {
            services: HashMap::new(),
            ops: HashMap::new(),
            exact: HashMap::new(),
        };
        for (i, s) in catalog.services.iter().enumerate() {
            lookup.services.insert(s.name.clone(), i as u32);
        }
        for (i, op) in catalog.operations.iter().enumerate() {
            lookup.ops.insert((op.service, op.name.clone()), i as u32);
            lookup
                .exact
                .entry(glued(&op.name))
                .or_default()
                .push(i as u32);
        }
        lookup
    }

    /// `None` when the service is not compiled in.
    fn find(&self, target: &str, file: &Path) -> Result<Option<u32>, Error> {
        let Some((service, op)) = target.split_once(':') else {
            return Err(Error(format!(
                "{}: `{target}` is not `service:Operation`",
                file.display()
            )));
        };
        let Some(&svc) = self.services.get(service) else {
            return Ok(None);
        };
        match self.ops.get(&(svc, op.to_string())) {
            Some(&id) => Ok(Some(id)),
            None => Err(Error(format!(
                "{}: no operation {target} in the models (refresh it with \
                 scripts/update-cli-examples.py)",
                file.display()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{Operation, Service};

    fn catalog() -> Catalog {
        let mut c = Catalog::default();
        for (name, ops) in [
            ("s3", vec!["PutObject", "GetObject"]),
            ("eks", vec!["DescribeCluster"]),
            ("sqs", vec!["PurgeQueue"]),
        ] {
            let service = c.services.len() as u32;
            let first = c.operations.len() as u32;
            for op in &ops {
                c.operations.push(Operation {
                    service,
                    name: op.to_string(),
                    ..Default::default()
                });
            }
            c.services.push(Service {
                name: name.into(),
                first_op: first,
                op_count: ops.len() as u32,
                ..Default::default()
            });
        }
        c
    }

    fn write(dir: &Path, commands: &str, examples: &[&str]) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("commands.tsv"), commands).unwrap();
        std::fs::write(dir.join("examples.jsonl"), examples.join("\n")).unwrap();
    }

    #[test]
    fn indexes_examples_and_commands_but_not_the_held_out() {
        let dir = std::env::temp_dir().join(format!("usage-test-{}", std::process::id()));
        write(
            &dir,
            "# comment\ns3 cp\ts3:PutObject s3:GetObject\n\
             eks update-kubeconfig\teks:DescribeCluster\tconfigure kubectl\n\
             ddb select\tdynamodb:Scan\n",
            &[
                r#"{"command":"sqs purge-queue","operations":["sqs:PurgeQueue"],"title":"To purge a queue","text":"Deletes all messages.","split":"index"}"#,
                r#"{"command":"sqs purge-queue","operations":["sqs:PurgeQueue"],"title":"To empty a queue","text":"secret words","split":"holdout"}"#,
                r#"{"command":"s3 cp","operations":["s3:PutObject","s3:GetObject"],"title":"Copying a local file to S3","text":"","split":"index"}"#,
            ],
        );
        let u = load(&dir, &catalog()).unwrap();
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!((u.indexed, u.held_out), (2, 1));
        let purge = &u.texts[&3];
        assert!(purge.contains("To purge a queue") && purge.contains("Deletes all messages."));
        assert!(
            !purge.contains("secret words"),
            "held-out text is never indexed"
        );
        assert!(u.texts[&0].contains("cp") && u.texts[&0].contains("Copying a local file"));
        assert!(u.texts[&1].contains("Copying a local file"));
        assert!(u.texts[&2].contains("update kubeconfig") && u.texts[&2].contains("kubectl"));
        // Commands reach their main operation by name; an API command named after its
        // operation adds nothing; dynamodb is not compiled in (slim): skipped.
        assert_eq!(u.commands[&0], BTreeSet::from(["s3cp".to_string()]));
        assert_eq!(
            u.commands[&2],
            BTreeSet::from(["eksupdatekubeconfig".into(), "updatekubeconfig".into()])
        );
        assert!(!u.commands.contains_key(&3) && !u.commands.contains_key(&1));
    }

    #[test]
    fn refuses_an_unknown_operation_of_a_compiled_service() {
        let dir = std::env::temp_dir().join(format!("usage-test-bad-{}", std::process::id()));
        write(&dir, "s3 cp\ts3:NoSuchOp\n", &[]);
        let e = load(&dir, &catalog()).unwrap_err();
        std::fs::remove_dir_all(&dir).ok();
        assert!(e.0.contains("no operation s3:NoSuchOp"), "{e}");
    }
}
