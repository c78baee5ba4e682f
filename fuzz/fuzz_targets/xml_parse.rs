// SPDX-License-Identifier: GPL-3.0-or-later
//! Fuzz target of the lossless XML parser. Properties: parsing never panics and stays
//! within its limits; whatever parses serialises back byte for byte and reparses to an
//! equal tree; moving an element keeps the tree equal; and a value set through the edit API (an attribute, a text) reads back
//! exactly after serialising and reparsing, whatever characters it holds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vireo::xml::diff::diff;
use vireo::xml::{Document, Domain, NodeId};

fuzz_target!(|data: &[u8]| {
    // The last 64 bytes (when valid UTF-8) double as a value to write into the document.
    let (xml, value) = match data.len().checked_sub(64) {
        Some(split) => (&data[..split], std::str::from_utf8(&data[split..]).ok()),
        None => (data, None),
    };
    let Ok(text) = std::str::from_utf8(xml) else {
        return;
    };
    let Ok(doc) = Document::parse(text) else {
        return;
    };
    let out = doc.to_xml();
    assert_eq!(out, text, "serialisation is not byte-identical");
    let again = Document::parse(&out).expect("own output reparses");
    assert!(diff(&doc, &again).is_empty());

    // Moving the first element child to the end keeps the tree equal (the diff pairs
    // same-named siblings, so the moved one must have a unique name), as long as no text
    // content gets merged.
    let mut moved = doc.clone();
    let root = moved.root();
    let blank = |d: &Document| d.text(d.root()).is_some_and(|t| t.trim().is_empty());
    let first = moved.elements(root).next();
    let unique = |f: NodeId| doc.elements_named(root, doc.name(f).unwrap_or("")).count() == 1;
    if let Some(first) = first.filter(|&f| blank(&doc) && unique(f)) {
        moved.remove(first).expect("a child can be removed");
        moved.append_child(root, first).expect("and appended again");
        let back = Document::parse(&moved.to_xml()).expect("moved output reparses");
        assert!(diff(&doc, &back).is_empty(), "{:?}", diff(&doc, &back));
    }

    let Some(value) = value else { return };
    let mut edited = doc.clone();
    let root = edited.root();
    let set_attr = edited.set_attr(root, "fuzz-attr", value).is_ok();
    let child = edited
        .append_element(root, "fuzz-child")
        .expect("a valid name");
    let set_text = edited.set_text(child, value).is_ok();
    let reparsed = Document::parse(&edited.to_xml()).expect("edited output reparses");
    let r = reparsed.root();
    if set_attr {
        assert_eq!(reparsed.attr(r, "fuzz-attr").as_deref(), Some(value));
    }
    if set_text {
        let c = reparsed
            .elements_named(r, "fuzz-child")
            .last()
            .expect("child kept");
        assert_eq!(reparsed.text(c).as_deref(), Some(value));
    }
    // Domain view: a title set reads back, or is refused without changing anything.
    if let Ok(mut dom) = Domain::from_document(doc) {
        let before = dom.to_xml();
        match dom.set_title(value) {
            Ok(()) => {
                let back = Domain::parse(&dom.to_xml()).expect("edited domain reparses");
                let want = (!value.is_empty()).then_some(value);
                assert_eq!(back.title().as_deref(), want);
            }
            Err(_) => assert_eq!(dom.to_xml(), before),
        }
    }
});
