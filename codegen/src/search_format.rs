//! The search index over operations, built at compile time (see `generate::search`) and read by
//! the server's ranked search (`src/catalog/search.rs`).
//!
//! OWNER: search. The layout below is the first cut; the search work may reshape it freely.

use rkyv::{Archive, Deserialize, Serialize};

#[derive(Archive, Serialize, Deserialize, Debug, Clone, Default)]
pub struct SearchIndex {
    /// Sorted vocabulary of index terms (lower-case, stemmed).
    pub terms: Vec<String>,
    /// `postings[t]`: the operations containing `terms[t]`, with a field weight.
    pub postings: Vec<Vec<Posting>>,
}

#[derive(Archive, Serialize, Deserialize, Debug, Clone, Copy, Default)]
pub struct Posting {
    pub op: u32,
    pub weight: u16,
}
