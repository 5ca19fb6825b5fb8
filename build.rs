//! Compiles the AWS Smithy models into the server's static catalog (see codegen/).
//!
//! Inputs: the models directory (`models/aws`, or `AWS_MCP_MODELS_DIR`), its `SNAPSHOT` file, and
//! `AWS_MCP_SERVICES` (a comma-separated subset of services to compile in, names or aliases).
//! Outputs in `OUT_DIR`: `catalog.bin` and `catalog_gen.rs`.

use std::path::PathBuf;

fn main() {
    if let Err(e) = run() {
        // A clear, single message; cargo shows it with the build script's failure.
        eprintln!("\nerror: aws-exec-mcp cannot compile its AWS catalog:\n  {e}\n");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    println!("cargo:rerun-if-env-changed=AWS_MCP_MODELS_DIR");
    println!("cargo:rerun-if-env-changed=AWS_MCP_SERVICES");
    println!("cargo:rerun-if-changed=build.rs");

    let models_dir = match std::env::var_os("AWS_MCP_MODELS_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => root.join("models").join("aws"),
    };
    println!("cargo:rerun-if-changed={}", models_dir.display());
    let snapshot_file = [
        models_dir.join("SNAPSHOT"),
        models_dir
            .parent()
            .map(|p| p.join("SNAPSHOT"))
            .unwrap_or_default(),
    ]
    .into_iter()
    .find(|p| p.is_file());
    if let Some(file) = &snapshot_file {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    let services = std::env::var("AWS_MCP_SERVICES")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            s.split(',')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect::<Vec<String>>()
        })
        // STS is always compiled in: the server calls it itself, to assume the roles calls
        // ask for (`options.roleArn`) and to show who acted (`GetCallerIdentity`).
        .map(|mut list| {
            if !list.iter().any(|s| s.eq_ignore_ascii_case("sts")) {
                list.push("sts".to_string());
            }
            list
        });

    // The CLI's examples stay with the project's models (like partitions.json), whatever
    // AWS_MCP_MODELS_DIR says: they are resolved against the pinned snapshot.
    let cli_dir = root.join("models").join("awscli");
    println!("cargo:rerun-if-changed={}", cli_dir.display());
    let opts = codegen::generate::Options {
        cli_dir: Some(cli_dir),
        models_dir,
        snapshot_file,
        services,
        verify_manifest: true,
    };
    let (catalog, mut warnings) = codegen::generate::build(&opts)?;
    codegen::generate::emit::write(&out_dir, &catalog, &mut warnings)?;
    for w in warnings {
        println!("cargo:warning={w}");
    }
    Ok(())
}
