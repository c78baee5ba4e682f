// SPDX-License-Identifier: GPL-3.0-or-later
//! Serialising a [`Document`] (or one subtree): every node is written from what it stored,
//! so an unmodified document comes back byte for byte. Iterative, like the parser, so a
//! deep tree built through the edit API cannot overflow the stack.

use super::{Document, Kind, NodeId};

enum Step {
    Open(NodeId),
    Close(NodeId),
}

pub(super) fn write_node(doc: &Document, id: NodeId, out: &mut String) {
    let mut stack = vec![Step::Open(id)];
    while let Some(step) = stack.pop() {
        let (Step::Open(n) | Step::Close(n)) = step;
        let Some(node) = doc.node(n) else { continue };
        match (&node.kind, step) {
            (Kind::Text(raw) | Kind::Markup(_, raw), _) => out.push_str(raw),
            (Kind::Document(children), _) => {
                stack.extend(children.iter().rev().map(|&c| Step::Open(c)));
            }
            (Kind::Element(e), Step::Open(_)) => {
                out.push('<');
                out.push_str(&e.name);
                for a in &e.attrs {
                    out.push_str(&a.lead);
                    out.push_str(&a.name);
                    out.push_str(&a.eq);
                    out.push(a.quote);
                    out.push_str(&a.raw);
                    out.push(a.quote);
                }
                out.push_str(&e.tag_tail);
                if e.self_closing && e.children.is_empty() {
                    out.push_str("/>");
                } else {
                    out.push('>');
                    stack.push(Step::Close(n));
                    stack.extend(e.children.iter().rev().map(|&c| Step::Open(c)));
                }
            }
            (Kind::Element(e), Step::Close(_)) => {
                out.push_str("</");
                out.push_str(&e.name);
                out.push_str(&e.end_tail);
                out.push('>');
            }
        }
    }
}

impl Document {
    /// The whole document as text (what `to_string()` gives, without the formatter).
    pub fn to_xml(&self) -> String {
        let mut out = String::with_capacity(self.nodes.len() * 24);
        if self.bom {
            out.push('\u{FEFF}');
        }
        write_node(self, NodeId::DOCUMENT, &mut out);
        out
    }
}
