// SPDX-License-Identifier: GPL-3.0-or-later
//! Disk, controller and filesystem views against fixtures and the test driver.

use super::{define, edit, find, suite_domain, xmlparse};
use vireo::xml::devices::{Controller, Disk, DiskSource, Filesystem, NetworkHost};

fn disk_sda(doc: &vireo::xml::Document, d: Disk) -> bool {
    d.target_dev(doc).as_deref() == Some("sda")
}

#[test]
fn disk_fields_of_an_existing_disk() {
    let input = suite_domain("test-for-virtxml");
    let dom = edit(
        &input,
        |d| {
            let disk = d.devices::<Disk>()[2];
            let doc = d.document_mut();
            assert_eq!(disk.driver_type(doc).as_deref(), Some("qcow2"));
            assert_eq!(disk.boot_order(doc), Ok(Some(1)));
            assert!(disk.shareable(doc) && !disk.readonly(doc));
            disk.set_driver_cache(doc, Some("writeback")).unwrap();
            let vol = DiskSource::Volume {
                pool: "default".into(),
                volume: "data.qcow2".into(),
            };
            disk.set_source(doc, Some(&vol)).unwrap();
            disk.set_serial(doc, Some("VIREO-1")).unwrap();
            disk.set_readonly(doc, true).unwrap();
            disk.set_boot_order(doc, Some(3)).unwrap();
        },
        &[
            "~/domain/devices/disk[3]/@type",
            "~/domain/devices/disk[3]/driver/@cache",
            "-/domain/devices/disk[3]/source/@file",
            "+/domain/devices/disk[3]/source/@pool",
            "+/domain/devices/disk[3]/source/@volume",
            "~/domain/devices/disk[3]/boot/@order",
            "+/domain/devices/disk[3]/readonly",
            "+/domain/devices/disk[3]/serial",
        ],
    );
    // The source's <seclabel> child is kept.
    assert!(dom
        .to_xml()
        .contains("<source pool='default' volume='data.qcow2'>\n        <seclabel"));
    let back = define("disk-edit", &dom, 0);
    let disk = find(&back, disk_sda);
    let doc = back.document();
    assert_eq!(disk.driver_cache(doc).as_deref(), Some("writeback"));
    let vol = DiskSource::Volume {
        pool: "default".into(),
        volume: "data.qcow2".into(),
    };
    assert_eq!(disk.source(doc), Some(vol));
    assert_eq!(disk.serial(doc).as_deref(), Some("VIREO-1"));
    assert!(disk.readonly(doc) && disk.shareable(doc));
    assert_eq!(disk.boot_order(doc), Ok(Some(3)));
    assert_eq!(disk.target_bus(doc).as_deref(), Some("scsi"));
}

#[test]
fn disk_bus_change_and_clearing_fields() {
    let input = xmlparse("disk-change-bus-in.xml");
    let dom = edit(
        &input,
        |d| {
            let disk = d.devices::<Disk>()[0];
            let doc = d.document_mut();
            disk.set_target(doc, "vdz", Some("virtio")).unwrap();
            disk.set_driver_type(doc, None).unwrap();
        },
        &[
            "-/domain/devices/disk[1]/driver/@type",
            "~/domain/devices/disk[1]/target/@dev",
        ],
    );
    let back = define("disk-bus", &dom, 0);
    let disk = find(&back, |doc, d: Disk| {
        d.target_dev(doc).as_deref() == Some("vdz")
    });
    assert_eq!(disk.target_bus(back.document()).as_deref(), Some("virtio"));
}

#[test]
fn new_network_cdrom_and_block_disk() {
    let input = xmlparse("change-media-in.xml");
    let dom = edit(
        &input,
        |d| {
            let cd: Disk = d.add_device("<disk type='file' device='cdrom'/>").unwrap();
            let doc = d.document_mut();
            let src = DiskSource::Network {
                protocol: "https".into(),
                name: "/isos/x.iso".into(),
                hosts: vec![NetworkHost {
                    name: "example.org".into(),
                    port: Some(443),
                }],
            };
            cd.set_source(doc, Some(&src)).unwrap();
            cd.set_target(doc, "sdz", Some("sata")).unwrap();
            cd.set_readonly(doc, true).unwrap();
            let blk: Disk = d.add_new_device().unwrap();
            let doc = d.document_mut();
            blk.set_device(doc, Some("disk")).unwrap();
            blk.set_source(doc, Some(&DiskSource::Block("/dev/sdq".into())))
                .unwrap();
            blk.set_target(doc, "vdq", Some("virtio")).unwrap();
        },
        &["+/domain/devices/disk[6]", "+/domain/devices/disk[7]"],
    );
    let back = define("disk-new", &dom, 0);
    let cd = find(&back, |doc, d: Disk| {
        d.target_dev(doc).as_deref() == Some("sdz")
    });
    let doc = back.document();
    match cd.source(doc) {
        Some(DiskSource::Network {
            protocol, hosts, ..
        }) => {
            assert_eq!(protocol, "https");
            assert_eq!(
                hosts,
                [NetworkHost {
                    name: "example.org".into(),
                    port: Some(443)
                }]
            );
        }
        other => panic!("{other:?}"),
    }
    let blk = find(&back, |doc, d: Disk| {
        d.target_dev(doc).as_deref() == Some("vdq")
    });
    assert_eq!(blk.source(doc), Some(DiskSource::Block("/dev/sdq".into())));
    // Ejecting: no <source> at all.
    let mut dom = dom;
    let cd = find(&dom, |doc, d: Disk| {
        d.target_dev(doc).as_deref() == Some("sdz")
    });
    cd.set_source(dom.document_mut(), None).unwrap();
    assert_eq!(cd.source(dom.document()), None);
}

#[test]
fn controller_fields() {
    let input = xmlparse("change-controllers-in.xml");
    let dom = edit(
        &input,
        |d| {
            let usb = (d.devices::<Controller>().into_iter())
                .find(|c| c.controller_type(d.document()).as_deref() == Some("usb"))
                .unwrap();
            let doc = d.document_mut();
            usb.set_model(doc, Some("qemu-xhci")).unwrap();
            let scsi: Controller = d.add_new_device().unwrap();
            let doc = d.document_mut();
            scsi.set_controller_type(doc, Some("scsi")).unwrap();
            scsi.set_index(doc, Some(7)).unwrap();
            scsi.set_model(doc, Some("virtio-scsi")).unwrap();
        },
        &[
            "~/domain/devices/controller[4]/@model",
            "+/domain/devices/controller[6]",
        ],
    );
    let back = define("controller", &dom, 0);
    let scsi = find(&back, |doc, c: Controller| c.index(doc) == Ok(Some(7)));
    let doc = back.document();
    assert_eq!(scsi.controller_type(doc).as_deref(), Some("scsi"));
    assert_eq!(scsi.model(doc).as_deref(), Some("virtio-scsi"));
    let usb = find(&back, |doc, c: Controller| {
        c.controller_type(doc).as_deref() == Some("usb") && c.index(doc) == Ok(Some(3))
    });
    assert_eq!(usb.model(doc).as_deref(), Some("qemu-xhci"));
}

#[test]
fn filesystem_fields() {
    let input = suite_domain("test-for-virtxml");
    let dom = edit(
        &input,
        |d| {
            let fs = d.devices::<Filesystem>()[0];
            let doc = d.document_mut();
            assert_eq!(fs.driver_type(doc).as_deref(), Some("handle"));
            fs.set_driver_type(doc, Some("path")).unwrap();
            fs.set_source_dir(doc, Some("/srv/share")).unwrap();
            fs.set_target_dir(doc, Some("share_tag")).unwrap();
            fs.set_accessmode(doc, Some("mapped")).unwrap();
            fs.set_readonly(doc, true).unwrap();
        },
        &[
            "+/domain/devices/filesystem/@accessmode",
            "~/domain/devices/filesystem/driver/@type",
            "~/domain/devices/filesystem/source/@dir",
            "~/domain/devices/filesystem/target/@dir",
            "+/domain/devices/filesystem/readonly",
        ],
    );
    let back = define("filesystem", &dom, 0);
    let fs = back.devices::<Filesystem>()[0];
    let doc = back.document();
    assert_eq!(fs.driver_type(doc).as_deref(), Some("path"));
    assert_eq!(fs.source_dir(doc).as_deref(), Some("/srv/share"));
    assert_eq!(fs.target_dir(doc).as_deref(), Some("share_tag"));
    assert_eq!(fs.accessmode(doc).as_deref(), Some("mapped"));
    assert!(fs.readonly(doc));
}
