// SPDX-License-Identifier: GPL-3.0-or-later
//! Lossless round trips of the XML layer over the shared fixtures: every document of
//! `xmlparse/` and every `<domain>` of `testsuite.xml` parses and serialises back byte for
//! byte (stronger than the "equal after canonicalisation"), and malformed input is
//! refused with a line and column, never a panic.

mod common;

use std::path::PathBuf;

use vireo::xml::diff::diff;
use vireo::xml::{Document, Domain, Limits, ParseErrorKind, XmlError};

fn xmlparse_files() -> Vec<PathBuf> {
    let dir = common::fixtures().join("xmlparse");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("fixtures {} missing: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    files.sort();
    files
}

/// Each top-level `<domain>…</domain>` of testsuite.xml, cut out as text.
fn testsuite_domains() -> Vec<String> {
    let text = std::fs::read_to_string(common::fixtures().join("testsuite.xml")).unwrap();
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("\n<domain") {
        let from = &rest[start + 1..];
        let end = from.find("</domain>").expect("closed domain") + "</domain>".len();
        out.push(from[..end].to_owned());
        rest = &from[end..];
    }
    out
}

/// Where two strings first differ, as line:column, for a readable failure.
fn first_difference(a: &str, b: &str) -> String {
    let at = a
        .bytes()
        .zip(b.bytes())
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let line = a[..at].matches('\n').count() + 1;
    format!("first difference at byte {at} (line {line})")
}

fn assert_roundtrip(label: &str, input: &str) -> Document {
    let doc = Document::parse(input).unwrap_or_else(|e| panic!("{label}: {e}"));
    let out = doc.to_xml();
    assert!(
        out == input,
        "{label}: not byte-identical, {}",
        first_difference(input, &out)
    );
    assert_eq!(doc.to_string(), out, "{label}: Display and to_xml agree");
    let again = Document::parse(&out).unwrap();
    assert_eq!(diff(&doc, &again), vec![], "{label}: reparsed tree differs");
    doc
}

#[test]
fn every_xmlparse_fixture_is_byte_identical() {
    let files = xmlparse_files();
    assert_eq!(files.len(), 62, "the fixture set changed");
    for path in files {
        let input = std::fs::read_to_string(&path).unwrap();
        assert_roundtrip(&path.display().to_string(), &input);
    }
}

#[test]
fn every_testsuite_domain_is_byte_identical() {
    let domains = testsuite_domains();
    assert_eq!(domains.len(), 6);
    for (i, text) in domains.iter().enumerate() {
        let doc = assert_roundtrip(&format!("testsuite domain {i}"), text);
        let dom = Domain::from_document(doc).expect("a domain");
        assert!(dom.name().is_some());
    }
}

#[test]
fn whole_testsuite_and_its_domain_subtrees() {
    let text = std::fs::read_to_string(common::fixtures().join("testsuite.xml")).unwrap();
    let doc = assert_roundtrip("testsuite.xml", &text);
    let cut: Vec<String> = doc
        .elements_named(doc.root(), "domain")
        .map(|d| doc.node_to_string(d))
        .collect();
    assert_eq!(
        cut,
        testsuite_domains(),
        "subtree serialisation equals the text cut out"
    );
}

#[test]
fn lexical_details_survive() {
    let input = "\u{FEFF}<?xml version=\"1.0\" encoding='UTF-8'?>\r\n<!DOCTYPE domain>\n<!-- top -->\n<?app data?>\n\
        <domain  type = \"kvm\"\txmlns:q='urn:q' >\n  <description>a &amp; b &#x3C; &#169; <![CDATA[<raw>]]></description>\n  \
        <empty></empty><self/><spaced  />\n  <q:x q:a='&apos;\"' b=\"'&quot;\">t&gt;</q:x>\n</domain >\n<!-- tail -->\n";
    let doc = assert_roundtrip("lexical", input);
    let root = doc.root();
    assert!(doc.has_bom());
    assert_eq!(doc.attr(root, "type").as_deref(), Some("kvm"));
    assert_eq!(
        doc.text_at(root, "description").as_deref(),
        Some("a & b < © <raw>")
    );
    let x = doc.first_element(root, "q:x").unwrap();
    assert_eq!(doc.namespace_uri(x).as_deref(), Some("urn:q"));
    assert_eq!(doc.local_name(x), Some("x"));
    assert_eq!(doc.attr(x, "q:a").as_deref(), Some("'\""));
    assert_eq!(doc.raw_attr(x, "b"), Some("'&quot;"));
    assert!(doc.is_self_closing(doc.first_element(root, "self").unwrap()));
    assert!(!doc.is_self_closing(doc.first_element(root, "empty").unwrap()));
}

fn parse_err(input: &str) -> (usize, usize, ParseErrorKind) {
    match Document::parse(input) {
        Err(XmlError::Parse { line, column, kind }) => (line, column, kind),
        other => panic!("{input:?}: expected a parse error, got {other:?}"),
    }
}

#[test]
fn malformed_input_is_an_error_with_position() {
    use ParseErrorKind as K;
    assert!(matches!(
        parse_err("<a>\n  <b>\n</a>").2,
        K::Syntax(_) | K::MismatchedEnd { .. }
    ));
    assert!(matches!(parse_err("<a></a><b/>").2, K::MultipleRoots));
    assert!(matches!(parse_err("").2, K::NoRoot));
    assert!(matches!(parse_err("<!-- c -->").2, K::NoRoot));
    assert!(matches!(parse_err("x<a/>").2, K::TextOutsideRoot));
    assert!(matches!(parse_err("<a/>x").2, K::TextOutsideRoot));
    assert!(matches!(parse_err("<a>").2, K::Unclosed(n) if n == "a"));
    assert!(matches!(parse_err("<a>&foo;</a>").2, K::BadReference(_)));
    assert!(matches!(parse_err("<a b='&#0;'/>").2, K::BadReference(_)));
    assert!(matches!(parse_err("<a b='1' b='2'/>").2, K::DuplicateAttribute(n) if n == "b"));
    assert!(matches!(parse_err("<a b=1/>").2, K::Syntax(_)));
    assert!(matches!(parse_err("<a b='1'c='2'/>").2, K::Syntax(_)));
    assert!(matches!(parse_err("<a b='<'/>").2, K::BadCharacterData(_)));
    assert!(matches!(parse_err("<a>]]></a>").2, K::BadCharacterData(_)));
    assert!(matches!(parse_err("<1a/>").2, K::BadName(_)));
    assert!(matches!(
        parse_err("<a>\u{1}</a>").2,
        K::ForbiddenChar('\u{1}')
    ));
    assert!(matches!(
        parse_err("<a/><?xml version='1.0'?>").2,
        K::MisplacedDeclaration
    ));
    let (line, column, kind) = parse_err("<domain>\n  <name>x</nam>\n</domain>");
    assert_eq!((line, column), (2, 10));
    assert!(
        matches!(kind, K::MismatchedEnd { expected, found } if expected == "name" && found == "nam")
    );
    let (line, column, _) = parse_err("<a>\n  <b c='1' c='2'/>\n</a>");
    assert_eq!((line, column), (2, 12));
}

#[test]
fn limits_hold() {
    let deep = "<a>".repeat(300) + &"</a>".repeat(300);
    assert!(matches!(parse_err(&deep).2, ParseErrorKind::TooDeep(256)));
    let ok = "<a>".repeat(256) + &"</a>".repeat(256);
    assert!(Document::parse(&ok).is_ok());
    let tiny = Limits {
        max_bytes: 10,
        ..Limits::default()
    };
    assert!(matches!(
        Document::parse_with_limits("<domain></domain>", &tiny),
        Err(XmlError::TooLarge { len: 17, max: 10 })
    ));
    let few = Limits {
        max_nodes: 3,
        ..Limits::default()
    };
    let e = Document::parse_with_limits("<a><b/><c/><d/></a>", &few).unwrap_err();
    assert!(matches!(
        e,
        XmlError::Parse {
            kind: ParseErrorKind::TooManyNodes(3),
            ..
        }
    ));
}

#[test]
fn unmatched_end_tags() {
    assert!(matches!(
        parse_err("<a></b>").2,
        ParseErrorKind::MismatchedEnd { .. }
    ));
    assert!(matches!(
        parse_err("</a>").2,
        ParseErrorKind::UnexpectedEnd(_) | ParseErrorKind::Syntax(_)
    ));
    assert!(matches!(
        parse_err("<a/></a>").2,
        ParseErrorKind::UnexpectedEnd(_) | ParseErrorKind::Syntax(_)
    ));
}
