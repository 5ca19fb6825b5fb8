//! The catalog's patterns as ECMA-262 regular expressions, for the JSON Schema `pattern`
//! keyword (draft 2020-12 specifies ECMA-262; ajv compiles with the `u` flag).
//!
//! Codegen writes each pattern in the subset that `regex`, `fancy-regex` and ECMA-262 read alike
//! (see `codegen/src/generate/regex.rs`), except for what ECMA-262 lacks: inline flags, possessive
//! quantifiers, atomic groups and class intersection. Here they become:
//!
//! - `(?s)` / `(?s:..)`: every `.` in its scope is written `[\s\S]`; `(?-s)` ends it;
//! - `(?i)` / `(?i:..)`: every letter outside a class is written `[aA]` (a class naming letters
//!   in scope, or a letter escape, makes the pattern inexpressible);
//! - `X?+`, `X*+`, `X++`, `X{n,m}+` (possessive) drop the `+`, `(?>..)` (atomic) becomes `(?:..)`:
//!   the schema's pattern then accepts a superset, and `validate` still checks the exact one;
//! - `(?m)` and class intersection `&&` have no ECMA-262 form: `None` (the schema leaves the
//!   pattern out and says so in the description).

/// `pattern` in ECMA-262 syntax, or `None` when it cannot be expressed.
pub fn to_ecma(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    // Flags (dotall, ignore case) per open group; the last is the current scope.
    let mut scopes: Vec<(bool, bool)> = vec![(false, false)];
    let mut i = 0;
    // Whether the last thing written can take a quantifier that may turn possessive.
    let mut after_quantifier = false;
    while i < chars.len() {
        let c = chars[i];
        let (dotall, icase) = *scopes.last()?;
        match c {
            '\\' => {
                let next = *chars.get(i + 1)?;
                if icase && next.is_ascii_alphabetic() && !"dDwWsSbBpPuxntrfv0".contains(next) {
                    return None;
                }
                // Copy the escape whole: `\u{..}`, `\p{..}` and `\x{..}` carry braces.
                out.push('\\');
                out.push(next);
                i += 2;
                if matches!(next, 'u' | 'p' | 'P' | 'x') && chars.get(i) == Some(&'{') {
                    while i < chars.len() {
                        out.push(chars[i]);
                        i += 1;
                        if chars[i - 1] == '}' {
                            break;
                        }
                    }
                }
                after_quantifier = false;
            }
            '[' => {
                let (end, nested) = class_end(&chars, i)?;
                let body: String = chars[i..=end].iter().collect();
                if nested || body.contains("&&") || (icase && has_letters(&chars[i + 1..end])) {
                    return None;
                }
                out.push_str(&body);
                i = end + 1;
                after_quantifier = false;
            }
            '(' if chars.get(i + 1) == Some(&'?') => {
                let (flags, consumed, scoped) = group_flags(&chars, i)?;
                match flags {
                    GroupKind::Plain(prefix) => {
                        out.push_str(prefix);
                        scopes.push((dotall, icase));
                    }
                    GroupKind::Flags { on, off } => {
                        if on.contains('m') || off.contains('m') {
                            return None;
                        }
                        let apply = |(d, ic): (bool, bool)| {
                            (
                                (d || on.contains('s')) && !off.contains('s'),
                                (ic || on.contains('i')) && !off.contains('i'),
                            )
                        };
                        if scoped {
                            out.push_str("(?:");
                            scopes.push(apply((dotall, icase)));
                        } else if let Some(top) = scopes.last_mut() {
                            // `(?s)` changes the rest of the enclosing group.
                            *top = apply(*top);
                        }
                    }
                }
                i += consumed;
                after_quantifier = false;
            }
            '(' => {
                out.push('(');
                scopes.push((dotall, icase));
                i += 1;
                after_quantifier = false;
            }
            ')' => {
                out.push(')');
                if scopes.len() > 1 {
                    scopes.pop();
                }
                i += 1;
                after_quantifier = false;
            }
            '.' if dotall => {
                out.push_str("[\\s\\S]");
                i += 1;
                after_quantifier = false;
            }
            '*' | '+' | '?' | '{' => {
                if c == '+' && after_quantifier {
                    // Possessive: the plain quantifier accepts a superset.
                    i += 1;
                    after_quantifier = false;
                    continue;
                }
                if c == '{' {
                    let close = chars[i..].iter().position(|&x| x == '}')? + i;
                    out.extend(&chars[i..=close]);
                    i = close + 1;
                } else {
                    out.push(c);
                    i += 1;
                }
                // `X??` (lazy) is a quantifier too; a `+` after it would be possessive of a
                // lazy one, which Java does not have.
                after_quantifier = !(c == '?' && out.ends_with("??"));
            }
            c if icase && c.is_alphabetic() => {
                let lower: String = c.to_lowercase().collect();
                let upper: String = c.to_uppercase().collect();
                if lower == upper {
                    out.push(c);
                } else {
                    out.push('[');
                    out.push_str(&lower);
                    out.push_str(&upper);
                    out.push(']');
                }
                i += 1;
                after_quantifier = false;
            }
            c => {
                out.push(c);
                i += 1;
                after_quantifier = false;
            }
        }
    }
    Some(out)
}

enum GroupKind {
    /// `(?:`, `(?=`, `(?!`, `(?<=`, `(?<!`, and `(?>` written as `(?:`.
    Plain(&'static str),
    Flags {
        on: String,
        off: String,
    },
}

/// The group opening at `start` (`(?`...): its kind, how many characters it takes, and whether
/// flags are scoped to it (`(?i:`) rather than to the rest of the enclosing group (`(?i)`).
fn group_flags(chars: &[char], start: usize) -> Option<(GroupKind, usize, bool)> {
    let rest: String = chars[start..chars.len().min(start + 4)].iter().collect();
    for (prefix, written) in [
        ("(?<=", "(?<="),
        ("(?<!", "(?<!"),
        ("(?:", "(?:"),
        ("(?=", "(?="),
        ("(?!", "(?!"),
        ("(?>", "(?:"),
    ] {
        if rest.starts_with(prefix) {
            return Some((GroupKind::Plain(written), prefix.len(), true));
        }
    }
    let mut on = String::new();
    let mut off = String::new();
    let mut negative = false;
    let mut j = start + 2;
    while let Some(&c) = chars.get(j) {
        match c {
            '-' => negative = true,
            ':' => return Some((GroupKind::Flags { on, off }, j + 1 - start, true)),
            ')' => return Some((GroupKind::Flags { on, off }, j + 1 - start, false)),
            c if c.is_ascii_alphabetic() => {
                if negative {
                    off.push(c);
                } else {
                    on.push(c);
                }
            }
            _ => return None,
        }
        j += 1;
    }
    None
}

/// Whether a class body names letters (outside escapes): under `(?i)` it would need both cases.
fn has_letters(body: &[char]) -> bool {
    let mut j = 0;
    while j < body.len() {
        if body[j] == '\\' {
            j += 2;
            // `\u{..}`, `\p{..}`: skip the braces.
            if body.get(j) == Some(&'{') {
                while j < body.len() && body[j] != '}' {
                    j += 1;
                }
            }
            continue;
        }
        if body[j].is_alphabetic() {
            return true;
        }
        j += 1;
    }
    false
}

/// The index of the `]` closing the class that opens at `start`, and whether a class is
/// nested in it (an unescaped `[`: Rust's set syntax, which ECMA-262 without `v` lacks).
fn class_end(chars: &[char], start: usize) -> Option<(usize, bool)> {
    let mut j = start + 1;
    if chars.get(j) == Some(&'^') {
        j += 1;
    }
    // A `]` right after `[` or `[^` is a literal.
    if chars.get(j) == Some(&']') {
        j += 1;
    }
    let mut depth = 0;
    let mut nested = false;
    while let Some(&c) = chars.get(j) {
        match c {
            '\\' => j += 1,
            '[' => {
                depth += 1;
                nested = true;
            }
            ']' if depth == 0 => return Some((j, nested)),
            ']' => depth -= 1,
            _ => {}
        }
        j += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::to_ecma;

    #[test]
    fn what_ecma_lacks_is_rewritten() {
        assert_eq!(to_ecma("^(?s).+$").as_deref(), Some("^[\\s\\S]+$"));
        assert_eq!(
            to_ecma("^(?i)(true|false)$").as_deref(),
            Some("^([tT][rR][uU][eE]|[fF][aA][lL][sS][eE])$")
        );
        assert_eq!(
            to_ecma("^(?!(?i:arn|aws):)[a-z]+$").as_deref(),
            Some("^(?!(?:[aA][rR][nN]|[aA][wW][sS]):)[a-z]+$")
        );
        assert_eq!(to_ecma("^[0-9]?+x*+y++$").as_deref(), Some("^[0-9]?x*y+$"));
        assert_eq!(to_ecma("^a{2}+(?>b)$").as_deref(), Some("^a{2}(?:b)$"));
        assert_eq!(
            to_ecma("^(?s)a(?-s:.*)b.$").as_deref(),
            Some("^a(?:.*)b[\\s\\S]$")
        );
        // Untouched when nothing needs it; escapes and classes copied whole.
        for p in [
            "^[a-z\\]+]+\\.\\p{L}\\u{1F600}$",
            "^a+?b??c{1,3}?$",
            "^[+*?]+$",
            "^[a-z\\[\\]]+$",
        ] {
            assert_eq!(to_ecma(p).as_deref(), Some(p));
        }
        // No ECMA-262 form.
        assert_eq!(to_ecma("^(?m)a$"), None);
        assert_eq!(to_ecma("^[a-z&&[^q]]$"), None);
        assert_eq!(to_ecma("^(?i)[a-z]$"), None);
        assert_eq!(
            to_ecma("^(?i)all|[0-9]{12}$").as_deref(),
            Some("^[aA][lL][lL]|[0-9]{12}$")
        );
    }
}
