//! Inspect what codegen compiles from a models directory, without building the server.
//!
//!   cargo run -p codegen --release --bin codegen-inspect -- [MODELS_DIR] [SERVICE[,SERVICE...]]
//!
//! Prints counts, archive size, warnings, and the services with their aliases.

use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let models_dir = PathBuf::from(args.first().map_or("models/aws", String::as_str));
    let services = args
        .get(1)
        .map(|s| s.split(',').map(str::to_string).collect::<Vec<_>>());
    let opts = codegen::generate::Options {
        snapshot_file: models_dir.parent().map(|p| p.join("SNAPSHOT")),
        cli_dir: models_dir.parent().map(|p| p.join("awscli")),
        models_dir,
        services,
        verify_manifest: false,
    };
    let start = Instant::now();
    let (catalog, warnings) = match codegen::generate::build(&opts) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let built = start.elapsed();
    eprintln!(
        "sizes: Trait {} Member {} Shape {} Operation {}",
        std::mem::size_of::<codegen::format::ArchivedTrait>(),
        std::mem::size_of::<codegen::format::ArchivedMember>(),
        std::mem::size_of::<codegen::format::ArchivedShape>(),
        std::mem::size_of::<codegen::format::ArchivedOperation>()
    );
    for (what, n) in sizes(&catalog) {
        eprintln!("{what:>20}: {:.1} MB", n as f64 / 1e6);
    }
    let bytes = match rkyv::to_bytes::<rkyv::rancor::Error>(&catalog) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    for s in &catalog.services {
        println!(
            "{:<40} {:>5} ops  {:<11} cli={:<20} aliases={}",
            s.name,
            s.op_count,
            s.protocol.map_or("-", |p| p.smithy_name()),
            s.cli_name,
            s.aliases.join(",")
        );
    }
    let members: usize = catalog.shapes.iter().map(|s| s.members.len()).sum();
    println!(
        "{} services, {} operations, {} shapes, {} members, {} patterns; archive {:.1} MB; built in {:.2?}",
        catalog.services.len(),
        catalog.operations.len(),
        catalog.shapes.len(),
        members,
        catalog.patterns.len(),
        bytes.len() as f64 / 1e6,
        built
    );
}

/// Rough byte budget of the biggest string fields, to see where the archive's size goes.
#[allow(dead_code)]
fn sizes(c: &codegen::format::Catalog) -> Vec<(&'static str, usize)> {
    use codegen::format::Trait;
    let docs_ops: usize = c.operations.iter().map(|o| o.documentation.len()).sum();
    let summaries: usize = c.operations.iter().map(|o| o.summary.len()).sum();
    let examples: usize = c
        .operations
        .iter()
        .flat_map(|o| &o.examples)
        .map(String::len)
        .sum();
    // Archived size of each rule set on its own (a close upper bound of its share).
    let rules: usize = c
        .services
        .iter()
        .filter_map(|s| s.endpoint_rules.as_ref())
        .filter_map(|r| rkyv::to_bytes::<rkyv::rancor::Error>(r).ok())
        .map(|b| b.len())
        .sum();
    let trait_docs: usize = c
        .shapes
        .iter()
        .flat_map(|s| {
            s.traits
                .iter()
                .chain(s.members.iter().flat_map(|m| m.traits.iter()))
        })
        .map(|t| match t {
            Trait::Documentation(d) => d.len(),
            _ => 0,
        })
        .sum();
    let ids: usize = c.shapes.iter().map(|s| s.id.len()).sum();
    vec![
        ("operation docs", docs_ops),
        ("summaries", summaries),
        ("examples", examples),
        ("endpoint rulesets", rules),
        ("shape/member docs", trait_docs),
        ("shape ids", ids),
    ]
}
