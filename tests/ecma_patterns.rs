//! Every `pattern` a schema can carry compiles as an ECMA-262 regular expression, with a real
//! JavaScript engine (Node's V8, as ajv and the MCP TypeScript SDK use it: `new RegExp(p, "u")`).
//! JSON Schema draft 2020-12 specifies ECMA-262 patterns, and a client that cannot compile one
//! refuses the whole schema.

use std::process::Command;

use aws_exec_mcp::catalog;
use aws_exec_mcp::schema::ecma::to_ecma;
use serde_json::Value;

#[test]
fn every_schema_pattern_compiles_in_javascript() {
    let cat = catalog::get();
    let mut patterns: Vec<String> = Vec::new();
    let mut left_out = 0;
    for p in cat.patterns.iter() {
        let translated = p.translated.as_str();
        if translated.is_empty() {
            continue;
        }
        match to_ecma(translated) {
            Some(e) => patterns.push(e),
            None => {
                left_out += 1;
                eprintln!("no ECMA-262 form: {translated}");
            }
        }
    }
    let node = Command::new("node").arg("--version").output();
    if node.is_err() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "node is needed for this test in CI"
        );
        eprintln!("skipped: node is not installed");
        return;
    }
    let file = std::env::temp_dir().join(format!("ecma-patterns-{}.json", std::process::id()));
    std::fs::write(&file, serde_json::to_vec(&patterns).unwrap()).unwrap();
    let script = r#"
        const ps = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        const bad = [];
        for (const p of ps) {
            try { new RegExp(p, "u"); } catch (e) { bad.push([p, String(e.message)]); }
        }
        process.stdout.write(JSON.stringify(bad));
    "#;
    let out = Command::new("node")
        .arg("-e")
        .arg(script)
        .arg(&file)
        .output()
        .expect("node runs");
    let _ = std::fs::remove_file(&file);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bad: Vec<Value> = serde_json::from_slice(&out.stdout).expect("node printed JSON");
    println!(
        "{} patterns compile as ECMA-262, {left_out} without an ECMA-262 form left out of the schemas",
        patterns.len()
    );
    assert!(
        patterns.len() > 1000 || cat.snapshot.slim,
        "too few patterns: {}",
        patterns.len()
    );
    assert!(left_out <= 2, "{left_out} patterns left out");
    assert!(
        bad.is_empty(),
        "{} patterns do not compile in JavaScript: {}",
        bad.len(),
        serde_json::to_string_pretty(&bad[..bad.len().min(20)]).unwrap()
    );
}
