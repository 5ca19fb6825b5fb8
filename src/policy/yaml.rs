//! The policy file's YAML as a small tree that remembers where every node is, so that each
//! check of [`super::model`] and [`super::compile`] can name the line and column.
//!
//! Built from `saphyr-parser`'s events (YAML 1.2). Scalars keep their text and whether they
//! were quoted; their type is decided where they are read (`per_minute: 5` is a number, `in:
//! [5]` a string "5"), with YAML 1.2's core schema for plain scalars (`true`/`false`, `null`/`~`,
//! decimal integers). Duplicate keys are errors (a second `deny_when:` would silently replace
//! the first). Anchors and aliases work; tags other than `!!str` are refused.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use super::Diagnostic;

/// Where a node starts: line and column, both from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    fn of(span: Span) -> Pos {
        Pos {
            line: span.start.line(),
            col: span.start.col() + 1,
        }
    }
}

/// A YAML node and its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub kind: NodeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// A scalar's text; `plain` when it was not quoted (and so may be a number, a boolean or
    /// null).
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    /// Keys in document order.
    Map(Vec<(Node, Node)>),
}

/// The deepest nesting accepted (a policy is four or five levels deep).
const MAX_DEPTH: usize = 32;
/// The most nodes a document may expand to (aliases included): a guard against alias bombs.
const MAX_NODES: usize = 200_000;

/// Parses one YAML document. An empty document is `None`.
pub fn parse(text: &str) -> Result<Option<Node>, Diagnostic> {
    let mut b = Builder {
        parser: Parser::new_from_str(text),
        anchors: HashMap::new(),
        nodes: 0,
    };
    let mut root = None;
    let mut documents = 0;
    loop {
        let (event, span) = b.next()?;
        match event {
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(at(
                        Pos::of(span),
                        "a second YAML document (`---`): the policy is one document".to_string(),
                    ));
                }
            }
            Event::StreamEnd => return Ok(root),
            other => root = Some(b.node(other, span, 0)?),
        }
    }
}

fn at(pos: Pos, message: String) -> Diagnostic {
    Diagnostic::error(pos, message)
}

struct Builder<'a> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    anchors: HashMap<usize, Node>,
    nodes: usize,
}

impl<'a> Builder<'a> {
    fn next(&mut self) -> Result<(Event<'a>, Span), Diagnostic> {
        match self.parser.next_event() {
            Some(Ok(ev)) => Ok(ev),
            Some(Err(e)) => {
                let m = e.marker();
                Err(at(
                    Pos {
                        line: m.line(),
                        col: m.col() + 1,
                    },
                    format!("YAML syntax: {}", e.info()),
                ))
            }
            None => Ok((Event::StreamEnd, Span::default())),
        }
    }

    fn count(&mut self, pos: Pos, n: usize) -> Result<(), Diagnostic> {
        self.nodes += n;
        if self.nodes > MAX_NODES {
            return Err(at(
                pos,
                format!("the document expands to more than {MAX_NODES} nodes (aliases?)"),
            ));
        }
        Ok(())
    }

    fn node(&mut self, event: Event<'a>, span: Span, depth: usize) -> Result<Node, Diagnostic> {
        let pos = Pos::of(span);
        if depth > MAX_DEPTH {
            return Err(at(pos, format!("nested more than {MAX_DEPTH} levels deep")));
        }
        self.count(pos, 1)?;
        let (node, anchor) = match event {
            Event::Scalar(text, style, anchor, tag) => {
                let mut plain = style == ScalarStyle::Plain;
                if let Some(tag) = tag {
                    if tag.is_yaml_core_schema() && tag.suffix == "str" {
                        plain = false;
                    } else {
                        return Err(at(
                            pos,
                            format!(
                                "YAML tag `{}{}` is not supported here",
                                tag.handle, tag.suffix
                            ),
                        ));
                    }
                }
                let kind = NodeKind::Scalar {
                    text: text.into_owned(),
                    plain,
                };
                (Node { pos, kind }, anchor)
            }
            Event::SequenceStart(anchor, tag) => {
                refuse_tag(pos, tag.as_deref())?;
                let mut items = Vec::new();
                loop {
                    let (ev, sp) = self.next()?;
                    if matches!(ev, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(ev, sp, depth + 1)?);
                }
                (
                    Node {
                        pos,
                        kind: NodeKind::Seq(items),
                    },
                    anchor,
                )
            }
            Event::MappingStart(anchor, tag) => {
                refuse_tag(pos, tag.as_deref())?;
                let mut entries: Vec<(Node, Node)> = Vec::new();
                loop {
                    let (ev, sp) = self.next()?;
                    if matches!(ev, Event::MappingEnd) {
                        break;
                    }
                    let key = self.node(ev, sp, depth + 1)?;
                    let (ev, sp) = self.next()?;
                    let value = self.node(ev, sp, depth + 1)?;
                    if let Some((first, _)) = entries.iter().find(|(k, _)| k.kind == key.kind) {
                        return Err(at(
                            key.pos,
                            format!(
                                "duplicate key `{}` (first at line {}): merge the two",
                                key.display(),
                                first.pos.line
                            ),
                        ));
                    }
                    entries.push((key, value));
                }
                (
                    Node {
                        pos,
                        kind: NodeKind::Map(entries),
                    },
                    anchor,
                )
            }
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id) else {
                    return Err(at(pos, "alias to an unknown anchor".to_string()));
                };
                let mut copy = target.clone();
                let n = copy.size();
                self.count(pos, n)?;
                copy.pos = pos;
                return Ok(copy);
            }
            other => {
                return Err(at(pos, format!("unexpected YAML event {other:?}")));
            }
        };
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        Ok(node)
    }
}

fn refuse_tag(pos: Pos, tag: Option<&saphyr_parser::Tag>) -> Result<(), Diagnostic> {
    match tag {
        None => Ok(()),
        Some(t) if t.is_yaml_core_schema() && (t.suffix == "seq" || t.suffix == "map") => Ok(()),
        Some(t) => Err(at(
            pos,
            format!("YAML tag `{}{}` is not supported here", t.handle, t.suffix),
        )),
    }
}

impl Node {
    /// The number of nodes in this subtree.
    fn size(&self) -> usize {
        match &self.kind {
            NodeKind::Scalar { .. } => 1,
            NodeKind::Seq(items) => 1 + items.iter().map(Node::size).sum::<usize>(),
            NodeKind::Map(entries) => {
                1 + entries
                    .iter()
                    .map(|(k, v)| k.size() + v.size())
                    .sum::<usize>()
            }
        }
    }

    /// A short rendering for messages.
    pub fn display(&self) -> String {
        match &self.kind {
            NodeKind::Scalar { text, .. } => text.chars().take(80).collect(),
            NodeKind::Seq(_) => "a list".to_string(),
            NodeKind::Map(_) => "a mapping".to_string(),
        }
    }

    /// What kind of value this is, for "expected X, got Y" messages.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar { text, plain: true } if is_null(text) => "null",
            NodeKind::Scalar { text, plain: true } if parse_bool(text).is_some() => "a boolean",
            NodeKind::Scalar { text, plain: true } if text.parse::<i64>().is_ok() => "a number",
            NodeKind::Scalar { .. } => "a string",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }

    /// `null`, `~` or nothing, unquoted.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { text, plain: true } if is_null(text))
    }

    /// The text of a scalar (any scalar: `in: [5]` reads as "5"); `None` for null and
    /// collections.
    pub fn as_text(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, plain } if !(*plain && is_null(text)) => Some(text),
            _ => None,
        }
    }

    /// A boolean: unquoted `true` or `false` (any case).
    pub fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            NodeKind::Scalar { text, plain: true } => parse_bool(text),
            _ => None,
        }
    }

    /// A non-negative whole number, unquoted (`_` separators allowed: `262_144`).
    pub fn as_u64(&self) -> Option<u64> {
        match &self.kind {
            NodeKind::Scalar { text, plain: true } => {
                let t: String = text.chars().filter(|c| *c != '_').collect();
                let t = t.strip_prefix('+').unwrap_or(&t);
                if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                t.parse().ok()
            }
            _ => None,
        }
    }
}

fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(n: &Node) -> &[(Node, Node)] {
        match &n.kind {
            NodeKind::Map(m) => m,
            _ => panic!("not a map: {n:?}"),
        }
    }

    #[test]
    fn positions_are_one_based() {
        let root = parse("mode: read-only\ndeny_when:\n  - operations: [\"ec2:A\"]\n")
            .unwrap()
            .unwrap();
        let entries = map(&root);
        assert_eq!(entries[0].0.pos, Pos { line: 1, col: 1 });
        assert_eq!(entries[1].0.pos, Pos { line: 2, col: 1 });
        let NodeKind::Seq(rules) = &entries[1].1.kind else {
            panic!()
        };
        let rule = map(&rules[0]);
        assert_eq!(rule[0].0.pos, Pos { line: 3, col: 5 });
        let NodeKind::Seq(ops) = &rule[0].1.kind else {
            panic!()
        };
        assert_eq!(ops[0].pos, Pos { line: 3, col: 18 });
        assert_eq!(ops[0].as_text(), Some("ec2:A"));
    }

    #[test]
    fn scalars_keep_their_type_until_read() {
        let root = parse("a: 5\nb: \"5\"\nc: true\nd: ~\ne: yes\nf: 262_144\n")
            .unwrap()
            .unwrap();
        let e = map(&root);
        assert_eq!(e[0].1.as_u64(), Some(5));
        assert_eq!(e[1].1.as_u64(), None);
        assert_eq!(e[1].1.as_text(), Some("5"));
        assert_eq!(e[2].1.as_bool(), Some(true));
        assert!(e[3].1.is_null());
        assert_eq!(e[3].1.as_text(), None);
        assert_eq!(e[4].1.as_bool(), None, "YAML 1.2: yes is a string");
        assert_eq!(e[5].1.as_u64(), Some(262_144));
    }

    #[test]
    fn duplicate_keys_and_syntax_errors_name_the_line() {
        let e = parse("mode: read-only\nmode: read-write\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 1));
        assert!(e.message.contains("duplicate key `mode`"), "{}", e.message);
        let e = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(e.line >= 2, "{e:?}");
        assert!(e.message.starts_with("YAML syntax"), "{}", e.message);
        let e = parse("a: 1\n---\nb: 2\n").unwrap_err();
        assert_eq!(e.line, 2);
    }

    #[test]
    fn aliases_expand_and_empty_documents_are_none() {
        let root = parse("x: &ops [\"s3:Get*\"]\ny: *ops\n").unwrap().unwrap();
        let e = map(&root);
        assert_eq!(e[0].1.kind, e[1].1.kind);
        assert_eq!(e[1].1.pos.line, 2);
        assert!(parse("").unwrap().is_none());
        assert!(parse("# only a comment\n").unwrap().is_none());
        let e = parse("a: !!binary aGk=\n").unwrap_err();
        assert!(e.message.contains("tag"), "{}", e.message);
    }
}
