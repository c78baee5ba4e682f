// SPDX-License-Identifier: GPL-3.0-or-later
//! The typed view of a `<domainsnapshot>` document (`virsh snapshot-dumpxml`): name,
//! description, state, creation time, parent, memory snapshot mode, the per-disk snapshot
//! modes, and the embedded `<domain>` (the guest's definition when the snapshot was taken)
//! as a [`Domain`]. Like the other views, setters validate first and create missing
//! elements in libvirt's order ([`SNAPSHOT_ORDER`]); everything else is kept as written.
//!
//! The embedded domain: [`DomainSnapshot::domain`] gives a standalone copy to read or edit
//! with every [`Domain`] method, [`DomainSnapshot::set_domain`] puts one back. A copy taken
//! from the snapshot and put back changes only what was edited, byte for byte (its
//! indentation is that of the snapshot); [`DomainSnapshot::domain_node`] names the subtree
//! for reading in place.

use std::borrow::Cow;

use super::devices::access::{self, Check};
use super::field::{check_plain, child_text, opt_num, set_child_text};
use super::network::document_view;
use super::{Document, Domain, NodeId, XmlError};

/// libvirt's order of the children of `<domainsnapshot>` (`virDomainSnapshotDefFormat`).
pub const SNAPSHOT_ORDER: &[&str] = &[
    "name",
    "description",
    "state",
    "parent",
    "creationTime",
    "memory",
    "disks",
    "domain",
    "inactiveDomain",
    "cookie",
    "active",
];

/// One `<disks><disk name=… snapshot=…>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotDisk {
    /// The disk's target (`vda`) or source path.
    pub name: String,
    /// `no`, `internal`, `external`, `manual`; `None` when absent (libvirt's default).
    pub snapshot: Option<String>,
}

document_view!(
    /// A `<domainsnapshot>` document with typed access to its fields.
    DomainSnapshot,
    "domainsnapshot"
);

impl DomainSnapshot {
    /// The document, for views of parts this type does not cover.
    pub fn document_mut(&mut self) -> &mut Document {
        &mut self.doc
    }

    fn text(&self, name: &str) -> Option<Cow<'_, str>> {
        child_text(&self.doc, self.root(), name)
    }

    fn set(&mut self, name: &str, value: Option<&str>) -> Result<(), XmlError> {
        let root = self.root();
        set_child_text(&mut self.doc, root, name, value, SNAPSHOT_ORDER)
    }

    pub fn name(&self) -> Option<Cow<'_, str>> {
        self.text("name")
    }

    pub fn set_name(&mut self, name: &str) -> Result<(), XmlError> {
        check_plain("name", name, &['\n', '/'])?;
        self.set("name", Some(name))
    }

    pub fn description(&self) -> Option<Cow<'_, str>> {
        self.text("description")
    }

    /// Sets the description (any text); an empty one removes the element.
    pub fn set_description(&mut self, description: &str) -> Result<(), XmlError> {
        self.set(
            "description",
            (!description.is_empty()).then_some(description),
        )
    }

    /// The guest's state when the snapshot was taken (`running`, `shutoff`,
    /// `disk-snapshot` …).
    pub fn state(&self) -> Option<Cow<'_, str>> {
        self.text("state").map(|s| match s {
            Cow::Borrowed(b) => Cow::Borrowed(b.trim()),
            Cow::Owned(o) => Cow::Owned(o.trim().to_owned()),
        })
    }

    pub fn set_state(&mut self, state: Option<&str>) -> Result<(), XmlError> {
        if let Some(s) = state {
            access::check("state", s, Check::Token)?;
        }
        self.set("state", state)
    }

    /// `<creationTime>`: seconds since the Unix epoch.
    pub fn creation_time(&self) -> Result<Option<i64>, XmlError> {
        opt_num("creationTime", self.text("creationTime"))
    }

    pub fn set_creation_time(&mut self, secs: Option<i64>) -> Result<(), XmlError> {
        self.set("creationTime", secs.map(|s| s.to_string()).as_deref())
    }

    /// `<parent><name>`: the snapshot this one was taken on top of.
    pub fn parent_name(&self) -> Option<Cow<'_, str>> {
        let parent = self.doc.first_element(self.root(), "parent")?;
        child_text(&self.doc, parent, "name")
    }

    /// Sets (`None`: removes `<parent>`) the parent snapshot's name.
    pub fn set_parent_name(&mut self, name: Option<&str>) -> Result<(), XmlError> {
        let Some(n) = name else {
            return match self.doc.first_element(self.root(), "parent") {
                Some(p) => self.doc.remove(p),
                None => Ok(()),
            };
        };
        check_plain("parent/name", n, &['\n', '/'])?;
        let root = self.root();
        let parent = self.doc.ensure_element(root, "parent", SNAPSHOT_ORDER)?;
        set_child_text(&mut self.doc, parent, "name", Some(n), &["name"])
    }

    /// `<memory snapshot=…>`: `no`, `internal` or `external`.
    pub fn memory_snapshot(&self) -> Option<Cow<'_, str>> {
        access::attr_of(&self.doc, self.root(), "memory", "snapshot")
    }

    pub fn set_memory_snapshot(&mut self, mode: Option<&str>) -> Result<(), XmlError> {
        let root = self.root();
        let v = mode;
        access::set_attr_of(
            &mut self.doc,
            root,
            "memory",
            SNAPSHOT_ORDER,
            "snapshot",
            v,
            Check::Token,
        )
    }

    /// `<memory file=…>`: where an external memory snapshot is saved.
    pub fn memory_file(&self) -> Option<Cow<'_, str>> {
        access::attr_of(&self.doc, self.root(), "memory", "file")
    }

    pub fn set_memory_file(&mut self, file: Option<&str>) -> Result<(), XmlError> {
        let root = self.root();
        let v = file;
        access::set_attr_of(
            &mut self.doc,
            root,
            "memory",
            SNAPSHOT_ORDER,
            "file",
            v,
            Check::Text,
        )
    }

    fn disk_nodes(&self) -> Vec<NodeId> {
        self.doc.find_all(self.root(), "disks/disk")
    }

    /// The per-disk snapshot modes, in document order.
    pub fn disks(&self) -> Vec<SnapshotDisk> {
        (self.disk_nodes().into_iter())
            .map(|d| SnapshotDisk {
                name: self.doc.attr(d, "name").unwrap_or_default().into_owned(),
                snapshot: self.doc.attr(d, "snapshot").map(Cow::into_owned),
            })
            .collect()
    }

    fn disk_named(&self, name: &str) -> Option<NodeId> {
        (self.disk_nodes().into_iter()).find(|&d| self.doc.attr(d, "name").as_deref() == Some(name))
    }

    /// Sets (`None`: removes the attribute) the snapshot mode of disk `name`, adding the
    /// disk after the others if it is not listed.
    pub fn set_disk_snapshot(&mut self, name: &str, mode: Option<&str>) -> Result<(), XmlError> {
        access::check("disks/disk/@name", name, Check::Text)?;
        if let Some(m) = mode {
            access::check("disks/disk/@snapshot", m, Check::Token)?;
        }
        let disk = match self.disk_named(name) {
            Some(d) => d,
            None => {
                let root = self.root();
                let disks = self.doc.ensure_element(root, "disks", SNAPSHOT_ORDER)?;
                let d = self.doc.create_element("disk")?;
                self.doc.append_child(disks, d)?;
                self.doc.set_attr(d, "name", name)?;
                d
            }
        };
        match mode {
            Some(m) => self.doc.set_attr(disk, "snapshot", m),
            None => {
                self.doc.remove_attr(disk, "snapshot");
                Ok(())
            }
        }
    }

    /// Removes disk `name` from `<disks>`; whether it was listed.
    pub fn remove_disk(&mut self, name: &str) -> Result<bool, XmlError> {
        match self.disk_named(name) {
            Some(d) => self.doc.remove(d).map(|()| true),
            None => Ok(false),
        }
    }

    /// The embedded `<domain>` element, for reading in place.
    pub fn domain_node(&self) -> Option<NodeId> {
        self.doc.first_element(self.root(), "domain")
    }

    /// A standalone copy of the embedded `<domain>`, to read or edit as a [`Domain`] (put
    /// it back with [`set_domain`](Self::set_domain)).
    pub fn domain(&self) -> Result<Option<Domain>, XmlError> {
        self.domain_node()
            .map(|d| Domain::parse(&self.doc.node_to_string(d)))
            .transpose()
    }

    /// Replaces the embedded `<domain>` with `domain` (or inserts it where libvirt writes
    /// it), re-indented to its place.
    pub fn set_domain(&mut self, domain: &Domain) -> Result<(), XmlError> {
        let src = domain.document();
        let new = self.doc.import(src, src.root())?;
        match self.domain_node() {
            Some(old) => {
                self.doc.insert_before(old, new)?;
                self.doc.remove(old)
            }
            None => {
                let root = self.root();
                self.doc.insert_ordered(root, new, SNAPSHOT_ORDER)
            }
        }
    }
}
