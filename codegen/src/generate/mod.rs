//! The build-time compiler: models directory → [`Catalog`] → files in `OUT_DIR`.
//!
//! Steps: [`models::discover`] finds one model file per service directory; [`smithy::parse`]
//! reads each Smithy JSON AST file; [`names`] assigns canonical names and aliases and applies the
//! `AWS_MCP_SERVICES` selection; [`lower`] lowers the selected services into the catalog's
//! tables (operations, reachable shapes, traits); [`usage`] reads the AWS CLI's examples and
//! [`search::build_index`] indexes operations with them;
//! [`emit`] writes the rkyv archive and the phf lookup tables.

pub mod emit;
pub mod lower;
pub mod models;
pub mod names;
pub mod regex;
pub mod rules;
pub mod search;
pub mod smithy;

use std::path::PathBuf;

use crate::format::Catalog;

pub mod usage;

/// What to compile.
#[derive(Debug, Clone)]
pub struct Options {
    /// A directory in the api-models-aws layout: `<service>/service/<version>/<file>.json`.
    pub models_dir: PathBuf,
    /// `models/SNAPSHOT`-style file describing the snapshot, if any.
    pub snapshot_file: Option<PathBuf>,
    /// Services to compile in (names or aliases); `None` = all.
    pub services: Option<Vec<String>>,
    /// The AWS CLI's examples and commands (`models/awscli`), indexed as search text; `None`
    /// or a missing directory indexes names and summaries only.
    pub cli_dir: Option<PathBuf>,
    /// Verify the manifest checksum of `snapshot_file` against the files (costs a full read).
    pub verify_manifest: bool,
}

/// A build failure, worded for the person running `cargo build`.
#[derive(Debug)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// Warnings to show the builder (`cargo:warning=`), collected while compiling.
pub type Warnings = Vec<String>;

/// Reads the models and builds the whole catalog.
pub fn build(opts: &Options) -> Result<(Catalog, Warnings), Error> {
    let mut warnings = Vec::new();
    let files = models::discover(&opts.models_dir)?;
    let snapshot = models::read_snapshot(opts, &files, &mut warnings)?;
    let parsed = smithy::parse_all(&files)?;
    let named = names::assign(&parsed, opts.services.as_deref())?;
    let mut catalog = lower::lower(&parsed, &named, &mut warnings)?;
    catalog.snapshot = snapshot;
    catalog.snapshot.slim = named.slim;
    let usage = match &opts.cli_dir {
        Some(dir) => usage::load(dir, &catalog)?,
        None => usage::Usage::default(),
    };
    catalog.search = search::build_index(&catalog, &usage);
    Ok((catalog, warnings))
}
