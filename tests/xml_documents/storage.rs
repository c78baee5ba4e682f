// SPDX-License-Identifier: GPL-3.0-or-later
//! Storage pool and volume views against the xmlparse fixtures and the test driver.

use super::{changes, node, xmlparse};
use vireo::xml::storage::{PermissionField, Permissions};
use vireo::xml::{Size, StoragePool, StorageVolume, Unit};

#[test]
fn pool_reads_sizes_sources_and_target() {
    let fs = StoragePool::parse(&xmlparse("pool-fs.xml")).unwrap();
    assert_eq!(fs.pool_type().as_deref(), Some("fs"));
    assert_eq!(
        fs.uuid().as_deref(),
        Some("10211510-2115-1021-1510-211510211510")
    );
    assert_eq!(
        fs.capacity_size(),
        Ok(Some(Size::new(984373075968, Unit::Bytes)))
    );
    assert_eq!(fs.capacity(), Ok(Some(961301832)));
    assert_eq!(fs.allocation(), Ok(Some(738946960)));
    assert_eq!(fs.available(), Ok(Some(222354872)));
    assert_eq!(fs.source_device().as_deref(), Some("/some/source/path"));
    assert_eq!(fs.source_format().as_deref(), Some("auto"));
    assert_eq!(fs.target_path().as_deref(), Some("/some/target/path"));
    assert_eq!(fs.target_permissions(), Ok(None));

    let rbd = StoragePool::parse(&xmlparse("pool-rbd.xml")).unwrap();
    assert_eq!(rbd.source_hosts().len(), 3);
    assert_eq!(rbd.source_host().as_deref(), Some("ceph-mon-1.example.com"));
    assert_eq!(rbd.source_name().as_deref(), Some("rbd"));
    assert_eq!((rbd.target_path(), rbd.uuid()), (None, None));
    let gluster = StoragePool::parse(&xmlparse("pool-gluster-out.xml")).unwrap();
    assert_eq!(gluster.source_dir().as_deref(), Some("/foo"));
    assert_eq!(gluster.source_name().as_deref(), Some("gv0"));
    assert_eq!(gluster.capacity(), Ok(None));
    let iscsi = StoragePool::parse(&xmlparse("pool-iscsi-out.xml")).unwrap();
    assert_eq!(iscsi.source_host().as_deref(), Some("my.host"));
    assert_eq!(iscsi.target_path().as_deref(), Some("/dev/disk/by-path"));
}

#[test]
fn pool_edit_changes_exactly_its_fields_and_libvirt_takes_it() {
    let input = xmlparse("pool-fs.xml");
    let mut pool = StoragePool::parse(&input).unwrap();
    pool.set_name("pool-fs-2").unwrap();
    pool.set_source_device(Some("/dev/vdb1")).unwrap();
    pool.set_source_format(Some("ext4")).unwrap();
    pool.set_target_path(Some("/srv/images")).unwrap();
    pool.set_target_permission(PermissionField::Mode, Some(0o711))
        .unwrap();
    pool.set_target_permission(PermissionField::Owner, Some(107))
        .unwrap();
    pool.set_target_permission(PermissionField::Group, Some(108))
        .unwrap();
    assert_eq!(
        changes(&input, &pool.to_xml()),
        [
            "~/pool/name/text()",
            "~/pool/source/format/@type",
            "~/pool/source/device/@path",
            "~/pool/target/path/text()",
            "+/pool/target/permissions",
        ]
    );
    assert!(pool.to_xml().contains(
        "    <path>/srv/images</path>\n    <permissions>\n      <mode>0711</mode>\n      \
         <owner>107</owner>\n      <group>108</group>\n    </permissions>\n  </target>"
    ));
    let conn = node("doc-pool-edit", 0);
    let defined = conn.define_storage_pool_xml(&pool.to_xml(), 0).unwrap();
    let back = StoragePool::parse(&defined.xml_desc(0).unwrap()).unwrap();
    drop(conn);
    assert_eq!(back.name().as_deref(), Some("pool-fs-2"));
    assert_eq!(back.source_device().as_deref(), Some("/dev/vdb1"));
    assert_eq!(back.source_format().as_deref(), Some("ext4"));
    assert_eq!(back.target_path().as_deref(), Some("/srv/images"));
    let perms = Permissions {
        mode: Some(0o711),
        owner: Some(107),
        group: Some(108),
        label: None,
    };
    assert_eq!(back.target_permissions(), Ok(Some(perms)));
    assert!(
        back.capacity().unwrap().is_some(),
        "the test driver reports sizes"
    );
}

#[test]
fn pool_from_scratch_gets_libvirts_order() {
    let input = "<pool type='dir'>\n  <name>scratch</name>\n</pool>\n";
    let mut pool = StoragePool::parse(input).unwrap();
    pool.set_target_permission(PermissionField::Mode, Some(0o755))
        .unwrap();
    pool.set_target_path(Some("/var/lib/vireo/images")).unwrap();
    pool.set_uuid("0f2b6a5c-1d3e-4f5a-8b9c-0d1e2f3a4b5c")
        .unwrap();
    assert_eq!(
        changes(input, &pool.to_xml()),
        ["+/pool/uuid", "+/pool/target"]
    );
    assert_eq!(
        pool.to_xml(),
        "<pool type='dir'>\n  <name>scratch</name>\n  \
         <uuid>0f2b6a5c-1d3e-4f5a-8b9c-0d1e2f3a4b5c</uuid>\n  <target>\n    \
         <path>/var/lib/vireo/images</path>\n    <permissions>\n      <mode>0755</mode>\n    \
         </permissions>\n  </target>\n</pool>\n"
    );
    // Clearing the only permission removes <permissions>.
    let mut cleared = pool.clone();
    cleared
        .set_target_permission(PermissionField::Mode, None)
        .unwrap();
    assert!(!cleared.to_xml().contains("permissions"));
    assert!(pool
        .set_target_permission(PermissionField::Mode, Some(0o17777))
        .is_err());

    let conn = node("doc-pool-scratch", 0);
    let p = conn.define_storage_pool_xml(&pool.to_xml(), 0).unwrap();
    p.create(0).unwrap();
    let back = StoragePool::parse(&p.xml_desc(0).unwrap()).unwrap();
    assert_eq!(back.target_path().as_deref(), Some("/var/lib/vireo/images"));
    assert_eq!(
        back.target_permissions().unwrap().unwrap().mode,
        Some(0o755)
    );
}

#[test]
fn volume_reads_the_fixture() {
    let vol = StorageVolume::parse(&xmlparse("pool-dir-vol-in.xml")).unwrap();
    assert_eq!(vol.name().as_deref(), Some("pool-dir-vol"));
    assert_eq!(vol.capacity_bytes(), Ok(Some(10 << 30)));
    assert_eq!(vol.capacity(), Ok(Some(10 << 20)));
    assert_eq!(vol.allocation_bytes(), Ok(Some(5 << 30)));
    assert_eq!(vol.format().as_deref(), Some("raw"));
    assert_eq!(vol.backing_store_path().as_deref(), Some("/foo/bar/baz"));
    assert_eq!(vol.backing_store_format().as_deref(), Some("qcow2"));
    let label = vol.backing_store_permissions().unwrap().unwrap().label;
    assert_eq!(
        label.as_deref(),
        Some("system_u:object_r:virt_content_t:s0")
    );
    assert_eq!(vol.target_permissions().unwrap().unwrap().mode, Some(0o700));
    let out = StorageVolume::parse(&xmlparse("pool-dir-vol-out.xml")).unwrap();
    assert_eq!(out.key().as_deref(), Some("fookey"));
    assert_eq!(out.volume_type().as_deref(), Some("file"));
    assert_eq!(out.target_path().as_deref(), Some("/foo/bar"));
}

#[test]
fn volume_edit_changes_exactly_its_fields_and_libvirt_creates_it() {
    let input = xmlparse("pool-dir-vol-in.xml");
    let mut vol = StorageVolume::parse(&input).unwrap();
    vol.set_name("disk1.qcow2").unwrap();
    vol.set_capacity(Size::new(2, Unit::GiB)).unwrap();
    vol.set_allocation(Size::new(0, Unit::Bytes)).unwrap();
    vol.set_format(Some("qcow2")).unwrap();
    vol.set_target_permission(PermissionField::Mode, Some(0o644))
        .unwrap();
    vol.set_backing_store(Some(("/images/base.qcow2", Some("qcow2"))))
        .unwrap();
    assert_eq!(
        changes(&input, &vol.to_xml()),
        [
            "~/volume/name/text()",
            "+/volume/capacity/@unit",
            "~/volume/capacity/text()",
            "+/volume/allocation/@unit",
            "~/volume/allocation/text()",
            "~/volume/target/format/@type",
            "~/volume/target/permissions/mode/text()",
            "~/volume/backingStore/path/text()",
        ]
    );
    assert_eq!(vol.capacity_bytes(), Ok(Some(2 << 30)));

    let conn = node("doc-vol-create", 0);
    let pool_xml =
        "<pool type='dir'><name>images</name><target><path>/images</path></target></pool>";
    let pool = conn.define_storage_pool_xml(pool_xml, 0).unwrap();
    pool.create(0).unwrap();
    let created = virt::storage_vol::StorageVol::create_xml(&pool, &vol.to_xml(), 0).unwrap();
    let back = StorageVolume::parse(&created.xml_desc(0).unwrap()).unwrap();
    drop(conn);
    assert_eq!(back.name().as_deref(), Some("disk1.qcow2"));
    assert_eq!(back.capacity_bytes(), Ok(Some(2 << 30)));
    assert_eq!(
        back.capacity_size(),
        Ok(Some(Size::new(2 << 30, Unit::Bytes)))
    );
    assert_eq!(back.allocation_bytes(), Ok(Some(0)));
    assert_eq!(back.format().as_deref(), Some("qcow2"));
    assert_eq!(back.target_path().as_deref(), Some("/images/disk1.qcow2"));
    assert_eq!(back.key().as_deref(), Some("/images/disk1.qcow2"));
    assert_eq!(
        back.target_permissions().unwrap().unwrap().mode,
        Some(0o644)
    );
    assert_eq!(
        back.backing_store_path().as_deref(),
        Some("/images/base.qcow2")
    );
    assert_eq!(back.backing_store_format().as_deref(), Some("qcow2"));
}

#[test]
fn volume_from_scratch_and_refusals() {
    let input = "<volume>\n  <name>new.img</name>\n</volume>\n";
    let mut vol = StorageVolume::parse(input).unwrap();
    vol.set_format(Some("raw")).unwrap();
    vol.set_capacity(Size::new(512, Unit::MiB)).unwrap();
    assert_eq!(
        vol.to_xml(),
        "<volume>\n  <name>new.img</name>\n  <capacity unit='MiB'>512</capacity>\n  \
         <target>\n    <format type='raw'/>\n  </target>\n</volume>\n"
    );
    let before = vol.to_xml();
    assert!(vol.set_capacity(Size::new(16, Unit::EiB)).is_err());
    assert!(vol.set_name("a/b").is_err());
    assert!(vol.set_format(Some("two words")).is_err());
    assert!(vol.set_backing_store(Some(("", None))).is_err());
    assert_eq!(vol.to_xml(), before);
    vol.set_backing_store(None).unwrap();
    assert_eq!(vol.to_xml(), before);
}
