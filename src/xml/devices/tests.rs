// SPDX-License-Identifier: GPL-3.0-or-later
//! Unit tests of the device layer: listing, placement of added devices, removal, and
//! refused values that leave the document unchanged. Edits of real fixtures checked by
//! libvirt are in `tests/xml_devices.rs`.

use super::*;

const DOM: &str = "<domain type='test'>\n  <name>vm</name>\n  <devices>\n    <disk type='file' device='disk'>\n      <source file='/a'/>\n      <target dev='vda' bus='virtio'/>\n    </disk>\n    <graphics type='vnc'/>\n  </devices>\n</domain>\n";

#[test]
fn list_add_remove_in_libvirt_order() {
    let mut dom = Domain::parse(DOM).unwrap();
    assert_eq!(dom.devices::<Disk>().len(), 1);
    assert!(dom.devices::<Interface>().is_empty());
    let nic: Interface = dom
        .add_device("<interface type='network'><source network='default'/></interface>")
        .unwrap();
    let video: Video = dom.add_new_device().unwrap();
    video
        .set_model_type(dom.document_mut(), Some("virtio"))
        .unwrap();
    let ctl: Controller = dom
        .add_device("<controller type='usb' index='0'/>")
        .unwrap();
    assert_eq!(
        dom.to_xml(),
        "<domain type='test'>\n  <name>vm</name>\n  <devices>\n    <disk type='file' device='disk'>\n      <source file='/a'/>\n      <target dev='vda' bus='virtio'/>\n    </disk>\n    <controller type='usb' index='0'/>\n    <interface type='network'><source network='default'/></interface>\n    <graphics type='vnc'/>\n    <video>\n      <model type='virtio'/>\n    </video>\n  </devices>\n</domain>\n"
    );
    dom.remove_device(nic).unwrap();
    dom.remove_device(ctl).unwrap();
    dom.remove_device(video).unwrap();
    assert_eq!(dom.to_xml(), DOM);
    assert!(dom.remove_device(video).is_err(), "already removed");
    assert!(matches!(
        dom.add_device::<Disk>("<interface/>"),
        Err(XmlError::WrongRoot { .. })
    ));
    assert_eq!(dom.to_xml(), DOM);
}

#[test]
fn devices_element_is_created_when_missing() {
    let mut dom = Domain::parse("<domain type='test'>\n  <name>x</name>\n  <on_crash>destroy</on_crash>\n  <seclabel type='none'/>\n</domain>").unwrap();
    let s: Serial = dom.add_new_device().unwrap();
    s.set_chardev_type(dom.document_mut(), "pty").unwrap();
    assert_eq!(
        dom.to_xml(),
        "<domain type='test'>\n  <name>x</name>\n  <on_crash>destroy</on_crash>\n  <devices>\n    <serial type='pty'/>\n  </devices>\n  <seclabel type='none'/>\n</domain>"
    );
}

#[test]
fn refused_values_change_nothing() {
    let mut dom = Domain::parse(DOM).unwrap();
    let disk = dom.devices::<Disk>()[0];
    let g = dom.devices::<Graphics>()[0];
    let doc = dom.document_mut();
    assert!(disk.set_target(doc, "v da", None).is_err());
    assert!(disk.set_serial(doc, Some("two words")).is_err());
    assert!(disk.set_boot_order(doc, Some(0)).is_err());
    assert!(disk.set_driver_type(doc, Some("")).is_err());
    assert!(disk
        .set_source(doc, Some(&DiskSource::File("\u{1}".into())))
        .is_err());
    let e = g.set_password(doc, Some("se\u{2}cret")).unwrap_err();
    assert!(!e.to_string().contains("se"), "{e}");
    assert_eq!(dom.to_xml(), DOM);
}

#[test]
fn a_handle_of_another_document_never_panics() {
    let mut dom = Domain::parse(DOM).unwrap();
    let other = Domain::parse("<domain><devices/></domain>").unwrap();
    let disk = dom.devices::<Disk>()[0];
    assert_eq!(disk.target_dev(other.document()), None);
    let mut other = other;
    assert!(disk.set_readonly(other.document_mut(), true).is_err());
    assert!(other.remove_device(disk).is_err());
    assert_eq!(disk.target_dev(dom.document_mut()).as_deref(), Some("vda"));
}

#[test]
fn hostdev_kinds_replace_each_others_source() {
    let mut dom = Domain::parse(DOM).unwrap();
    let h: Hostdev = dom.add_new_device().unwrap();
    let doc = dom.document_mut();
    h.set_usb_ids(doc, "0x04b3", "0x4485").unwrap();
    assert_eq!(
        h.usb_ids(doc)
            .map(|(v, p)| (v.into_owned(), p.into_owned())),
        Some(("0x04b3".into(), "0x4485".into()))
    );
    let addr = PciAddress {
        domain: 0,
        bus: 6,
        slot: 0x12,
        function: 5,
    };
    h.set_pci_address(doc, addr).unwrap();
    assert_eq!(h.usb_ids(doc), None);
    assert_eq!(h.pci_address(doc), Ok(Some(addr)));
    assert!(doc
        .node_to_string(h.node())
        .contains("<address domain='0x0000' bus='0x06' slot='0x12' function='0x5'/>"));
    assert!(h.set_usb_ids(doc, "1234", "0x1").is_err());
    assert!(h.set_mdev_uuid(doc, "nope").is_err());
}

#[test]
fn vsock_cid_and_interface_mac() {
    let mut dom = Domain::parse(DOM).unwrap();
    let v: Vsock = dom.add_new_device().unwrap();
    let n: Interface = dom.add_new_device().unwrap();
    let doc = dom.document_mut();
    v.set_cid(doc, VsockCid::Fixed(7)).unwrap();
    assert_eq!(v.cid(doc), Ok(Some(VsockCid::Fixed(7))));
    v.set_cid(doc, VsockCid::Auto).unwrap();
    assert_eq!(v.cid(doc), Ok(Some(VsockCid::Auto)));
    assert!(doc.node_to_string(v.node()).contains("<cid auto='yes'/>"));
    assert!(v.set_cid(doc, VsockCid::Fixed(2)).is_err());
    assert!(n.set_mac(doc, Some("52:54:00:aa:bb")).is_err());
    assert!(
        n.set_mac(doc, Some("01:54:00:aa:bb:cc")).is_err(),
        "multicast"
    );
    n.set_mac(doc, Some("52:54:00:aa:bb:cc")).unwrap();
    assert_eq!(n.mac(doc).as_deref(), Some("52:54:00:aa:bb:cc"));
}
