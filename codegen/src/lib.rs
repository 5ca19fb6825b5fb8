//! Build-time compiler of the AWS Smithy JSON models into aws-exec-mcp's static catalog.
//!
//! [`format`] holds the catalog's data types (always compiled: the server reads them zero-copy
//! at run time). With the `generate` feature, [`generate`] reads a models directory, builds the
//! catalog and writes it into the server's `OUT_DIR`.

pub mod format;
pub mod search_format;
pub mod search_terms;
pub mod text;

#[cfg(feature = "generate")]
pub mod generate;
