// SPDX-License-Identifier: GPL-3.0-or-later
//! Building a [`Document`] from text. quick-xml finds the token boundaries (it knows where a
//! tag, comment or CDATA section ends); every node then stores the exact slice of input it
//! came from, and start tags are lexed here so that attribute spacing and quotes survive.
//! Well-formedness rules quick-xml does not check (names, duplicate attributes, references,
//! forbidden characters, one root, text outside the root) are checked here. The parser is
//! iterative: nesting depth is bounded by [`Limits`], never by the stack.

use std::collections::HashSet;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::{intern, Attr, Document, Element, Kind, Limits, Node, NodeId, NodeType};
use crate::xml::error::{line_column, ParseErrorKind as K};
use crate::xml::escape::{check_references, is_name, is_xml_char};
use crate::xml::XmlError;

/// A parse failure at a byte offset of the input (turned into line/column at the end).
struct Fail(usize, K);

type Step<T> = Result<T, Fail>;

pub(super) fn parse(input: &str, limits: &Limits) -> Result<Document, XmlError> {
    if input.len() > limits.max_bytes {
        return Err(XmlError::TooLarge {
            len: input.len(),
            max: limits.max_bytes,
        });
    }
    Builder::run(input, limits).map_err(|Fail(offset, kind)| {
        let (line, column) = line_column(input, offset);
        XmlError::Parse { line, column, kind }
    })
}

struct Builder<'a> {
    input: &'a str,
    limits: &'a Limits,
    doc: Document,
    /// Open elements, innermost last.
    open: Vec<NodeId>,
    /// Start of text not yet turned into a node (text and references arrive in pieces).
    text_start: Option<usize>,
    seen_root: bool,
    seen_doctype: bool,
}

impl<'a> Builder<'a> {
    fn run(input: &'a str, limits: &'a Limits) -> Step<Document> {
        let bom = input.starts_with('\u{FEFF}');
        let base = if bom { '\u{FEFF}'.len_utf8() } else { 0 };
        check_chars(input)?;
        let mut b = Builder {
            input,
            limits,
            doc: Document {
                nodes: vec![Node {
                    parent: None,
                    kind: Kind::Document(Vec::new()),
                }],
                bom,
            },
            open: Vec::new(),
            text_start: None,
            seen_root: false,
            seen_doctype: false,
        };
        let body = input.get(base..).unwrap_or("");
        let mut reader = Reader::from_str(body);
        let cfg = reader.config_mut();
        cfg.trim_text(false);
        cfg.expand_empty_elements = false;
        cfg.check_end_names = false; // checked here, for a typed error
        cfg.check_comments = true;
        cfg.allow_unmatched_ends = false;
        cfg.allow_dangling_amp = false;
        let mut prev = base;
        loop {
            let event = reader.read_event().map_err(|e| {
                Fail(
                    base + reader.error_position() as usize,
                    K::Syntax(e.to_string()),
                )
            })?;
            let pos = base + reader.buffer_position() as usize;
            let raw = input
                .get(prev..pos)
                .ok_or_else(|| Fail(prev, K::Syntax("token boundary inside a character".into())))?;
            match event {
                Event::Text(_) | Event::GeneralRef(_) => {
                    b.text_start.get_or_insert(prev);
                }
                Event::Eof => {
                    b.flush_text(prev)?;
                    break;
                }
                other => {
                    b.flush_text(prev)?;
                    b.markup(other, raw, prev)?;
                }
            }
            prev = pos;
        }
        if let Some(&open) = b.open.last() {
            let name = b.doc.name(open).unwrap_or_default().to_owned();
            return Err(Fail(input.len(), K::Unclosed(name)));
        }
        if !b.seen_root {
            return Err(Fail(input.len(), K::NoRoot));
        }
        Ok(b.doc)
    }

    fn parent(&self) -> NodeId {
        self.open.last().copied().unwrap_or(NodeId::DOCUMENT)
    }

    fn push(&mut self, kind: Kind, at: usize) -> Step<NodeId> {
        if self.doc.nodes.len() >= self.limits.max_nodes {
            return Err(Fail(at, K::TooManyNodes(self.limits.max_nodes)));
        }
        let parent = self.parent();
        let id = NodeId(self.doc.nodes.len() as u32);
        self.doc.nodes.push(Node {
            parent: Some(parent),
            kind,
        });
        match &mut self.doc.nodes[parent.index()].kind {
            Kind::Document(children) => children.push(id),
            Kind::Element(e) => e.children.push(id),
            _ => {}
        }
        Ok(id)
    }

    fn flush_text(&mut self, end: usize) -> Step<()> {
        let Some(start) = self.text_start.take() else {
            return Ok(());
        };
        let raw = self.input.get(start..end).unwrap_or_default();
        if self.open.is_empty() && !raw.bytes().all(is_xml_space) {
            return Err(Fail(start, K::TextOutsideRoot));
        }
        if let Some(i) = raw.contains(']').then(|| raw.find("]]>")).flatten() {
            return Err(Fail(start + i, K::BadCharacterData("“]]>” in text")));
        }
        check_references(raw).map_err(|(i, r)| Fail(start + i, K::BadReference(r)))?;
        self.push(Kind::Text(intern(raw)), start)?;
        Ok(())
    }

    fn markup(&mut self, event: Event<'_>, raw: &str, at: usize) -> Step<()> {
        let outside = self.open.is_empty();
        match event {
            Event::Start(_) | Event::Empty(_) => {
                let self_closing = matches!(event, Event::Empty(_));
                if outside && self.seen_root {
                    return Err(Fail(at, K::MultipleRoots));
                }
                if self.open.len() + 1 > self.limits.max_depth {
                    return Err(Fail(at, K::TooDeep(self.limits.max_depth)));
                }
                let element = lex_start_tag(raw, self_closing).map_err(|(i, k)| Fail(at + i, k))?;
                self.seen_root = true;
                let id = self.push(Kind::Element(element), at)?;
                if !self_closing {
                    self.open.push(id);
                }
            }
            Event::End(_) => {
                let inner = raw.get(2..raw.len().saturating_sub(1)).unwrap_or_default();
                let name = inner.trim_end_matches(|c: char| c.is_ascii() && is_xml_space(c as u8));
                let tail = &inner[name.len()..];
                let Some(open) = self.open.pop() else {
                    return Err(Fail(at, K::UnexpectedEnd(name.to_owned())));
                };
                match &mut self.doc.nodes[open.index()].kind {
                    Kind::Element(e) if &*e.name == name => e.end_tail = intern(tail),
                    Kind::Element(e) => {
                        let expected = e.name.to_string();
                        let found = name.to_owned();
                        return Err(Fail(at, K::MismatchedEnd { expected, found }));
                    }
                    _ => return Err(Fail(at, K::UnexpectedEnd(name.to_owned()))),
                }
            }
            Event::Decl(_) => {
                let first = at == usize::from(self.doc.bom) * 3
                    && self.doc.children(NodeId::DOCUMENT).is_empty();
                if !first {
                    return Err(Fail(at, K::MisplacedDeclaration));
                }
                self.push(Kind::Markup(NodeType::Declaration, intern(raw)), at)?;
            }
            Event::DocType(_) => {
                if !outside || self.seen_root || self.seen_doctype {
                    return Err(Fail(at, K::MisplacedDeclaration));
                }
                self.seen_doctype = true;
                self.push(Kind::Markup(NodeType::DocType, intern(raw)), at)?;
            }
            Event::CData(_) => {
                if outside {
                    return Err(Fail(at, K::TextOutsideRoot));
                }
                self.push(Kind::Markup(NodeType::CData, intern(raw)), at)?;
            }
            Event::Comment(_) => {
                self.push(Kind::Markup(NodeType::Comment, intern(raw)), at)?;
            }
            Event::PI(pi) => {
                let target = String::from_utf8_lossy(pi.target()).to_string();
                if !is_name(&target) || target.eq_ignore_ascii_case("xml") {
                    return Err(Fail(at, K::BadName(target)));
                }
                self.push(
                    Kind::Markup(NodeType::ProcessingInstruction, intern(raw)),
                    at,
                )?;
            }
            Event::Text(_) | Event::GeneralRef(_) | Event::Eof => {}
        }
        Ok(())
    }
}

fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Refuses characters XML 1.0 forbids anywhere in a document.
fn check_chars(input: &str) -> Step<()> {
    // Fast path on bytes: only control bytes and the 3-byte forms of U+FFFE/U+FFFF matter.
    let bytes = input.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let suspicious = (b < 0x20 && !is_xml_space(b))
            || (b == 0xEF
                && bytes.get(i + 1) == Some(&0xBF)
                && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)));
        if suspicious {
            if let Some(c) = input.get(i..).and_then(|s| s.chars().next()) {
                if !is_xml_char(c) {
                    return Err(Fail(i, K::ForbiddenChar(c)));
                }
            }
        }
    }
    Ok(())
}

/// Lexes `<name attr='v' …>` or `<name …/>` into an [`Element`]; errors carry the byte
/// offset within `raw`.
fn lex_start_tag(raw: &str, self_closing: bool) -> Result<Element, (usize, K)> {
    let close = if self_closing { 2 } else { 1 };
    let inner = raw
        .get(1..raw.len().saturating_sub(close))
        .unwrap_or_default();
    let name_len = inner
        .find(|c: char| c.is_ascii() && is_xml_space(c as u8))
        .unwrap_or(inner.len());
    let name = &inner[..name_len];
    if !is_name(name) {
        return Err((1, K::BadName(name.to_owned())));
    }
    let mut attrs: Vec<Attr> = Vec::new();
    // Names seen so far: a linear scan for the usual few, a set past 16 (hostile input).
    let mut keys: Vec<&str> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut pos = name_len;
    loop {
        let rest = &inner[pos..];
        let ws = rest.bytes().take_while(|&b| is_xml_space(b)).count();
        if ws == rest.len() {
            return Ok(Element {
                name: name.into(),
                attrs,
                tag_tail: intern(rest),
                children: Vec::new(),
                self_closing,
                end_tail: intern(""),
            });
        }
        let at = 1 + pos + ws;
        if ws == 0 {
            return Err((
                at,
                K::Syntax("expected whitespace before an attribute".into()),
            ));
        }
        let after_ws = &rest[ws..];
        let key_len = after_ws
            .find(|c: char| c == '=' || (c.is_ascii() && is_xml_space(c as u8)))
            .unwrap_or(after_ws.len());
        let key = &after_ws[..key_len];
        if !is_name(key) {
            return Err((at, K::BadName(key.to_owned())));
        }
        let after_key = &after_ws[key_len..];
        let eq_len = after_key
            .bytes()
            .position(|b| !is_xml_space(b) && b != b'=')
            .unwrap_or(after_key.len());
        let eq = &after_key[..eq_len];
        if eq.bytes().filter(|&b| b == b'=').count() != 1 {
            return Err((
                at,
                K::Syntax(format!("attribute “{key}” needs one “=” and a value")),
            ));
        }
        let after_eq = &after_key[eq_len..];
        let quote = match after_eq.chars().next() {
            Some(q @ ('\'' | '"')) => q,
            _ => return Err((at, K::Syntax(format!("value of “{key}” must be quoted")))),
        };
        let value_len = after_eq[1..]
            .find(quote)
            .ok_or_else(|| (at, K::Syntax(format!("value of “{key}” is not closed"))))?;
        let value = &after_eq[1..1 + value_len];
        if value.contains('<') {
            return Err((at, K::BadCharacterData("“<” in an attribute value")));
        }
        check_references(value).map_err(|(_, r)| (at, K::BadReference(r)))?;
        let duplicate = if keys.len() < 16 {
            keys.contains(&key)
        } else {
            if seen.is_empty() {
                seen.extend(keys.iter().copied());
            }
            !seen.insert(key)
        };
        if duplicate {
            return Err((at, K::DuplicateAttribute(key.to_owned())));
        }
        keys.push(key);
        attrs.push(Attr {
            lead: intern(&rest[..ws]),
            name: key.into(),
            eq: intern(eq),
            quote,
            raw: value.into(),
        });
        pos += ws + key_len + eq_len + 1 + value_len + 1;
    }
}
