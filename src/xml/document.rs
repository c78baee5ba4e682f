// SPDX-License-Identifier: GPL-3.0-or-later
//! A lossless XML document: everything a parse sees is kept as written (declaration,
//! DOCTYPE, comments, processing instructions, CDATA, whitespace between elements,
//! attribute order, quote characters and spacing, namespace prefixes, references in text and
//! attribute values, `<a/>` versus `<a></a>`), so serialising an unmodified document gives
//! back the input byte for byte. Edits change only the nodes they touch.
//!
//! # Design
//!
//! Nodes live in one arena (`Vec`) owned by the [`Document`] and are named by [`NodeId`]
//! (an index): no `Rc<RefCell>`, cheap to clone, and ids stay valid across edits. Node 0 is
//! the document node, whose children are the top-level nodes. Removing a node detaches it
//! (it is no longer reachable, and not serialised) but does not reuse its slot; a detached
//! subtree can be inserted again. Every accessor takes an id and returns `Option`/`Result`,
//! so an id from another document cannot panic.
//!
//! Text and attribute values are stored *raw* (escaped, as written). Reading unescapes
//! ([`Document::text`], [`Document::attr`]); setting a value escapes it. References are
//! checked at parse time, so reading never fails.
//!
//! Submodules: `parse` (quick-xml tokens → tree, limits), `write` (tree → text), `edit`
//! (mutations), `layout` (indentation inferred from the surrounding nodes).

mod edit;
mod layout;
mod parse;
mod write;

use std::borrow::Cow;

use super::escape::{unescape_attr, unescape_text};
use super::XmlError;

/// Names one node of a [`Document`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(u32);

impl NodeId {
    /// The document node (parent of the root element and of top-level comments).
    pub const DOCUMENT: NodeId = NodeId(0);

    fn index(self) -> usize {
        self.0 as usize
    }
}

/// The kind of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeType {
    Document,
    Element,
    /// Character data between markup, including whitespace.
    Text,
    CData,
    Comment,
    ProcessingInstruction,
    /// `<?xml version=… ?>`.
    Declaration,
    DocType,
}

/// Limits that keep hostile input from exhausting memory or time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted, in bytes (default 8 MiB; libvirt's own documents are KiBs).
    pub max_bytes: usize,
    /// Deepest element nesting (default 256; libvirt's documents nest under 10 levels).
    pub max_depth: usize,
    /// Most nodes of any kind (default 1 Mi).
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 8 << 20,
            max_depth: 256,
            max_nodes: 1 << 20,
        }
    }
}

/// A lossless XML document; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct Document {
    nodes: Vec<Node>,
    /// The input began with a UTF-8 byte-order mark.
    bom: bool,
}

/// A string that is usually one of a few common spellings (`" "`, `"="`, a line break and
/// indentation): those are borrowed from a static table instead of allocated, which halves
/// the allocations of a parse.
type Str = Cow<'static, str>;

/// A line break followed by up to 64 spaces: whitespace between elements is a slice of it.
const INDENTS: &str = concat!(
    "\n",
    "                                ",
    "                                "
);

fn intern(s: &str) -> Str {
    match s {
        "" => Cow::Borrowed(""),
        " " => Cow::Borrowed(" "),
        "=" => Cow::Borrowed("="),
        _ if INDENTS.starts_with(s) => Cow::Borrowed(&INDENTS[..s.len()]),
        _ => Cow::Owned(s.to_owned()),
    }
}

#[derive(Debug, Clone)]
struct Node {
    parent: Option<NodeId>,
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    Document(Vec<NodeId>),
    Element(Element),
    /// Raw text, escaped as written.
    Text(Str),
    /// Raw markup including its delimiters (`<!--…-->`, `<![CDATA[…]]>`, `<?…?>`, `<!DOCTYPE…>`).
    Markup(NodeType, Str),
}

#[derive(Debug, Clone)]
struct Element {
    /// Qualified name as written (`qemu:commandline`).
    name: Box<str>,
    attrs: Vec<Attr>,
    /// Whitespace after the last attribute, before `>` or `/>`.
    tag_tail: Str,
    children: Vec<NodeId>,
    /// Written as `<a/>`; only honoured while there are no children.
    self_closing: bool,
    /// Whitespace in the end tag, `</a  >`.
    end_tail: Str,
}

#[derive(Debug, Clone)]
struct Attr {
    /// Whitespace before the name.
    lead: Str,
    name: Box<str>,
    /// The `=` with any whitespace around it.
    eq: Str,
    quote: char,
    /// The value as written between the quotes (escaped).
    raw: Box<str>,
}

impl Document {
    /// Parses `input` with the default [`Limits`].
    pub fn parse(input: &str) -> Result<Document, XmlError> {
        Self::parse_with_limits(input, &Limits::default())
    }

    /// Parses `input`, refusing anything beyond `limits`.
    pub fn parse_with_limits(input: &str, limits: &Limits) -> Result<Document, XmlError> {
        parse::parse(input, limits)
    }

    /// The root element (every parsed document has exactly one).
    pub fn root(&self) -> NodeId {
        self.children(NodeId::DOCUMENT)
            .iter()
            .copied()
            .find(|&c| self.node_type(c) == Some(NodeType::Element))
            .unwrap_or(NodeId::DOCUMENT)
    }

    fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id.index())
    }

    fn element(&self, id: NodeId) -> Option<&Element> {
        match &self.node(id)?.kind {
            Kind::Element(e) => Some(e),
            _ => None,
        }
    }

    /// The kind of node `id`, or `None` if this document has no such node.
    pub fn node_type(&self, id: NodeId) -> Option<NodeType> {
        Some(match &self.node(id)?.kind {
            Kind::Document(_) => NodeType::Document,
            Kind::Element(_) => NodeType::Element,
            Kind::Text(_) => NodeType::Text,
            Kind::Markup(t, _) => *t,
        })
    }

    /// Whether `id` is an element.
    pub fn is_element(&self, id: NodeId) -> bool {
        self.element(id).is_some()
    }

    /// The parent of `id` (`None` for the document node and detached nodes).
    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        self.node(id)?.parent
    }

    /// All children of an element or the document node, in order (empty for other nodes).
    pub fn children(&self, id: NodeId) -> &[NodeId] {
        match self.node(id).map(|n| &n.kind) {
            Some(Kind::Document(c)) => c,
            Some(Kind::Element(e)) => &e.children,
            _ => &[],
        }
    }

    /// The element children of `id`.
    pub fn elements(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.children(id)
            .iter()
            .copied()
            .filter(|&c| self.is_element(c))
    }

    /// The element children of `id` named `name` (qualified name as written).
    pub fn elements_named<'a>(
        &'a self,
        id: NodeId,
        name: &'a str,
    ) -> impl Iterator<Item = NodeId> + 'a {
        self.elements(id)
            .filter(move |&c| self.name(c) == Some(name))
    }

    /// The first element child of `id` named `name`.
    pub fn first_element(&self, id: NodeId, name: &str) -> Option<NodeId> {
        self.elements_named(id, name).next()
    }

    /// The first element (in document order) at `path` below `id`: names separated by `/`,
    /// as in `"devices/disk"` or `"metadata/nova:instance"`.
    pub fn find(&self, id: NodeId, path: &str) -> Option<NodeId> {
        let path = path.trim_matches('/');
        if path.is_empty() {
            return Some(id);
        }
        let (first, rest) = path.split_once('/').unwrap_or((path, ""));
        self.elements_named(id, first)
            .find_map(|c| self.find(c, rest))
    }

    /// Every element at `path` below `id`, in document order.
    pub fn find_all(&self, id: NodeId, path: &str) -> Vec<NodeId> {
        let mut found = Vec::new();
        self.collect(id, path.trim_matches('/'), &mut found);
        found
    }

    fn collect(&self, id: NodeId, path: &str, found: &mut Vec<NodeId>) {
        if path.is_empty() {
            found.push(id);
            return;
        }
        let (first, rest) = path.split_once('/').unwrap_or((path, ""));
        for c in self.elements_named(id, first) {
            self.collect(c, rest, found);
        }
    }

    /// The qualified name of an element as written (`qemu:arg`).
    pub fn name(&self, id: NodeId) -> Option<&str> {
        self.element(id).map(|e| &*e.name)
    }

    /// The prefix of an element's name (`qemu` in `qemu:arg`), if any.
    pub fn prefix(&self, id: NodeId) -> Option<&str> {
        self.name(id)?.split_once(':').map(|(p, _)| p)
    }

    /// The local part of an element's name (`arg` in `qemu:arg`).
    pub fn local_name(&self, id: NodeId) -> Option<&str> {
        let name = self.name(id)?;
        Some(name.split_once(':').map_or(name, |(_, l)| l))
    }

    /// The namespace URI of an element, resolved through the `xmlns`/`xmlns:prefix`
    /// declarations on it and its ancestors (`None` if it is in no namespace).
    pub fn namespace_uri(&self, id: NodeId) -> Option<Cow<'_, str>> {
        self.element(id)?;
        let decl = match self.prefix(id) {
            Some("xml") => return Some(Cow::Borrowed("http://www.w3.org/XML/1998/namespace")),
            Some(p) => format!("xmlns:{p}"),
            None => "xmlns".to_owned(),
        };
        let mut cur = Some(id);
        while let Some(n) = cur {
            if let Some(uri) = self.attr(n, &decl) {
                return (!uri.is_empty()).then_some(uri);
            }
            cur = self.parent(n);
        }
        None
    }

    /// The element children of `id` whose namespace is `uri` and local name `local`,
    /// whatever prefix they were written with (how `<metadata>` entries of other tools are
    /// found).
    pub fn elements_ns<'a>(
        &'a self,
        id: NodeId,
        uri: &'a str,
        local: &'a str,
    ) -> impl Iterator<Item = NodeId> + 'a {
        self.elements(id).filter(move |&c| {
            self.local_name(c) == Some(local) && self.namespace_uri(c).as_deref() == Some(uri)
        })
    }

    /// The value of attribute `name` (qualified, as written), unescaped.
    pub fn attr(&self, id: NodeId, name: &str) -> Option<Cow<'_, str>> {
        self.raw_attr(id, name).map(unescape_attr)
    }

    /// The value of attribute `name` exactly as written between its quotes.
    pub fn raw_attr(&self, id: NodeId, name: &str) -> Option<&str> {
        let e = self.element(id)?;
        e.attrs.iter().find(|a| &*a.name == name).map(|a| &*a.raw)
    }

    /// All attributes of an element in order, as (name, unescaped value).
    pub fn attrs(&self, id: NodeId) -> impl Iterator<Item = (&str, Cow<'_, str>)> + '_ {
        self.element(id)
            .into_iter()
            .flat_map(|e| e.attrs.iter())
            .map(|a| (&*a.name, unescape_attr(&a.raw)))
    }

    /// The text of a node, unescaped: for an element the text and CDATA of its direct
    /// children joined (`""` if it has none); for a text, CDATA or comment node its content.
    pub fn text(&self, id: NodeId) -> Option<Cow<'_, str>> {
        match &self.node(id)?.kind {
            Kind::Text(raw) => Some(unescape_text(raw)),
            Kind::Markup(NodeType::CData, raw) => Some(Cow::Borrowed(markup_body(raw, 9, 3))),
            Kind::Markup(NodeType::Comment, raw) => Some(Cow::Borrowed(markup_body(raw, 4, 3))),
            Kind::Markup(..) | Kind::Document(_) => None,
            Kind::Element(e) => {
                let mut parts = e.children.iter().filter_map(|&c| match self.node(c)?.kind {
                    Kind::Text(_) | Kind::Markup(NodeType::CData, _) => self.text(c),
                    _ => None,
                });
                let first = parts.next().unwrap_or(Cow::Borrowed(""));
                Some(parts.fold(first, |mut acc, p| {
                    acc.to_mut().push_str(&p);
                    acc
                }))
            }
        }
    }

    /// The text of the element at `path` below `id`.
    pub fn text_at(&self, id: NodeId, path: &str) -> Option<Cow<'_, str>> {
        self.text(self.find(id, path)?)
    }

    /// A non-element node exactly as written (text escaped, markup with its delimiters).
    pub fn raw(&self, id: NodeId) -> Option<&str> {
        match &self.node(id)?.kind {
            Kind::Text(raw) | Kind::Markup(_, raw) => Some(raw),
            _ => None,
        }
    }

    /// Whether an element is written in the self-closing form `<a/>`.
    pub fn is_self_closing(&self, id: NodeId) -> bool {
        self.element(id)
            .is_some_and(|e| e.self_closing && e.children.is_empty())
    }

    /// Whether the input began with a byte-order mark (kept on output).
    pub fn has_bom(&self) -> bool {
        self.bom
    }

    /// Serialises one node and its subtree exactly as it would appear in the document.
    pub fn node_to_string(&self, id: NodeId) -> String {
        let mut out = String::new();
        write::write_node(self, id, &mut out);
        out
    }
}

/// `raw` without `open` leading and `close` trailing bytes (markup delimiters).
fn markup_body(raw: &str, open: usize, close: usize) -> &str {
    raw.get(open..raw.len().saturating_sub(close)).unwrap_or("")
}

impl std::fmt::Display for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_xml())
    }
}

impl std::str::FromStr for Document {
    type Err = XmlError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Document::parse(s)
    }
}

#[cfg(test)]
mod tests;
