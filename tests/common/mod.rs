//! Helpers shared by the integration tests: line-protocol processes (botocore's oracle in
//! `../shared/oracle`, our own `aws-exec-mcp wire`).

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::Value;

/// A child process that answers one JSON line with one JSON line.
pub struct LineProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    name: &'static str,
}

impl LineProcess {
    pub fn spawn(name: &'static str, mut command: Command) -> LineProcess {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("start {name}: {e}"));
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        LineProcess {
            child,
            stdin,
            stdout,
            name,
        }
    }

    /// One request, one answer.
    pub fn ask(&mut self, request: &Value) -> Value {
        let stdin = self.stdin.as_mut().expect("stdin open");
        writeln!(stdin, "{request}").expect("write request");
        stdin.flush().expect("flush request");
        self.read_answer()
    }

    fn read_answer(&mut self) -> Value {
        let mut line = String::new();
        self.stdout
            .read_line(&mut line)
            .unwrap_or_else(|e| panic!("read from {}: {e}", self.name));
        serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("{} answered {line:?}: {e}", self.name))
    }

    /// Many requests at once: written from a thread while the answers are read, so neither
    /// pipe fills up.
    pub fn ask_all(&mut self, requests: &[Value]) -> Vec<Value> {
        let mut stdin = self.stdin.take().expect("stdin open");
        let lines: Vec<String> = requests.iter().map(Value::to_string).collect();
        let writer = std::thread::spawn(move || {
            for l in lines {
                writeln!(stdin, "{l}").expect("write request");
            }
            stdin.flush().expect("flush");
            stdin
        });
        let answers = requests.iter().map(|_| self.read_answer()).collect();
        self.stdin = Some(writer.join().expect("writer thread"));
        answers
    }
}

impl Drop for LineProcess {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `shared/` folder beside the checkout (or `SHARED_DIR`).
pub fn shared_dir() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    std::env::var_os("SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared"))
}

/// botocore 1.37.23 offline (`../shared/oracle`), its venv made by its own `setup.sh` in
/// `.oracle-venv/`.
pub fn oracle() -> LineProcess {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let shared = shared_dir();
    let setup = shared.join("oracle/setup.sh");
    assert!(
        setup.exists(),
        "{} is missing: this test needs ../shared/oracle (set SHARED_DIR to its parent)",
        setup.display()
    );
    let out = Command::new("bash")
        .arg(&setup)
        .arg(root.join(".oracle-venv"))
        .stderr(Stdio::inherit())
        .output()
        .expect("run oracle/setup.sh");
    assert!(out.status.success(), "oracle/setup.sh failed");
    let venv = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let mut cmd = Command::new(PathBuf::from(&venv).join("bin/python"));
    cmd.arg(shared.join("oracle/oracle.py"));
    LineProcess::spawn("the oracle", cmd)
}

/// The shipped binary's `wire` subcommand.
pub fn wire() -> LineProcess {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_aws-exec-mcp"));
    cmd.arg("wire");
    LineProcess::spawn("aws-exec-mcp wire", cmd)
}
