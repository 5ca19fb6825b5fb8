//! Build-time compiler of the AWS Smithy JSON models into aws-exec-mcp's static catalog.
//!
//! [`generate`] reads a models directory, builds the catalog and writes it into the server's
//! `OUT_DIR`. The catalog's data types live in the `catalog-format` crate (the server depends
//! on that crate only; this one is its build-dependency); they are re-exported here under
//! their old paths.

pub use catalog_format::{format, search_format, search_terms, text};

pub mod generate;
