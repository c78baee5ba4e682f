// SPDX-License-Identifier: GPL-3.0-or-later
//! `<volume>`: name, key, capacity and allocation (with units), the target (path, format,
//! permissions) and the backing store (path, format). Encryption, timestamps, features
//! (`lazy_refcounts`), `<physical>` and anything newer are kept as written.

use std::borrow::Cow;

use super::{
    convert, permissions, set_permission, set_size_at, set_target_path, size_at, target_path,
    PermissionField, Permissions,
};
use crate::xml::devices::access::{self, Check};
use crate::xml::field::{check_plain, child_text, set_child_text};
use crate::xml::network::document_view;
use crate::xml::units::Size;
use crate::xml::{Document, NodeId, XmlError};

/// libvirt's order of the children of `<volume>`.
pub const VOLUME_ORDER: &[&str] = &[
    "name",
    "key",
    "source",
    "capacity",
    "allocation",
    "physical",
    "target",
    "backingStore",
];

/// libvirt's order of the children of a volume's `<target>`.
pub const VOLUME_TARGET_ORDER: &[&str] = &[
    "path",
    "format",
    "permissions",
    "timestamps",
    "encryption",
    "compat",
    "clusterSize",
    "nocow",
    "features",
];

/// libvirt's order of the children of `<backingStore>`.
pub const BACKING_STORE_ORDER: &[&str] = &["path", "format", "permissions", "timestamps"];

document_view!(
    /// A `<volume>` document with typed access to its fields.
    StorageVolume,
    "volume"
);

impl StorageVolume {
    /// The document, for views of parts this type does not cover.
    pub fn document_mut(&mut self) -> &mut Document {
        &mut self.doc
    }

    /// `<volume type=…>` (`file`, `block`, `dir`, `network` …; libvirt writes it).
    pub fn volume_type(&self) -> Option<Cow<'_, str>> {
        self.doc.attr(self.root(), "type")
    }

    pub fn name(&self) -> Option<Cow<'_, str>> {
        child_text(&self.doc, self.root(), "name")
    }

    pub fn set_name(&mut self, name: &str) -> Result<(), XmlError> {
        check_plain("name", name, &['\n', '/'])?;
        let root = self.root();
        set_child_text(&mut self.doc, root, "name", Some(name), VOLUME_ORDER)
    }

    /// `<key>`: libvirt's unique id of the volume (usually its path); read-only, libvirt
    /// ignores it on creation.
    pub fn key(&self) -> Option<Cow<'_, str>> {
        child_text(&self.doc, self.root(), "key")
    }

    /// `<capacity>` as written (no unit: bytes).
    pub fn capacity_size(&self) -> Result<Option<Size>, XmlError> {
        size_at(&self.doc, self.root(), "capacity")
    }

    /// The size the guest sees, in bytes.
    pub fn capacity_bytes(&self) -> Result<Option<u64>, XmlError> {
        convert("capacity", self.capacity_size()?, Size::to_bytes)
    }

    /// The size the guest sees, in KiB (rounded up).
    pub fn capacity(&self) -> Result<Option<u64>, XmlError> {
        convert("capacity", self.capacity_size()?, Size::to_kib)
    }

    /// Sets `<capacity>`, written in the unit given.
    pub fn set_capacity(&mut self, size: Size) -> Result<(), XmlError> {
        let root = self.root();
        set_size_at(&mut self.doc, root, "capacity", size, VOLUME_ORDER)
    }

    /// `<allocation>` as written: space used on the host (for a new volume: how much to
    /// allocate up front; 0 makes it sparse).
    pub fn allocation_size(&self) -> Result<Option<Size>, XmlError> {
        size_at(&self.doc, self.root(), "allocation")
    }

    pub fn allocation_bytes(&self) -> Result<Option<u64>, XmlError> {
        convert("allocation", self.allocation_size()?, Size::to_bytes)
    }

    /// Space used, in KiB (rounded up).
    pub fn allocation(&self) -> Result<Option<u64>, XmlError> {
        convert("allocation", self.allocation_size()?, Size::to_kib)
    }

    pub fn set_allocation(&mut self, size: Size) -> Result<(), XmlError> {
        let root = self.root();
        set_size_at(&mut self.doc, root, "allocation", size, VOLUME_ORDER)
    }

    /// `<target><path>` (libvirt writes it; ignored on creation).
    pub fn target_path(&self) -> Option<Cow<'_, str>> {
        target_path(&self.doc, self.root())
    }

    pub fn set_target_path(&mut self, path: Option<&str>) -> Result<(), XmlError> {
        let root = self.root();
        set_target_path(
            &mut self.doc,
            root,
            path,
            (VOLUME_ORDER, VOLUME_TARGET_ORDER),
        )
    }

    fn target(&self) -> Option<NodeId> {
        self.doc.first_element(self.root(), "target")
    }

    /// `<target><format type=…>` (`raw`, `qcow2` …).
    pub fn format(&self) -> Option<Cow<'_, str>> {
        access::attr_of(&self.doc, self.target()?, "format", "type")
    }

    pub fn set_format(&mut self, format: Option<&str>) -> Result<(), XmlError> {
        let target = match (format, self.target()) {
            (_, Some(t)) => t,
            (None, None) => return Ok(()),
            (Some(f), None) => {
                access::check("target/format/@type", f, Check::Token)?;
                let root = self.root();
                self.doc.ensure_element(root, "target", VOLUME_ORDER)?
            }
        };
        let order = VOLUME_TARGET_ORDER;
        access::set_attr_of(
            &mut self.doc,
            target,
            "format",
            order,
            "type",
            format,
            Check::Token,
        )
    }

    /// `<target><permissions>`.
    pub fn target_permissions(&self) -> Result<Option<Permissions>, XmlError> {
        permissions(&self.doc, self.target())
    }

    /// Sets (`None`: removes) one of the target's permissions.
    pub fn set_target_permission(
        &mut self,
        field: PermissionField,
        value: Option<u32>,
    ) -> Result<(), XmlError> {
        let root = self.root();
        let orders = (VOLUME_ORDER, VOLUME_TARGET_ORDER);
        set_permission(&mut self.doc, root, field, value, orders)
    }

    fn backing(&self) -> Option<NodeId> {
        self.doc.first_element(self.root(), "backingStore")
    }

    /// `<backingStore><path>`: the image this volume is an overlay of.
    pub fn backing_store_path(&self) -> Option<Cow<'_, str>> {
        child_text(&self.doc, self.backing()?, "path")
    }

    /// `<backingStore><format type=…>`.
    pub fn backing_store_format(&self) -> Option<Cow<'_, str>> {
        access::attr_of(&self.doc, self.backing()?, "format", "type")
    }

    /// The backing store's permissions.
    pub fn backing_store_permissions(&self) -> Result<Option<Permissions>, XmlError> {
        permissions(&self.doc, self.backing())
    }

    /// Sets the backing store: its path and format (`None` format: removed, libvirt then
    /// probes). `None` removes `<backingStore>` altogether.
    pub fn set_backing_store(
        &mut self,
        backing: Option<(&str, Option<&str>)>,
    ) -> Result<(), XmlError> {
        let Some((path, format)) = backing else {
            return match self.backing() {
                Some(b) => self.doc.remove(b),
                None => Ok(()),
            };
        };
        access::check("backingStore/path", path, Check::Text)?;
        if let Some(f) = format {
            access::check("backingStore/format/@type", f, Check::Token)?;
        }
        let root = self.root();
        let b = self
            .doc
            .ensure_element(root, "backingStore", VOLUME_ORDER)?;
        set_child_text(&mut self.doc, b, "path", Some(path), BACKING_STORE_ORDER)?;
        let order = BACKING_STORE_ORDER;
        access::set_attr_of(
            &mut self.doc,
            b,
            "format",
            order,
            "type",
            format,
            Check::Token,
        )
    }
}
