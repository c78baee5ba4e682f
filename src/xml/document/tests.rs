// SPDX-License-Identifier: GPL-3.0-or-later
//! Unit tests of the document: navigation, and edits that keep the layout of what is
//! around them.

use super::*;

const DOC: &str = "<domain type='kvm'>\n  <name>vm</name>\n  <devices>\n    <disk type=\"file\">\n      <source file='/a'/>\n    </disk>\n  </devices>\n  <os/>\n  <empty></empty>\n</domain>\n";

fn doc() -> Document {
    Document::parse(DOC).unwrap()
}

#[test]
fn navigation() {
    let d = doc();
    let root = d.root();
    assert_eq!(d.name(root), Some("domain"));
    let disk = d.find(root, "devices/disk").unwrap();
    assert_eq!(d.attr(disk, "type").as_deref(), Some("file"));
    assert_eq!(d.find_all(root, "devices/disk/source").len(), 1);
    assert_eq!(d.find(root, "devices/nothing"), None);
    assert_eq!(d.parent(disk), d.first_element(root, "devices"));
    assert_eq!(d.elements(root).count(), 4);
    assert_eq!(d.text_at(root, "name").as_deref(), Some("vm"));
    assert_eq!(d.text(root).as_deref().map(str::trim), Some(""));
    // Ids of nodes that do not exist answer "nothing", not a panic.
    let bogus = NodeId(9999);
    assert_eq!(d.name(bogus), None);
    assert!(d.children(bogus).is_empty());
}

#[test]
fn attributes_keep_position_and_quotes() {
    let mut d = doc();
    let root = d.root();
    d.set_attr(root, "type", "qemu").unwrap();
    let disk = d.find(root, "devices/disk").unwrap();
    d.set_attr(disk, "device", "disk").unwrap();
    d.set_attr(disk, "type", "block").unwrap();
    assert!(d.to_xml().starts_with("<domain type='qemu'>"));
    assert!(d.to_xml().contains("<disk type=\"block\" device=\"disk\">"));
    assert!(d.remove_attr(disk, "type"));
    assert!(!d.remove_attr(disk, "type"));
    assert!(d.to_xml().contains("<disk device=\"disk\">"));
    d.set_attr(disk, "x", "a'b\"c&<\n").unwrap();
    assert!(d.to_xml().contains("x=\"a'b&quot;c&amp;&lt;&#10;\""));
    assert_eq!(d.attr(disk, "x").as_deref(), Some("a'b\"c&<\n"));
    assert!(matches!(
        d.set_attr(disk, "1x", "v"),
        Err(XmlError::InvalidName(_))
    ));
    assert!(matches!(
        d.set_attr(disk, "y", "\u{0}"),
        Err(XmlError::InvalidChar('\0'))
    ));
}

#[test]
fn unchanged_values_keep_their_spelling() {
    let mut d = Document::parse("<a b='&#x41;'>&#66;</a>").unwrap();
    let root = d.root();
    d.set_attr(root, "b", "A").unwrap();
    d.set_text(root, "B").unwrap();
    assert_eq!(d.to_xml(), "<a b='&#x41;'>&#66;</a>");
}

#[test]
fn text_is_escaped_and_forms_are_kept() {
    let mut d = doc();
    let root = d.root();
    let name = d.first_element(root, "name").unwrap();
    d.set_text(name, "a<b & c>").unwrap();
    assert!(d.to_xml().contains("<name>a&lt;b &amp; c&gt;</name>"));
    assert_eq!(d.text(name).as_deref(), Some("a<b & c>"));
    d.set_text(name, "").unwrap();
    assert!(d.to_xml().contains("<name></name>"));
    let os = d.first_element(root, "os").unwrap();
    d.set_text(os, "").unwrap();
    assert!(d.to_xml().contains("<os/>"));
    d.set_text(os, "x").unwrap();
    assert!(d.to_xml().contains("<os>x</os>"));
    assert!(
        d.set_text(root, "x").is_err(),
        "an element with children has no settable text"
    );
}

#[test]
fn appended_children_are_indented_like_siblings() {
    let mut d = doc();
    let root = d.root();
    let devices = d.first_element(root, "devices").unwrap();
    let iface = d.append_element(devices, "interface").unwrap();
    d.set_attr(iface, "type", "network").unwrap();
    let src = d.append_element(iface, "source").unwrap();
    d.set_attr(src, "network", "default").unwrap();
    let os = d.first_element(root, "os").unwrap();
    let t = d.append_element(os, "type").unwrap();
    d.set_text(t, "hvm").unwrap();
    let e = d.first_element(root, "empty").unwrap();
    d.append_element(e, "x").unwrap();
    assert_eq!(
        d.to_xml(),
        "<domain type='kvm'>\n  <name>vm</name>\n  <devices>\n    <disk type=\"file\">\n      <source file='/a'/>\n    </disk>\n    \
         <interface type=\"network\">\n      <source network=\"default\"/>\n    </interface>\n  </devices>\n  \
         <os>\n    <type>hvm</type>\n  </os>\n  <empty>\n    <x/>\n  </empty>\n</domain>\n"
    );
}

#[test]
fn insert_before_after_and_ordered() {
    let mut d = doc();
    let root = d.root();
    let devices = d.first_element(root, "devices").unwrap();
    let uuid = d.create_element("uuid").unwrap();
    d.insert_ordered(root, uuid, &["name", "uuid", "devices", "os"])
        .unwrap();
    let mem = d.create_element("memory").unwrap();
    d.insert_before(devices, mem).unwrap();
    let c = d.create_comment(" after ").unwrap();
    d.insert_after(devices, c).unwrap();
    assert_eq!(
        d.to_xml(),
        "<domain type='kvm'>\n  <name>vm</name>\n  <uuid/>\n  <memory/>\n  <devices>\n    <disk type=\"file\">\n      \
         <source file='/a'/>\n    </disk>\n  </devices>\n  <!-- after -->\n  <os/>\n  <empty></empty>\n</domain>\n"
    );
    assert!(
        d.insert_after(devices, uuid).is_err(),
        "an attached node must be removed first"
    );
    assert!(d.append_child(devices, root).is_err(), "no cycles");
    assert!(d.create_comment("a--b").is_err());
}

#[test]
fn remove_takes_indentation_along() {
    let mut d = doc();
    let root = d.root();
    let devices = d.first_element(root, "devices").unwrap();
    let disk = d.first_element(devices, "disk").unwrap();
    d.remove(disk).unwrap();
    let name = d.first_element(root, "name").unwrap();
    d.remove(name).unwrap();
    assert_eq!(
        d.to_xml(),
        "<domain type='kvm'>\n  <devices>\n  </devices>\n  <os/>\n  <empty></empty>\n</domain>\n"
    );
    assert!(d.remove(root).is_err());
    // A removed subtree can go back in, elsewhere, re-indented to its new depth.
    let e = d.first_element(root, "empty").unwrap();
    d.append_child(e, disk).unwrap();
    assert!(d.to_xml().contains(
        "  <empty>\n    <disk type=\"file\">\n      <source file='/a'/>\n    </disk>\n  </empty>\n"
    ));
}

#[test]
fn imported_fragments_are_reindented() {
    let mut d = doc();
    let root = d.root();
    let devices = d.first_element(root, "devices").unwrap();
    let frag = d
        .parse_element("<controller type='usb'>\n  <address type='pci'/>\n</controller>")
        .unwrap();
    d.append_child(devices, frag).unwrap();
    assert!(d.to_xml().contains(
        "    </disk>\n    <controller type='usb'>\n      <address type='pci'/>\n    </controller>\n  </devices>"
    ));
}

#[test]
fn compact_documents_stay_compact_and_tabs_and_crlf_are_followed() {
    let mut d = Document::parse("<a><b/></a>").unwrap();
    let root = d.root();
    d.append_element(root, "c").unwrap();
    assert_eq!(d.to_xml(), "<a><b/><c/></a>");

    let mut d = Document::parse("<a>\r\n\t<b/>\r\n</a>").unwrap();
    let root = d.root();
    let b = d.first_element(root, "b").unwrap();
    d.append_element(b, "c").unwrap();
    assert_eq!(d.to_xml(), "<a>\r\n\t<b>\r\n\t\t<c/>\r\n\t</b>\r\n</a>");

    let mut d = Document::parse("<a/>").unwrap();
    let root = d.root();
    d.append_element(root, "b").unwrap();
    assert_eq!(d.to_xml(), "<a>\n  <b/>\n</a>");
}

#[test]
fn namespaces_resolve_through_ancestors() {
    let d = Document::parse(
        "<domain xmlns:q='urn:q'><metadata><x:i xmlns:x='urn:x'><x:j/></x:i><q:k/><plain/></metadata></domain>",
    )
    .unwrap();
    let md = d.find(d.root(), "metadata").unwrap();
    let j = d.find(md, "x:i/x:j").unwrap();
    assert_eq!(d.namespace_uri(j).as_deref(), Some("urn:x"));
    assert_eq!(d.elements_ns(md, "urn:q", "k").count(), 1);
    assert_eq!(d.elements_ns(md, "urn:x", "i").count(), 1);
    assert_eq!(d.namespace_uri(d.find(md, "plain").unwrap()), None);
}
