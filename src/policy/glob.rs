//! Glob patterns of the policy: `*` any run of characters (also none), `?` exactly one;
//! every other character stands for itself. No character classes or braces, so nothing in a
//! glob needs escaping and every glob is valid once its characters are.

use wildmatch::WildMatch;

/// A glob, compiled. Globs with only `*` wildcards (nearly all: `ec2:Describe*`, `*Id`,
/// `prod-*`) are matched as prefix / ordered pieces / suffix over bytes, without allocating;
/// globs with `?`, and case-insensitive matching of non-ASCII text, go through `wildmatch`.
#[derive(Debug, Clone)]
pub struct Glob {
    text: String,
    ignore_case: bool,
    fast: Fast,
    wild: WildMatch,
}

#[derive(Debug, Clone)]
enum Fast {
    /// `*`.
    Any,
    /// No wildcard.
    Literal,
    /// `first*middle*...*last` (pieces may be empty).
    Stars {
        first: String,
        middle: Vec<String>,
        last: String,
    },
    /// Has `?`: wildmatch only.
    None,
}

impl Glob {
    /// A glob matched case-sensitively or not.
    pub fn new(text: &str, ignore_case: bool) -> Glob {
        let fast = if text.contains('?') {
            Fast::None
        } else if !text.contains('*') {
            Fast::Literal
        } else if text.chars().all(|c| c == '*') {
            Fast::Any
        } else {
            let mut pieces: Vec<&str> = text.split('*').collect();
            let last = pieces.pop().unwrap_or_default().to_string();
            let first = if pieces.is_empty() {
                String::new()
            } else {
                pieces.remove(0).to_string()
            };
            Fast::Stars {
                first,
                middle: pieces
                    .into_iter()
                    .filter(|p| !p.is_empty())
                    .map(str::to_string)
                    .collect(),
                last,
            }
        };
        Glob {
            text: text.to_string(),
            ignore_case,
            fast,
            wild: if ignore_case {
                WildMatch::new_case_insensitive(text)
            } else {
                WildMatch::new(text)
            },
        }
    }

    pub fn matches(&self, s: &str) -> bool {
        if self.ignore_case && !(s.is_ascii() && self.text.is_ascii()) {
            return self.wild.matches(s);
        }
        let eq = |a: &[u8], b: &[u8]| {
            if self.ignore_case {
                a.eq_ignore_ascii_case(b)
            } else {
                a == b
            }
        };
        match &self.fast {
            Fast::Any => true,
            Fast::Literal => eq(s.as_bytes(), self.text.as_bytes()),
            Fast::Stars {
                first,
                middle,
                last,
            } => {
                let h = s.as_bytes();
                let (f, l) = (first.as_bytes(), last.as_bytes());
                if h.len() < f.len() + l.len()
                    || !eq(&h[..f.len()], f)
                    || !eq(&h[h.len() - l.len()..], l)
                {
                    return false;
                }
                let mut rest = &h[f.len()..h.len() - l.len()];
                for piece in middle {
                    let p = piece.as_bytes();
                    match rest.windows(p.len()).position(|w| eq(w, p)) {
                        Some(i) => rest = &rest[i + p.len()..],
                        None => return false,
                    }
                }
                true
            }
            Fast::None => self.wild.matches(s),
        }
    }

    /// Without wildcards: names exactly one thing.
    pub fn is_literal(&self) -> bool {
        matches!(self.fast, Fast::Literal)
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// Whether any glob of the list matches.
pub fn any_matches(globs: &[Glob], s: &str) -> bool {
    globs.iter().any(|g| g.matches(s))
}

/// Checks a glob's characters: empty globs, white space and characters outside `ok` (plus the
/// wildcards) are refused with a message saying which.
pub fn check(text: &str, what: &str, ok: impl Fn(char) -> bool) -> Result<(), String> {
    if text.is_empty() {
        return Err(format!("empty {what}"));
    }
    if let Some(c) = text
        .chars()
        .find(|&c| !(c == '*' || c == '?' || (ok(c) && !c.is_whitespace())))
    {
        let extra = if matches!(c, '[' | ']' | '{' | '}' | '!' | '^' | '$' | '(' | ')' | '|') {
            " (globs have only the wildcards * and ?; regexes go in rules.allow / rules.deny)"
        } else {
            ""
        };
        return Err(format!(
            "`{}` is not allowed in {what} `{text}`{extra}",
            c.escape_debug()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_and_case() {
        let g = Glob::new("prod-*", false);
        assert!(g.matches("prod-db") && g.matches("prod-") && !g.matches("Prod-db"));
        assert!(Glob::new("prod-*", true).matches("PROD-db"));
        assert!(Glob::new("t3.?icro", false).matches("t3.micro"));
        assert!(Glob::new("*Id", true).matches("restApiId"));
        assert!(!Glob::new("*Id", true).is_literal());
        assert!(Glob::new("Bucket", true).is_literal());
    }

    #[test]
    fn fast_matching_agrees_with_wildmatch() {
        let patterns = [
            "*",
            "**",
            "a*",
            "*a",
            "*a*",
            "a*b",
            "a*b*c",
            "*ab*ab*",
            "abc",
            "a**b",
            "a?c",
            "*Id",
            "Delete*",
            "*:*",
            "prod-*-db",
            "ÄB*",
        ];
        let inputs = [
            "",
            "a",
            "b",
            "ab",
            "abc",
            "aXbXc",
            "abab",
            "ababab",
            "cab",
            "acb",
            "InstanceId",
            "instanceid",
            "DeleteBucket",
            "deletebucket",
            "s3:Get",
            "prod-eu-db",
            "prod-db",
            "äbc",
            "ÄBC",
        ];
        for p in patterns {
            for ci in [false, true] {
                let g = Glob::new(p, ci);
                let w = if ci {
                    WildMatch::new_case_insensitive(p)
                } else {
                    WildMatch::new(p)
                };
                for i in inputs {
                    assert_eq!(g.matches(i), w.matches(i), "{p:?} ci={ci} on {i:?}");
                }
            }
        }
    }

    #[test]
    fn bad_characters_are_named() {
        let name = |c: char| c.is_ascii_alphanumeric() || c == '-';
        assert!(check("ec2-*", "service glob", name).is_ok());
        let e = check("ec[2]", "service glob", name).unwrap_err();
        assert!(e.contains("`[`") && e.contains("wildcards"), "{e}");
        assert!(
            check("", "service glob", name)
                .unwrap_err()
                .contains("empty")
        );
        assert!(check("a b", "service glob", name).is_err());
    }
}
