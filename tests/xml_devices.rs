// SPDX-License-Identifier: GPL-3.0-or-later
//! Edits through the device views (`vireo::xml::devices`): each test edits devices of a
//! real fixture (a domain of `testsuite.xml` or a file of `xmlparse/`), asserts that exactly
//! the intended nodes changed (the structural tree diff), and that libvirt accepts the
//! result: the document is defined on a private test-driver node and the fields are read
//! back from libvirt's own XML. The test driver (libvirt 11.3) accepted every device class
//! used here, so no test stops at the XML edit. Per-class tests are in `xml_devices/`.

mod common;

#[path = "xml_devices/chardevs.rs"]
mod chardevs;
#[path = "xml_devices/misc.rs"]
mod misc;
#[path = "xml_devices/net_display.rs"]
mod net_display;
#[path = "xml_devices/storage.rs"]
mod storage;

use vireo::xml::devices::{self, Device, Disk, Graphics, Interface, Serial, Sound, Watchdog};
use vireo::xml::diff::diff;
use vireo::xml::{Document, Domain};

/// The text of the domain called `name` in `testsuite.xml` (a test-driver node file).
pub fn suite_domain(name: &str) -> String {
    let text = std::fs::read_to_string(common::fixtures().join("testsuite.xml")).unwrap();
    let node = Document::parse(&text).unwrap();
    let dom = (node.find_all(node.root(), "domain").into_iter())
        .find(|&d| node.text_at(d, "name").as_deref().map(str::trim) == Some(name))
        .unwrap_or_else(|| panic!("no domain {name} in testsuite.xml"));
    node.node_to_string(dom)
}

/// A file of `xmlparse/`.
pub fn xmlparse(file: &str) -> String {
    std::fs::read_to_string(common::fixtures().join("xmlparse").join(file)).unwrap()
}

/// Applies `f` to `input`; asserts the tree diff is exactly `changes`.
pub fn edit(input: &str, f: impl FnOnce(&mut Domain), changes: &[&str]) -> Domain {
    let before = Document::parse(input).unwrap();
    let mut dom = Domain::parse(input).unwrap();
    f(&mut dom);
    let after = Document::parse(&dom.to_xml()).expect("edited XML parses");
    let found: Vec<String> = diff(&before, &after)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(found, changes, "tree diff; edited:\n{}", dom.to_xml());
    dom
}

/// Defines `dom` on a fresh private test-driver node; libvirt's XML of it (`flags` as for
/// `virDomainGetXMLDesc`).
pub fn define(tag: &str, dom: &Domain, flags: u32) -> Domain {
    let uri = common::private_node(tag, 0);
    let conn = virt::connect::Connect::open(Some(&uri)).unwrap();
    let defined = conn
        .define_domain_xml(&dom.to_xml())
        .unwrap_or_else(|e| panic!("libvirt refused the edited XML: {e}\n{}", dom.to_xml()));
    let back = defined.xml_desc(flags).unwrap();
    drop(conn);
    Domain::parse(&back).expect("libvirt's XML parses")
}

/// The first device of class `D` in `dom` for which `pred` holds.
pub fn find<D: Device>(dom: &Domain, pred: impl Fn(&Document, D) -> bool) -> D {
    (dom.devices::<D>().into_iter())
        .find(|&d| pred(dom.document(), d))
        .unwrap_or_else(|| panic!("no matching <{}> in\n{}", D::ELEMENT, dom.to_xml()))
}

#[test]
fn list_counts_every_class_of_the_rich_fixture() {
    let dom = Domain::parse(&suite_domain("test-for-virtxml")).unwrap();
    assert_eq!(dom.devices::<Disk>().len(), 3);
    assert_eq!(dom.devices::<Interface>().len(), 3);
    assert_eq!(dom.devices::<Sound>().len(), 3);
    assert_eq!(devices::list::<devices::Video>(dom.document()).len(), 2);
    assert_eq!(devices::list::<devices::Hostdev>(dom.document()).len(), 3);
    assert_eq!(devices::list::<devices::Console>(dom.document()).len(), 2);
    for n in [
        devices::list::<devices::Tpm>(dom.document()).len(),
        devices::list::<devices::Vsock>(dom.document()).len(),
        devices::list::<devices::Panic>(dom.document()).len(),
        devices::list::<devices::Smartcard>(dom.document()).len(),
        devices::list::<devices::Filesystem>(dom.document()).len(),
        devices::list::<devices::Rng>(dom.document()).len(),
    ] {
        assert_eq!(n, 1);
    }
}

#[test]
fn add_fragments_in_libvirt_order_and_remove() {
    // add-devices-in.xml → out.xml is virt-manager's "add a sound card, a NIC and a
    // watchdog" edit: our inserts land where libvirt (and virt-manager) put them.
    let input = xmlparse("add-devices-in.xml");
    let dom = edit(
        &input,
        |d| {
            d.add_device::<Watchdog>("<watchdog model='ib700' action='none'/>")
                .unwrap();
            d.add_device::<Sound>("<sound model='sb16'/>").unwrap();
            let nic: Interface = d.add_new_device().unwrap();
            let doc = d.document_mut();
            nic.set_source(doc, &devices::InterfaceSource::Network("default".into()))
                .unwrap();
            nic.set_mac(doc, Some("52:54:00:00:00:01")).unwrap();
        },
        &[
            "+/domain/devices/interface[2]",
            "+/domain/devices/sound",
            "+/domain/devices/watchdog",
        ],
    );
    let xml = dom.to_xml();
    let at = |s: &str| xml.find(s).unwrap_or_else(|| panic!("{s} missing"));
    assert!(at("<interface type=\"network\">\n      <mac") > at("</interface>"));
    assert!(at("<sound") > at("<graphics") && at("<watchdog") > at("<sound"));
    let back = define("dev-add", &dom, 0);
    assert_eq!(back.devices::<Interface>().len(), 2);
    assert_eq!(back.devices::<Watchdog>().len(), 1);

    // Removing what was added gives the input back, byte for byte.
    let mut dom = dom;
    let added = dom.devices::<Interface>()[1];
    dom.remove_device(added).unwrap();
    dom.remove_device(dom.devices::<Sound>()[0]).unwrap();
    dom.remove_device(dom.devices::<Watchdog>()[0]).unwrap();
    assert_eq!(dom.to_xml(), input);
}

#[test]
fn remove_a_device_of_a_fixture() {
    let input = suite_domain("test-for-virtxml");
    let dom = edit(
        &input,
        |d| {
            let s = d.devices::<Serial>()[0];
            d.remove_device(s).unwrap();
            let g = d.devices::<Graphics>()[0];
            d.remove_device(g).unwrap();
        },
        &["-/domain/devices/graphics", "-/domain/devices/serial"],
    );
    let back = define("dev-remove", &dom, 0);
    assert!(back.devices::<Graphics>().is_empty());
    // libvirt keeps the console, now without a serial behind it.
    assert_eq!(back.devices::<Disk>().len(), 3);
}
