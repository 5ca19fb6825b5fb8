//! The compiled catalog's data types, shared by the build-time compiler (`codegen`, which
//! writes the archive) and the server (which reads it zero-copy at run time).
//!
//! A crate of its own so that the server depends on the data types only, never on the
//! generator and its dependencies: the build the tests run is then the build that ships.

pub mod format;
pub mod search_format;
pub mod search_terms;
pub mod text;
