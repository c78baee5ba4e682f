// SPDX-License-Identifier: GPL-3.0-or-later
//! The document views beyond `<domain>`: network, storage pool and volume, domain
//! snapshot (edits: exactly the intended nodes change, by tree diff, and libvirt's test
//! driver accepts the result and reads back the new values), and the read-only host
//! capabilities and domain capabilities (the qemu samples of this machine in `tests/data/`,
//! and the test driver's own, fetched live). Round trips are here, each view's tests in
//! `xml_documents/`.
//!
//! What the test driver (libvirt 11.3) does with these documents: it defines networks
//! and pools and creates volumes in a started pool, echoing every field set here; it drops
//! `via` on a network `<ip>` and reorders a pool's `<source>` into its canonical order. It
//! creates snapshots of a running domain, and redefines one (flag REDEFINE) only when the
//! embedded domain has the domain's UUID and the parent snapshot exists; for the
//! fixture's offline snapshot it refuses any disk mode but `internal`
//! ("disk 'hda' must use snapshot mode 'internal'").

mod common;

#[path = "xml_documents/caps.rs"]
mod caps;
#[path = "xml_documents/network.rs"]
mod network;
#[path = "xml_documents/snapshot.rs"]
mod snapshot;
#[path = "xml_documents/storage.rs"]
mod storage;

use vireo::xml::diff::diff;
use vireo::xml::{
    Capabilities, Document, DomainCapabilities, DomainSnapshot, Network, StoragePool,
    StorageVolume, XmlError,
};

/// A file of the shared `xmlparse/` fixtures.
pub fn xmlparse(file: &str) -> String {
    std::fs::read_to_string(common::fixtures().join("xmlparse").join(file)).unwrap()
}

/// A file of `tests/data/`.
pub fn data(file: &str) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    std::fs::read_to_string(dir.join(file)).unwrap()
}

/// The tree diff from `input` to `edited`, as strings.
pub fn changes(input: &str, edited: &str) -> Vec<String> {
    let before = Document::parse(input).unwrap();
    let after = Document::parse(edited).expect("edited XML parses");
    diff(&before, &after)
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// A connection to a fresh private test-driver node with `n` running domains.
pub fn node(tag: &str, n: usize) -> virt::connect::Connect {
    virt::connect::Connect::open(Some(&common::private_node(tag, n))).unwrap()
}

#[test]
fn every_sample_round_trips_byte_for_byte_through_its_view() {
    for f in [
        "network-multi-in.xml",
        "network-multi-out.xml",
        "network-open-in.xml",
        "network-vf-pool-in.xml",
        "network-vf-pool-out.xml",
    ] {
        let text = xmlparse(f);
        assert_eq!(Network::parse(&text).unwrap().to_xml(), text, "{f}");
    }
    for f in [
        "pool-fs.xml",
        "pool-fs-out.xml",
        "pool-rbd.xml",
        "pool-iscsi-out.xml",
        "pool-gluster-out.xml",
    ] {
        let text = xmlparse(f);
        assert_eq!(StoragePool::parse(&text).unwrap().to_xml(), text, "{f}");
    }
    for f in ["pool-dir-vol-in.xml", "pool-dir-vol-out.xml"] {
        let text = xmlparse(f);
        assert_eq!(StorageVolume::parse(&text).unwrap().to_xml(), text, "{f}");
    }
    for f in ["change-snapshot-in.xml", "change-snapshot-out.xml"] {
        let text = xmlparse(f);
        assert_eq!(DomainSnapshot::parse(&text).unwrap().to_xml(), text, "{f}");
    }
    let caps = data("qemu-capabilities.xml");
    assert_eq!(Capabilities::parse(&caps).unwrap().to_xml(), caps);
    let dcaps = data("qemu-domcapabilities.xml");
    assert_eq!(DomainCapabilities::parse(&dcaps).unwrap().to_xml(), dcaps);
}

#[test]
fn views_refuse_the_wrong_root() {
    let pool = xmlparse("pool-fs.xml");
    let err = Network::parse(&pool).unwrap_err();
    assert_eq!(
        err.to_string(),
        "expected a <network> document, found <pool>"
    );
    assert!(matches!(
        StorageVolume::parse(&pool),
        Err(XmlError::WrongRoot { .. })
    ));
    assert!(StoragePool::parse(&xmlparse("pool-dir-vol-in.xml")).is_err());
    assert!(DomainSnapshot::parse(&xmlparse("network-open-in.xml")).is_err());
    assert!(Capabilities::parse(&data("qemu-domcapabilities.xml")).is_err());
    assert!(DomainCapabilities::parse(&data("qemu-capabilities.xml")).is_err());
}
