//! Java regex → Rust regex translation for `smithy.api#pattern`.
//!
//! AWS models write their patterns in Java's `java.util.regex` dialect (`\p{Alnum}`,
//! `\p{IsAlphabetic}`, possessive quantifiers, `\A`/`\z`, `\uD800\uDC00` surrogate pairs, look-around,
//! the odd back-reference). The server validates with the `regex` crate, and with `fancy-regex`
//! when a pattern needs look-around, back-references, atomic groups or possessive quantifiers.
//! Codegen calls [`translate_java_regex`] once per distinct pattern and stores the result in
//! `Catalog::patterns`; the schema tool shows the translation as the JSON Schema `pattern`.
//!
//! The output is written in the subset of syntax that `regex`, `fancy-regex` and ECMA-262 (with
//! the `u` flag) read alike wherever the construct exists in all three: explicit ASCII ranges
//! instead of POSIX classes, `\u{..}` escapes, `\p{..}` Unicode properties, only syntax
//! characters escaped. What the translation does, construct by construct:
//!
//! - Java's POSIX classes are ASCII-only (`\p{Alnum}` = `[a-zA-Z0-9]`, `\p{Print}` = `[ -~]`, ...),
//!   and so are `\d`, `\w`, `\s` (`[0-9]`, `[a-zA-Z_0-9]`, `[ \t\n\x0B\f\r]`): they become explicit
//!   ASCII classes (Rust's `\d`, `\w`, `\s` are Unicode-aware).
//! - Unicode categories, binary properties and scripts (`\p{L}`, `\p{IsL}`, `\p{gc=Lu}`,
//!   `\p{IsAlphabetic}`, `\p{IsWhite_Space}`, `\p{IsLatin}`, `\p{javaLowerCase}`, `\p{LD}`,
//!   `\p{L1}`, `\p{all}`) become Rust properties or explicit sets. Blocks (`\p{InGreek}`) are not
//!   supported by Rust: untranslatable.
//! - `\uXXXX` pairs forming a surrogate pair are combined into one code point. A lone surrogate
//!   inside a class (the models' attempts at "any supplementary character") is read as the
//!   supplementary planes `\u{10000}-\u{10FFFF}`, which is what those patterns mean (lenient: a
//!   JSON string cannot hold a lone surrogate anyway).
//! - `\A` and `\z` become `^`/`$` outside multi-line mode; `\Z` allows one final line terminator;
//!   `\Q..\E` is quoted; octal `\0nn`, `\cX`, `\e`, `\a`, `\h`, `\v` (vertical space), `\R` are
//!   expanded.
//! - Class intersection `&&` and nested classes are kept (Rust has both); a `-` that is not a
//!   range is escaped; `&` and `~` are written as `\u{26}`/`\u{7E}` so Rust never reads `&&`,
//!   `~~` or `--` operators Java did not mean.
//! - Look-ahead, look-behind, back-references, atomic groups and possessive quantifiers set
//!   `needs_fancy` (fancy-regex syntax). A possessive exact count on a single character
//!   (`[0-9A-Z]{2}+`) means the same as the plain count and stays in `regex`.
//! - Counted repetitions so large that the compiled automaton would exceed a sane size (Rust
//!   compiles `\p{L}{0,1024}` into ~50 MB; the default limit is 10 MB) are relaxed to an open
//!   upper bound: the pattern then accepts a superset and the shape's `length` trait, checked
//!   separately, still bounds the string. Never inside a negative look-around or a look-behind,
//!   where relaxing would reject more or break the fixed length.
//! - Inline flags `i`, `m`, `s` are kept, `d` (Unix lines: only `\n` ends a line, which is what Rust
//!   does) and `u` (Unicode case folding) are dropped, `x` (comments) and `U` (Unicode classes)
//!   are untranslatable.
//!
//! `$` keeps the ECMA-262 meaning Smithy specifies for `pattern` (end of input): Java would also
//! match before a final line terminator, so `"name\n"` passes `^[a-z]+$` there but not here.
//! Differential runs against `java.util.regex` over all model patterns (~390k pattern/string
//! pairs) found no other case where the translation rejects what Java accepts.
//!
//! Known leniencies kept on purpose: `.` excludes only `\n` (Java also excludes `\r`, U+0085,
//! U+2028, U+2029), and case-insensitive matching is Unicode-aware (Java's is ASCII-only unless
//! `u` is set). Whatever cannot be translated returns an empty string and validation skips the
//! pattern.

use std::fmt::Write as _;

/// Translates a Java regex into Rust regex syntax: `(translated, needs_fancy)`. `translated` is
/// empty when the pattern cannot be translated (then the caller skips it).
pub fn translate_java_regex(src: &str) -> (String, bool) {
    match translate(src) {
        Ok(t) => (t.pattern, t.needs_fancy),
        Err(_) => (String::new(), false),
    }
}

/// A successful translation, with what was needed to get there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translation {
    /// Rust regex syntax (fancy-regex syntax when `needs_fancy`).
    pub pattern: String,
    /// Look-around, back-references, atomic groups or possessive quantifiers are used.
    pub needs_fancy: bool,
    /// A large counted repetition was relaxed to an open upper bound (see the module docs).
    pub relaxed: bool,
}

/// Why a pattern could not be translated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranslateError {
    /// Character offset in the source pattern.
    pub offset: usize,
    pub reason: String,
}

impl std::fmt::Display for TranslateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at character {}", self.reason, self.offset)
    }
}

impl std::error::Error for TranslateError {}

/// Translates `src`, or says why it cannot.
pub fn translate(src: &str) -> Result<Translation> {
    let mut t = Translator {
        src: src.chars().collect(),
        pos: 0,
        out: String::with_capacity(src.len() + 16),
        fancy: false,
        relaxed: false,
        depth: 0,
    };
    let ctx = Ctx {
        multiline: false,
        negative: false,
        lookbehind: false,
    };
    t.parse_alternation(ctx)?;
    if t.pos < t.src.len() {
        // Only an unmatched ')' stops the top-level alternation early.
        return Err(t.err("unmatched ')'"));
    }
    Ok(Translation {
        pattern: t.out,
        needs_fancy: t.fancy,
        relaxed: t.relaxed,
    })
}

/// Estimated compiled size of one copy of an atom, in units of ~0.15 KB (an ASCII class).
const COST_ASCII: u64 = 1;
/// A class covering much of Unicode by ranges (`[^/]`, `.`): ~1 KB.
const COST_WIDE: u64 = 8;
/// A Unicode property class (`\p{L}`): ~50 KB.
const COST_PROPERTY: u64 = 350;
/// Size budget for one counted repetition (~0.5 MB), beyond which it is relaxed.
const REPEAT_BUDGET: u64 = 3500;
/// Group nesting limit (Java has none; deeper patterns are not worth translating).
const MAX_DEPTH: u32 = 64;

/// Context that changes how a construct is translated.
#[derive(Debug, Clone, Copy)]
struct Ctx {
    /// `(?m)` is on: `\A`/`\z` must stay (they differ from `^`/`$`).
    multiline: bool,
    /// Inside a negative look-around: relaxing a repetition there would reject more.
    negative: bool,
    /// Inside a look-behind: fancy-regex needs a bounded length there.
    lookbehind: bool,
}

/// The last thing emitted that a quantifier may apply to.
#[derive(Debug, Clone, Copy)]
struct Atom {
    /// Where it starts in the output (for wrapping it in a group).
    start: usize,
    /// A single character or class: an exact possessive count on it needs no atomic group.
    single: bool,
    /// Zero-width (an anchor or look-around): Java lets a quantifier apply to it, fancy-regex
    /// does not, so it is wrapped in a group first.
    zero_width: bool,
    /// Already quantified: a second quantifier applies to the quantified whole.
    quantified: bool,
    /// Estimated compiled size.
    cost: u64,
}

/// A counted or plain quantifier.
#[derive(Debug, Clone, Copy)]
struct Quant {
    min: u32,
    max: Option<u32>,
    /// Written as `{..}` (else `*`, `+`, `?`).
    counted: bool,
}

/// What an escape stands for.
enum Esc {
    Char(u32),
    /// A set of characters (`\d`, `\p{L}`, ...), possibly negated.
    Set {
        set: CharSet,
        negated: bool,
    },
    /// `\Q...\E`.
    Quote(Vec<u32>),
    /// Emitted as is outside a class: anchors, `\R`, back-references.
    Raw {
        text: String,
        zero_width: bool,
        fancy: bool,
    },
}

struct Translator {
    src: Vec<char>,
    pos: usize,
    out: String,
    fancy: bool,
    relaxed: bool,
    depth: u32,
}

type Result<T> = std::result::Result<T, TranslateError>;

impl Translator {
    fn err(&self, reason: impl Into<String>) -> TranslateError {
        TranslateError {
            offset: self.pos,
            reason: reason.into(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.src.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.src.get(self.pos + n).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    fn eat(&mut self, s: &str) -> bool {
        let n = s.chars().count();
        if self.src.len() >= self.pos + n
            && s.chars().zip(&self.src[self.pos..]).all(|(a, &b)| a == b)
        {
            self.pos += n;
            true
        } else {
            false
        }
    }

    /// Parses alternatives up to a `)` (not consumed) or the end; returns the estimated size.
    fn parse_alternation(&mut self, mut ctx: Ctx) -> Result<u64> {
        let mut total = 0u64;
        let mut branch = 0u64;
        let mut atom: Option<Atom> = None;
        while let Some(c) = self.peek() {
            match c {
                ')' => break,
                '|' => {
                    self.bump();
                    self.out.push('|');
                    total = total.saturating_add(branch);
                    branch = 0;
                    atom = None;
                }
                '(' => {
                    let start = self.out.len();
                    match self.parse_group(&mut ctx)? {
                        Some((cost, zero_width)) => {
                            atom = Some(Atom {
                                start,
                                single: false,
                                zero_width,
                                quantified: false,
                                cost,
                            });
                            branch = branch.saturating_add(cost);
                        }
                        None => atom = None,
                    }
                }
                '[' => {
                    let start = self.out.len();
                    let (cost, _) = self.parse_class()?;
                    atom = Some(Atom {
                        start,
                        single: true,
                        zero_width: false,
                        quantified: false,
                        cost,
                    });
                    branch = branch.saturating_add(cost);
                }
                '*' | '+' | '?' | '{' => {
                    let save = self.pos;
                    let Some(q) = self.parse_quantifier() else {
                        // Not a valid `{n,m}`: Java rejects it, read it as a literal `{`.
                        self.pos = save + 1;
                        let start = self.out.len();
                        push_literal(&mut self.out, '{' as u32);
                        atom = Some(Atom {
                            start,
                            single: true,
                            zero_width: false,
                            quantified: false,
                            cost: COST_ASCII,
                        });
                        branch = branch.saturating_add(COST_ASCII);
                        continue;
                    };
                    let Some(a) = atom.as_mut() else {
                        return Err(self.err(format!("dangling quantifier '{c}'")));
                    };
                    let before = a.cost;
                    self.apply_quantifier(a, q, ctx);
                    branch = branch.saturating_sub(before).saturating_add(a.cost);
                }
                '\\' => {
                    let start = self.out.len();
                    let cost = match self.parse_escape(false, ctx)? {
                        Esc::Char(cp) => {
                            self.push_outside_char(cp)?;
                            atom = Some(Atom {
                                start,
                                single: true,
                                zero_width: false,
                                quantified: false,
                                cost: char_cost(cp),
                            });
                            char_cost(cp)
                        }
                        Esc::Set { set, negated } => {
                            let cost = set.cost(negated);
                            self.out.push_str(&set.outside_class(negated));
                            atom = Some(Atom {
                                start,
                                single: true,
                                zero_width: false,
                                quantified: false,
                                cost,
                            });
                            cost
                        }
                        Esc::Quote(chars) => {
                            let mut cost = 0u64;
                            for cp in chars {
                                let s = self.out.len();
                                self.push_outside_char(cp)?;
                                cost += char_cost(cp);
                                atom = Some(Atom {
                                    start: s,
                                    single: true,
                                    zero_width: false,
                                    quantified: false,
                                    cost: char_cost(cp),
                                });
                            }
                            cost
                        }
                        Esc::Raw {
                            text,
                            zero_width,
                            fancy,
                        } => {
                            self.fancy |= fancy;
                            self.out.push_str(&text);
                            atom = Some(Atom {
                                start,
                                single: false,
                                zero_width,
                                quantified: false,
                                cost: COST_ASCII,
                            });
                            COST_ASCII
                        }
                    };
                    branch = branch.saturating_add(cost);
                }
                '^' | '$' => {
                    self.bump();
                    let start = self.out.len();
                    self.out.push(c);
                    atom = Some(Atom {
                        start,
                        single: false,
                        zero_width: true,
                        quantified: false,
                        cost: 0,
                    });
                }
                '.' => {
                    self.bump();
                    let start = self.out.len();
                    self.out.push('.');
                    atom = Some(Atom {
                        start,
                        single: true,
                        zero_width: false,
                        quantified: false,
                        cost: COST_WIDE,
                    });
                    branch = branch.saturating_add(COST_WIDE);
                }
                _ => {
                    self.bump();
                    let start = self.out.len();
                    push_literal(&mut self.out, c as u32);
                    atom = Some(Atom {
                        start,
                        single: true,
                        zero_width: false,
                        quantified: false,
                        cost: char_cost(c as u32),
                    });
                    branch = branch.saturating_add(char_cost(c as u32));
                }
            }
        }
        Ok(total.saturating_add(branch))
    }

    /// Parses `(...)`. Returns `None` for a bare flag group like `(?i)`, else the group's
    /// estimated size and whether it is zero-width (a look-around).
    fn parse_group(&mut self, ctx: &mut Ctx) -> Result<Option<(u64, bool)>> {
        self.bump(); // '('
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err("groups nested too deeply"));
        }
        let mut inner = *ctx;
        let mut zero_width = false;
        if self.eat("?") {
            if self.eat(":") {
                self.out.push_str("(?:");
            } else if self.eat("=") {
                self.fancy = true;
                zero_width = true;
                self.out.push_str("(?=");
            } else if self.eat("!") {
                self.fancy = true;
                zero_width = true;
                inner.negative = !inner.negative;
                self.out.push_str("(?!");
            } else if self.eat("<=") {
                self.fancy = true;
                zero_width = true;
                inner.lookbehind = true;
                self.out.push_str("(?<=");
            } else if self.eat("<!") {
                self.fancy = true;
                zero_width = true;
                inner.lookbehind = true;
                inner.negative = !inner.negative;
                self.out.push_str("(?<!");
            } else if self.eat(">") {
                self.fancy = true;
                self.out.push_str("(?>");
            } else if self.eat("<") {
                let mut name = String::new();
                while let Some(c) = self.peek() {
                    if c == '>' {
                        break;
                    }
                    if !c.is_ascii_alphanumeric() {
                        return Err(self.err("invalid group name"));
                    }
                    name.push(c);
                    self.bump();
                }
                if !self.eat(">") || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
                    return Err(self.err("invalid group name"));
                }
                let _ = write!(self.out, "(?<{name}>");
            } else {
                // Inline flags: (?idmsuxU-idmsuxU) or (?flags:...)
                let mut on = String::new();
                let mut off = String::new();
                let mut negate = false;
                loop {
                    match self.bump() {
                        Some(')') => {
                            self.depth -= 1;
                            let flags = render_flags(&on, &off);
                            if !flags.is_empty() {
                                let _ = write!(self.out, "(?{flags})");
                            }
                            // A bare flag group changes the rest of the enclosing group.
                            ctx.multiline = inner.multiline;
                            return Ok(None);
                        }
                        Some(':') => {
                            let flags = render_flags(&on, &off);
                            let _ = write!(self.out, "(?{flags}:");
                            break;
                        }
                        Some('-') if !negate => negate = true,
                        Some(f @ ('i' | 'm' | 's')) => {
                            if f == 'm' {
                                inner.multiline = !negate;
                            }
                            if negate { &mut off } else { &mut on }.push(f);
                        }
                        // UNIX_LINES: only '\n' ends a line, as in Rust. UNICODE_CASE: Rust's
                        // case folding is Unicode already.
                        Some('d' | 'u') => {}
                        Some('x') => return Err(self.err("comments mode (?x) is not supported")),
                        Some('U') => {
                            return Err(
                                self.err("Unicode character classes (?U) are not supported")
                            );
                        }
                        _ => return Err(self.err("unknown group or flag")),
                    }
                }
            }
        } else {
            self.out.push('(');
        }
        let cost = self.parse_alternation(inner)?;
        if !self.eat(")") {
            return Err(self.err("unclosed group"));
        }
        self.out.push(')');
        self.depth -= 1;
        Ok(Some((cost, zero_width)))
    }

    /// Parses `*`, `+`, `?` or `{n}`, `{n,}`, `{n,m}` (no lazy/possessive suffix).
    fn parse_quantifier(&mut self) -> Option<Quant> {
        let c = self.bump()?;
        let q = match c {
            '*' => Quant {
                min: 0,
                max: None,
                counted: false,
            },
            '+' => Quant {
                min: 1,
                max: None,
                counted: false,
            },
            '?' => Quant {
                min: 0,
                max: Some(1),
                counted: false,
            },
            '{' => {
                let min = self.parse_number()?;
                let max = if self.eat(",") {
                    if self.peek() == Some('}') {
                        None
                    } else {
                        Some(self.parse_number()?)
                    }
                } else {
                    Some(min)
                };
                if !self.eat("}") || max.is_some_and(|m| m < min) {
                    return None;
                }
                Quant {
                    min,
                    max,
                    counted: true,
                }
            }
            _ => return None,
        };
        Some(q)
    }

    fn parse_number(&mut self) -> Option<u32> {
        let start = self.pos;
        let mut n: u32 = 0;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            n = n.checked_mul(10)?.checked_add(d)?;
            self.bump();
        }
        (self.pos > start).then_some(n)
    }

    /// Emits a quantifier (with its lazy/possessive suffix) for `atom`.
    fn apply_quantifier(&mut self, atom: &mut Atom, q: Quant, ctx: Ctx) {
        let lazy = self.eat("?");
        let possessive = !lazy && self.eat("+");
        if atom.zero_width {
            // A repeated assertion (Java allows `(?!x)+`, `${1,128}`) is the assertion once, or
            // nothing when it may repeat zero times.
            if q.min == 0 {
                self.out.truncate(atom.start);
                atom.cost = 0;
            }
            return;
        }
        if atom.quantified {
            self.out.insert_str(atom.start, "(?:");
            self.out.push(')');
            atom.single = false;
        }
        let mut q = q;
        let reps = u64::from(q.max.unwrap_or(q.min).max(q.min));
        let unit = atom.cost.max(1);
        if q.counted
            && !ctx.negative
            && !ctx.lookbehind
            && reps.saturating_mul(unit) > REPEAT_BUDGET
        {
            // Keep what fits of the lower bound; drop the upper bound (see the module docs).
            let keep = u32::try_from(REPEAT_BUDGET / unit).unwrap_or(u32::MAX);
            q = Quant {
                min: q.min.min(keep),
                max: None,
                counted: true,
            };
            self.relaxed = true;
        }
        match (q.min, q.max, q.counted) {
            (0, None, _) => self.out.push('*'),
            (1, None, _) => self.out.push('+'),
            (0, Some(1), false) => self.out.push('?'),
            (min, None, _) => {
                let _ = write!(self.out, "{{{min},}}");
            }
            (min, Some(max), _) if min == max => {
                let _ = write!(self.out, "{{{min}}}");
            }
            (min, Some(max), _) => {
                let _ = write!(self.out, "{{{min},{max}}}");
            }
        }
        if lazy {
            self.out.push('?');
        } else if possessive {
            // `x{n}+` on a single character cannot backtrack anyway.
            let exact_single = atom.single && q.max == Some(q.min);
            if !exact_single {
                self.fancy = true;
                self.out.push('+');
            }
        }
        let copies = u64::from(q.max.unwrap_or(q.min).max(q.min)).max(1);
        atom.cost = atom.cost.saturating_mul(copies.min(REPEAT_BUDGET));
        atom.quantified = true;
    }

    /// Parses a `[...]` class (Java syntax) and emits it; returns its estimated size.
    /// Also returns the class's characters as ranges when it has no properties (used to
    /// resolve `&&`, which ECMA-262 engines do not have).
    fn parse_class(&mut self) -> Result<(u64, Option<Ranges>)> {
        self.bump(); // '['
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err("classes nested too deeply"));
        }
        let class_start = self.out.len();
        // The `&&` operands seen so far, and the current one (`None`: not plain ranges).
        let mut operands: Vec<Option<Ranges>> = Vec::new();
        let mut current: Option<Ranges> = Some(Vec::new());
        self.out.push('[');
        let negated = self.eat("^");
        if negated {
            self.out.push('^');
        }
        let mut cost = COST_ASCII;
        let mut first = true;
        let mut supplementary = false;
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err("unclosed character class"));
            };
            match c {
                ']' if !first => {
                    self.bump();
                    break;
                }
                '[' => {
                    let start = self.out.len();
                    let (c, ranges) = self.parse_class()?;
                    cost = cost.max(c);
                    match (current.as_mut(), ranges) {
                        (Some(cur), Some(r)) => cur.extend(r),
                        _ => current = None,
                    }
                    flatten_nested_class(&mut self.out, start);
                }
                '&' if self.peek_at(1) == Some('&') => {
                    self.pos += 2;
                    self.out.push_str("&&");
                    operands.push(current.replace(Vec::new()));
                }
                _ => match self.parse_class_atom()? {
                    Esc::Char(lo) => {
                        let is_range = self.peek() == Some('-')
                            && !matches!(self.peek_at(1), None | Some(']' | '['))
                            && !(self.peek_at(1) == Some('&') && self.peek_at(2) == Some('&'));
                        let mut hi = lo;
                        if is_range {
                            let save = self.pos;
                            self.bump(); // '-'
                            match self.parse_class_atom()? {
                                Esc::Char(end) => {
                                    if end < lo {
                                        return Err(self.err("illegal character range"));
                                    }
                                    hi = end;
                                }
                                _ => {
                                    // `a-\d`: the '-' is a literal, as in Java's lenient reading.
                                    self.pos = save;
                                }
                            }
                        }
                        cost = cost.max(range_cost(lo, hi));
                        if let Some(cur) = current.as_mut() {
                            cur.push((lo, hi));
                        }
                        if first && lo == u32::from(':') {
                            // `[:` would read as a POSIX class (`[[:alpha:]]`) in Rust; Java
                            // means the character.
                            self.out.push_str(r"\u{3A}");
                            if hi > lo {
                                supplementary |= push_class_range(&mut self.out, lo + 1, hi);
                            }
                        } else {
                            supplementary |= push_class_range(&mut self.out, lo, hi);
                        }
                    }
                    Esc::Set { set, negated: neg } => {
                        cost = cost.max(set.cost(neg));
                        self.out.push_str(&set.inside_class(neg));
                        match (current.as_mut(), &set) {
                            (Some(cur), CharSet::Ranges(r)) if neg => cur.extend(complement(r)),
                            (Some(cur), CharSet::Ranges(r)) => cur.extend(r.iter().copied()),
                            _ => current = None,
                        }
                    }
                    Esc::Quote(chars) => {
                        for cp in chars {
                            cost = cost.max(char_cost(cp));
                            supplementary |= push_class_range(&mut self.out, cp, cp);
                            if let Some(cur) = current.as_mut() {
                                cur.push((cp, cp));
                            }
                        }
                    }
                    Esc::Raw { .. } => return Err(self.err("assertion inside a class")),
                },
            }
            first = false;
        }
        if supplementary {
            self.out.push_str(r"\u{10000}-\u{10FFFF}");
            cost = cost.max(COST_WIDE);
        }
        self.out.push(']');
        self.depth -= 1;
        if negated {
            cost = cost.max(COST_WIDE);
        }
        let intersected = !operands.is_empty();
        operands.push(current);
        let ranges: Option<Ranges> = operands
            .into_iter()
            .try_fold(None::<Ranges>, |acc, op| {
                let op = normalize(without_surrogates(op?));
                Some(Some(match acc {
                    None => op,
                    Some(a) => intersect(&a, &op),
                }))
            })
            .flatten();
        if intersected && let Some(r) = &ranges {
            // Resolve `&&` here: write the resulting ranges as one plain class.
            self.out.truncate(class_start);
            self.out.push('[');
            if negated {
                self.out.push('^');
            }
            if r.is_empty() && !negated {
                // Nothing matches; an empty class is not valid syntax.
                self.out.push_str(r"^\u{0}-\u{D7FF}\u{E000}-\u{10FFFF}");
            } else {
                self.out.push_str(&render_ranges(r));
            }
            self.out.push(']');
        }
        let ranges = ranges.map(|r| if negated { complement(&r) } else { r });
        Ok((cost, ranges))
    }

    /// One element inside a class: a literal character or an escape.
    fn parse_class_atom(&mut self) -> Result<Esc> {
        match self.bump() {
            None => Err(self.err("unclosed character class")),
            Some('\\') => {
                self.pos -= 1;
                let ctx = Ctx {
                    multiline: false,
                    negative: false,
                    lookbehind: false,
                };
                self.parse_escape(true, ctx)
            }
            Some(c) => Ok(Esc::Char(c as u32)),
        }
    }

    /// Parses an escape starting at `\`.
    fn parse_escape(&mut self, in_class: bool, ctx: Ctx) -> Result<Esc> {
        self.bump(); // '\\'
        let Some(c) = self.bump() else {
            return Err(self.err("trailing backslash"));
        };
        let set = |ranges: &[(u32, u32)], negated: bool| {
            Ok(Esc::Set {
                set: CharSet::Ranges(ranges.to_vec()),
                negated,
            })
        };
        match c {
            't' => Ok(Esc::Char(0x09)),
            'n' => Ok(Esc::Char(0x0A)),
            'r' => Ok(Esc::Char(0x0D)),
            'f' => Ok(Esc::Char(0x0C)),
            'a' => Ok(Esc::Char(0x07)),
            'e' => Ok(Esc::Char(0x1B)),
            'c' => match self.bump() {
                Some(x) if x.is_ascii() => Ok(Esc::Char(x as u32 ^ 0x40)),
                _ => Err(self.err("invalid control escape")),
            },
            '0' => {
                // \0n, \0nn, \0mnn (m <= 3)
                let mut v: u32 = 0;
                let mut digits = 0;
                while digits < 3 {
                    let Some(d) = self.peek().and_then(|c| c.to_digit(8)) else {
                        break;
                    };
                    if digits == 2 && v > 0o37 {
                        break;
                    }
                    v = v * 8 + d;
                    digits += 1;
                    self.bump();
                }
                if digits == 0 {
                    return Err(self.err("invalid octal escape"));
                }
                Ok(Esc::Char(v))
            }
            'x' => {
                if self.eat("{") {
                    let mut v: u32 = 0;
                    let mut digits = 0;
                    while let Some(d) = self.peek().and_then(|c| c.to_digit(16)) {
                        v = v
                            .checked_mul(16)
                            .and_then(|v| v.checked_add(d))
                            .ok_or_else(|| self.err("hex escape too large"))?;
                        digits += 1;
                        self.bump();
                    }
                    if digits == 0 || !self.eat("}") || v > 0x10FFFF {
                        return Err(self.err("invalid hex escape"));
                    }
                    Ok(Esc::Char(v))
                } else {
                    self.hex_digits(2).map(Esc::Char)
                }
            }
            'u' => {
                let v = self.hex_digits(4)?;
                if (0xD800..0xDC00).contains(&v)
                    && self.peek() == Some('\\')
                    && self.peek_at(1) == Some('u')
                {
                    let save = self.pos;
                    self.pos += 2;
                    match self.hex_digits(4) {
                        Ok(lo) if (0xDC00..0xE000).contains(&lo) => {
                            return Ok(Esc::Char(0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00)));
                        }
                        _ => self.pos = save,
                    }
                }
                Ok(Esc::Char(v))
            }
            'd' | 'D' => set(DIGIT, c == 'D'),
            'w' | 'W' => set(WORD, c == 'W'),
            's' | 'S' => set(JAVA_SPACE, c == 'S'),
            'h' | 'H' => set(JAVA_HSPACE, c == 'H'),
            'v' | 'V' => set(JAVA_VSPACE, c == 'V'),
            'p' | 'P' => {
                let name: String = if self.eat("{") {
                    let mut name = String::new();
                    loop {
                        match self.bump() {
                            Some('}') => break,
                            Some(c) => name.push(c),
                            None => return Err(self.err("unclosed property name")),
                        }
                    }
                    name
                } else {
                    match self.bump() {
                        Some(c) => c.to_string(),
                        None => return Err(self.err("missing property name")),
                    }
                };
                let set = property(&name)
                    .ok_or_else(|| self.err(format!("unsupported property \\p{{{name}}}")))?;
                Ok(Esc::Set {
                    set,
                    negated: c == 'P',
                })
            }
            'Q' => {
                let mut chars = Vec::new();
                while self.peek().is_some() {
                    if self.eat("\\E") {
                        break;
                    }
                    if let Some(c) = self.bump() {
                        chars.push(c as u32);
                    }
                }
                Ok(Esc::Quote(chars))
            }
            // A stray \E (no \Q) is ignored by Java.
            'E' => Ok(Esc::Quote(Vec::new())),
            _ if in_class && (c.is_ascii_alphanumeric()) => {
                Err(self.err(format!("unsupported escape \\{c} in a class")))
            }
            'b' | 'B' => {
                if self.peek() == Some('{') {
                    return Err(self.err("\\b{g} is not supported"));
                }
                Ok(Esc::Raw {
                    text: format!("\\{c}"),
                    zero_width: true,
                    fancy: false,
                })
            }
            'A' => Ok(Esc::Raw {
                text: if ctx.multiline { r"\A" } else { "^" }.to_string(),
                zero_width: true,
                fancy: false,
            }),
            'z' => Ok(Esc::Raw {
                text: if ctx.multiline { r"\z" } else { "$" }.to_string(),
                zero_width: true,
                fancy: false,
            }),
            'Z' => Ok(Esc::Raw {
                text: format!(
                    r"(?:\r\n|[\n\r\u{{85}}\u{{2028}}\u{{2029}}])?{}",
                    if ctx.multiline { r"\z" } else { "$" }
                ),
                zero_width: false,
                fancy: false,
            }),
            'R' => Ok(Esc::Raw {
                text: r"(?:\r\n|[\n\u{B}\u{C}\r\u{85}\u{2028}\u{2029}])".to_string(),
                zero_width: false,
                fancy: false,
            }),
            'k' => {
                if !self.eat("<") {
                    return Err(self.err("invalid named back-reference"));
                }
                let mut name = String::new();
                loop {
                    match self.bump() {
                        Some('>') => break,
                        Some(c) if c.is_ascii_alphanumeric() => name.push(c),
                        _ => return Err(self.err("invalid named back-reference")),
                    }
                }
                Ok(Esc::Raw {
                    text: format!(r"(?:\k<{name}>)"),
                    zero_width: false,
                    fancy: true,
                })
            }
            '1'..='9' => {
                let mut n = c.to_digit(10).unwrap_or(1);
                while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
                    // Java takes more digits only while the group exists; the groups opened so
                    // far are a good enough bound here (at most two digits in practice).
                    if n >= 10 {
                        break;
                    }
                    let next = n * 10 + d;
                    if next > self.groups_so_far() {
                        break;
                    }
                    n = next;
                    self.bump();
                }
                Ok(Esc::Raw {
                    text: format!(r"(?:\{n})"),
                    zero_width: false,
                    fancy: true,
                })
            }
            'G' | 'X' | 'N' | 'K' => Err(self.err(format!("\\{c} is not supported"))),
            _ if c.is_ascii_alphanumeric() => Err(self.err(format!("unknown escape \\{c}"))),
            // Any other escaped character is itself.
            _ => Ok(Esc::Char(c as u32)),
        }
    }

    /// Capturing groups opened before the current position (for Java's back-reference digits).
    fn groups_so_far(&self) -> u32 {
        let mut n = 0;
        let mut i = 0;
        let mut in_class = 0;
        while i < self.pos.min(self.src.len()) {
            match self.src[i] {
                '\\' => i += 1,
                '[' => in_class += 1,
                ']' if in_class > 0 => in_class -= 1,
                '(' if in_class == 0 => {
                    let next = self.src.get(i + 1).copied();
                    let named = next == Some('?')
                        && self.src.get(i + 2) == Some(&'<')
                        && self.src.get(i + 3).is_some_and(|c| c.is_ascii_alphabetic());
                    if next != Some('?') || named {
                        n += 1;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        n
    }

    fn hex_digits(&mut self, n: usize) -> Result<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            let d = self
                .peek()
                .and_then(|c| c.to_digit(16))
                .ok_or_else(|| self.err("invalid hex escape"))?;
            v = v * 16 + d;
            self.bump();
        }
        Ok(v)
    }

    /// Emits a literal code point outside a class.
    fn push_outside_char(&mut self, cp: u32) -> Result<()> {
        if (0xD800..0xE000).contains(&cp) {
            return Err(self.err("lone surrogate outside a class"));
        }
        push_literal(&mut self.out, cp);
        Ok(())
    }
}

/// Java's `\d`.
const DIGIT: &[(u32, u32)] = &[(0x30, 0x39)];
/// Java's `\w`: `[a-zA-Z_0-9]`.
const WORD: &[(u32, u32)] = &[(0x61, 0x7A), (0x41, 0x5A), (0x5F, 0x5F), (0x30, 0x39)];
/// Java's `\s`: `[ \t\n\x0B\f\r]`.
const JAVA_SPACE: &[(u32, u32)] = &[(0x09, 0x0D), (0x20, 0x20)];
/// Java's `\h`.
const JAVA_HSPACE: &[(u32, u32)] = &[
    (0x20, 0x20),
    (0x09, 0x09),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x180E, 0x180E),
    (0x2000, 0x200A),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
];
/// Java's `\v` (Java 8+): vertical whitespace.
const JAVA_VSPACE: &[(u32, u32)] = &[(0x0A, 0x0D), (0x85, 0x85), (0x2028, 0x2029)];

/// The characters a class escape or property stands for.
#[derive(Debug, Clone)]
enum CharSet {
    /// Explicit inclusive ranges (no surrogates).
    Ranges(Vec<(u32, u32)>),
    /// The union of Unicode properties, as written inside `\p{..}` (`L`, `Nd`, `sc=Latin`).
    Props(Vec<String>),
}

impl CharSet {
    fn props(names: &[&str]) -> Self {
        CharSet::Props(names.iter().map(|n| n.to_string()).collect())
    }

    /// Class items for the set or its complement, if they can be written without a nested
    /// class (which ECMA-262 engines would misread): ranges are complemented explicitly, one
    /// property negates as `\P{..}`.
    fn items(&self, negated: bool) -> Option<String> {
        match (self, negated) {
            (CharSet::Ranges(r), false) => Some(render_ranges(r)),
            (CharSet::Ranges(r), true) => Some(render_ranges(&complement(r))),
            (CharSet::Props(p), false) => Some(p.iter().map(|n| format!(r"\p{{{n}}}")).collect()),
            (CharSet::Props(p), true) if p.len() == 1 => Some(format!(r"\P{{{}}}", p[0])),
            (CharSet::Props(_), true) => None,
        }
    }

    /// Inside a class: the items, or (only for a negated union of properties) a nested class.
    fn inside_class(&self, negated: bool) -> String {
        self.items(negated).unwrap_or_else(|| {
            let positive = self.items(false).unwrap_or_default();
            format!("[^{positive}]")
        })
    }

    /// Outside a class: one property as `\p{..}`/`\P{..}`, anything else as a class.
    fn outside_class(&self, negated: bool) -> String {
        match self {
            CharSet::Props(p) if p.len() == 1 => {
                format!(r"\{}{{{}}}", if negated { 'P' } else { 'p' }, p[0])
            }
            _ => {
                let positive = self.items(false).unwrap_or_default();
                format!("[{}{positive}]", if negated { "^" } else { "" })
            }
        }
    }

    fn cost(&self, negated: bool) -> u64 {
        match self {
            CharSet::Props(_) => COST_PROPERTY,
            CharSet::Ranges(_) if negated => COST_WIDE,
            CharSet::Ranges(r) if r.iter().all(|&(_, hi)| hi < 0x80) => COST_ASCII,
            CharSet::Ranges(r) if r.iter().all(|&(lo, hi)| hi - lo < 0x100) => COST_ASCII * 2,
            CharSet::Ranges(_) => COST_WIDE,
        }
    }
}

/// Inclusive code point ranges.
type Ranges = Vec<(u32, u32)>;

/// Ranges sorted and merged.
fn normalize(mut r: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    r.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(r.len());
    for (lo, hi) in r {
        match out.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

/// Ranges with the surrogate code points cut out (lone surrogates in a class were read as
/// the supplementary planes, see the module docs).
fn without_surrogates(r: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    let mut out = Vec::with_capacity(r.len());
    for (lo, hi) in r {
        if lo < 0xD800 {
            out.push((lo, hi.min(0xD7FF)));
        }
        if hi > 0xDFFF {
            out.push((lo.max(0xE000), hi));
        }
        if lo <= 0xDFFF && hi >= 0xD800 {
            out.push((0x10000, 0x10FFFF));
        }
    }
    out
}

/// The intersection of two normalized range lists.
fn intersect(a: &[(u32, u32)], b: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        let lo = a[i].0.max(b[j].0);
        let hi = a[i].1.min(b[j].1);
        if lo <= hi {
            out.push((lo, hi));
        }
        if a[i].1 < b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// Class items for ranges.
fn render_ranges(ranges: &[(u32, u32)]) -> String {
    let mut out = String::new();
    for &(lo, hi) in ranges {
        push_class_range(&mut out, lo, hi);
    }
    out
}

/// The code points not in `ranges`, without the surrogates.
fn complement(ranges: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut sorted = ranges.to_vec();
    sorted.sort_unstable();
    let mut out = Vec::new();
    let mut next = 0u32;
    let mut push = |lo: u32, hi: u32| {
        // Split around the surrogates, which are not characters.
        if lo < 0xD800 {
            out.push((lo, hi.min(0xD7FF)));
        }
        if hi > 0xDFFF {
            out.push((lo.max(0xE000), hi));
        }
    };
    for (lo, hi) in sorted {
        if lo > next {
            push(next, lo - 1);
        }
        next = next.max(hi.saturating_add(1));
    }
    if next <= 0x10FFFF {
        push(next, 0x10FFFF);
    }
    out
}

/// Renders kept inline flags as `ims-ims` (empty when nothing is left).
fn render_flags(on: &str, off: &str) -> String {
    match (on.is_empty(), off.is_empty()) {
        (true, true) => String::new(),
        (false, true) => on.to_string(),
        (_, false) => format!("{on}-{off}"),
    }
}

fn char_cost(cp: u32) -> u64 {
    if cp < 0x80 {
        COST_ASCII
    } else {
        COST_ASCII * 2
    }
}

fn range_cost(lo: u32, hi: u32) -> u64 {
    if hi < 0x80 {
        COST_ASCII
    } else if hi - lo < 0x100 {
        COST_ASCII * 2
    } else {
        COST_WIDE
    }
}

/// Java's nested class `[a[bc]]` is a union: when the class emitted at `start` (inside an
/// enclosing one) is positive and plain, its brackets are dropped so the output stays readable
/// by ECMA-262 engines, which have no nested classes.
fn flatten_nested_class(out: &mut String, start: usize) {
    let emitted = &out[start..];
    if !emitted.starts_with('[') || emitted.starts_with("[^") || !emitted.ends_with(']') {
        return;
    }
    let inner = &emitted[1..emitted.len() - 1];
    if inner.is_empty() || inner.contains("&&") {
        return;
    }
    let mut escaped = false;
    for c in inner.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' => return,
            _ => {}
        }
    }
    out.pop();
    out.remove(start);
}

/// Emits a literal outside a class: syntax characters escaped, invisible ones as `\u{..}`.
fn push_literal(out: &mut String, cp: u32) {
    let Some(c) = char::from_u32(cp) else {
        let _ = write!(out, r"\u{{{cp:X}}}");
        return;
    };
    match c {
        '^' | '$' | '\\' | '.' | '*' | '+' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|' => {
            out.push('\\');
            out.push(c);
        }
        _ => push_visible(out, c),
    }
}

/// Emits a class range `lo-hi` (or one character). Surrogates cannot occur in a Rust string:
/// the part of the range inside U+D800..U+DFFF is dropped and reported (`true`) so that the
/// caller adds the supplementary planes instead (see the module docs).
fn push_class_range(out: &mut String, lo: u32, hi: u32) -> bool {
    let push = |out: &mut String, a: u32, b: u32| {
        if a == b {
            push_class_char(out, a);
            return;
        }
        // Non-ASCII range ends are written as escapes: the range is easier to read.
        let end = |out: &mut String, cp: u32| {
            if cp < 0x80 {
                push_class_char(out, cp);
            } else {
                let _ = write!(out, r"\u{{{cp:X}}}");
            }
        };
        end(out, a);
        if b > a + 1 {
            out.push('-');
        }
        end(out, b);
    };
    if lo < 0xD800 {
        push(out, lo, hi.min(0xD7FF));
    }
    if hi >= 0xE000 {
        push(out, lo.max(0xE000), hi);
    }
    lo <= 0xDFFF && hi >= 0xD800
}

/// Emits one character inside a class.
fn push_class_char(out: &mut String, cp: u32) {
    let Some(c) = char::from_u32(cp) else {
        let _ = write!(out, r"\u{{{cp:X}}}");
        return;
    };
    match c {
        '\\' | ']' | '[' | '^' | '-' => {
            out.push('\\');
            out.push(c);
        }
        // Rust reads `&&` and `~~` as set operations; Java does not.
        '&' | '~' => {
            let _ = write!(out, r"\u{{{:X}}}", c as u32);
        }
        _ => push_visible(out, c),
    }
}

/// Pushes a character as is, or as a `\\u{..}` escape unless it is ASCII or a letter/digit.
fn push_visible(out: &mut String, c: char) {
    match c {
        '\t' => out.push_str(r"\t"),
        '\n' => out.push_str(r"\n"),
        '\r' => out.push_str(r"\r"),
        ' ' => out.push(' '),
        _ if c.is_control() || c.is_whitespace() || (!c.is_ascii() && !c.is_alphanumeric()) => {
            let _ = write!(out, r"\u{{{:X}}}", c as u32);
        }
        _ => out.push(c),
    }
}

/// The set of a Java `\p{name}`; `None` when unsupported.
fn property(name: &str) -> Option<CharSet> {
    let p = |s: &str| Some(CharSet::props(&[s]));
    // Explicit forms first: \p{gc=Lu}, \p{general_category=Lu}, \p{sc=Latin}, \p{script=Latin}.
    if let Some((key, value)) = name.split_once('=') {
        return match key {
            "gc" | "general_category" => category(value),
            "sc" | "script" => script(value),
            _ => None, // blocks: Rust has no block properties
        };
    }
    if let Some(rest) = name.strip_prefix("Is") {
        if let Some(found) = binary_property(rest) {
            return Some(found);
        }
        if let Some(found) = posix_or_category(rest) {
            return Some(found);
        }
        return script(rest);
    }
    if name.starts_with("In") {
        return None; // Unicode blocks
    }
    if let Some(found) = posix_or_category(name) {
        return Some(found);
    }
    match name {
        "javaLowerCase" => p("Lowercase"),
        "javaUpperCase" => p("Uppercase"),
        "javaAlphabetic" => p("Alphabetic"),
        "javaIdeographic" => p("Ideographic"),
        "javaTitleCase" => p("Lt"),
        "javaDigit" => p("Nd"),
        "javaDefined" => p("Assigned"),
        "javaLetter" => p("L"),
        "javaLetterOrDigit" => Some(CharSet::props(&["L", "Nd"])),
        "javaSpaceChar" => p("Z"),
        "javaISOControl" => Some(CharSet::Ranges(vec![(0, 0x1F), (0x7F, 0x9F)])),
        _ => None,
    }
}

/// Java's POSIX (ASCII) classes, general categories and the special `LD`, `L1`, `all`.
fn posix_or_category(name: &str) -> Option<CharSet> {
    let ranges = |r: &[(u32, u32)]| Some(CharSet::Ranges(r.to_vec()));
    match name {
        "Lower" => ranges(&[(0x61, 0x7A)]),
        "Upper" => ranges(&[(0x41, 0x5A)]),
        "ASCII" => ranges(&[(0, 0x7F)]),
        "Alpha" => ranges(&[(0x61, 0x7A), (0x41, 0x5A)]),
        "Digit" => ranges(DIGIT),
        "Alnum" => ranges(&[(0x61, 0x7A), (0x41, 0x5A), (0x30, 0x39)]),
        "Punct" => ranges(&[(0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)]),
        "Graph" => ranges(&[(0x21, 0x7E)]),
        "Print" => ranges(&[(0x20, 0x7E)]),
        "Blank" => ranges(&[(0x20, 0x20), (0x09, 0x09)]),
        "Cntrl" => ranges(&[(0, 0x1F), (0x7F, 0x7F)]),
        "XDigit" => ranges(&[(0x30, 0x39), (0x61, 0x66), (0x41, 0x46)]),
        "Space" => ranges(JAVA_SPACE),
        "LD" => Some(CharSet::props(&["L", "Nd"])),
        "L1" => ranges(&[(0, 0xFF)]),
        "all" => ranges(&[(0, 0xD7FF), (0xE000, 0x10FFFF)]),
        _ => category(name),
    }
}

/// Unicode general categories (the names Java and Rust share).
fn category(name: &str) -> Option<CharSet> {
    const CATEGORIES: &[&str] = &[
        "L", "Lu", "Ll", "Lt", "LC", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No", "P",
        "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "S", "Sm", "Sc", "Sk", "So", "Z", "Zs", "Zl",
        "Zp", "C", "Cc", "Cf", "Cs", "Co", "Cn",
    ];
    CATEGORIES.contains(&name).then(|| CharSet::props(&[name]))
}

/// Java's `\p{IsXxx}` binary properties (matched case-insensitively, as Java does).
fn binary_property(name: &str) -> Option<CharSet> {
    let upper = name.to_ascii_uppercase();
    let rust = match upper.as_str() {
        "ALPHABETIC" => "Alphabetic",
        "ASSIGNED" => "Assigned",
        "CONTROL" => "Cc",
        "EMOJI" => "Emoji",
        "EMOJI_PRESENTATION" => "Emoji_Presentation",
        "EMOJI_MODIFIER" => "Emoji_Modifier",
        "EMOJI_MODIFIER_BASE" => "Emoji_Modifier_Base",
        "EMOJI_COMPONENT" => "Emoji_Component",
        "EXTENDED_PICTOGRAPHIC" => "Extended_Pictographic",
        "HEXDIGIT" | "HEX_DIGIT" => "Hex_Digit",
        "IDEOGRAPHIC" => "Ideographic",
        "JOINCONTROL" | "JOIN_CONTROL" => "Join_Control",
        "LETTER" => "L",
        "LOWERCASE" => "Lowercase",
        "NONCHARACTERCODEPOINT" | "NONCHARACTER_CODE_POINT" => "Noncharacter_Code_Point",
        "TITLECASE" => "Lt",
        "PUNCTUATION" => "P",
        "UPPERCASE" => "Uppercase",
        "WHITESPACE" | "WHITE_SPACE" => "White_Space",
        "WORD" => {
            return Some(CharSet::props(&[
                "Alphabetic",
                "M",
                "Nd",
                "Pc",
                "Join_Control",
            ]));
        }
        _ => return None,
    };
    Some(CharSet::props(&[rust]))
}

/// A script name (`Latin`, `Han`); Rust matches script names loosely, as Java does.
fn script(name: &str) -> Option<CharSet> {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ' ');
    ok.then(|| CharSet::Props(vec![format!("sc={name}")]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tr(src: &str) -> (String, bool) {
        translate_java_regex(src)
    }

    #[test]
    fn posix_classes_are_ascii() {
        assert_eq!(tr(r"^[\-\p{Alnum}_:.]+$").0, r"^[\-a-zA-Z0-9_:.]+$");
        assert_eq!(tr(r"^\p{Print}+$").0, r"^[ -\u{7E}]+$");
        assert_eq!(tr(r"^\p{ASCII}*$").0, r"^[\u{0}-\u{7F}]*$");
        assert_eq!(
            tr(r"^\p{XDigit}{8}-\p{XDigit}{4}$").0,
            r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}$"
        );
        assert_eq!(tr(r"[^\p{Cntrl}]").0, r"[^\u{0}-\u{1F}\u{7F}]");
        assert_eq!(tr(r"\P{Alpha}").0, r"[^a-zA-Z]");
        // Negated sets inside a class are complemented, never nested.
        assert_eq!(
            tr(r"[\P{Cntrl}x]").0,
            r"[ -\u{7E}\u{80}-\u{D7FF}\u{E000}-\u{10FFFF}x]"
        );
    }

    #[test]
    fn perl_classes_are_ascii() {
        assert_eq!(tr(r"\d\w\s").0, r"[0-9][a-zA-Z_0-9][\t-\r ]");
        assert_eq!(
            tr(r"[\d\S]").0,
            r"[0-9\u{0}-\u{8}\u{E}-\u{1F}!-\u{D7FF}\u{E000}-\u{10FFFF}]"
        );
        assert_eq!(tr(r"\S+").0, r"[^\t-\r ]+");
    }

    #[test]
    fn unicode_properties() {
        assert_eq!(
            tr(r"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$").0,
            r"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$"
        );
        assert_eq!(tr(r"[0-9\p{IsAlphabetic}]").0, r"[0-9\p{Alphabetic}]");
        assert_eq!(
            tr(r"[^\p{C}\p{IsWhitespace}]").0,
            r"[^\p{C}\p{White_Space}]"
        );
        assert_eq!(
            tr(r"^(\p{LD}|\p{Punct}| )+$").0,
            r"^([\p{L}\p{Nd}]|[!-/:-@\[-`{-\u{7E}]| )+$"
        );
        assert_eq!(tr(r"[\P{M}\p{M}]").0, r"[\P{M}\p{M}]");
        assert_eq!(tr(r"\p{IsLatin}").0, r"\p{sc=Latin}");
        assert_eq!(tr(r"\pL+\P{N}").0, r"\p{L}+\P{N}");
        assert_eq!(tr(r"[\p{all}]").0, r"[\u{0}-\u{D7FF}\u{E000}-\u{10FFFF}]");
        assert_eq!(tr(r"[^\P{LD}]").0, r"[^[^\p{L}\p{Nd}]]");
        assert_eq!(tr(r"\p{InGreek}").0, "");
    }

    #[test]
    fn class_syntax() {
        // Java reads `-` after a class escape, and `||`, literally.
        assert_eq!(tr(r"[\p{L}\p{N}\p{Z}-_]").0, r"[\p{L}\p{N}\p{Z}\-_]");
        assert_eq!(tr(r"[\p{L}||\p{N}]").0, r"[\p{L}||\p{N}]");
        // Intersections of plain ranges are resolved (ECMA-262 has no `&&`).
        assert_eq!(tr(r"[\p{Print}&&[^|:/]]").0, r"[ -.0-9;-{}\u{7E}]");
        assert_eq!(tr(r"[a-z&&[^aeiou]]").0, r"[b-df-hj-np-tv-z]");
        assert_eq!(tr(r"[^a-z&&[^b]]").0, r"[^ac-z]");
        // With a property, `&&` stays (Rust reads it; ECMA engines do not).
        assert_eq!(tr(r"[\p{L}&&[^a]]").0, r"[\p{L}&&[^a]]");
        assert_eq!(tr(r"[a&b~c]").0, r"[a\u{26}b\u{7E}c]");
        assert_eq!(tr(r"[]a]").0, r"[\]a]");
        assert_eq!(tr(r"[a-]").0, r"[a\-]");
        assert_eq!(tr(r"[\p{XDigit}{2}:?]").0, r"[0-9a-fA-F{2}:?]");
        assert_eq!(tr(r"[^/:|\000-\037]+").0, r"[^/:|\u{0}-\u{1F}]+");
        // Java has no POSIX bracket classes: `[[:alnum:]]` is the characters `:alnum`.
        assert_eq!(tr(r"[[:alnum:]\/\_]").0, r"[\u{3A}alnum:/_]");
        assert_eq!(tr(r"[a-c[x-z]]").0, r"[a-cx-z]");
        assert_eq!(tr(r"[a[^b]]").0, r"[a[^b]]");
    }

    #[test]
    fn surrogates() {
        assert_eq!(
            tr(r"[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF]").0,
            r"[ -\u{D7FF}\u{E000}-\u{FFFD}\u{10000}-\u{10FFFF}]"
        );
        assert_eq!(
            tr(r"[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDBFF-\uDC00\uDFFF\r\n\t]*").0,
            r"[ -\u{D7FF}\u{E000}-\u{FFFD}\r\n\t\u{10000}-\u{10FFFF}]*"
        );
        assert_eq!(tr(r"\uD83D\uDE00").0, r"\u{1F600}");
        assert_eq!(tr(r"a\uD800").0, "");
    }

    #[test]
    fn anchors_and_quotes() {
        assert_eq!(tr(r"^\A[a-zA-Z0-9_]+\z$").0, r"^^[a-zA-Z0-9_]+$$");
        assert_eq!(tr(r"(?m)\Aa\z").0, r"(?m)\Aa\z");
        assert_eq!(tr(r"\Qa.b\E+").0, r"a\.b+");
        assert_eq!(tr(r"^([a-z]*)${1,128}$").0, r"^([a-z]*)$$");
        assert_eq!(tr(r"^(/(?!\.)+[a-z]+)$").0, r"^(/(?!\.)[a-z]+)$");
        assert_eq!(tr(r"a(?=b)*").0, "a");
        assert_eq!(tr(r"^\P{C}*$}$").0, r"^\P{C}*$\}$");
        assert_eq!(tr(r"a{x").0, r"a\{x");
    }

    #[test]
    fn fancy_constructs() {
        assert_eq!(
            tr(r"^(?!aws:)[a-z]*$"),
            (r"^(?!aws:)[a-z]*$".to_string(), true)
        );
        assert!(tr(r"^[0-9a-z\.\-]*(?<!\.)$").1);
        assert_eq!(
            tr(r"^(?!.*?(.)\1{3})[a-z]*$"),
            (r"^(?!.*?(.)(?:\1){3})[a-z]*$".to_string(), true)
        );
        assert_eq!(tr(r"^[\/]?+[a-z]+$"), (r"^[/]?+[a-z]+$".to_string(), true));
        assert!(tr(r"(?>ab|a)c").1);
        assert!(tr(r"(?<name>a)\k<name>").1);
    }

    #[test]
    fn possessive_exact_count_on_a_character_is_plain() {
        assert_eq!(tr(r"^[0-9A-Z]{2}+$"), (r"^[0-9A-Z]{2}$".to_string(), false));
        assert_eq!(tr(r"\d{12}+"), (r"[0-9]{12}".to_string(), false));
    }

    #[test]
    fn flags() {
        assert_eq!(tr(r"^(?i)(true|false)$").0, r"^(?i)(true|false)$");
        assert_eq!(tr(r"(?u)a(?d:b)").0, r"a(?:b)");
        assert_eq!(
            tr(r"(?ms)\s*^-a (?-s:.*)b$").0,
            r"(?ms)[\t-\r ]*^-a (?-s:.*)b$"
        );
        assert_eq!(tr(r"(?x)a b").0, "");
        assert_eq!(tr(r"(?U)\w").0, "");
    }

    #[test]
    fn large_unicode_repetitions_are_relaxed() {
        let t = translate(r"^[\p{L}\p{M}\p{Z}\p{N}\p{P}]{0,1024}$").unwrap();
        assert_eq!(t.pattern, r"^[\p{L}\p{M}\p{Z}\p{N}\p{P}]*$");
        assert!(t.relaxed);
        let t = translate(r"^[a-zA-Z0-9]{1,1024}$").unwrap();
        assert_eq!(t.pattern, r"^[a-zA-Z0-9]{1,1024}$");
        assert!(!t.relaxed);
        // Never inside a negative look-ahead.
        let t = translate(r"^(?!\p{L}{50})").unwrap();
        assert!(!t.relaxed);
    }

    #[test]
    fn invalid_patterns_are_empty() {
        assert_eq!(tr(r"a(b").0, "");
        assert_eq!(tr(r"a)b").0, "");
        assert_eq!(tr(r"*a").0, "");
        assert_eq!(tr(r"[a-").0, "");
        assert_eq!(tr(r"[z-a]").0, "");
        assert_eq!(tr(r"\").0, "");
        assert_eq!(tr(r"\y").0, "");
    }

    #[test]
    fn literals_are_escaped() {
        assert_eq!(tr("a.b").0, "a.b");
        assert_eq!(tr(r"a\.b\$\\").0, r"a\.b\$\\");
        assert_eq!(tr("\u{a0}\u{3000}é").0, r"\u{A0}\u{3000}é");
        assert_eq!(tr(r"a\-b\#").0, "a-b#");
    }

    /// Every distinct `smithy.api#pattern` of the pinned models, read straight from the JSON.
    fn model_patterns() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/aws");
        let mut stack = vec![root];
        let mut found = std::collections::BTreeSet::new();
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "json") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for (at, _) in text.match_indices("\"smithy.api#pattern\"") {
                        let rest = text[at + 20..].trim_start().trim_start_matches(':');
                        let mut values =
                            serde_json::Deserializer::from_str(rest).into_iter::<String>();
                        if let Some(Ok(p)) = values.next() {
                            found.insert(p);
                        }
                    }
                }
            }
        }
        found.into_iter().collect()
    }

    /// Translates every pattern of the pinned models and reports the figures (run with
    /// `--nocapture` to see them). The server's tests compile the translations with `regex` /
    /// `fancy-regex` (`tests/schema_conformance.rs`).
    #[test]
    fn every_model_pattern_translates() {
        let patterns = model_patterns();
        assert!(patterns.len() > 1000, "models/aws not found or empty");
        let (mut plain, mut fancy, mut relaxed) = (0, 0, 0);
        let mut failed = Vec::new();
        for p in &patterns {
            match translate(p) {
                Ok(t) => {
                    if t.needs_fancy {
                        fancy += 1;
                    } else {
                        plain += 1;
                    }
                    if t.relaxed {
                        relaxed += 1;
                    }
                }
                Err(e) => failed.push(format!("{p:?}: {e}")),
            }
        }
        println!(
            "{} distinct patterns: {plain} plain regex, {fancy} need fancy-regex, {relaxed} with a \
             relaxed repetition, {} untranslatable",
            patterns.len(),
            failed.len()
        );
        assert!(
            failed.is_empty(),
            "untranslatable patterns:\n{}",
            failed.join("\n")
        );
    }
}
