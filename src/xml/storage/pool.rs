// SPDX-License-Identifier: GPL-3.0-or-later
//! `<pool>`: type, name, uuid, the sizes libvirt reports (capacity, allocation, available),
//! the source (directory, device, host, format, name) and the target (path, permissions).
//! Source children this view does not model (adapter, initiator, auth …), features and
//! other namespaces are kept as written.

use std::borrow::Cow;

use super::{
    convert, permissions, set_permission, set_target_path, size_at, target_path, PermissionField,
    Permissions,
};
use crate::xml::devices::access::{self, Check};
use crate::xml::field::{check_plain, child_text, set_child_text};
use crate::xml::network::{check_uuid, document_view};
use crate::xml::units::Size;
use crate::xml::{Document, NodeId, XmlError};

/// libvirt's order of the children of `<pool>`.
pub const POOL_ORDER: &[&str] = &[
    "name",
    "uuid",
    "capacity",
    "allocation",
    "available",
    "features",
    "source",
    "target",
    "refresh",
];

/// libvirt's order of the children of a pool's `<source>` (`virStoragePoolSourceFormat`).
pub const POOL_SOURCE_ORDER: &[&str] = &[
    "host",
    "device",
    "dir",
    "adapter",
    "name",
    "initiator",
    "format",
    "auth",
    "protocol",
    "vendor",
    "product",
];

/// libvirt's order of the children of a pool's `<target>`.
const TARGET_ORDER: &[&str] = &["path", "permissions"];

document_view!(
    /// A `<pool>` document with typed access to its fields.
    StoragePool,
    "pool"
);

impl StoragePool {
    /// The document, for views of parts this type does not cover.
    pub fn document_mut(&mut self) -> &mut Document {
        &mut self.doc
    }

    /// `<pool type=…>`: `dir`, `fs`, `netfs`, `logical`, `iscsi`, `rbd` …
    pub fn pool_type(&self) -> Option<Cow<'_, str>> {
        self.doc.attr(self.root(), "type")
    }

    pub fn set_pool_type(&mut self, pool_type: &str) -> Result<(), XmlError> {
        access::check("@type", pool_type, Check::Token)?;
        let root = self.root();
        self.doc.set_attr(root, "type", pool_type)
    }

    pub fn name(&self) -> Option<Cow<'_, str>> {
        child_text(&self.doc, self.root(), "name")
    }

    pub fn set_name(&mut self, name: &str) -> Result<(), XmlError> {
        check_plain("name", name, &['\n', '/'])?;
        let root = self.root();
        set_child_text(&mut self.doc, root, "name", Some(name), POOL_ORDER)
    }

    pub fn uuid(&self) -> Option<String> {
        child_text(&self.doc, self.root(), "uuid").map(|u| u.trim().to_owned())
    }

    pub fn set_uuid(&mut self, uuid: &str) -> Result<(), XmlError> {
        check_uuid(uuid)?;
        let root = self.root();
        set_child_text(&mut self.doc, root, "uuid", Some(uuid), POOL_ORDER)
    }

    /// `<capacity>` as written (libvirt fills it in; a definition may leave it out).
    pub fn capacity_size(&self) -> Result<Option<Size>, XmlError> {
        size_at(&self.doc, self.root(), "capacity")
    }

    /// The pool's size in KiB (rounded up).
    pub fn capacity(&self) -> Result<Option<u64>, XmlError> {
        convert("capacity", self.capacity_size()?, Size::to_kib)
    }

    pub fn allocation_size(&self) -> Result<Option<Size>, XmlError> {
        size_at(&self.doc, self.root(), "allocation")
    }

    /// Space used, in KiB.
    pub fn allocation(&self) -> Result<Option<u64>, XmlError> {
        convert("allocation", self.allocation_size()?, Size::to_kib)
    }

    pub fn available_size(&self) -> Result<Option<Size>, XmlError> {
        size_at(&self.doc, self.root(), "available")
    }

    /// Space free, in KiB.
    pub fn available(&self) -> Result<Option<u64>, XmlError> {
        convert("available", self.available_size()?, Size::to_kib)
    }

    fn source(&self) -> Option<NodeId> {
        self.doc.first_element(self.root(), "source")
    }

    fn source_attr(&self, child: &str, attr: &str) -> Option<Cow<'_, str>> {
        access::attr_of(&self.doc, self.source()?, child, attr)
    }

    fn set_source_attr(
        &mut self,
        child: &str,
        attr: &str,
        value: Option<&str>,
        how: Check,
    ) -> Result<(), XmlError> {
        let src = match (value, self.source()) {
            (_, Some(s)) => s,
            (None, None) => return Ok(()),
            (Some(v), None) => {
                access::check(&format!("source/{child}/@{attr}"), v, how)?;
                let root = self.root();
                self.doc.ensure_element(root, "source", POOL_ORDER)?
            }
        };
        let order = POOL_SOURCE_ORDER;
        access::set_attr_of(&mut self.doc, src, child, order, attr, value, how)
    }

    /// `<source><dir path=…>` (netfs, gluster).
    pub fn source_dir(&self) -> Option<Cow<'_, str>> {
        self.source_attr("dir", "path")
    }

    pub fn set_source_dir(&mut self, path: Option<&str>) -> Result<(), XmlError> {
        self.set_source_attr("dir", "path", path, Check::Text)
    }

    /// The first `<source><device path=…>` (fs, logical, iscsi, disk).
    pub fn source_device(&self) -> Option<Cow<'_, str>> {
        self.source_attr("device", "path")
    }

    pub fn set_source_device(&mut self, path: Option<&str>) -> Result<(), XmlError> {
        self.set_source_attr("device", "path", path, Check::Text)
    }

    /// The first `<source><host name=…>` (netfs, iscsi, rbd, gluster).
    pub fn source_host(&self) -> Option<Cow<'_, str>> {
        self.source_attr("host", "name")
    }

    /// Every source host name, in order (rbd lists several monitors).
    pub fn source_hosts(&self) -> Vec<String> {
        let Some(src) = self.source() else {
            return Vec::new();
        };
        (self.doc.elements_named(src, "host"))
            .filter_map(|h| self.doc.attr(h, "name").map(Cow::into_owned))
            .collect()
    }

    /// Sets (`None`: removes) the first host's name; its `port` is kept.
    pub fn set_source_host(&mut self, name: Option<&str>) -> Result<(), XmlError> {
        self.set_source_attr("host", "name", name, Check::Token)
    }

    /// `<source><format type=…>` (`auto`, `ext4`, `nfs`, `lvm2`, `gpt` …).
    pub fn source_format(&self) -> Option<Cow<'_, str>> {
        self.source_attr("format", "type")
    }

    pub fn set_source_format(&mut self, format: Option<&str>) -> Result<(), XmlError> {
        self.set_source_attr("format", "type", format, Check::Token)
    }

    /// `<source><name>`: the volume group, RBD pool or gluster volume.
    pub fn source_name(&self) -> Option<Cow<'_, str>> {
        child_text(&self.doc, self.source()?, "name")
    }

    pub fn set_source_name(&mut self, name: Option<&str>) -> Result<(), XmlError> {
        let src = match (name, self.source()) {
            (_, Some(s)) => s,
            (None, None) => return Ok(()),
            (Some(n), None) => {
                access::check("source/name", n, Check::Text)?;
                let root = self.root();
                self.doc.ensure_element(root, "source", POOL_ORDER)?
            }
        };
        if let Some(n) = name {
            access::check("source/name", n, Check::Text)?;
        }
        set_child_text(&mut self.doc, src, "name", name, POOL_SOURCE_ORDER)
    }

    /// `<target><path>`: where the pool's volumes appear on the host.
    pub fn target_path(&self) -> Option<Cow<'_, str>> {
        target_path(&self.doc, self.root())
    }

    pub fn set_target_path(&mut self, path: Option<&str>) -> Result<(), XmlError> {
        let root = self.root();
        set_target_path(&mut self.doc, root, path, (POOL_ORDER, TARGET_ORDER))
    }

    /// `<target><permissions>`.
    pub fn target_permissions(&self) -> Result<Option<Permissions>, XmlError> {
        let target = self.doc.first_element(self.root(), "target");
        permissions(&self.doc, target)
    }

    /// Sets (`None`: removes) one of the target's permissions.
    pub fn set_target_permission(
        &mut self,
        field: PermissionField,
        value: Option<u32>,
    ) -> Result<(), XmlError> {
        let root = self.root();
        let orders = (POOL_ORDER, TARGET_ORDER);
        set_permission(&mut self.doc, root, field, value, orders)
    }
}
