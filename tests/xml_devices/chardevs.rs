// SPDX-License-Identifier: GPL-3.0-or-later
//! Serial, parallel, console and channel views (one trait, `CharDevice`) against
//! `change-chars-in.xml` and the test driver.

use super::{define, edit, find, xmlparse};
use vireo::xml::devices::{Channel, CharDevice, Console, Parallel, Serial};

#[test]
fn serial_parallel_console_channel_fields() {
    let input = xmlparse("change-chars-in.xml");
    let dom = edit(
        &input,
        |d| {
            let serial = d.devices::<Serial>()[0];
            let parallel = d.devices::<Parallel>()[0];
            let console = d.devices::<Console>()[1];
            let channel = d.devices::<Channel>()[0];
            let doc = d.document_mut();
            assert_eq!(console.target_type(doc).as_deref(), Some("virtio"));
            assert_eq!(console.source_path(doc).as_deref(), Some("/tmp/foo.img"));
            serial.set_chardev_type(doc, "pty").unwrap();
            serial.set_target_type(doc, Some("isa-serial")).unwrap();
            serial.set_target_port(doc, Some(0)).unwrap();
            parallel.set_source_path(doc, Some("/tmp/other")).unwrap();
            console
                .set_source_path(doc, Some("/tmp/console.log"))
                .unwrap();
            channel
                .set_target_name(doc, Some("org.qemu.guest_agent.0"))
                .unwrap();
        },
        &[
            "~/domain/devices/serial[1]/@type",
            "+/domain/devices/serial[1]/target",
            "~/domain/devices/parallel[1]/source/@path",
            "~/domain/devices/console[2]/source/@path",
            "~/domain/devices/channel[1]/target/@name",
        ],
    );
    let back = define("chardev", &dom, 0);
    let doc = back.document();
    let s = find(&back, |doc, s: Serial| {
        s.chardev_type(doc).as_deref() == Some("pty")
    });
    assert_eq!(s.target_type(doc).as_deref(), Some("isa-serial"));
    assert_eq!(s.target_port(doc), Ok(Some(0)));
    let p = find(&back, |doc, p: Parallel| {
        p.chardev_type(doc).as_deref() == Some("unix")
    });
    assert_eq!(p.source_path(doc).as_deref(), Some("/tmp/other"));
    let c = find(&back, |doc, c: Console| {
        c.target_type(doc).as_deref() == Some("virtio")
    });
    assert_eq!(c.source_path(doc).as_deref(), Some("/tmp/console.log"));
    let ch = find(&back, |doc, c: Channel| {
        c.chardev_type(doc).as_deref() == Some("pty")
    });
    assert_eq!(
        ch.target_name(doc).as_deref(),
        Some("org.qemu.guest_agent.0")
    );
}

#[test]
fn new_guest_agent_channel() {
    let input = xmlparse("change-chars-in.xml");
    let dom = edit(
        &input,
        |d| {
            let ch: Channel = d.add_new_device().unwrap();
            let doc = d.document_mut();
            ch.set_chardev_type(doc, "unix").unwrap();
            ch.set_target_type(doc, Some("virtio")).unwrap();
            ch.set_target_name(doc, Some("org.qemu.guest_agent.0"))
                .unwrap();
        },
        &["+/domain/devices/channel[4]"],
    );
    assert!(dom.to_xml().contains(
        "    <channel type=\"unix\">\n      <target type=\"virtio\" name=\"org.qemu.guest_agent.0\"/>\n    </channel>\n"
    ));
    let back = define("chardev-new", &dom, 0);
    let agent = find(&back, |doc, c: Channel| {
        c.target_name(doc).as_deref() == Some("org.qemu.guest_agent.0")
    });
    assert_eq!(agent.chardev_type(back.document()).as_deref(), Some("unix"));
}
