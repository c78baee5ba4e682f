// SPDX-License-Identifier: GPL-3.0-or-later
//! Domain snapshot view: the change-snapshot fixture edited (including its embedded
//! domain) and redefined on the test driver, and snapshots created from a bare document.

use super::{changes, node, xmlparse};
use vireo::xml::snapshot::SnapshotDisk;
use vireo::xml::DomainSnapshot;

/// The UUID `common::private_node` gives its first domain, `vm0001`.
const VM1_UUID: &str = "00000001-0000-4000-8000-000000000001";

#[test]
fn snapshot_reads_the_fixture() {
    let snap = DomainSnapshot::parse(&xmlparse("change-snapshot-in.xml")).unwrap();
    assert_eq!(snap.name().as_deref(), Some("offline-root-child1"));
    assert_eq!(snap.description().as_deref(), Some("offline desk"));
    assert_eq!(snap.state().as_deref(), Some("shutoff"));
    assert_eq!(snap.parent_name().as_deref(), Some("offline-root"));
    assert_eq!(snap.creation_time(), Ok(Some(1375905916)));
    assert_eq!(snap.memory_snapshot().as_deref(), Some("no"));
    assert_eq!(snap.memory_file(), None);
    let hda = SnapshotDisk {
        name: "hda".into(),
        snapshot: Some("internal".into()),
    };
    assert_eq!(snap.disks(), [hda]);
    let dom = snap.domain().unwrap().unwrap();
    assert_eq!(dom.name().as_deref(), Some("test-internal-snapshots"));
    assert_eq!(dom.os_type().as_deref(), Some("xen"));
    assert_eq!(dom.devices::<vireo::xml::devices::Disk>().len(), 1);
    let node = snap.domain_node().unwrap();
    assert_eq!(
        snap.document().text_at(node, "name").as_deref(),
        Some("test-internal-snapshots")
    );
}

#[test]
fn embedded_domain_taken_out_and_put_back_is_byte_identical() {
    let input = xmlparse("change-snapshot-in.xml");
    let mut snap = DomainSnapshot::parse(&input).unwrap();
    let dom = snap.domain().unwrap().unwrap();
    snap.set_domain(&dom).unwrap();
    assert_eq!(snap.to_xml(), input);
}

#[test]
fn snapshot_edit_changes_exactly_its_fields_and_libvirt_redefines_it() {
    let input = xmlparse("change-snapshot-in.xml");
    let mut snap = DomainSnapshot::parse(&input).unwrap();
    snap.set_name("child-2").unwrap();
    snap.set_description("foo\nnewline\n   indent").unwrap();
    snap.set_parent_name(Some("root-snap")).unwrap();
    snap.set_creation_time(Some(1234)).unwrap();
    // (The test driver refuses any mode but `internal` for hda of this snapshot.)
    snap.set_disk_snapshot("hda", Some("internal")).unwrap();
    snap.set_memory_file(None).unwrap();
    // The snapshot must be of the domain it is defined on: same name and UUID.
    let mut dom = snap.domain().unwrap().unwrap();
    dom.set_name("vm0001").unwrap();
    dom.set_uuid(VM1_UUID).unwrap();
    snap.set_domain(&dom).unwrap();
    assert_eq!(
        changes(&input, &snap.to_xml()),
        [
            "~/domainsnapshot/name/text()",
            "~/domainsnapshot/description/text()",
            "~/domainsnapshot/parent/name/text()",
            "~/domainsnapshot/creationTime/text()",
            "~/domainsnapshot/domain/name/text()",
            "~/domainsnapshot/domain/uuid/text()",
        ]
    );
    let edited = snap.to_xml();
    let changed: Vec<&str> = (input.lines().zip(edited.lines()))
        .filter(|(a, b)| a != b)
        .map(|(_, b)| b)
        .collect();
    assert!(changed.contains(&"    <name>vm0001</name>"), "{changed:?}");

    let conn = node("doc-snap-redefine", 1);
    let vm = conn.lookup_domain_by_name("vm0001").unwrap();
    vm.create_snapshot_xml("<domainsnapshot><name>root-snap</name></domainsnapshot>", 0)
        .unwrap();
    let redefine = virt::sys::VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE;
    let created = vm.create_snapshot_xml(&snap.to_xml(), redefine).unwrap();
    let back = DomainSnapshot::parse(&created.xml_desc(0).unwrap()).unwrap();
    drop(conn);
    assert_eq!(back.name().as_deref(), Some("child-2"));
    assert_eq!(
        back.description().as_deref(),
        Some("foo\nnewline\n   indent")
    );
    assert_eq!(back.parent_name().as_deref(), Some("root-snap"));
    assert_eq!(back.creation_time(), Ok(Some(1234)));
    assert_eq!(back.state().as_deref(), Some("shutoff"));
    assert_eq!(back.memory_snapshot().as_deref(), Some("no"));
    let hda = SnapshotDisk {
        name: "hda".into(),
        snapshot: Some("internal".into()),
    };
    assert_eq!(back.disks(), [hda]);
    let dom = back.domain().unwrap().unwrap();
    assert_eq!(dom.name().as_deref(), Some("vm0001"));
    assert_eq!(dom.uuid().as_deref(), Some(VM1_UUID));
}

#[test]
fn snapshots_created_from_a_bare_document() {
    let conn = node("doc-snap-create", 1);
    let vm = conn.lookup_domain_by_name("vm0001").unwrap();
    let bare = "<domainsnapshot>\n  <name>first</name>\n</domainsnapshot>\n";
    let mut snap = DomainSnapshot::parse(bare).unwrap();
    snap.set_description("before the upgrade").unwrap();
    assert_eq!(
        changes(bare, &snap.to_xml()),
        ["+/domainsnapshot/description"]
    );
    let first = vm.create_snapshot_xml(&snap.to_xml(), 0).unwrap();
    let back = DomainSnapshot::parse(&first.xml_desc(0).unwrap()).unwrap();
    assert_eq!(back.name().as_deref(), Some("first"));
    assert_eq!(back.description().as_deref(), Some("before the upgrade"));
    assert_eq!(back.state().as_deref(), Some("running"));
    assert_eq!(back.parent_name(), None);
    assert!(back.creation_time().unwrap().is_some());
    let dom = back.domain().unwrap().unwrap();
    assert_eq!(dom.uuid().as_deref(), Some(VM1_UUID));

    snap.set_name("second").unwrap();
    snap.set_description("").unwrap();
    assert_eq!(snap.to_xml(), bare.replace("first", "second"));
    let second = vm.create_snapshot_xml(&snap.to_xml(), 0).unwrap();
    let back = DomainSnapshot::parse(&second.xml_desc(0).unwrap()).unwrap();
    assert_eq!(
        back.parent_name().as_deref(),
        Some("first"),
        "libvirt sets the parent"
    );
    assert_eq!(back.description(), None);
}

#[test]
fn snapshot_refusals_and_removals() {
    let input = xmlparse("change-snapshot-in.xml");
    let mut snap = DomainSnapshot::parse(&input).unwrap();
    assert!(snap.set_name("a/b").is_err());
    assert!(snap.set_state(Some("two words")).is_err());
    assert!(snap.set_disk_snapshot("", Some("no")).is_err());
    assert!(snap.set_parent_name(Some("")).is_err());
    assert_eq!(snap.to_xml(), input);
    snap.set_disk_snapshot("hdb", Some("external")).unwrap();
    snap.set_parent_name(None).unwrap();
    snap.set_memory_snapshot(None).unwrap();
    assert_eq!(
        changes(&input, &snap.to_xml()),
        [
            "-/domainsnapshot/parent",
            "-/domainsnapshot/memory",
            "+/domainsnapshot/disks/disk[2]"
        ]
    );
    assert!(snap.remove_disk("hdb").unwrap());
    assert!(!snap.remove_disk("hdb").unwrap());
    assert_eq!(snap.disks().len(), 1);
}
