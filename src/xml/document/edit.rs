// SPDX-License-Identifier: GPL-3.0-or-later
//! Editing a [`Document`] so that only the touched nodes change. Values are escaped on the
//! way in; a value equal to the current one leaves the raw text as written. Inserted
//! elements are indented like their siblings (or one step deeper than their parent, with
//! the step inferred from the document), and removing an element takes its indentation
//! with it. A subtree moved or imported to another depth is re-indented.

use std::borrow::Cow;

use super::layout::indent_in;
use super::{Attr, Document, Element, Kind, Node, NodeId, NodeType};
use crate::xml::escape::{escape_attr, escape_text, forbidden_char, is_name};
use crate::xml::XmlError;

fn check_value(value: &str) -> Result<(), XmlError> {
    match forbidden_char(value) {
        Some(c) => Err(XmlError::InvalidChar(c)),
        None => Ok(()),
    }
}

fn check_name(name: &str) -> Result<(), XmlError> {
    if is_name(name) {
        Ok(())
    } else {
        Err(XmlError::InvalidName(name.to_owned()))
    }
}

impl Document {
    fn element_mut(&mut self, id: NodeId) -> Result<&mut Element, XmlError> {
        match self.nodes.get_mut(id.index()).map(|n| &mut n.kind) {
            Some(Kind::Element(e)) => Ok(e),
            _ => Err(XmlError::InvalidNode("not an element of this document")),
        }
    }

    fn children_mut(&mut self, id: NodeId) -> Option<&mut Vec<NodeId>> {
        match &mut self.nodes.get_mut(id.index())?.kind {
            Kind::Document(c) => Some(c),
            Kind::Element(e) => Some(&mut e.children),
            _ => None,
        }
    }

    fn new_node(&mut self, kind: Kind) -> NodeId {
        let id = NodeId(self.nodes.len() as u32);
        self.nodes.push(Node { parent: None, kind });
        id
    }

    /// Sets attribute `name` to `value`: in place (same position and quotes) if present,
    /// else appended, quoted like the element's other attributes.
    pub fn set_attr(&mut self, id: NodeId, name: &str, value: &str) -> Result<(), XmlError> {
        check_name(name)?;
        check_value(value)?;
        if self.attr(id, name).as_deref() == Some(value) {
            return Ok(());
        }
        let quote = self.preferred_quote(id);
        let e = self.element_mut(id)?;
        if let Some(a) = e.attrs.iter_mut().find(|a| &*a.name == name) {
            a.raw = escape_attr(value, a.quote).into();
        } else {
            e.attrs.push(Attr {
                lead: Cow::Borrowed(" "),
                name: name.into(),
                eq: Cow::Borrowed("="),
                quote,
                raw: escape_attr(value, quote).into(),
            });
        }
        Ok(())
    }

    /// The quote character of the nearest attributes: the element's own, its preceding
    /// siblings', its parent's, the root's; else `'` (libvirt's).
    fn preferred_quote(&self, id: NodeId) -> char {
        let siblings = self.parent(id).map_or(&[][..], |p| self.children(p));
        let before = siblings.iter().position(|&c| c == id).unwrap_or(0);
        let near = std::iter::once(id)
            .chain(siblings[..before].iter().rev().copied())
            .chain(self.parent(id))
            .chain(std::iter::once(self.root()));
        near.filter_map(|n| self.element(n)?.attrs.first().map(|a| a.quote))
            .next()
            .unwrap_or('\'')
    }

    /// Removes attribute `name`; returns whether it was there.
    pub fn remove_attr(&mut self, id: NodeId, name: &str) -> bool {
        match self.element_mut(id) {
            Ok(e) => {
                let before = e.attrs.len();
                e.attrs.retain(|a| &*a.name != name);
                e.attrs.len() != before
            }
            Err(_) => false,
        }
    }

    /// Replaces the text of an element that has no child elements. An empty value leaves
    /// no text node (`<a></a>`, or `<a/>` if it was written so).
    pub fn set_text(&mut self, id: NodeId, value: &str) -> Result<(), XmlError> {
        check_value(value)?;
        if self.elements(id).next().is_some() {
            return Err(XmlError::InvalidNode("element has child elements"));
        }
        if self.text(id).as_deref() == Some(value) {
            return Ok(());
        }
        let texts: Vec<NodeId> = (self.children(id).iter().copied())
            .filter(|&c| matches!(self.node_type(c), Some(NodeType::Text | NodeType::CData)))
            .collect();
        let at = (texts.first())
            .and_then(|t| self.children(id).iter().position(|c| c == t))
            .unwrap_or(0);
        for t in texts {
            self.detach(t);
        }
        if !value.is_empty() {
            let t = self.new_node(Kind::Text(Cow::Owned(escape_text(value).into_owned())));
            self.attach(id, at, t);
        }
        Ok(())
    }

    /// Creates a detached element `<name/>`; insert it with [`append_child`](Self::append_child)
    /// and friends.
    pub fn create_element(&mut self, name: &str) -> Result<NodeId, XmlError> {
        check_name(name)?;
        Ok(self.new_node(Kind::Element(Element {
            name: name.into(),
            attrs: Vec::new(),
            tag_tail: Cow::Borrowed(""),
            children: Vec::new(),
            self_closing: true,
            end_tail: Cow::Borrowed(""),
        })))
    }

    /// Creates a detached comment `<!--text-->`.
    pub fn create_comment(&mut self, text: &str) -> Result<NodeId, XmlError> {
        check_value(text)?;
        if text.contains("--") || text.ends_with('-') {
            return Err(XmlError::invalid("comment", text, "may not contain “--”"));
        }
        Ok(self.new_node(Kind::Markup(
            NodeType::Comment,
            Cow::Owned(format!("<!--{text}-->")),
        )))
    }

    /// Creates `<name/>` and appends it to `parent`.
    pub fn append_element(&mut self, parent: NodeId, name: &str) -> Result<NodeId, XmlError> {
        let id = self.create_element(name)?;
        self.append_child(parent, id)?;
        Ok(id)
    }

    /// The first child element `name` of `parent`, created at its place in `order` if absent.
    pub fn ensure_element(
        &mut self,
        parent: NodeId,
        name: &str,
        order: &[&str],
    ) -> Result<NodeId, XmlError> {
        if let Some(id) = self.first_element(parent, name) {
            return Ok(id);
        }
        let id = self.create_element(name)?;
        self.insert_ordered(parent, id, order)?;
        Ok(id)
    }

    /// Checks that `child` may be inserted under `parent`: a detached node that is not
    /// the document node nor an ancestor of `parent`.
    fn check_insert(&self, parent: NodeId, child: NodeId) -> Result<(), XmlError> {
        if self.element(parent).is_none() {
            return Err(XmlError::InvalidNode(
                "parent is not an element of this document",
            ));
        }
        match self.node(child) {
            None => return Err(XmlError::InvalidNode("no such node")),
            Some(n) if n.parent.is_some() => {
                return Err(XmlError::InvalidNode(
                    "node is already in the tree; remove it first",
                ))
            }
            Some(Node {
                kind: Kind::Document(_),
                ..
            }) => {
                return Err(XmlError::InvalidNode(
                    "the document node cannot be inserted",
                ))
            }
            _ => {}
        }
        let mut cur = Some(parent);
        while let Some(n) = cur {
            if n == child {
                return Err(XmlError::InvalidNode("cannot insert a node into itself"));
            }
            cur = self.parent(n);
        }
        Ok(())
    }

    /// Appends a detached node as the last child of `parent`, indented like its siblings.
    pub fn append_child(&mut self, parent: NodeId, child: NodeId) -> Result<(), XmlError> {
        self.check_insert(parent, child)?;
        let children = self.children(parent);
        let last_el = children.iter().rev().copied().find(|&c| self.is_element(c));
        let Some(ws) = self.child_ws(parent, last_el) else {
            let end = self.children(parent).len();
            self.attach(parent, end, child);
            return Ok(());
        };
        let closing = children
            .last()
            .copied()
            .filter(|&c| self.ws_text(c).is_some());
        let only_ws = self
            .children(parent)
            .iter()
            .all(|&c| self.ws_text(c).is_some());
        let at = match closing {
            Some(c) => self.index_in_parent(c).unwrap_or(0),
            None => self.children(parent).len(),
        };
        if only_ws && closing.is_none() {
            // An empty element: open it with the child's indent, close with its own.
            let nl = if ws.contains("\r\n") { "\r\n" } else { "\n" };
            let own = self.indent_of(parent).unwrap_or_default();
            let close = self.new_node(Kind::Text(Cow::Owned(format!("{nl}{own}"))));
            self.attach(parent, at, close);
        }
        let w = self.new_node(Kind::Text(Cow::Owned(ws.clone())));
        self.attach(parent, at, w);
        self.attach(parent, at + 1, child);
        self.reindent(child, indent_in(&ws));
        Ok(())
    }

    /// Inserts a detached node just before `sibling`, with `sibling`'s indentation.
    pub fn insert_before(&mut self, sibling: NodeId, child: NodeId) -> Result<(), XmlError> {
        let parent = self
            .parent(sibling)
            .ok_or(XmlError::InvalidNode("sibling is detached"))?;
        self.check_insert(parent, child)?;
        let at = self.index_in_parent(sibling).unwrap_or(0);
        self.attach(parent, at, child);
        if let Some(ws) = self.leading_ws(child).map(str::to_owned) {
            let w = self.new_node(Kind::Text(Cow::Owned(ws.clone())));
            self.attach(parent, at + 1, w);
            self.reindent(child, indent_in(&ws));
        }
        Ok(())
    }

    /// Inserts a detached node just after `sibling`, with `sibling`'s indentation.
    pub fn insert_after(&mut self, sibling: NodeId, child: NodeId) -> Result<(), XmlError> {
        let parent = self
            .parent(sibling)
            .ok_or(XmlError::InvalidNode("sibling is detached"))?;
        self.check_insert(parent, child)?;
        let at = self.index_in_parent(sibling).unwrap_or(0) + 1;
        match self.leading_ws(sibling).map(str::to_owned) {
            Some(ws) => {
                let w = self.new_node(Kind::Text(Cow::Owned(ws.clone())));
                self.attach(parent, at, w);
                self.attach(parent, at + 1, child);
                self.reindent(child, indent_in(&ws));
            }
            None => self.attach(parent, at, child),
        }
        Ok(())
    }

    /// Inserts a detached element among `parent`'s children at its place in `order` (a
    /// list of element names in canonical order, as libvirt writes them): after the child
    /// nearest before it in that order (the last one, if several), else before the nearest
    /// after it, else at the end. Children not named in `order` are never moved.
    pub fn insert_ordered(
        &mut self,
        parent: NodeId,
        child: NodeId,
        order: &[&str],
    ) -> Result<(), XmlError> {
        let rank = |doc: &Document, n: NodeId| {
            let name = doc.name(n)?;
            order.iter().position(|o| *o == name)
        };
        let Some(mine) = rank(self, child) else {
            return self.append_child(parent, child);
        };
        let ranked: Vec<(usize, NodeId)> = (self.elements(parent))
            .filter_map(|c| Some((rank(self, c)?, c)))
            .collect();
        // After the nearest predecessor in canonical order (its last occurrence), so an
        // out-of-order document still gets the new element next to its natural neighbour.
        let after = (ranked.iter().filter(|(r, _)| *r <= mine)).max_by_key(|(r, _)| *r);
        if let Some(&(_, after)) = after {
            return self.insert_after(after, child);
        }
        let before = (ranked.iter().filter(|(r, _)| *r > mine)).min_by_key(|(r, _)| *r);
        if let Some(&(_, before)) = before {
            return self.insert_before(before, child);
        }
        self.append_child(parent, child)
    }

    /// Detaches a node (and the whitespace that indented it) from the tree. The document
    /// node and the root element cannot be removed.
    pub fn remove(&mut self, id: NodeId) -> Result<(), XmlError> {
        if id == NodeId::DOCUMENT || id == self.root() {
            return Err(XmlError::InvalidNode(
                "the document and its root cannot be removed",
            ));
        }
        if self.parent(id).is_none() {
            return Ok(());
        }
        if self.node_type(id) != Some(NodeType::Text) {
            if let Some(i) = self.index_in_parent(id).filter(|&i| i > 0) {
                let parent = self.parent(id).unwrap_or(NodeId::DOCUMENT);
                let prev = self.children(parent)[i - 1];
                if self.ws_text(prev).is_some() {
                    self.detach(prev);
                }
            }
        }
        self.detach(id);
        Ok(())
    }

    /// A detached deep copy of `node` of `src` (another document or this one).
    pub fn import(&mut self, src: &Document, node: NodeId) -> Result<NodeId, XmlError> {
        let kind = match &src
            .node(node)
            .ok_or(XmlError::InvalidNode("no such node"))?
            .kind
        {
            Kind::Document(_) => return Err(XmlError::InvalidNode("cannot import a document")),
            Kind::Element(e) => Kind::Element(Element {
                children: Vec::new(),
                ..e.clone()
            }),
            other => other.clone(),
        };
        let id = self.new_node(kind);
        for &c in src.children(node) {
            let copy = self.import(src, c)?;
            let end = self.children(id).len();
            self.attach(id, end, copy);
        }
        Ok(id)
    }

    /// Parses `xml` (one element, as a device definition) into a detached subtree of this
    /// document.
    pub fn parse_element(&mut self, xml: &str) -> Result<NodeId, XmlError> {
        let frag = Document::parse(xml)?;
        self.import(&frag, frag.root())
    }

    // ----- internals -----

    fn attach(&mut self, parent: NodeId, at: usize, child: NodeId) {
        if let Some(children) = self.children_mut(parent) {
            let at = at.min(children.len());
            children.insert(at, child);
            if let Some(n) = self.nodes.get_mut(child.index()) {
                n.parent = Some(parent);
            }
        }
    }

    fn detach(&mut self, id: NodeId) {
        if let Some(parent) = self.parent(id) {
            if let Some(children) = self.children_mut(parent) {
                children.retain(|&c| c != id);
            }
        }
        if let Some(n) = self.nodes.get_mut(id.index()) {
            n.parent = None;
        }
    }

    pub(super) fn index_in_parent(&self, id: NodeId) -> Option<usize> {
        let parent = self.parent(id)?;
        self.children(parent).iter().position(|&c| c == id)
    }
}
