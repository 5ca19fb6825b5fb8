//! Ranked search over the compiled operations (`aws_search_operations`).
//!
//! The index (`catalog_format::search_format`, built at compile time) is read in place. A query is
//! reduced to *concepts* (one per meaningful word or phrase), each with alternative terms: the
//! word's stem, its synonyms, the operation verbs it stands for, typo corrections. Service
//! mentions ("s3", "dynamo db", "step functions") and hints ("bucket" → s3) are collected on
//! the side. Only the posting lists of those terms are read.
//!
//! An operation's score adds up:
//! * per concept, the best alternative found in the operation name (IDF-weighted) plus the best
//!   found in its summary or its usage text (BM25; the AWS CLI's examples and commands), times
//!   the concept's weight (words after a preposition — the
//!   context, "objects *in a bucket*" — weigh less);
//! * a bonus when its service is named, a smaller one when it is hinted;
//! * name coverage: a bonus when the query covers every word of the operation name, a penalty
//!   per name word the query does not mention (ListBuckets over
//!   ListBucketAnalyticsConfigurations);
//! * a bonus when the query spells the whole operation name (`ListBuckets`,
//!   `describe-key-pairs`);
//! * verb agreement: a penalty when the query's action verb does not match the operation's;
//!   read operations are preferred for questions ("which ...", "what ...");
//! * the operation's prior (service and operation popularity).
//!
//! Ties break on the operation index, so results are deterministic.

use std::collections::HashMap;
use std::sync::LazyLock;

use catalog_format::search_format::{
    ArchivedSearchIndex, NO_TERM, SUMMARY_TF_SCALE, TERM_ASPECT, TERM_SURFACE, TYPO_MAX_LEN,
    letter_mask, unpack,
};
use catalog_format::search_terms::{self as st, glued, is_stop_word, stem, words};

/// One result: an operation index into the catalog and its score (higher is better).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub op: u32,
    pub score: f32,
}

// Scoring weights.
const NAME_W: f32 = 1.0;
const SUMMARY_W: f32 = 0.3;
/// Usage text (the AWS CLI's examples and commands), scored like the summary, for a word the
/// operation's name does not match: an operation counts the better of summary and usage.
const USAGE_W: f32 = 0.3;
const EXPLICIT_W: f32 = 5.0;
const IMPLIED_W: f32 = 2.0;
const SERVICE_WORD_W: f32 = 1.5;
const FULL_COVER_W: f32 = 1.5;
const UNMATCHED_W: f32 = 1.0;
const EXACT_W: f32 = 6.0;
const VERB_MISMATCH_W: f32 = 1.5;
const READ_PRIOR_W: f32 = 0.6;
/// Per operation-name word the query spells the same way (`clusters` → ListClusters).
const SURFACE_W: f32 = 0.4;
/// Weight of words in the context part of a query (after a preposition).
const CONTEXT_W: f32 = 0.6;
/// Weight of a participle that introduces the context ("attached" in "disks attached to").
const MODIFIER_W: f32 = 0.3;
/// Weight of a summary match for a word the operation name matches too.
const SUMMARY_WITH_NAME_W: f32 = 0.3;
/// The implicit list/describe/get of a question, relative to a typed verb.
const QUESTION_VERB_W: f32 = 0.5;
/// Weight of a word that names a service, as a word of operation names.
const SERVICE_PART_W: f32 = 0.5;
const SYNONYM_W: f32 = 0.85;
/// A synonym hinting at a service at least this strongly names it ("kubernetes" → eks).
const NAMES_SERVICE: f32 = 0.9;
/// Value of the action verb matching the operation's verb (verbs are not weighed by rarity).
const ACTION_VERB_W: f32 = 2.0;
/// The action word found in the operation name but not as its verb, relative.
const ACTION_IN_NAME_W: f32 = 0.8;
/// Extra when the operation's verb is the verb typed ("get" → GetSecretValue over ListSecrets).
const EXACT_VERB_W: f32 = 1.0;
/// Per missing aspect word of an operation name (`Value`, `Attributes`).
const ASPECT_UNMATCHED_W: f32 = 0.5;
/// The operation's head noun is the query's object.
const HEAD_W: f32 = 1.0;
/// The operation's head noun agrees in number with the query's.
const NUMBER_W: f32 = 0.5;
/// A service of the family of a service named (`bedrock` → bedrock-runtime), relative to it.
const FAMILY_W: f32 = 0.5;
/// A service named first, relative to one named further on.
const LEADING_W: f32 = 1.5;
/// A successor of a service named (`waf` → wafv2), relative to it.
const SUCCESSOR_W: f32 = 0.9;
/// Hints and popularity of services other than the one named outright, relative.
const SCOPED_OTHER_W: f32 = 0.3;
const TYPO1_W: f32 = 0.8;
const TYPO2_W: f32 = 0.65;
/// Alternatives at least this strong count for name coverage.
const COVER_MIN_W: f32 = 0.5;

/// Longest query text looked at (bytes); the tool limits queries to 256 characters anyway.
const MAX_QUERY_BYTES: usize = 1024;
/// Most words looked at.
const MAX_WORDS: usize = 32;

/// Searches all operations (or those of `service`), best first, at most `limit`.
pub fn search(query: &str, service: Option<u32>, limit: usize) -> Vec<Hit> {
    search_where(query, service, limit, &|_| true)
}

/// [`search`] over the operations `visible` keeps (the policy's exposure): the top `limit`
/// of those, not fewer hits after the fact.
pub fn search_where(
    query: &str,
    service: Option<u32>,
    limit: usize,
    visible: &dyn Fn(u32) -> bool,
) -> Vec<Hit> {
    let catalog = super::get();
    let ix = &catalog.search;
    let n_ops = ix.ops.len();
    if limit == 0 || n_ops == 0 {
        return Vec::new();
    }
    let range = match service {
        Some(s) => match catalog.services.get(s as usize) {
            Some(svc) => {
                let first = svc.first_op.to_native();
                first..first + svc.op_count.to_native()
            }
            None => return Vec::new(),
        },
        None => 0..n_ops as u32,
    };
    let q = parse(ix, query);
    score(ix, catalog, &q, range, limit, visible)
}

/// Builds the search's lazily made tables and scratch space now (a few milliseconds), so that
/// the first query does not pay for them; for the server's start-up.
pub fn warm_up() {
    let _ = search("list buckets", None, 1);
}

/// The parsed query.
#[derive(Debug, Default)]
struct Query {
    concepts: Vec<Concept>,
    /// Services named in the query, with a strength in 0..=1.
    explicit: Vec<(u32, f32)>,
    /// Services named first ("sns publish", "aws sqs ..."): the query is scoped to them.
    leading: Vec<u32>,
    /// Services hinted at by the words used.
    implied: Vec<(u32, f32)>,
    /// Glued lower-case spellings of whole operation names (`describekeypairs`).
    exact: Vec<String>,
    /// The content words without the service's name, glued: an exact name within the services
    /// named (`s3 list buckets` → `listbuckets`).
    exact_in_service: String,
    /// Index of the concept that is the query's action verb.
    action: Option<usize>,
    /// The query asks about existing things (what/which/...) without an action verb.
    question: bool,
    /// Term ids of the words as typed (`clusters`), sorted.
    surface: Vec<u32>,
    /// Term ids of the stems of the words typed, sorted.
    own_stems: Vec<u32>,
}

#[derive(Debug, Default, Clone)]
struct Concept {
    /// Term ids with a weight.
    alts: Vec<(u32, f32)>,
    weight: f32,
    /// Can be the query's action verb.
    verb: bool,
    /// Names a service (it still matches operation names, at a lower weight).
    service_part: bool,
    /// The first alternative is the word as typed (its stem).
    own: bool,
    /// Does not count for name coverage.
    no_cover: bool,
    /// Part of the query's context (after a preposition).
    context: bool,
    /// Operation verbs this word stands for, if it turns out to be the query's action.
    verb_alts: Vec<(u32, f32)>,
    /// Written in the plural ("clusters").
    plural: bool,
    /// The services this word names: it does not also score as a word of their operations'
    /// names ("logs" names cloudwatch-logs; GetLogEvents is not more "logs" than
    /// CreateExportTask).
    names: Vec<u32>,
    /// Synonyms, kept if the word turns out to be the head noun or in the context (in "container
    /// clusters" the modifier "container" does not also mean "task").
    syn_alts: Vec<(u32, f32)>,
}

impl Concept {
    fn add(&mut self, term: u32, w: f32) {
        match self.alts.iter_mut().find(|(t, _)| *t == term) {
            Some((_, old)) => *old = old.max(w),
            None => self.alts.push((term, w)),
        }
    }
}

#[derive(Debug)]
struct Token {
    raw: String,
    stem: String,
    stop: bool,
    /// Already turned into concepts (phrase) or part of a service name.
    consumed: bool,
    service_part: bool,
    /// After a preposition: context rather than the object of the action.
    context: bool,
    /// A participle introducing the context ("attached" in "disks attached to ...").
    modifier: bool,
    /// The services this word names.
    names: Vec<u32>,
}

/// Ids (terms or services) with a weight.
type Weighted = Vec<(u32, f32)>;

/// The synonym tables of `search_terms`, stemmed and resolved to term and service ids of the
/// compiled index, built on first use.
struct Tables {
    /// Phrases by their first stem.
    phrases: HashMap<String, Vec<PreparedPhrase>>,
    /// Synonyms by word: (alternative terms, services hinted).
    synonyms: HashMap<&'static str, (Vec<u32>, Weighted)>,
    /// Verbs by stem: the operation verbs (terms) they stand for.
    verbs: HashMap<String, Vec<(u32, f32)>>,
    /// Terms of the read verbs list, describe, get.
    read_verbs: Vec<u32>,
    /// Per service: the services of its family (`bedrock` → bedrock-runtime, bedrock-agent...).
    families: Vec<Vec<u32>>,
    /// Per service: its successors (`waf` → wafv2, `ses` → sesv2), which answer to its name.
    successors: Vec<Vec<u32>>,
    /// Per operation: what base scoring reads.
    ops: Vec<OpMeta>,
}

struct PreparedPhrase {
    stems: Vec<String>,
    /// Per replacement concept: its alternatives as (position, term, is a verb).
    concepts: Vec<Vec<(usize, u32, bool)>>,
    services: Vec<(u32, f32)>,
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| build_tables(&super::get().search));

fn build_tables(ix: &ArchivedSearchIndex) -> Tables {
    let services = |list: &[(&str, f32)]| -> Vec<(u32, f32)> {
        list.iter()
            .filter_map(|&(name, w)| service_by_name(name).map(|s| (s, w)))
            .collect()
    };
    let mut verbs: HashMap<String, Vec<(u32, f32)>> = HashMap::new();
    for &(verb, alts) in st::VERBS {
        verbs.entry(stem(verb)).or_insert_with(|| {
            alts.iter()
                .filter_map(|&(a, w)| term_id(ix, &stem(a)).map(|t| (t, w)))
                .collect()
        });
    }
    let mut phrases: HashMap<String, Vec<PreparedPhrase>> = HashMap::new();
    for &(phrase, replacement, hinted) in st::PHRASES {
        let stems: Vec<String> = words(phrase).iter().map(|w| stem(w)).collect();
        let Some(first) = stems.first().cloned() else {
            continue;
        };
        let concepts = replacement
            .split_whitespace()
            .map(|c| {
                c.split('|')
                    .flat_map(words)
                    .map(|w| stem(&w))
                    .enumerate()
                    .filter_map(|(i, s)| term_id(ix, &s).map(|t| (i, t, verbs.contains_key(&s))))
                    .collect()
            })
            .collect();
        phrases.entry(first).or_default().push(PreparedPhrase {
            stems,
            concepts,
            services: services(hinted),
        });
    }
    for list in phrases.values_mut() {
        list.sort_by_key(|p| std::cmp::Reverse(p.stems.len()));
    }
    let mut synonyms = HashMap::new();
    for &(word, alts, hinted) in st::SYNONYMS {
        synonyms.entry(word).or_insert_with(|| {
            let terms = words(alts)
                .iter()
                .filter_map(|w| term_id(ix, &stem(w)))
                .collect();
            (terms, services(hinted))
        });
    }
    let read_verbs = ["list", "describe", "get"]
        .iter()
        .filter_map(|v| term_id(ix, &stem(v)))
        .collect();
    let services = &super::get().services;
    let families = services
        .iter()
        .map(|s| {
            let prefix = format!("{}-", s.name.as_str());
            services
                .iter()
                .enumerate()
                .filter(|(_, t)| t.name.as_str().starts_with(&prefix))
                .map(|(i, _)| i as u32)
                .collect()
        })
        .collect();
    let by_glued: HashMap<String, u32> = services
        .iter()
        .enumerate()
        .map(|(i, s)| (glued(s.name.as_str()), i as u32))
        .collect();
    let successors = services
        .iter()
        .map(|s| {
            let name = glued(s.name.as_str());
            [format!("{name}v2"), format!("{name}2")]
                .iter()
                .filter_map(|n| by_glued.get(n).copied())
                .collect()
        })
        .collect();
    let ops = ix
        .ops
        .iter()
        .enumerate()
        .map(|(i, o)| OpMeta {
            service: o.service.to_native(),
            verb: o.verb.to_native(),
            prior: o.prior.to_native(),
            name_bits: ix.op_name_terms[span(&ix.op_name_offsets, i as u32)]
                .iter()
                .fold(0, |bits, t| bits | name_bit(t.to_native())),
        })
        .collect();
    Tables {
        phrases,
        synonyms,
        verbs,
        read_verbs,
        families,
        successors,
        ops,
    }
}

fn term_id(ix: &ArchivedSearchIndex, term: &str) -> Option<u32> {
    ix.terms
        .binary_search_by(|t| t.as_str().cmp(term))
        .ok()
        .map(|i| i as u32)
}

fn span(offsets: &[rkyv::rend::u32_le], t: u32) -> std::ops::Range<usize> {
    let t = t as usize;
    match (offsets.get(t), offsets.get(t + 1)) {
        (Some(a), Some(b)) => a.to_native() as usize..b.to_native() as usize,
        _ => 0..0,
    }
}

fn name_df(ix: &ArchivedSearchIndex, t: u32) -> usize {
    span(&ix.name_offsets, t).len()
}

fn summary_df(ix: &ArchivedSearchIndex, t: u32) -> usize {
    span(&ix.summary_offsets, t).len()
}

fn usage_df(ix: &ArchivedSearchIndex, t: u32) -> usize {
    span(&ix.usage_offsets, t).len()
}

fn service_keys(ix: &ArchivedSearchIndex, t: u32) -> impl Iterator<Item = (u32, f32)> + '_ {
    ix.service_postings[span(&ix.service_offsets, t)]
        .iter()
        .map(|p| {
            let (svc, s) = unpack(p.to_native());
            (svc, s as f32 / 255.0)
        })
}

fn service_by_name(name: &str) -> Option<u32> {
    super::get()
        .services
        .binary_search_by(|s| s.name.as_str().cmp(name))
        .ok()
        .map(|i| i as u32)
        .or_else(|| {
            super::get()
                .services
                .iter()
                .position(|s| s.name.as_str() == name)
                .map(|i| i as u32)
        })
}

fn push_service(list: &mut Vec<(u32, f32)>, svc: u32, strength: f32) {
    match list.iter_mut().find(|(s, _)| *s == svc) {
        Some((_, old)) => *old = old.max(strength),
        None => list.push((svc, strength)),
    }
}

fn tokens(query: &str) -> (Vec<Token>, Vec<String>) {
    let mut q = query;
    if q.len() > MAX_QUERY_BYTES {
        let mut end = MAX_QUERY_BYTES;
        while !q.is_char_boundary(end) {
            end -= 1;
        }
        q = &q[..end];
    }
    let mut toks = Vec::new();
    let mut exact = Vec::new();
    for piece in q.split(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                ':' | '/' | ',' | ';' | '(' | ')' | '"' | '?' | '!' | '\''
            )
    }) {
        let ws = words(piece);
        if ws.len() >= 2 {
            exact.push(glued(piece));
        }
        for w in ws {
            if toks.len() >= MAX_WORDS {
                break;
            }
            toks.push(Token {
                stem: stem(&w),
                stop: is_stop_word(&w),
                raw: w,
                consumed: false,
                service_part: false,
                context: false,
                modifier: false,
                names: Vec::new(),
            });
        }
    }
    // Context: everything after a preposition that follows some content. A participle starts
    // the context when a preposition follows it ("disks attached to my servers", not "list
    // attached policies"), or always for "named"/"called".
    let mut seen_content = false;
    let mut in_context = false;
    for i in 0..toks.len() {
        let raw = toks[i].raw.as_str();
        let starts = if st::is_participle_modifier(raw) {
            matches!(raw, "named" | "called")
                || toks.get(i + 1).is_some_and(|n| st::is_preposition(&n.raw))
        } else if raw == "of" {
            // "the value of a parameter": the parameter is the object, its value the aspect.
            !toks[..i]
                .iter()
                .rev()
                .find(|t| !t.stop)
                .is_some_and(|t| st::is_aspect_word(&t.raw))
        } else {
            st::is_preposition(raw)
        };
        if seen_content && starts {
            in_context = true;
            toks[i].modifier = st::is_participle_modifier(raw);
        }
        toks[i].context = in_context;
        if !toks[i].stop {
            seen_content = true;
        }
    }
    (toks, exact)
}

fn parse(ix: &ArchivedSearchIndex, query: &str) -> Query {
    let tables = &*TABLES;
    let (mut toks, mut exact) = tokens(query);
    let mut q = Query::default();
    // Concepts with their token position (for ordering and context).
    let mut concepts: Vec<(usize, Concept)> = Vec::new();

    // 1. Service names: n-grams of up to 3 words, longest first, glued as raw words or as
    //    stems ("dynamo db" → dynamodb, "step functions" → stepfunction, "logs" → cloudwatch-logs).
    let n = toks.len();
    for len in (1..=3usize).rev() {
        for i in 0..n.saturating_sub(len - 1) {
            let span = &toks[i..i + len];
            // Inside a longer name only a service's own canonical name still counts
            // ("neptune db": neptunedata, and neptune).
            let inside = span.iter().any(|t| t.service_part);
            if inside && (len > 1 || service_by_name(&span[0].raw).is_none()) {
                continue;
            }
            // Stop words only inside raw n-grams, and only "api" ("api gateway").
            if span.iter().any(|t| t.stop && t.raw != "api") || (len == 1 && span[0].stop) {
                continue;
            }
            let raw: String = span.iter().map(|t| t.raw.as_str()).collect();
            let stems: String = span.iter().map(|t| t.stem.as_str()).collect();
            let mut found = false;
            let mut named: Vec<u32> = Vec::new();
            for key in [raw.as_str(), stems.as_str()] {
                if let Some(t) = term_id(ix, key) {
                    for (svc, strength) in service_keys(ix, t) {
                        push_service(&mut q.explicit, svc, strength);
                        named.push(svc);
                        found = true;
                    }
                }
                if found {
                    break;
                }
            }
            if found {
                for t in &mut toks[i..i + len] {
                    t.service_part = true;
                    t.names.extend(named.iter().copied());
                }
                // Named before any other content word: the query is scoped to the service.
                if toks[..i].iter().all(|t| t.stop) {
                    for key in [raw.as_str(), stems.as_str()] {
                        if let Some(t) = term_id(ix, key) {
                            q.leading.extend(service_keys(ix, t).map(|(s, _)| s));
                        }
                    }
                }
            }
        }
    }

    // 2. Phrases, first over all words, then over the words without stop words.
    for pass in 0..2 {
        let idx: Vec<usize> = (0..toks.len())
            .filter(|&i| {
                let t = &toks[i];
                // The second pass looks through articles and service names ("invalidate the
                // cloudfront cache" → "invalidate cache"), not through prepositions.
                !t.consumed && (pass == 0 || !(t.service_part || st::is_article(&t.raw)))
            })
            .collect();
        let mut k = 0;
        while k < idx.len() {
            let mut advanced = false;
            if let Some(cands) = tables.phrases.get(&toks[idx[k]].stem) {
                for p in cands {
                    let m = p.stems.len();
                    if k + m > idx.len() {
                        continue;
                    }
                    let ok =
                        p.stems.iter().enumerate().all(|(j, s)| {
                            toks[idx[k + j]].stem == *s && !toks[idx[k + j]].consumed
                        });
                    if !ok {
                        continue;
                    }
                    let pos = idx[k];
                    let context = toks[pos].context;
                    let last = &toks[idx[k + m - 1]];
                    let plural = st::is_plural(&last.raw, &last.stem);
                    let mut unnamed: Vec<u32> = Vec::new();
                    for j in 0..m {
                        let t = &mut toks[idx[k + j]];
                        t.consumed = true;
                        // A phrase that hints no service is not a service mention ("log in"
                        // is no CloudWatch Logs); one that does ("auto scaling group") keeps it.
                        if t.service_part && p.services.is_empty() {
                            t.service_part = false;
                            unnamed.append(&mut t.names);
                        }
                    }
                    unnamed.retain(|s| !toks.iter().any(|t| t.names.contains(s)));
                    q.explicit.retain(|(s, _)| !unnamed.contains(s));
                    q.leading.retain(|s| !unnamed.contains(s));
                    for alts in &p.concepts {
                        let mut c = Concept {
                            weight: if context { CONTEXT_W } else { 1.0 },
                            context,
                            plural,
                            ..Default::default()
                        };
                        for &(a, t, verb) in alts {
                            c.add(t, if a == 0 { 1.0 } else { SYNONYM_W });
                            c.own |= a == 0;
                            c.verb |= verb;
                        }
                        if !c.alts.is_empty() {
                            concepts.push((pos, c));
                        }
                    }
                    for &(svc, strength) in &p.services {
                        push_service(&mut q.implied, svc, strength);
                    }
                    k += m;
                    advanced = true;
                    break;
                }
            }
            if !advanced {
                k += 1;
            }
        }
    }

    // 2b. A question about a past action ("who deleted my bucket", "when was the role
    //     changed") asks for the account's API activity (CloudTrail LookupEvents): the action
    //     and its object are what to look for, not what to do.
    if let Some(at) = past_action_asked(&toks, tables) {
        toks[at].consumed = true;
        for t in &mut toks[at + 1..] {
            t.context = true;
        }
        for (word, verb) in [("lookup", true), ("event", false)] {
            if let Some(t) = term_id(ix, &stem(word)) {
                let mut c = Concept {
                    weight: 1.0,
                    verb,
                    own: true,
                    ..Default::default()
                };
                c.add(t, 1.0);
                concepts.push((at, c));
            }
        }
        if let Some(svc) = service_by_name("cloudtrail") {
            push_service(&mut q.implied, svc, 0.9);
        }
    }

    // 3. The remaining words.
    let question = toks.iter().any(|t| st::is_question_word(&t.raw));
    let first_content = toks.iter().position(|t| !t.stop && !t.service_part);
    let first_word = toks.iter().position(|t| !t.stop);
    for (pos, tok) in toks.iter().enumerate() {
        if tok.consumed || tok.stop {
            continue;
        }
        let leads = Some(pos) == first_content || Some(pos) == first_word;
        let mut c = Concept {
            weight: if tok.context { CONTEXT_W } else { 1.0 },
            service_part: tok.service_part,
            context: tok.context,
            plural: st::is_plural(&tok.raw, &tok.stem),
            names: tok.names.clone(),
            ..Default::default()
        };
        let own = term_id(ix, &tok.stem);
        if let Some(t) = own {
            c.add(t, 1.0);
            c.own = true;
        }
        // A participle introducing the context, a state ("running instances") that does not
        // lead the query, or a participle after "is/are" ("which addresses are allocated")
        // filters rather than names an operation.
        let predicate = tok.raw.ends_with("ed")
            && pos > 0
            && toks.get(pos - 1).is_some_and(|p| {
                matches!(
                    p.raw.as_str(),
                    "is" | "are" | "was" | "were" | "be" | "been" | "being"
                )
            });
        if tok.modifier || predicate || (!leads && st::is_state_word(&tok.raw)) {
            c.weight = MODIFIER_W;
            c.no_cover = true;
            if !(c.alts.is_empty() && c.syn_alts.is_empty() && c.verb_alts.is_empty()) {
                concepts.push((pos, c));
            }
            continue;
        }
        if tok.service_part {
            c.weight *= SERVICE_PART_W;
            // A service named by a verb may be the action when it leads ("deploy a new
            // version", "translate text").
            if Some(pos) == first_word
                && let Some(alts) = tables.verbs.get(&tok.stem)
            {
                c.verb = true;
                c.weight = 1.0;
                add_verb_alts(&mut c, alts, 1.0);
            }
            if !(c.alts.is_empty() && c.syn_alts.is_empty() && c.verb_alts.is_empty()) {
                concepts.push((pos, c));
            }
            continue;
        }
        // Synonyms and service hints.
        let syn = tables
            .synonyms
            .get(tok.raw.as_str())
            .or_else(|| tables.synonyms.get(tok.stem.as_str()));
        if let Some((alts, services)) = syn {
            c.syn_alts.extend(alts.iter().map(|&t| (t, SYNONYM_W)));
            for &(svc, strength) in services {
                if strength >= NAMES_SERVICE {
                    // "kubernetes", "nosql", "postgres": as good as the service's name.
                    push_service(&mut q.explicit, svc, strength);
                    if own.is_none_or(|t| name_df(ix, t) == 0) {
                        c.service_part = true;
                        c.weight *= SERVICE_PART_W;
                    }
                } else {
                    push_service(&mut q.implied, svc, strength);
                }
            }
        }
        // Verbs (not participles: "attached", "stored" describe, they do not act; an -ing
        // form acts only when it leads: "listing my buckets").
        let participle =
            (tok.raw.ends_with("ed") && tok.raw.len() > 4) || (tok.raw.ends_with("ing") && !leads);
        if !participle && let Some(alts) = tables.verbs.get(&tok.stem) {
            c.verb = true;
            add_verb_alts(&mut c, alts, 1.0);
        }
        // Typos: a word unknown to operation and service names.
        let known = own.is_some_and(|t| {
            name_df(ix, t) > 0
                || service_keys(ix, t).next().is_some()
                || summary_df(ix, t) > 2
                || usage_df(ix, t) > 2
        });
        if !known && syn.is_none() {
            let typos = if tok.raw.len() >= 4 {
                typo_candidates(ix, &tok.raw)
            } else {
                verb_typo(ix, tables, &tok.raw)
            };
            for (t, w) in typos {
                let mut is_service = false;
                // Short words are too easily one edit from some service's name.
                if tok.raw.len() >= 5 {
                    for (svc, strength) in service_keys(ix, t) {
                        push_service(&mut q.explicit, svc, strength * w);
                        is_service = true;
                    }
                }
                if is_service {
                    c.service_part = true;
                    c.weight = SERVICE_PART_W * if tok.context { CONTEXT_W } else { 1.0 };
                }
                c.add(t, w);
                // The correction stands for the word typed.
                c.own |= c.alts.len() == 1;
                // A misspelt verb is still a verb ("lsit", "descibe").
                if let Some(alts) = ix
                    .terms
                    .get(t as usize)
                    .and_then(|s| tables.verbs.get(s.as_str()))
                {
                    c.verb = true;
                    add_verb_alts(&mut c, alts, w);
                }
            }
        }
        if !(c.alts.is_empty() && c.syn_alts.is_empty() && c.verb_alts.is_empty()) {
            concepts.push((pos, c));
        }
    }

    concepts.sort_by_key(|(pos, _)| *pos);
    let mut concepts: Vec<Concept> = concepts.into_iter().map(|(_, c)| c).collect();
    // A term typed as a word of its own is that word's, not another word's synonym
    // ("kubernetes clusters": cluster is not also kubernetes' synonym).
    let owns: Vec<u32> = concepts
        .iter()
        .filter(|c| c.own)
        .filter_map(|c| c.alts.first().map(|a| a.0))
        .collect();
    for c in &mut concepts {
        let keep_first = usize::from(c.own);
        let mut i = keep_first;
        while i < c.alts.len() {
            if owns.contains(&c.alts[i].0) {
                c.alts.remove(i);
            } else {
                i += 1;
            }
        }
    }
    concepts.retain(|c| !(c.alts.is_empty() && c.syn_alts.is_empty() && c.verb_alts.is_empty()));
    // The same word twice ("tables in my nosql database" → table, table) counts once.
    let mut k = 0;
    while k < concepts.len() {
        let first = concepts[k].alts.first().map(|a| a.0);
        let dup = concepts[..k]
            .iter()
            .position(|c| c.own && concepts[k].own && c.alts.first().map(|a| a.0) == first);
        match dup {
            Some(j) => {
                let (w, context) = (concepts[k].weight, concepts[k].context);
                concepts[j].weight = concepts[j].weight.max(w);
                concepts[j].context &= context;
                concepts.remove(k);
            }
            None => k += 1,
        }
    }
    q.action = concepts
        .iter()
        .position(|c| c.verb && (!c.service_part || !c.verb_alts.is_empty()));
    tagging(ix, &mut concepts, q.action);
    // The verbs a query verb stands for are the action's only ("create a new version": "new"
    // is not another create); synonyms are the head noun's and the context's.
    let head = head_index(&concepts, q.action);
    for (i, c) in concepts.iter_mut().enumerate() {
        let alts = std::mem::take(&mut c.verb_alts);
        if Some(i) == q.action {
            for (t, w) in alts {
                if !owns.contains(&t) {
                    c.add(t, w);
                }
            }
        }
        let syns = std::mem::take(&mut c.syn_alts);
        if Some(i) == head || c.context || c.service_part || Some(i) == q.action {
            for (t, w) in syns {
                if !owns.contains(&t) {
                    c.add(t, w);
                }
            }
        }
    }
    q.question = question && q.action.is_none();
    if q.question {
        // "what clusters do I have": an implicit list/describe/get.
        let mut c = Concept {
            weight: QUESTION_VERB_W,
            verb: true,
            own: true,
            ..Default::default()
        };
        for (v, w) in [("list", 1.0), ("describ", 0.9), ("get", 0.8)] {
            if let Some(t) = term_id(ix, v) {
                c.add(t, w);
            }
        }
        if !c.alts.is_empty() {
            q.action = Some(concepts.len());
            concepts.push(c);
        }
    }
    q.concepts = concepts;

    // 4. Exact names: each multi-word piece ("describe-key-pairs", "ListBuckets"), and all the
    //    content words glued ("list attached user policies").
    let all: Vec<&Token> = toks.iter().filter(|t| !t.stop).collect();
    if all.len() >= 2 || (all.len() == 1 && toks.len() == 1) {
        exact.push(all.iter().map(|t| t.raw.as_str()).collect());
    }
    // Without the service's name ("s3 list buckets" → listbuckets): only within that service.
    let content: Vec<&Token> = all.iter().copied().filter(|t| !t.service_part).collect();
    if content.len() < all.len() && !content.is_empty() {
        q.exact_in_service = content.iter().map(|t| t.raw.as_str()).collect();
    }
    exact.sort();
    exact.dedup();
    q.exact = exact;
    q.surface = toks
        .iter()
        .filter(|t| !t.stop && !t.service_part)
        .filter_map(|t| term_id(ix, &t.raw))
        .collect();
    q.surface.sort_unstable();
    q.surface.dedup();
    // Only words spelled like some operation-name word count for number agreement (not
    // "updat").
    q.own_stems = toks
        .iter()
        .filter(|t| {
            !t.stop
                && !t.service_part
                && term_id(ix, &t.raw).is_some_and(|r| {
                    ix.term_flags
                        .get(r as usize)
                        .is_some_and(|f| f & TERM_SURFACE != 0)
                })
        })
        .filter_map(|t| term_id(ix, &t.stem))
        .collect();
    q.own_stems.sort_unstable();
    q.own_stems.dedup();
    q
}

/// Tagging ("add a tag to my function", "remove tags from a secret", "tag a distribution"):
/// the thing named is the resource being tagged, which most services call `Resource`
/// (TagResource, UntagResource, ListTagsForResource). When the query speaks of tags and its
/// action adds or removes, the action stands for the tagging verbs (tag, untag, and the
/// add/put/remove/delete of AddTags, PutBucketTagging, RemoveTags...), and every other noun
/// becomes context that also matches the word `Resource`.
fn tagging(ix: &ArchivedSearchIndex, concepts: &mut [Concept], action: Option<usize>) {
    let id = |w: &str| term_id(ix, w);
    let (Some(tag), Some(untag), Some(resource)) = (id("tag"), id("untag"), id("resourc")) else {
        return;
    };
    let Some(a) = action else {
        return;
    };
    let first = |c: &Concept| c.alts.first().map(|x| x.0);
    let verb_is_tag = first(&concepts[a]) == Some(tag);
    let verb_is_untag = first(&concepts[a]) == Some(untag);
    let tag_noun = concepts
        .iter()
        .enumerate()
        .any(|(i, c)| i != a && c.own && first(c) == Some(tag));
    if !(verb_is_tag || verb_is_untag || tag_noun) {
        return;
    }
    let has = |c: &Concept, w: &str| id(w).is_some_and(|t| c.alts.iter().any(|x| x.0 == t));
    let verbs: &[(&str, f32)] = if verb_is_untag
        || (tag_noun
            && ["remov", "delet", "untag", "clear", "drop"]
                .iter()
                .any(|w| has(&concepts[a], w)))
    {
        &[("untag", 1.0), ("remov", 0.9), ("delet", 0.9)]
    } else if verb_is_tag
        || ["add", "put", "set", "appli", "assign", "attach"]
            .iter()
            .any(|w| has(&concepts[a], w))
    {
        &[("tag", 1.0), ("add", 0.9), ("put", 0.8), ("creat", 0.6)]
    } else if tag_noun
        && ["list", "describ", "get"]
            .iter()
            .any(|w| has(&concepts[a], w))
    {
        // Reading the tags: the action stays as it is.
        &[]
    } else {
        return;
    };
    if !verbs.is_empty() {
        let c = &mut concepts[a];
        c.alts.clear();
        c.verb_alts.clear();
        for &(w, weight) in verbs {
            if let Some(t) = id(w) {
                c.add(t, weight);
            }
        }
    }
    let removes = verbs.first().is_some_and(|v| v.0 == "untag");
    for (i, c) in concepts.iter_mut().enumerate() {
        if i == a || c.service_part || c.verb {
            continue;
        }
        if first(c) == Some(tag) {
            // The tags removed are the "Untag" of UntagResource.
            if removes {
                c.add(untag, SYNONYM_W);
            }
            continue;
        }
        c.context = true;
        c.weight = c.weight.min(CONTEXT_W);
        c.add(resource, SYNONYM_W);
    }
}

/// The position of the past action a question asks about: a verb's past form ("deleted",
/// "changed") after "who", or after "when was/were/did".
fn past_action_asked(toks: &[Token], tables: &Tables) -> Option<usize> {
    let asks = toks.iter().enumerate().position(|(i, t)| {
        !t.consumed
            && (t.raw == "who"
                || (t.raw == "when"
                    && toks
                        .get(i + 1)
                        .is_some_and(|n| matches!(n.raw.as_str(), "was" | "were" | "did"))))
    })?;
    toks.iter().enumerate().skip(asks + 1).find_map(|(i, t)| {
        (!t.consumed
            && !t.service_part
            && t.raw.len() > 4
            && t.raw.ends_with("ed")
            && tables.verbs.contains_key(&t.stem))
        .then_some(i)
    })
}

/// The query's head noun: the last word of its object, not a verb, a service name or context.
fn head_index(concepts: &[Concept], action: Option<usize>) -> Option<usize> {
    concepts.iter().enumerate().rev().find_map(|(i, c)| {
        (!c.no_cover && !c.context && !c.service_part && !c.verb && Some(i) != action).then_some(i)
    })
}

fn add_verb_alts(c: &mut Concept, alts: &[(u32, f32)], scale: f32) {
    for &(t, w) in alts {
        match c.verb_alts.iter_mut().find(|(x, _)| *x == t) {
            Some((_, old)) => *old = old.max(w * scale),
            None => c.verb_alts.push((t, w * scale)),
        }
    }
}

/// A three-letter word one edit away from a verb ("lst", "gte"): the verb's term.
fn verb_typo(ix: &ArchivedSearchIndex, tables: &Tables, word: &str) -> Vec<(u32, f32)> {
    if word.len() != 3 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return Vec::new();
    }
    let mut out: Vec<(u32, f32)> = tables
        .verbs
        .keys()
        .filter(|v| v.len() <= 4 && damerau_levenshtein(word.as_bytes(), v.as_bytes(), 1).is_some())
        .filter_map(|v| term_id(ix, v))
        .map(|t| (t, TYPO1_W))
        .collect();
    out.sort_by_key(|a| a.0);
    out.dedup();
    out
}

/// Vocabulary terms within a small edit distance of `word`: distance 1 for words of 4..=6
/// letters, 2 from 7 letters. Only the closest distance found is kept.
fn typo_candidates(ix: &ArchivedSearchIndex, word: &str) -> Vec<(u32, f32)> {
    let len = word.len();
    if !word.bytes().all(|b| b.is_ascii_alphanumeric()) || len > TYPO_MAX_LEN {
        return Vec::new();
    }
    let max_d = if len >= 7 { 2 } else { 1 };
    let mask = letter_mask(word);
    let mut best = max_d + 1;
    let mut out: Vec<(u32, usize)> = Vec::new();
    let lo = len.saturating_sub(max_d).max(3);
    let hi = (len + max_d).min(TYPO_MAX_LEN);
    for l in lo..=hi {
        let r = match (ix.typo_len_offsets.get(l), ix.typo_len_offsets.get(l + 1)) {
            (Some(a), Some(b)) => a.to_native() as usize..b.to_native() as usize,
            _ => continue,
        };
        for i in r {
            let m = ix.typo_masks[i].to_native();
            if (m ^ mask).count_ones() as usize > 2 * max_d {
                continue;
            }
            let cand = ix.typo_words[i].as_str();
            if let Some(d) = damerau_levenshtein(word.as_bytes(), cand.as_bytes(), best.min(max_d))
            {
                if d < best {
                    best = d;
                    out.clear();
                }
                if d == best && d > 0 {
                    out.push((ix.typo_terms[i].to_native(), d));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out.truncate(8);
    out.into_iter()
        .map(|(t, d)| (t, if d == 1 { TYPO1_W } else { TYPO2_W }))
        .collect()
}

/// Optimal-string-alignment distance between `a` and `b` if it is at most `max`.
fn damerau_levenshtein(a: &[u8], b: &[u8], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let w = b.len() + 1;
    let mut prev2 = vec![0usize; w];
    let mut prev: Vec<usize> = (0..w).collect();
    let mut cur = vec![0usize; w];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..w {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

fn idf(n: usize, df: usize) -> f32 {
    let (n, df) = (n as f32, df as f32);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// Per-query scratch space, reused by the thread: one slot per operation.
#[derive(Default)]
struct Scratch {
    slots: Vec<Slot>,
    /// A search is using the slots (they are reset entry by entry when it ends).
    in_use: bool,
}

/// What a query accumulates for one operation. The fields sit together so that touching an
/// operation costs one cache line, not one per array: with a cold cache (the client ran in
/// between), misses are most of a query's time.
#[derive(Clone, Copy, Default)]
struct Slot {
    acc: f32,
    best_name: f32,
    best_summary: f32,
    best_usage: f32,
    /// 0: not a candidate; 1: candidate; 2: candidate spelled exactly.
    mark: u8,
}

impl Slot {
    /// No field of the current concept has touched it yet.
    fn untouched(&self) -> bool {
        self.best_name == 0.0 && self.best_summary == 0.0 && self.best_usage == 0.0
    }
}

/// What base scoring reads of an operation, packed (16 bytes) and built once.
#[derive(Clone, Copy)]
struct OpMeta {
    service: u32,
    verb: u32,
    prior: f32,
    /// One bit per name term (see [`name_bit`]): a term whose bit is clear is not in the name,
    /// so most candidates never read their name.
    name_bits: u32,
}

/// The bit of `term` in [`OpMeta::name_bits`].
fn name_bit(term: u32) -> u32 {
    1 << (term.wrapping_mul(0x9E37_79B9) >> 27)
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Score components of one operation, for [`explain`].
#[derive(Debug, Default, Clone, Copy)]
struct Parts {
    terms: f32,
    verb: f32,
    service: f32,
    exact: f32,
    cover: f32,
    surface: f32,
    prior: f32,
}

impl Parts {
    fn total(&self) -> f32 {
        self.terms + self.verb + self.service + self.exact + self.cover + self.surface + self.prior
    }
}

fn score(
    ix: &ArchivedSearchIndex,
    catalog: &catalog_format::format::ArchivedCatalog,
    q: &Query,
    range: std::ops::Range<u32>,
    limit: usize,
    visible: &dyn Fn(u32) -> bool,
) -> Vec<Hit> {
    score_parts(ix, catalog, q, range, limit, visible)
        .into_iter()
        .map(|(h, _)| h)
        .collect()
}

fn score_parts(
    ix: &ArchivedSearchIndex,
    catalog: &catalog_format::format::ArchivedCatalog,
    q: &Query,
    range: std::ops::Range<u32>,
    limit: usize,
    visible: &dyn Fn(u32) -> bool,
) -> Vec<(Hit, Parts)> {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => score_with(ix, catalog, q, range, limit, visible, &mut scratch),
        Err(_) => score_with(
            ix,
            catalog,
            q,
            range,
            limit,
            visible,
            &mut Scratch::default(),
        ),
    })
}

/// What scoring needs about the query besides the concepts, computed once.
struct QueryFeatures<'q> {
    /// Per service: named (0..=1), hinted (0..=1), title-word hint.
    service_bonus: Vec<f32>,
    /// Terms that count for name coverage, of the object of the query, and of its context.
    cover: Vec<u32>,
    main: Vec<u32>,
    context: Vec<u32>,
    /// Terms of the query's head noun (the last word of its object: "container *clusters*")
    /// and whether it is plural.
    head: Vec<u32>,
    head_plural: bool,
    action: Option<&'q Concept>,
    action_apart: bool,
    /// The verb as typed ("get"), not one it stands for ("describe").
    typed_verb: Option<u32>,
    read_verbs: Vec<u32>,
    /// The most the per-operation features left out of `base_score` (coverage, head, surface)
    /// can add.
    max_bonus: f32,
}

fn sorted_terms<'a>(concepts: impl Iterator<Item = &'a Concept>, min_w: f32) -> Vec<u32> {
    let mut v: Vec<u32> = concepts
        .flat_map(|c| c.alts.iter().filter(|(_, w)| *w >= min_w).map(|(t, _)| *t))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn score_with(
    ix: &ArchivedSearchIndex,
    catalog: &catalog_format::format::ArchivedCatalog,
    q: &Query,
    range: std::ops::Range<u32>,
    limit: usize,
    visible: &dyn Fn(u32) -> bool,
    sc: &mut Scratch,
) -> Vec<(Hit, Parts)> {
    let n_ops = ix.ops.len();
    // Fresh arrays the first time, or when an earlier search did not finish (a panic).
    if sc.slots.len() != n_ops || sc.in_use {
        *sc = Scratch {
            slots: vec![Slot::default(); n_ops],
            in_use: false,
        };
    }
    sc.in_use = true;
    let mut candidates: Vec<u32> = Vec::new();
    collect(ix, catalog, q, &range, sc, &mut candidates);
    let f = features(ix, catalog, q);

    // Every candidate's score without the per-operation features; the full score only for those
    // whose bound can still reach the top `limit` (exact: max_bonus bounds the features).
    let base: Vec<(f32, u32)> = candidates
        .iter()
        .filter(|&&op| visible(op))
        .map(|&op| (base_score(ix, sc, &f, op), op))
        .collect();
    let mut hits: Vec<(Hit, Parts)> = Vec::with_capacity(limit * 4 + 16);
    let by_base = |a: &(f32, u32), b: &(f32, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
    let mut order = base;
    let first = (limit * 4 + 16).min(order.len());
    if first < order.len() {
        order.select_nth_unstable_by(first - 1, by_base);
    }
    for &(_, op) in &order[..first] {
        hits.push(full_score(ix, sc, q, &f, op));
    }
    if first < order.len() {
        let mut scores: Vec<f32> = hits.iter().map(|h| h.0.score).collect();
        let k = limit.min(scores.len());
        let threshold = if k == 0 {
            f32::NEG_INFINITY
        } else {
            scores.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
            scores[k - 1]
        };
        for &(b, op) in &order[first..] {
            if b + f.max_bonus >= threshold {
                hits.push(full_score(ix, sc, q, &f, op));
            }
        }
    }
    // Reset the scratch entries this query used.
    for &op in &candidates {
        sc.slots[op as usize] = Slot::default();
    }
    sc.in_use = false;
    let cmp = |a: &(Hit, Parts), b: &(Hit, Parts)| {
        b.0.score.total_cmp(&a.0.score).then(a.0.op.cmp(&b.0.op))
    };
    if hits.len() > limit {
        hits.select_nth_unstable_by(limit.max(1) - 1, cmp);
        hits.truncate(limit);
    }
    hits.sort_by(cmp);
    hits
}

/// Reads the posting lists of the query's terms into the scratch slots and gathers the candidates
/// (operations matched by a word, spelled exactly, or of a service named).
fn collect(
    ix: &ArchivedSearchIndex,
    catalog: &catalog_format::format::ArchivedCatalog,
    q: &Query,
    range: &std::ops::Range<u32>,
    sc: &mut Scratch,
    candidates: &mut Vec<u32>,
) {
    let n_ops = ix.ops.len();
    let in_range = |op: u32| range.contains(&op) && (op as usize) < n_ops;
    let mut touched: Vec<u32> = Vec::new();
    // The action verb is scored through each candidate's own verb, unless it is all there is.
    let action_apart = q.action.is_some() && q.concepts.len() > 1;
    // A query that is only a verb ("list"): its own word in operation names is all there is
    // to read (the verbs it stands for and summaries would make every operation a candidate).
    let verb_only = q.action.is_some() && q.concepts.len() == 1;
    for (ci, c) in q.concepts.iter().enumerate() {
        if action_apart && Some(ci) == q.action {
            continue;
        }
        let alts = if verb_only {
            &c.alts[..c.alts.len().min(1)]
        } else {
            &c.alts[..]
        };
        // A synonym is worth what the word typed is worth (times its weight): "machines" →
        // instance counts like "machines", not like the far more common "instance".
        let own = c.alts.first().filter(|_| c.own).map(|&(t, _)| t);
        let own_n = own
            .map(|t| name_df(ix, t))
            .filter(|&df| df > 0)
            .map(|df| idf(n_ops, df));
        let own_s = own
            .map(|t| summary_df(ix, t))
            .filter(|&df| df > 0)
            .map(|df| idf(n_ops, df));
        let own_u = own
            .map(|t| usage_df(ix, t))
            .filter(|&df| df > 0)
            .map(|df| idf(n_ops, df));
        let named = |op: u32| {
            !c.names.is_empty()
                && TABLES
                    .ops
                    .get(op as usize)
                    .is_some_and(|o| c.names.contains(&o.service))
        };
        for &(t, w) in alts {
            let r = span(&ix.name_offsets, t);
            let v = w * NAME_W * own_n.unwrap_or_else(|| idf(n_ops, r.len()));
            for p in &ix.name_postings[r] {
                let op = p.to_native();
                if !in_range(op) || named(op) {
                    continue;
                }
                let slot = &mut sc.slots[op as usize];
                if slot.untouched() {
                    touched.push(op);
                }
                slot.best_name = slot.best_name.max(v);
            }
            // Prose fields (BM25 factors in the postings): the better one counts.
            let prose = [
                (&ix.summary_offsets, &ix.summary_postings, SUMMARY_W, own_s),
                (&ix.usage_offsets, &ix.usage_postings, USAGE_W, own_u),
            ];
            for (k, (offsets, postings, field_w, own_idf)) in prose.into_iter().enumerate() {
                let r = if verb_only { 0..0 } else { span(offsets, t) };
                let base =
                    w * field_w * own_idf.unwrap_or_else(|| idf(n_ops, r.len())) / SUMMARY_TF_SCALE;
                for p in &postings[r] {
                    let (op, tfn) = unpack(p.to_native());
                    if !in_range(op) || named(op) {
                        continue;
                    }
                    let slot = &mut sc.slots[op as usize];
                    if slot.untouched() {
                        touched.push(op);
                    }
                    let best = if k == 0 {
                        &mut slot.best_summary
                    } else {
                        &mut slot.best_usage
                    };
                    *best = best.max(base * tfn as f32);
                }
            }
        }
        for &op in &touched {
            let slot = &mut sc.slots[op as usize];
            let (n, s, u) = (slot.best_name, slot.best_summary, slot.best_usage);
            // Usage text counts for a word the name lacks ("kubeconfig" → DescribeCluster);
            // where the name has it, the examples would only favour operations that have some.
            let v = if n > 0.0 {
                n + SUMMARY_WITH_NAME_W * s
            } else {
                s.max(u)
            };
            slot.acc += c.weight * v;
            slot.best_name = 0.0;
            slot.best_summary = 0.0;
            slot.best_usage = 0.0;
            if slot.mark == 0 {
                slot.mark = 1;
                candidates.push(op);
            }
        }
        touched.clear();
    }

    // Exact operation names.
    for e in &q.exact {
        if let Some(t) = term_id(ix, e) {
            for p in &ix.exact_postings[span(&ix.exact_offsets, t)] {
                let op = p.to_native();
                if in_range(op) {
                    let slot = &mut sc.slots[op as usize];
                    if slot.mark == 0 {
                        candidates.push(op);
                    }
                    slot.mark = 2;
                }
            }
        }
    }

    // Services named: all their operations are candidates; the content words glued are an
    // exact name within them ("s3 list buckets").
    let exact_in_service = if q.exact_in_service.is_empty() {
        None
    } else {
        term_id(ix, &q.exact_in_service)
    };
    let related = |s: u32| {
        let fam = TABLES.families.get(s as usize).map_or(&[][..], |f| &f[..]);
        let succ = TABLES
            .successors
            .get(s as usize)
            .map_or(&[][..], |f| &f[..]);
        std::iter::once(s)
            .chain(fam.iter().copied())
            .chain(succ.iter().copied())
    };
    let mut services: Vec<u32> = q.explicit.iter().flat_map(|&(s, _)| related(s)).collect();
    services.sort_unstable();
    services.dedup();
    for s in services {
        if let Some(svc) = catalog.services.get(s as usize) {
            let first = svc.first_op.to_native();
            let ops = first..first + svc.op_count.to_native();
            for op in ops.clone() {
                if in_range(op) && sc.slots[op as usize].mark == 0 {
                    sc.slots[op as usize].mark = 1;
                    candidates.push(op);
                }
            }
            if let Some(t) = exact_in_service {
                for p in &ix.exact_postings[span(&ix.exact_offsets, t)] {
                    let op = p.to_native();
                    if ops.contains(&op) && in_range(op) {
                        sc.slots[op as usize].mark = 2;
                    }
                }
            }
        }
    }
}

fn features<'q>(
    ix: &ArchivedSearchIndex,
    catalog: &catalog_format::format::ArchivedCatalog,
    q: &'q Query,
) -> QueryFeatures<'q> {
    let n_services = catalog.services.len();
    let mut explicit = vec![0f32; n_services];
    let mut implied = vec![0f32; n_services];
    let mut word_hint = vec![0f32; n_services];
    for &(s, strength) in &q.explicit {
        if let Some(v) = explicit.get_mut(s as usize) {
            *v = v.max(strength);
        }
    }
    for &s in &q.leading {
        if let Some(v) = explicit.get_mut(s as usize) {
            *v *= LEADING_W;
        }
    }
    for &(s, strength) in &q.explicit {
        let strength = strength
            * if q.leading.contains(&s) {
                LEADING_W
            } else {
                1.0
            };
        for &t in TABLES.families.get(s as usize).map_or(&[][..], |f| &f[..]) {
            if let Some(v) = explicit.get_mut(t as usize) {
                *v = v.max(strength * FAMILY_W);
            }
        }
        for &t in TABLES
            .successors
            .get(s as usize)
            .map_or(&[][..], |f| &f[..])
        {
            if let Some(v) = explicit.get_mut(t as usize) {
                *v = v.max(strength * SUCCESSOR_W);
            }
        }
    }
    // A service named outright makes guesses from other words, and other services'
    // popularity, matter less.
    let scoped = explicit.iter().any(|&e| e >= NAMES_SERVICE);
    for &(s, strength) in &q.implied {
        if let Some(v) = implied.get_mut(s as usize) {
            *v = (*v + strength).min(1.0);
        }
    }
    // Weak hints from service title words ("queue" → Simple Queue Service).
    for c in q.concepts.iter().filter(|c| c.own && !c.service_part) {
        if let Some(&(t, w)) = c.alts.first() {
            let r = span(&ix.service_word_offsets, t);
            let k = r.len() as f32;
            if k > 0.0 && k <= 8.0 {
                for p in &ix.service_word_postings[r] {
                    if let Some(v) = word_hint.get_mut(p.to_native() as usize) {
                        *v = v.max(w * c.weight / k.sqrt());
                    }
                }
            }
        }
    }
    let service_bonus = (0..n_services)
        .map(|s| {
            let other = if scoped && explicit[s] == 0.0 {
                SCOPED_OTHER_W
            } else {
                1.0
            };
            let prior = ix.service_prior.get(s).map_or(0.0, |p| p.to_native());
            EXPLICIT_W * explicit[s]
                + other * (IMPLIED_W * implied[s] + SERVICE_WORD_W * word_hint[s] + prior)
        })
        .collect();
    let cover = sorted_terms(q.concepts.iter().filter(|c| !c.no_cover), COVER_MIN_W);
    let main = sorted_terms(
        q.concepts
            .iter()
            .enumerate()
            .filter(|&(i, c)| !c.no_cover && !c.context && Some(i) != q.action)
            .map(|(_, c)| c),
        COVER_MIN_W,
    );
    let context = sorted_terms(q.concepts.iter().filter(|c| c.context && !c.no_cover), 0.0);
    let head_concept = head_index(&q.concepts, q.action).and_then(|i| q.concepts.get(i));
    let head = sorted_terms(head_concept.into_iter(), COVER_MIN_W);
    let head_plural = head_concept.is_some_and(|c| c.plural);
    let action: Option<&Concept> = q.action.and_then(|i| q.concepts.get(i));
    let action_apart = action.is_some() && q.concepts.len() > 1;
    let typed_verb = action
        .filter(|a| a.own)
        .and_then(|a| a.alts.first())
        .map(|a| a.0);
    let read_verbs = TABLES.read_verbs.clone();
    let max_bonus = FULL_COVER_W + HEAD_W + NUMBER_W + SURFACE_W * q.surface.len() as f32;
    QueryFeatures {
        service_bonus,
        cover,
        main,
        context,
        head,
        head_plural,
        action,
        action_apart,
        typed_verb,
        read_verbs,
        max_bonus,
    }
}

/// Verb agreement between the query's action and the operation's verb. An action word found
/// elsewhere in the name is no mismatch ("export logs" → CreateExportTask).
/// `in_name` tells whether a term is a word of the operation's name.
/// `in_usage(term)`: the operation's usage text has the term (a verb the CLI's examples use
/// for it: PurgeQueue "deletes all messages").
fn verb_score(
    f: &QueryFeatures,
    verb: u32,
    in_name: impl FnOnce(u32) -> bool,
    in_usage: impl Fn(u32) -> bool,
) -> f32 {
    let verb = Some(verb).filter(|&v| v != NO_TERM);
    if let (Some(a), Some(typed)) = (f.action, f.typed_verb)
        && Some(typed) != verb
        && in_name(typed)
    {
        return a.weight * ACTION_IN_NAME_W * ACTION_VERB_W;
    }
    match (f.action, verb) {
        (Some(a), Some(v)) => match a.alts.iter().find(|(t, _)| *t == v) {
            Some(&(_, w)) => {
                let mut s = 0.0;
                if f.action_apart {
                    s = a.weight * w * ACTION_VERB_W;
                }
                if f.typed_verb == Some(v) {
                    s += a.weight * EXACT_VERB_W;
                }
                s
            }
            None => usage_verb(a, in_usage),
        },
        (Some(a), None) => usage_verb(a, in_usage),
        (None, Some(v)) if f.read_verbs.contains(&v) => READ_PRIOR_W,
        _ => 0.0,
    }
}

/// The action verb is not the operation's: a penalty, unless the operation's usage text says
/// it does that (PurgeQueue "deletes all messages"; neither penalty nor agreement).
fn usage_verb(a: &Concept, in_usage: impl Fn(u32) -> bool) -> f32 {
    if a.alts.iter().any(|&(t, _)| in_usage(t)) {
        0.0
    } else {
        -VERB_MISMATCH_W * a.weight
    }
}

/// Whether operation `op` has `term` in its usage text.
fn in_usage(ix: &ArchivedSearchIndex, op: u32, term: u32) -> bool {
    ix.usage_postings[span(&ix.usage_offsets, term)]
        .binary_search_by(|p| unpack(p.to_native()).0.cmp(&op))
        .is_ok()
}

fn base_score(ix: &ArchivedSearchIndex, sc: &Scratch, f: &QueryFeatures, op: u32) -> f32 {
    let (Some(meta), Some(slot)) = (TABLES.ops.get(op as usize), sc.slots.get(op as usize)) else {
        return f32::NEG_INFINITY;
    };
    let in_name = |t: u32| {
        meta.name_bits & name_bit(t) != 0
            && ix.op_name_terms[span(&ix.op_name_offsets, op)]
                .iter()
                .any(|n| n.to_native() == t)
    };
    slot.acc
        + f.service_bonus
            .get(meta.service as usize)
            .copied()
            .unwrap_or(0.0)
        + if slot.mark == 2 { EXACT_W } else { 0.0 }
        + meta.prior
        + verb_score(f, meta.verb, in_name, |t| in_usage(ix, op, t))
}

fn full_score(
    ix: &ArchivedSearchIndex,
    sc: &Scratch,
    q: &Query,
    f: &QueryFeatures,
    op: u32,
) -> (Hit, Parts) {
    let i = op as usize;
    let slot = sc.slots.get(i).copied().unwrap_or_default();
    let mut p = Parts {
        terms: slot.acc,
        ..Default::default()
    };
    let Some(info) = ix.ops.get(i) else {
        return (
            Hit {
                op,
                score: f32::NEG_INFINITY,
            },
            p,
        );
    };
    p.service = f
        .service_bonus
        .get(info.service.to_native() as usize)
        .copied()
        .unwrap_or(0.0);
    if slot.mark == 2 {
        p.exact = EXACT_W;
    }
    p.prior = info.prior.to_native();
    // Coverage of the operation name; aspect words (`Value` in GetSecretValue) weigh half when
    // missing.
    let name = &ix.op_name_terms[span(&ix.op_name_offsets, op)];
    let (mut matched, mut missing, mut missing_aspects) = (0, 0, 0);
    for t in name.iter().map(|t| t.to_native()) {
        if f.cover.binary_search(&t).is_ok() {
            matched += 1;
        } else if ix
            .term_flags
            .get(t as usize)
            .is_some_and(|fl| fl & TERM_ASPECT != 0)
        {
            missing_aspects += 1;
        } else {
            missing += 1;
        }
    }
    if missing == 0 && matched > 0 {
        p.cover += FULL_COVER_W;
    }
    p.cover -= UNMATCHED_W * missing as f32 + ASPECT_UNMATCHED_W * missing_aspects as f32;
    // The thing the operation acts on is what the query is about, not its context ("users in
    // a user pool" → ListUsers, not ListUserPools).
    let head = info.head.to_native();
    if head != NO_TERM {
        if f.head.binary_search(&head).is_ok() {
            // The query's head noun, in the same number ("a file" → GetObject, "files" →
            // ListObjects).
            p.cover += HEAD_W;
            p.surface += if info.head_plural == f.head_plural {
                NUMBER_W
            } else {
                -NUMBER_W
            };
        } else if f.main.binary_search(&head).is_ok() {
            p.cover += HEAD_W / 2.0;
        } else if f.context.binary_search(&head).is_ok() {
            p.cover -= HEAD_W;
        }
    }
    // Words spelled as typed, against words met only through their stem (number agreement:
    // "tables" → ListTables rather than DescribeTable).
    let surface = &ix.op_surface_terms[span(&ix.op_surface_offsets, op)];
    let same = surface
        .iter()
        .filter(|t| q.surface.binary_search(&t.to_native()).is_ok())
        .count();
    let by_stem = name
        .iter()
        .filter(|t| q.own_stems.binary_search(&t.to_native()).is_ok())
        .count();
    p.surface += SURFACE_W * (same as f32 - by_stem.saturating_sub(same) as f32);
    p.verb = verb_score(
        f,
        info.verb.to_native(),
        |t| name.iter().any(|n| n.to_native() == t),
        |t| in_usage(ix, op, t),
    );
    (
        Hit {
            op,
            score: p.total(),
        },
        p,
    )
}

/// The ranking of [`search`] with each result's score components and the parsed query, for
/// debugging rankings.
pub fn explain(query: &str, service: Option<u32>, limit: usize) -> String {
    let catalog = super::get();
    let ix = &catalog.search;
    let q = parse(ix, query);
    let term = |t: u32| ix.terms.get(t as usize).map_or("?", |s| s.as_str());
    let svc = |s: u32| {
        catalog
            .services
            .get(s as usize)
            .map_or("?", |s| s.name.as_str())
    };
    let mut out = String::new();
    for (i, c) in q.concepts.iter().enumerate() {
        let alts: Vec<String> = c
            .alts
            .iter()
            .map(|&(t, w)| format!("{}:{w:.2}", term(t)))
            .collect();
        out.push_str(&format!(
            "concept{} w={:.2}{}{} [{}]\n",
            i,
            c.weight,
            if Some(i) == q.action { " ACTION" } else { "" },
            if c.service_part { " service" } else { "" },
            alts.join(" ")
        ));
    }
    let svcs = |l: &[(u32, f32)]| {
        l.iter()
            .map(|&(s, w)| format!("{}:{w:.2}", svc(s)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    out.push_str(&format!(
        "explicit [{}] implied [{}] exact {:?} question {}\n",
        svcs(&q.explicit),
        svcs(&q.implied),
        q.exact,
        q.question
    ));
    let n_ops = ix.ops.len() as u32;
    let r = match service.and_then(|s| catalog.services.get(s as usize)) {
        Some(s) => s.first_op.to_native()..s.first_op.to_native() + s.op_count.to_native(),
        None => 0..n_ops,
    };
    for (h, p) in score_parts(ix, catalog, &q, r, limit, &|_| true) {
        let o = &catalog.operations[h.op as usize];
        out.push_str(&format!(
            "{:7.2} {}:{}  terms {:.2} verb {:.2} svc {:.2} exact {:.1} cover {:.1} surf {:.1} prior {:.2}\n",
            h.score,
            svc(o.service.to_native()),
            o.name.as_str(),
            p.terms,
            p.verb,
            p.service,
            p.exact,
            p.cover,
            p.surface,
            p.prior
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ix() -> &'static ArchivedSearchIndex {
        &super::super::get().search
    }

    fn full() -> bool {
        !super::super::get().snapshot.slim
    }

    fn svc(name: &str) -> u32 {
        service_by_name(name).unwrap_or(u32::MAX)
    }

    #[test]
    fn tables_name_real_services() {
        if !full() {
            return;
        }
        let services = st::PHRASES
            .iter()
            .flat_map(|p| p.2.iter())
            .chain(st::SYNONYMS.iter().flat_map(|s| s.2.iter()));
        for (name, _) in services {
            assert!(service_by_name(name).is_some(), "unknown service {name}");
        }
    }

    #[test]
    fn parses_services_phrases_and_context() {
        if !full() {
            return;
        }
        let q = parse(ix(), "dynamo db updat item");
        assert!(q.explicit.iter().any(|&(s, _)| s == svc("dynamodb")));
        let q = parse(ix(), "step functions start execution");
        assert!(q.explicit.iter().any(|&(s, _)| s == svc("sfn")));
        let q = parse(ix(), "who am i");
        assert!(q.implied.iter().any(|&(s, _)| s == svc("sts")));
        let (toks, _) = tokens("list objects in a bucket");
        let ctx: Vec<bool> = toks.iter().map(|t| t.context).collect();
        assert_eq!(ctx, [false, false, true, true, true]);
        let (toks, _) = tokens("the value of a parameter");
        assert!(toks.iter().all(|t| !t.context));
        let (toks, exact) = tokens("aws ec2 describe-key-pairs");
        assert_eq!(toks.len(), 5);
        assert_eq!(exact, ["describekeypairs"]);
    }

    #[test]
    fn finds_the_action_verb() {
        if !full() {
            return;
        }
        let q = parse(ix(), "s3 list buckets");
        let action = q.action.and_then(|i| q.concepts.get(i));
        let first = action.and_then(|c| c.alts.first()).map(|a| a.0);
        assert_eq!(first, term_id(ix(), "list"));
        // A question implies list/describe/get.
        let q = parse(ix(), "which clusters do i have");
        assert!(q.question && q.action.is_some());
        // "running" describes, it does not act.
        let q = parse(ix(), "what instances are running");
        let action = q.action.and_then(|i| q.concepts.get(i));
        assert!(action.is_some_and(|c| c.alts.first().map(|a| a.0) == term_id(ix(), "list")));
    }

    #[test]
    fn corrects_typos() {
        if !full() {
            return;
        }
        let lambda = term_id(ix(), "lambda");
        assert!(lambda.is_some());
        assert!(
            typo_candidates(ix(), "lamda")
                .iter()
                .any(|&(t, _)| Some(t) == lambda)
        );
        let security = term_id(ix(), "security");
        assert!(
            typo_candidates(ix(), "secruity")
                .iter()
                .any(|&(t, _)| Some(t) == security)
        );
        assert!(typo_candidates(ix(), "zzzzzzzz").is_empty());
        assert!(
            verb_typo(ix(), &TABLES, "lst")
                .iter()
                .any(|&(t, _)| Some(t) == term_id(ix(), "list"))
        );
        // Non-ASCII and over-long words are not looked up.
        assert!(typo_candidates(ix(), "größe").is_empty());
        assert!(typo_candidates(ix(), &"a".repeat(100)).is_empty());
    }

    #[test]
    fn empty_and_stop_word_queries_find_nothing() {
        for q in ["", "   ", "the a of", "!!!", "🦀🦀"] {
            assert!(search(q, None, 10).is_empty(), "{q:?}");
        }
    }

    #[test]
    fn edit_distance() {
        assert_eq!(damerau_levenshtein(b"lamda", b"lambda", 1), Some(1));
        assert_eq!(damerau_levenshtein(b"secruity", b"security", 2), Some(1));
        assert_eq!(
            damerau_levenshtein(b"cloudfromation", b"cloudformation", 2),
            Some(1)
        );
        assert_eq!(damerau_levenshtein(b"abc", b"xyz", 1), None);
        assert_eq!(damerau_levenshtein(b"", b"ab", 2), Some(2));
    }
}
