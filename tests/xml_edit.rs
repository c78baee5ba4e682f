// SPDX-License-Identifier: GPL-3.0-or-later
//! Edits through the domain view: each test sets one field of a real fixture and asserts
//! that exactly the intended nodes changed (a structural tree diff, plus a line diff to show
//! the layout around the edit is untouched), that the foreign metadata, unknown elements and
//! comments survive, and that libvirt accepts the result: the document is defined on a
//! private test-driver node and the field read back from libvirt's own XML.

mod common;

use vireo::xml::diff::diff;
use vireo::xml::{Document, Domain, LifecycleAction, Size, Unit, Vcpus};

/// domain-roundtrip.xml: foreign `<metadata>` namespaces, an unknown namespaced element,
/// comments, odd indentation; no title, description or lifecycle elements.
fn fixture() -> String {
    std::fs::read_to_string(common::fixtures().join("xmlparse/domain-roundtrip.xml")).unwrap()
}

/// Applies `edit` to the fixture; returns the edited domain after checking the tree diff
/// equals `changes` and the line diff equals `lines`.
fn edit_and_check(edit: impl FnOnce(&mut Domain), changes: &[&str], lines: &[&str]) -> Domain {
    let input = fixture();
    let before = Document::parse(&input).unwrap();
    let mut dom = Domain::parse(&input).unwrap();
    edit(&mut dom);
    let after = Document::parse(&dom.to_xml()).expect("edited XML parses");
    let found: Vec<String> = diff(&before, &after)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(found, changes, "tree diff");
    assert_eq!(line_diff(&input, &dom.to_xml()), lines, "line diff");
    assert_foreign_parts_intact(&before, &after);
    dom
}

/// The parts no field edit may touch, compared as text.
fn assert_foreign_parts_intact(before: &Document, after: &Document) {
    for path in ["metadata", "unknown:tagname"] {
        let a = before.find(before.root(), path).unwrap();
        let b = after.find(after.root(), path).unwrap();
        assert_eq!(
            before.node_to_string(a),
            after.node_to_string(b),
            "{path} changed"
        );
    }
    let comments = |d: &Document| -> Vec<String> {
        (d.children(d.root()).iter())
            .filter_map(|&c| {
                d.raw(c)
                    .filter(|r| r.starts_with("<!--"))
                    .map(str::to_owned)
            })
            .collect()
    };
    assert_eq!(comments(before), comments(after));
}

/// Lines removed (`-`) and added (`+`), by longest common subsequence.
fn line_diff(a: &str, b: &str) -> Vec<String> {
    let (x, y): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let mut lcs = vec![vec![0usize; y.len() + 1]; x.len() + 1];
    for i in (0..x.len()).rev() {
        for j in (0..y.len()).rev() {
            lcs[i][j] = if x[i] == y[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < x.len() || j < y.len() {
        if i < x.len() && j < y.len() && x[i] == y[j] {
            i += 1;
            j += 1;
        } else if i < x.len() && (j == y.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(format!("-{}", x[i]));
            i += 1;
        } else {
            out.push(format!("+{}", y[j]));
            j += 1;
        }
    }
    out
}

/// Defines `dom` on a fresh private test-driver node and returns libvirt's XML of it.
fn libvirt_accepts(tag: &str, dom: &Domain) -> Domain {
    let uri = common::private_node(tag, 0);
    let conn = virt::connect::Connect::open(Some(&uri)).unwrap();
    let defined = conn
        .define_domain_xml(&dom.to_xml())
        .unwrap_or_else(|e| panic!("libvirt refused the edited XML: {e}\n{}", dom.to_xml()));
    let back = defined.xml_desc(0).unwrap();
    drop(conn);
    let back = Domain::parse(&back).expect("libvirt's XML parses");
    // libvirt keeps other tools' metadata, one element per namespace.
    let md = back
        .document()
        .find(back.document().root(), "metadata")
        .unwrap();
    let nova = "http://openstack.org/xmlns/libvirt/nova/1.0";
    assert_eq!(back.document().elements_ns(md, nova, "instance").count(), 1);
    back
}

#[test]
fn set_name() {
    let dom = edit_and_check(
        |d| d.set_name("renamed-guest").unwrap(),
        &["~/domain/name/text()"],
        &[
            "-  <name>QEMUGuest1</name>",
            "+  <name>renamed-guest</name>",
        ],
    );
    let back = libvirt_accepts("xml-edit-name", &dom);
    assert_eq!(back.name().as_deref(), Some("renamed-guest"));
}

#[test]
fn set_title_creates_it_after_uuid_and_empty_removes_it() {
    let dom = edit_and_check(
        |d| d.set_title("Guest <one> & co").unwrap(),
        &["+/domain/title"],
        &["+  <title>Guest &lt;one&gt; &amp; co</title>"],
    );
    let back = libvirt_accepts("xml-edit-title", &dom);
    assert_eq!(back.title().as_deref(), Some("Guest <one> & co"));
    let dom = edit_and_check(
        |d| {
            d.set_title("x").unwrap();
            d.set_title("").unwrap();
        },
        &[],
        &[],
    );
    assert_eq!(
        dom.to_xml(),
        fixture(),
        "set then cleared: byte-identical again"
    );
}

#[test]
fn set_description() {
    let dom = edit_and_check(
        |d| d.set_description("Line one\nline two").unwrap(),
        &["+/domain/description"],
        &["+  <description>Line one", "+line two</description>"],
    );
    let back = libvirt_accepts("xml-edit-description", &dom);
    assert_eq!(back.description().as_deref(), Some("Line one\nline two"));
}

#[test]
fn set_uuid() {
    let uuid = "0f2b6a5c-1d3e-4f5a-8b9c-0d1e2f3a4b5c";
    let dom = edit_and_check(
        |d| d.set_uuid(uuid).unwrap(),
        &["~/domain/uuid/text()"],
        &[
            "-  <uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>",
            &format!("+  <uuid>{uuid}</uuid>"),
        ],
    );
    assert_eq!(
        libvirt_accepts("xml-edit-uuid", &dom).uuid().as_deref(),
        Some(uuid)
    );
}

#[test]
fn set_memory_in_the_unit_chosen() {
    let dom = edit_and_check(
        |d| d.set_memory(Size::new(1, Unit::GiB)).unwrap(),
        &["~/domain/memory/@unit", "~/domain/memory/text()"],
        &[
            "-  <memory unit=\"KiB\">219100</memory>",
            "+  <memory unit=\"GiB\">1</memory>",
        ],
    );
    assert_eq!(dom.memory(), Ok(Some(1 << 20)));
    let back = libvirt_accepts("xml-edit-memory", &dom);
    assert_eq!(back.memory(), Ok(Some(1 << 20)));
    assert_eq!(
        back.memory_size(),
        Ok(Some(Size::kib(1 << 20))),
        "libvirt writes KiB"
    );
}

#[test]
fn set_current_memory() {
    let dom = edit_and_check(
        |d| d.set_current_memory(Size::new(200, Unit::MiB)).unwrap(),
        &[
            "~/domain/currentMemory/@unit",
            "~/domain/currentMemory/text()",
        ],
        &[
            "-  <currentMemory unit=\"KiB\">219100</currentMemory>",
            "+  <currentMemory unit=\"MiB\">200</currentMemory>",
        ],
    );
    let back = libvirt_accepts("xml-edit-current-memory", &dom);
    assert_eq!(back.current_memory(), Ok(Some(200 * 1024)));
}

#[test]
fn set_vcpus_with_current() {
    let dom = edit_and_check(
        |d| d.set_vcpus(4, Some(2)).unwrap(),
        &["+/domain/vcpu/@current", "~/domain/vcpu/text()"],
        &[
            "-  <vcpu placement=\"static\" cpuset=\"1-4,8-20,525\">1</vcpu>",
            "+  <vcpu placement=\"static\" cpuset=\"1-4,8-20,525\" current=\"2\">4</vcpu>",
        ],
    );
    let back = libvirt_accepts("xml-edit-vcpu", &dom);
    assert_eq!(back.vcpus(), Ok(Some(Vcpus { max: 4, current: 2 })));
}

#[test]
fn set_os_arch_and_machine() {
    let dom = edit_and_check(
        |d| {
            d.set_os_arch("x86_64").unwrap();
            d.set_os_machine("pc-i440fx-8.0").unwrap();
        },
        &["~/domain/os/type/@arch", "~/domain/os/type/@machine"],
        &[
            "-    <type arch=\"i686\" machine=\"pc\">hvm</type>",
            "+    <type arch=\"x86_64\" machine=\"pc-i440fx-8.0\">hvm</type>",
        ],
    );
    let back = libvirt_accepts("xml-edit-os", &dom);
    assert_eq!(back.os_arch().as_deref(), Some("x86_64"));
    assert_eq!(back.os_machine().as_deref(), Some("pc-i440fx-8.0"));
    assert_eq!(back.os_type().as_deref(), Some("hvm"));
}

#[test]
fn set_os_type_creates_os_where_libvirt_puts_it() {
    let input = "<domain type='test'>\n  <name>no-os</name>\n  <memory unit='MiB'>64</memory>\n  <vcpu>1</vcpu>\n  <clock offset='utc'/>\n  <devices>\n  </devices>\n</domain>\n";
    let mut dom = Domain::parse(input).unwrap();
    dom.set_os_type("hvm").unwrap();
    dom.set_os_arch("x86_64").unwrap();
    let before = Document::parse(input).unwrap();
    let changes: Vec<String> = diff(&before, dom.document())
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(changes, ["+/domain/os"]);
    assert_eq!(
        line_diff(input, &dom.to_xml()),
        ["+  <os>", "+    <type arch='x86_64'>hvm</type>", "+  </os>"]
    );
    let uri = common::private_node("xml-edit-os-type", 0);
    let conn = virt::connect::Connect::open(Some(&uri)).unwrap();
    let back = conn
        .define_domain_xml(&dom.to_xml())
        .unwrap()
        .xml_desc(0)
        .unwrap();
    drop(conn);
    let back = Domain::parse(&back).unwrap();
    assert_eq!(back.os_type().as_deref(), Some("hvm"));
    assert_eq!(back.os_arch().as_deref(), Some("x86_64"));
}

#[test]
fn set_lifecycle_actions_creates_them_in_order() {
    let dom = edit_and_check(
        |d| {
            d.set_on_crash(LifecycleAction::CoredumpRestart).unwrap();
            d.set_on_poweroff(LifecycleAction::Destroy).unwrap();
            d.set_on_reboot(LifecycleAction::Restart).unwrap();
        },
        &[
            "+/domain/on_poweroff",
            "+/domain/on_reboot",
            "+/domain/on_crash",
        ],
        &[
            "+  <on_poweroff>destroy</on_poweroff>",
            "+  <on_reboot>restart</on_reboot>",
            "+  <on_crash>coredump-restart</on_crash>",
        ],
    );
    // After <clock>, before the unknown element that followed it.
    let xml = dom.to_xml();
    let (clock, crash, unknown) = (
        xml.find("<clock").unwrap(),
        xml.find("<on_crash").unwrap(),
        xml.find("<unknown:tagname").unwrap(),
    );
    assert!(clock < crash && crash < unknown, "{xml}");
    let back = libvirt_accepts("xml-edit-lifecycle", &dom);
    assert_eq!(back.on_poweroff(), Ok(Some(LifecycleAction::Destroy)));
    assert_eq!(back.on_reboot(), Ok(Some(LifecycleAction::Restart)));
    assert_eq!(back.on_crash(), Ok(Some(LifecycleAction::CoredumpRestart)));
}

#[test]
fn editing_an_existing_lifecycle_action_changes_only_its_text() {
    let path = common::fixtures().join("xmlparse/change-xmlns-qemu-in.xml");
    let input = std::fs::read_to_string(path).unwrap();
    let mut dom = Domain::parse(&input).unwrap();
    dom.set_on_reboot(LifecycleAction::Destroy).unwrap();
    let changes: Vec<String> = diff(&Document::parse(&input).unwrap(), dom.document())
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(changes, ["~/domain/on_reboot/text()"]);
    // The qemu: namespace and its commandline survive, here and in libvirt's copy.
    let uri = common::private_node("xml-edit-qemu-ns", 0);
    let conn = virt::connect::Connect::open(Some(&uri)).unwrap();
    let back = conn
        .define_domain_xml(&dom.to_xml())
        .unwrap()
        .xml_desc(0)
        .unwrap();
    drop(conn);
    let back = Domain::parse(&back).unwrap();
    assert_eq!(back.on_reboot(), Ok(Some(LifecycleAction::Destroy)));
    assert!(dom
        .to_xml()
        .contains("<qemu:arg value=\"bar,baz=wib wob\"/>"));
}

#[test]
fn refused_values_leave_the_document_unchanged() {
    let input = fixture();
    let mut dom = Domain::parse(&input).unwrap();
    assert!(dom.set_name("a/b").is_err());
    assert!(dom.set_title("two\nlines").is_err());
    assert!(dom.set_memory(Size::new(0, Unit::KiB)).is_err());
    assert!(dom.set_vcpus(2, Some(5)).is_err());
    assert!(dom.set_uuid("nope").is_err());
    let e = vireo::xml::units::parse_size("12x GiB", Unit::MiB).unwrap_err();
    assert_eq!(e.to_string(), "“12x” is not a number");
    assert_eq!(dom.to_xml(), input);
}
