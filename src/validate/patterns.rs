//! Compiled `smithy.api#pattern` regexes, one per [`Catalog::patterns`] entry, compiled on first
//! use and kept for the life of the process.
//!
//! Codegen already translated each Java pattern (`codegen::generate::regex`); here the
//! translation is compiled with `regex`, or `fancy-regex` when it needs look-around or
//! back-references. A pattern that was not translatable, or does not compile, or whose
//! backtracking exceeds fancy-regex's limit on some input, is skipped: the caller never fails
//! because of a pattern (it is logged at debug level once).
//!
//! [`Catalog::patterns`]: catalog_format::format::Catalog::patterns

use std::sync::OnceLock;

use catalog_format::format::ArchivedCatalog;

/// A compiled pattern.
#[derive(Debug)]
enum Matcher {
    Plain(regex::Regex),
    Fancy(fancy_regex::Regex),
}

/// One slot per catalog pattern; `None` inside = unusable pattern.
fn slots() -> &'static [OnceLock<Option<Matcher>>] {
    static SLOTS: OnceLock<Vec<OnceLock<Option<Matcher>>>> = OnceLock::new();
    SLOTS.get_or_init(|| {
        let n = crate::catalog::get().patterns.len();
        (0..n).map(|_| OnceLock::new()).collect()
    })
}

/// Runs `f` on the compiled pattern `idx` of `cat`: cached for the server's catalog, compiled
/// afresh for any other (tests build small catalogs of their own).
fn with_matcher<T>(cat: &ArchivedCatalog, idx: u32, f: impl FnOnce(&Matcher) -> T) -> Option<T> {
    if std::ptr::eq(cat, crate::catalog::get()) {
        let slot = slots().get(idx as usize)?;
        slot.get_or_init(|| compile(cat, idx)).as_ref().map(f)
    } else {
        compile(cat, idx).as_ref().map(f)
    }
}

fn compile(cat: &ArchivedCatalog, idx: u32) -> Option<Matcher> {
    let pattern = cat.patterns.get(idx as usize)?;
    let translated = pattern.translated.as_str();
    if translated.is_empty() {
        tracing::debug!(
            pattern = pattern.source.as_str(),
            "pattern not translatable from Java syntax; not checked"
        );
        return None;
    }
    let compiled = if pattern.needs_fancy {
        fancy_regex::Regex::new(translated)
            .map(Matcher::Fancy)
            .map_err(|e| e.to_string())
    } else {
        regex::Regex::new(translated)
            .map(Matcher::Plain)
            .map_err(|e| e.to_string())
    };
    match compiled {
        Ok(m) => Some(m),
        Err(error) => {
            tracing::debug!(
                pattern = pattern.source.as_str(),
                translated,
                error,
                "pattern does not compile; not checked"
            );
            None
        }
    }
}

/// Whether `text` matches pattern `idx` (Smithy patterns are not implicitly anchored: a match
/// anywhere counts). `None` when the pattern cannot be checked.
pub fn is_match(cat: &ArchivedCatalog, idx: u32, text: &str) -> Option<bool> {
    with_matcher(cat, idx, |m| match m {
        Matcher::Plain(re) => Some(re.is_match(text)),
        Matcher::Fancy(re) => match re.is_match(text) {
            Ok(m) => Some(m),
            Err(error) => {
                tracing::debug!(%error, "pattern check gave up (backtracking limit); not checked");
                None
            }
        },
    })
    .flatten()
}

/// The pattern as shown to callers: the translation when there is one, else the model's text.
pub fn display(cat: &ArchivedCatalog, idx: u32) -> &str {
    match cat.patterns.get(idx as usize) {
        Some(p) if !p.translated.is_empty() => p.translated.as_str(),
        Some(p) => p.source.as_str(),
        None => "",
    }
}

/// Whether pattern `idx` can be checked (translated and compiles).
pub fn usable(cat: &ArchivedCatalog, idx: u32) -> bool {
    with_matcher(cat, idx, |_| ()).is_some()
}
