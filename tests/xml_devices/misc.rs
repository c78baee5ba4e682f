// SPDX-License-Identifier: GPL-3.0-or-later
//! Hostdev, redirdev, tpm, rng, watchdog, smartcard, panic, vsock and memballoon views
//! against `test-for-virtxml` (which has one of each) and the test driver.

use super::{define, edit, find, suite_domain, xmlparse};
use vireo::xml::devices::Device;
use vireo::xml::devices::{
    Hostdev, Memballoon, Panic, PciAddress, Redirdev, Rng, Smartcard, Tpm, Vsock, VsockCid,
    Watchdog,
};

#[test]
fn hostdev_usb_pci_mdev() {
    let input = suite_domain("test-for-virtxml");
    let addr = PciAddress {
        domain: 0,
        bus: 6,
        slot: 0x12,
        function: 5,
    };
    let uuid = "c2177883-f1bb-47f0-914d-32a22e3a8804";
    let dom = edit(
        &input,
        |d| {
            let [usb, pci, mdev] = d.devices::<Hostdev>()[..] else {
                panic!()
            };
            let doc = d.document_mut();
            let ids = usb
                .usb_ids(doc)
                .map(|(v, p)| (v.into_owned(), p.into_owned()));
            assert_eq!(ids, Some(("0x04b3".into(), "0x4485".into())));
            assert_eq!(pci.pci_address(doc).unwrap().map(|a| a.slot), Some(0x19));
            usb.set_usb_ids(doc, "0x1234", "0xbeef").unwrap();
            pci.set_pci_address(doc, addr).unwrap();
            pci.set_boot_order(doc, Some(4)).unwrap();
            mdev.set_mdev_uuid(doc, uuid).unwrap();
        },
        &[
            "~/domain/devices/hostdev[1]/source/vendor/@id",
            "~/domain/devices/hostdev[1]/source/product/@id",
            "~/domain/devices/hostdev[2]/source/address/@bus",
            "~/domain/devices/hostdev[2]/source/address/@slot",
            "~/domain/devices/hostdev[2]/source/address/@function",
            "+/domain/devices/hostdev[2]/source/address/@domain",
            "+/domain/devices/hostdev[2]/boot",
            "~/domain/devices/hostdev[3]/source/address/@uuid",
        ],
    );
    let back = define("hostdev", &dom, 0);
    let doc = back.document();
    let usb = find(&back, |doc, h: Hostdev| {
        h.hostdev_type(doc).as_deref() == Some("usb")
    });
    let ids = usb
        .usb_ids(doc)
        .map(|(v, p)| (v.into_owned(), p.into_owned()));
    assert_eq!(ids, Some(("0x1234".into(), "0xbeef".into())));
    let pci = find(&back, |doc, h: Hostdev| {
        h.hostdev_type(doc).as_deref() == Some("pci")
    });
    assert_eq!(pci.pci_address(doc), Ok(Some(addr)));
    assert_eq!(pci.boot_order(doc), Ok(Some(4)));
    let mdev = find(&back, |doc, h: Hostdev| {
        h.hostdev_type(doc).as_deref() == Some("mdev")
    });
    assert_eq!(mdev.mdev_uuid(doc).as_deref(), Some(uuid));
}

#[test]
fn redirdev_fields() {
    // The second redirdev is `type="tcp"` without a source, which libvirt refuses; making
    // it a SPICE channel fixes that. (This fixture has `<os><boot dev=…>`, so no per-device
    // boot order here; that is tested on test-for-virtxml below.)
    let input = xmlparse("change-redirdev-in.xml");
    let dom = edit(
        &input,
        |d| {
            let r = d.devices::<Redirdev>()[1];
            let doc = d.document_mut();
            assert_eq!(r.bus(doc).as_deref(), Some("usb"));
            r.set_redir_type(doc, Some("spicevmc")).unwrap();
        },
        &["~/domain/devices/redirdev[2]/@type"],
    );
    let back = define("redirdev", &dom, 0);
    let doc = back.document();
    let r = find(&back, |doc, r: Redirdev| {
        r.redir_type(doc).as_deref() == Some("spicevmc")
    });
    assert_eq!(r.bus(doc).as_deref(), Some("usb"));
}

#[test]
fn tpm_rng_watchdog_smartcard_panic_vsock_memballoon() {
    let input = suite_domain("test-for-virtxml");
    let dom = edit(
        &input,
        |d| {
            let doc = d.document();
            let (tpm, rng) = (d.devices::<Tpm>()[0], d.devices::<Rng>()[0]);
            let (wd, sc) = (d.devices::<Watchdog>()[0], d.devices::<Smartcard>()[0]);
            let (panic, vsock) = (d.devices::<Panic>()[0], d.devices::<Vsock>()[0]);
            let balloon = d.devices::<Memballoon>()[0];
            let redir = d.devices::<Redirdev>()[0];
            assert_eq!(vsock.cid(doc), Ok(Some(VsockCid::Fixed(5))));
            assert_eq!(rng.backend_model(doc).as_deref(), Some("egd"));
            let doc = d.document_mut();
            tpm.set_model(doc, Some("tpm-crb")).unwrap();
            tpm.set_backend_type(doc, Some("emulator")).unwrap();
            tpm.set_backend_version(doc, Some("2.0")).unwrap();
            let dev = doc.find(tpm.node(), "backend/device").unwrap();
            doc.remove(dev).unwrap();
            rng.set_backend_random(doc, "/dev/urandom").unwrap();
            wd.set_model(doc, Some("i6300esb")).unwrap();
            wd.set_action(doc, Some("reset")).unwrap();
            sc.set_mode(doc, Some("passthrough")).unwrap();
            sc.set_passthrough_type(doc, Some("spicevmc")).unwrap();
            panic.set_model(doc, Some("isa")).unwrap();
            vsock.set_cid(doc, VsockCid::Auto).unwrap();
            balloon.set_stats_period(doc, Some(10)).unwrap();
            redir.set_boot_order(doc, Some(9)).unwrap();
        },
        &[
            "~/domain/devices/watchdog/@model",
            "~/domain/devices/watchdog/@action",
            "~/domain/devices/smartcard/@mode",
            "+/domain/devices/smartcard/@type",
            "+/domain/devices/redirdev/boot",
            "~/domain/devices/tpm/@model",
            "~/domain/devices/tpm/backend/@type",
            "+/domain/devices/tpm/backend/@version",
            "-/domain/devices/tpm/backend/device",
            "~/domain/devices/rng/backend/@model",
            "-/domain/devices/rng/backend/@type",
            "+/domain/devices/rng/backend/text()",
            "-/domain/devices/rng/backend/source",
            "+/domain/devices/panic/@model",
            "+/domain/devices/memballoon/stats",
            "-/domain/devices/vsock/cid/@address",
            "+/domain/devices/vsock/cid/@auto",
        ],
    );
    let back = define("misc", &dom, 0);
    let doc = back.document();
    let tpm = back.devices::<Tpm>()[0];
    assert_eq!(tpm.model(doc).as_deref(), Some("tpm-crb"));
    assert_eq!(tpm.backend_type(doc).as_deref(), Some("emulator"));
    assert_eq!(tpm.backend_version(doc).as_deref(), Some("2.0"));
    let rng = back.devices::<Rng>()[0];
    assert_eq!(rng.backend_model(doc).as_deref(), Some("random"));
    assert_eq!(rng.backend_device(doc).as_deref(), Some("/dev/urandom"));
    let wd = back.devices::<Watchdog>()[0];
    assert_eq!(wd.model(doc).as_deref(), Some("i6300esb"));
    assert_eq!(wd.action(doc).as_deref(), Some("reset"));
    assert_eq!(
        back.devices::<Smartcard>()[0].mode(doc).as_deref(),
        Some("passthrough")
    );
    assert_eq!(
        back.devices::<Panic>()[0].model(doc).as_deref(),
        Some("isa")
    );
    assert_eq!(
        back.devices::<Vsock>()[0].cid(doc),
        Ok(Some(VsockCid::Auto))
    );
    assert_eq!(
        back.devices::<Memballoon>()[0].stats_period(doc),
        Ok(Some(10))
    );
}
