// SPDX-License-Identifier: GPL-3.0-or-later
//! Reading the layout of a document so that edits can follow it: which whitespace indents
//! a node, how deep one indentation step is, which line break the document uses, and
//! shifting a moved subtree to its new depth. Only whitespace-only text nodes that contain
//! a line break count as layout; other text is content and is never touched.

use std::borrow::Cow;

use super::{Document, Kind, NodeId};

pub(super) fn is_ws(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// The indentation in a whitespace run: what follows its last newline.
pub(super) fn indent_in(ws: &str) -> &str {
    ws.rfind('\n').map_or("", |i| &ws[i + 1..])
}

impl Document {
    /// The raw text of a whitespace-only text node containing a line break.
    pub(super) fn ws_text(&self, id: NodeId) -> Option<&str> {
        match &self.node(id)?.kind {
            Kind::Text(t) if is_ws(t) && t.contains('\n') => Some(t.as_ref()),
            _ => None,
        }
    }

    /// The line-break whitespace just before `id`, if it starts a line.
    pub(super) fn leading_ws(&self, id: NodeId) -> Option<&str> {
        let i = self.index_in_parent(id)?;
        let prev = *self.children(self.parent(id)?).get(i.checked_sub(1)?)?;
        self.ws_text(prev)
    }

    /// The indentation of a node that starts a line (the root counts as column 0).
    pub(super) fn indent_of(&self, id: NodeId) -> Option<String> {
        if id == self.root() {
            return Some(String::new());
        }
        self.leading_ws(id).map(|ws| indent_in(ws).to_owned())
    }

    /// One indentation step, from the first element whose children are indented deeper.
    pub(super) fn indent_unit(&self) -> String {
        let mut el = self.root();
        for _ in 0..8 {
            let Some(own) = self.indent_of(el) else { break };
            let Some(child) = self.elements(el).find(|&c| self.leading_ws(c).is_some()) else {
                break;
            };
            if let Some(step) = self
                .indent_of(child)
                .as_deref()
                .and_then(|c| c.strip_prefix(own.as_str()))
            {
                if !step.is_empty() {
                    return step.to_owned();
                }
            }
            el = child;
        }
        "  ".to_owned()
    }

    /// The whitespace to put before a new child of `parent` (`None`: the parent's content
    /// is written on one line, so no whitespace is added).
    pub(super) fn child_ws(&self, parent: NodeId, near: Option<NodeId>) -> Option<String> {
        if let Some(ws) = near.and_then(|n| self.leading_ws(n)) {
            return Some(ws.to_owned());
        }
        let children = self.children(parent);
        if let Some(ws) = children.iter().rev().find_map(|&c| {
            (self.ws_text(c).is_none())
                .then(|| self.leading_ws(c))
                .flatten()
        }) {
            return Some(ws.to_owned());
        }
        if !children.iter().all(|&c| self.ws_text(c).is_some()) {
            return None;
        }
        let own = self.indent_of(parent)?;
        Some(format!(
            "{}{own}{}",
            self.newline(parent),
            self.indent_unit()
        ))
    }

    /// The line break used around `id`: `\r\n` if the nearest line-break whitespace has it.
    pub(super) fn newline(&self, id: NodeId) -> &'static str {
        let mut cur = Some(id);
        while let Some(n) = cur {
            let ws = self
                .leading_ws(n)
                .or_else(|| (self.children(n).iter()).find_map(|&c| self.ws_text(c)));
            if let Some(ws) = ws {
                return if ws.contains("\r\n") { "\r\n" } else { "\n" };
            }
            cur = self.parent(n);
        }
        "\n"
    }

    /// Shifts the line-break whitespace inside `id` from its old indentation (read off its
    /// closing whitespace) to `new` (the indentation it now sits at).
    pub(super) fn reindent(&mut self, id: NodeId, new: &str) {
        let Some(close) = self.children(id).last().and_then(|&c| self.ws_text(c)) else {
            return;
        };
        let old = indent_in(close).to_owned();
        if old == new {
            return;
        }
        let mut stack = vec![id];
        while let Some(n) = stack.pop() {
            stack.extend_from_slice(self.children(n));
            if let Some(Kind::Text(t)) = self.nodes.get_mut(n.index()).map(|n| &mut n.kind) {
                if is_ws(t) && t.contains('\n') {
                    let shifted: Vec<String> = (t.split('\n').enumerate())
                        .map(|(i, line)| match line.strip_prefix(old.as_str()) {
                            Some(rest) if i > 0 => format!("{new}{rest}"),
                            _ => line.to_owned(),
                        })
                        .collect();
                    *t = Cow::Owned(shifted.join("\n"));
                }
            }
        }
    }
}
