// SPDX-License-Identifier: GPL-3.0-or-later
//! Interface, graphics, video, input and sound views against fixtures and the test driver.

use super::{define, edit, find, suite_domain, xmlparse};
use vireo::xml::devices::{Graphics, Input, Interface, InterfaceSource, Sound, Video};

/// `VIR_DOMAIN_XML_SECURE`: include passwords.
const SECURE: u32 = 1;

#[test]
fn interface_source_model_link_mac() {
    let input = xmlparse("change-nics-in.xml");
    let dom = edit(
        &input,
        |d| {
            let nic = d.devices::<Interface>()[1];
            let doc = d.document_mut();
            assert_eq!(
                nic.source(doc),
                Some(InterfaceSource::Network("default".into()))
            );
            nic.set_source(doc, &InterfaceSource::Bridge("br1".into()))
                .unwrap();
            nic.set_model(doc, Some("virtio")).unwrap();
            nic.set_link_up(doc, Some(false)).unwrap();
            nic.set_mac(doc, Some("52:54:00:12:34:56")).unwrap();
        },
        &[
            "~/domain/devices/interface[2]/@type",
            "-/domain/devices/interface[2]/source/@network",
            "+/domain/devices/interface[2]/source/@bridge",
            "~/domain/devices/interface[2]/mac/@address",
            "~/domain/devices/interface[2]/model/@type",
            "+/domain/devices/interface[2]/link",
        ],
    );
    let back = define("iface", &dom, 0);
    let nic = find(&back, |doc, n: Interface| {
        n.mac(doc).as_deref() == Some("52:54:00:12:34:56")
    });
    let doc = back.document();
    assert_eq!(nic.source(doc), Some(InterfaceSource::Bridge("br1".into())));
    assert_eq!(nic.model(doc).as_deref(), Some("virtio"));
    assert_eq!(nic.link_up(doc), Ok(Some(false)));
}

#[test]
fn interface_boot_order_and_direct_source() {
    let input = suite_domain("test-for-virtxml");
    let dom = edit(
        &input,
        |d| {
            let nic = d.devices::<Interface>()[0];
            let doc = d.document_mut();
            nic.set_boot_order(doc, Some(2)).unwrap();
            let direct = InterfaceSource::Direct {
                dev: "eth0".into(),
                mode: Some("bridge".into()),
            };
            nic.set_source(doc, &direct).unwrap();
        },
        &[
            "~/domain/devices/interface[1]/@type",
            "-/domain/devices/interface[1]/source/@network",
            "+/domain/devices/interface[1]/source/@dev",
            "+/domain/devices/interface[1]/source/@mode",
            "+/domain/devices/interface[1]/boot",
        ],
    );
    let back = define("iface-boot", &dom, 0);
    let nic = find(&back, |doc, n: Interface| n.boot_order(doc) == Ok(Some(2)));
    let direct = InterfaceSource::Direct {
        dev: "eth0".into(),
        mode: Some("bridge".into()),
    };
    assert_eq!(nic.source(back.document()), Some(direct));
}

#[test]
fn graphics_port_listen_password_keymap() {
    let input = suite_domain("test-spice");
    let dom = edit(
        &input,
        |d| {
            let g = d.devices::<Graphics>()[0];
            let doc = d.document_mut();
            assert_eq!(g.autoport(doc), Ok(Some(true)));
            assert!(!g.has_password(doc));
            g.set_port(doc, Some(5905)).unwrap();
            g.set_listen_address(doc, Some("127.0.0.1")).unwrap();
            g.set_password(doc, Some("s3cret")).unwrap();
            g.set_keymap(doc, Some("de")).unwrap();
        },
        &[
            "~/domain/devices/graphics/@autoport",
            "+/domain/devices/graphics/@port",
            "+/domain/devices/graphics/@passwd",
            "+/domain/devices/graphics/@keymap",
            "+/domain/devices/graphics/listen/@address",
        ],
    );
    let back = define("graphics", &dom, SECURE);
    let g = back.devices::<Graphics>()[0];
    let doc = back.document();
    assert_eq!(g.graphics_type(doc).as_deref(), Some("spice"));
    assert_eq!(g.port(doc), Ok(Some(5905)));
    assert_eq!(g.autoport(doc), Ok(Some(false)));
    assert_eq!(g.listen_address(doc).as_deref(), Some("127.0.0.1"));
    assert!(g.has_password(doc));
    assert_eq!(g.keymap(doc).as_deref(), Some("de"));
    // Without the secure flag libvirt leaves the password out.
    let plain = define("graphics-insecure", &dom, 0);
    assert!(!plain.devices::<Graphics>()[0].has_password(plain.document()));
}

#[test]
fn graphics_vnc_listen_attribute_is_kept_in_step() {
    let input = suite_domain("test-for-virtxml");
    let dom = edit(
        &input,
        |d| {
            let g = d.devices::<Graphics>()[0];
            let doc = d.document_mut();
            g.set_port(doc, None).unwrap();
            g.set_listen_address(doc, Some("0.0.0.0")).unwrap();
        },
        &[
            "+/domain/devices/graphics/@autoport",
            "+/domain/devices/graphics/listen",
        ],
    );
    let back = define("graphics-vnc", &dom, 0);
    let g = back.devices::<Graphics>()[0];
    assert_eq!(
        g.listen_address(back.document()).as_deref(),
        Some("0.0.0.0")
    );
    assert_eq!(g.autoport(back.document()), Ok(Some(true)));
}

#[test]
fn video_input_sound() {
    let input = suite_domain("test-for-virtxml");
    let dom = edit(
        &input,
        |d| {
            let v = d.devices::<Video>()[1];
            let s = d.devices::<Sound>()[2];
            let doc = d.document_mut();
            assert_eq!(v.heads(doc), Ok(Some(3)));
            v.set_model_type(doc, Some("vga")).unwrap();
            v.set_vram(doc, Some(16384)).unwrap();
            v.set_heads(doc, Some(1)).unwrap();
            s.set_model(doc, Some("ich9")).unwrap();
            let i: Input = d.add_new_device().unwrap();
            let doc = d.document_mut();
            i.set_input_type(doc, Some("tablet")).unwrap();
            i.set_bus(doc, Some("usb")).unwrap();
        },
        &[
            "+/domain/devices/input[2]",
            "~/domain/devices/sound[3]/@model",
            "~/domain/devices/video[2]/model/@type",
            "~/domain/devices/video[2]/model/@vram",
            "~/domain/devices/video[2]/model/@heads",
        ],
    );
    let back = define("video", &dom, 0);
    let doc = back.document();
    let v = find(&back, |doc, v: Video| {
        v.model_type(doc).as_deref() == Some("vga")
    });
    assert_eq!(v.vram(doc), Ok(Some(16384)));
    assert_eq!(v.heads(doc), Ok(Some(1)));
    assert!(back
        .devices::<Sound>()
        .iter()
        .any(|s| s.model(doc).as_deref() == Some("ich9")));
    let tablet = find(&back, |doc, i: Input| {
        i.input_type(doc).as_deref() == Some("tablet")
    });
    assert_eq!(tablet.bus(doc).as_deref(), Some("usb"));
}

#[test]
fn video_primary() {
    let input = suite_domain("test-for-virtxml");
    let dom = edit(
        &input,
        |d| {
            let v = d.devices::<Video>()[1];
            v.set_primary(d.document_mut(), true).unwrap();
        },
        &["+/domain/devices/video[2]/model/@primary"],
    );
    let back = define("video-primary", &dom, 0);
    // libvirt moves the primary video device first.
    let first = back.devices::<Video>()[0];
    assert_eq!(first.model_type(back.document()).as_deref(), Some("cirrus"));
    assert_eq!(first.primary(back.document()), Ok(true));
}
