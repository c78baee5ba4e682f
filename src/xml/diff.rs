// SPDX-License-Identifier: GPL-3.0-or-later
//! A structural diff of two documents, listing the paths that differ in meaning: elements
//! added or removed, attributes added, removed or changed, text and comments changed.
//! Attribute order, quote characters, whitespace between elements and the way a value is
//! escaped do not count (this is the "equal after canonicalisation" test). Used by the
//! edit tests to assert that an edit changed exactly the intended nodes, and by the
//! `xml_roundtrip` example to say what was lost.
//!
//! Paths look like `/domain/devices/disk[2]/source/@file`, `/domain/title/text()`: an index
//! (1-based) appears when an element has several siblings of the same name.

use std::fmt;

use super::{Document, NodeId, NodeType};

/// One difference between two documents.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// In the second document only.
    Added(String),
    /// In the first document only.
    Removed(String),
    /// In both, with different content.
    Changed(String),
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Added(p) => write!(f, "+{p}"),
            Change::Removed(p) => write!(f, "-{p}"),
            Change::Changed(p) => write!(f, "~{p}"),
        }
    }
}

/// The differences between `a` and `b`, in document order.
pub fn diff(a: &Document, b: &Document) -> Vec<Change> {
    let mut out = Vec::new();
    let (ra, rb) = (a.root(), b.root());
    let top = |d: &Document, t| top_level(d, t);
    for (what, t) in [
        ("declaration", NodeType::Declaration),
        ("doctype", NodeType::DocType),
        ("comment()", NodeType::Comment),
        ("processing-instruction()", NodeType::ProcessingInstruction),
    ] {
        list_diff(&format!("/{what}"), &top(a, t), &top(b, t), &mut out);
    }
    match (a.name(ra), b.name(rb)) {
        (Some(na), Some(nb)) if na == nb => element_diff(a, ra, b, rb, &format!("/{na}"), &mut out),
        (na, nb) => {
            out.push(Change::Removed(format!("/{}", na.unwrap_or_default())));
            out.push(Change::Added(format!("/{}", nb.unwrap_or_default())));
        }
    }
    out
}

fn top_level(d: &Document, t: NodeType) -> Vec<String> {
    (d.children(NodeId::DOCUMENT).iter())
        .filter(|&&c| d.node_type(c) == Some(t))
        .filter_map(|&c| d.raw(c).map(str::to_owned))
        .collect()
}

/// Positional comparison of two lists of strings under one path.
fn list_diff(path: &str, a: &[String], b: &[String], out: &mut Vec<Change>) {
    let several = a.len().max(b.len()) > 1;
    for i in 0..a.len().max(b.len()) {
        let p = if several {
            format!("{path}[{}]", i + 1)
        } else {
            path.to_owned()
        };
        match (a.get(i), b.get(i)) {
            (Some(x), Some(y)) if x != y => out.push(Change::Changed(p)),
            (Some(_), None) => out.push(Change::Removed(p)),
            (None, Some(_)) => out.push(Change::Added(p)),
            _ => {}
        }
    }
}

/// The meaningful text of an element: all of it for a leaf (unless it is only line breaks
/// and indentation), the non-blank pieces (trimmed) when it has child elements.
fn text_of(d: &Document, el: NodeId) -> String {
    if d.elements(el).next().is_none() {
        let text = d.text(el).unwrap_or_default();
        // Blank lines inside an empty element (`<devices>\n  </devices>`) are layout.
        let layout = text.contains('\n') && text.trim().is_empty();
        return if layout {
            String::new()
        } else {
            text.into_owned()
        };
    }
    (d.children(el).iter())
        .filter(|&&c| matches!(d.node_type(c), Some(NodeType::Text | NodeType::CData)))
        .filter_map(|&c| d.text(c))
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn of_type(d: &Document, el: NodeId, t: NodeType) -> Vec<String> {
    (d.children(el).iter())
        .filter(|&&c| d.node_type(c) == Some(t))
        .filter_map(|&c| d.raw(c).map(str::to_owned))
        .collect()
}

fn element_diff(
    a: &Document,
    ea: NodeId,
    b: &Document,
    eb: NodeId,
    path: &str,
    out: &mut Vec<Change>,
) {
    for (name, va) in a.attrs(ea) {
        match b.attr(eb, name) {
            None => out.push(Change::Removed(format!("{path}/@{name}"))),
            Some(vb) if vb != va => out.push(Change::Changed(format!("{path}/@{name}"))),
            _ => {}
        }
    }
    for (name, _) in b.attrs(eb) {
        if a.attr(ea, name).is_none() {
            out.push(Change::Added(format!("{path}/@{name}")));
        }
    }
    let (ta, tb) = (text_of(a, ea), text_of(b, eb));
    if ta != tb {
        let p = format!("{path}/text()");
        out.push(match (ta.is_empty(), tb.is_empty()) {
            (true, false) => Change::Added(p),
            (false, true) => Change::Removed(p),
            _ => Change::Changed(p),
        });
    }
    for (what, t) in [
        ("comment()", NodeType::Comment),
        ("processing-instruction()", NodeType::ProcessingInstruction),
    ] {
        list_diff(
            &format!("{path}/{what}"),
            &of_type(a, ea, t),
            &of_type(b, eb, t),
            out,
        );
    }
    // Children: the k-th <x> of one side against the k-th <x> of the other.
    let mut names: Vec<&str> = Vec::new();
    let all =
        (a.elements(ea).filter_map(|c| a.name(c))).chain(b.elements(eb).filter_map(|c| b.name(c)));
    for n in all {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    for name in names {
        let xs: Vec<NodeId> = a.elements_named(ea, name).collect();
        let ys: Vec<NodeId> = b.elements_named(eb, name).collect();
        let several = xs.len().max(ys.len()) > 1;
        for i in 0..xs.len().max(ys.len()) {
            let p = if several {
                format!("{path}/{name}[{}]", i + 1)
            } else {
                format!("{path}/{name}")
            };
            match (xs.get(i), ys.get(i)) {
                (Some(&x), Some(&y)) => element_diff(a, x, b, y, &p, out),
                (Some(_), None) => out.push(Change::Removed(p)),
                (None, Some(_)) => out.push(Change::Added(p)),
                (None, None) => {}
            }
        }
    }
}
