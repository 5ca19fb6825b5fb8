//! The search index over operations, built at compile time (`generate::search`) and read zero
//! copy by the server's ranked search (`src/catalog/search.rs`).
//!
//! Layout: one sorted vocabulary of terms; every term owns a slice of each posting list, found
//! through CSR offsets (`<field>_offsets[t] .. <field>_offsets[t + 1]`). Terms are the stems of
//! `search_terms` (`describ`, `instanc`) plus glued forms (`describeinstances` for the exact
//! operation name field, `cloudwatchlog` for service names), so one binary search finds a
//! query word in every field.
//!
//! Fields:
//! * `name`: stems of the operation name (`DescribeDBInstances` → `describ`, `db`, `instanc`);
//! * `summary`: stems of the operation's summary (first sentence), with the term frequency;
//! * `usage`: stems of how people ask for the operation: the titles and descriptions of the AWS
//!   CLI's usage examples of it ("To purge a queue"), and the CLI commands that call it
//!   (`s3 cp` → PutObject), with the term frequency (BM25, like `summary`);
//! * `exact`: the whole operation name, lower-case and glued (`describedbinstances`), and the
//!   glued names of CLI commands that call it without being named after it (`s3cp`,
//!   `updatekubeconfig`, `ec2waitinstancerunning`);
//! * `service`: the glued stems / glued words of a service's names (canonical name, aliases,
//!   CLI name, sdkId, title), with how unambiguous the name is;
//! * `service_word`: single stems of service titles and names (`queue` → sqs), a weak hint.
//!
//! Per operation: its name stems in order (to judge how much of the name a query covers), its
//! summary length (BM25 length normalisation) and a prior (service and operation popularity).
//! The typo dictionary lists the surface words of operation and service names, bucketed by
//! length, each with a letter mask for a cheap pre-filter before the edit distance.

use rkyv::{Archive, Deserialize, Serialize};

/// Packs a posting with a small value (term frequency, strength) into one `u32`:
/// the id in the high 24 bits, the value in the low 8.
pub const fn pack(id: u32, value: u8) -> u32 {
    (id << 8) | value as u32
}

/// The inverse of [`pack`].
pub const fn unpack(p: u32) -> (u32, u8) {
    (p >> 8, (p & 0xff) as u8)
}

#[derive(Archive, Serialize, Deserialize, Debug, Clone, Default)]
pub struct SearchIndex {
    /// Sorted vocabulary (byte order).
    pub terms: Vec<String>,
    /// Operation ids per term, from operation names.
    pub name_offsets: Vec<u32>,
    pub name_postings: Vec<u32>,
    /// `pack(op, w)` per term, from summaries: `w` is the BM25 term-frequency factor (with the
    /// summary's length normalisation) times [`SUMMARY_TF_SCALE`].
    pub summary_offsets: Vec<u32>,
    pub summary_postings: Vec<u32>,
    /// `pack(op, w)` per term, from the operation's usage text (see the module doc), `w` as in
    /// `summary_postings`.
    pub usage_offsets: Vec<u32>,
    pub usage_postings: Vec<u32>,
    /// Operation ids per glued lower-case operation name or CLI command.
    pub exact_offsets: Vec<u32>,
    pub exact_postings: Vec<u32>,
    /// `pack(service, strength)` per service name key; strength 255 = unambiguous.
    pub service_offsets: Vec<u32>,
    pub service_postings: Vec<u32>,
    /// Service ids per title/name word.
    pub service_word_offsets: Vec<u32>,
    pub service_word_postings: Vec<u32>,
    /// Per operation: the distinct stems of its name that say what it does (fillers such as
    /// `and`, `v2` left out): `op_name_terms[op_name_offsets[op] .. op_name_offsets[op + 1]]`.
    pub op_name_terms: Vec<u32>,
    pub op_name_offsets: Vec<u32>,
    /// Per operation: the distinct words of its name as written (`clusters`, not `cluster`),
    /// as term ids: `op_surface_terms[op_surface_offsets[op] .. op_surface_offsets[op + 1]]`.
    pub op_surface_terms: Vec<u32>,
    pub op_surface_offsets: Vec<u32>,
    /// Per term: [`TERM_ASPECT`] and other flags.
    pub term_flags: Vec<u8>,
    /// Per operation: what the ranking reads for every candidate, packed together.
    pub ops: Vec<OpInfo>,
    /// Per service: popularity prior (widely used services > 0, superseded ones < 0).
    pub service_prior: Vec<f32>,
    /// Typo dictionary: surface words (lower-case ASCII) of operation and service names, sorted
    /// by length; words of length `l` are `typo_len_offsets[l] .. typo_len_offsets[l + 1]`
    /// (lengths above the last bucket are not in the dictionary).
    pub typo_words: Vec<String>,
    /// The term each typo word stands for.
    pub typo_terms: Vec<u32>,
    /// Letter mask of each typo word (bit `c - 'a'` for letters, bit 26 for digits).
    pub typo_masks: Vec<u32>,
    pub typo_len_offsets: Vec<u32>,
}

/// Per-operation data of the ranking.
#[derive(Archive, Serialize, Deserialize, Debug, Clone, Copy, Default)]
pub struct OpInfo {
    /// The operation's service (index into the catalog's services).
    pub service: u32,
    /// The stem of its verb (`ListBuckets` → `list`, `BatchGetItem` → `get`), or [`NO_TERM`].
    pub verb: u32,
    /// The stem of the thing it acts on, its head noun (`ListUserPools` → `pool`,
    /// `GetSecretValue` → `secret`, `RestoreTableFromBackup` → `tabl`), or [`NO_TERM`].
    pub head: u32,
    /// Additive prior: operation popularity, minus a little when deprecated (the service's
    /// popularity is [`SearchIndex::service_prior`]).
    pub prior: f32,
    /// The head noun is written in the plural (`ListClusters`).
    pub head_plural: bool,
}

/// Scale of the summary term-frequency factors stored in the postings.
pub const SUMMARY_TF_SCALE: f32 = 64.0;
/// BM25 parameters of the summary field.
pub const BM25_K1: f32 = 1.2;
pub const BM25_B: f32 = 0.75;

/// Letter mask of a word, as stored in [`SearchIndex::typo_masks`].
pub fn letter_mask(word: &str) -> u32 {
    word.bytes().fold(0u32, |m, b| match b {
        b'a'..=b'z' => m | 1 << (b - b'a'),
        b'0'..=b'9' => m | 1 << 26,
        _ => m | 1 << 27,
    })
}

/// Term flag: an aspect word of operation names (`value`, `attributes`), see
/// `search_terms::is_aspect_word`.
pub const TERM_ASPECT: u8 = 1;
/// Term flag: a word of some operation name as written (`clusters`).
pub const TERM_SURFACE: u8 = 2;

/// No term (an operation name without a verb).
pub const NO_TERM: u32 = u32::MAX;

/// Longest word kept in the typo dictionary.
pub const TYPO_MAX_LEN: usize = 24;
