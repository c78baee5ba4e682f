// SPDX-License-Identifier: GPL-3.0-or-later
//! Typed views of the devices of a `<domain>`, one file per device class.
//!
//! # Design
//!
//! A device view is a *handle*: a `Copy` newtype over the [`NodeId`] of the device element
//! (`Disk`, `Interface`, …), implementing [`Device`]. Getters take `&Document`, setters
//! `&mut Document`, so a handle borrows nothing, stays valid across edits of the same
//! document (node ids are stable) and can be kept by a dialog while it edits. A handle used
//! with another document reads nothing and refuses writes, never panics.
//!
//! ```
//! use vireo::xml::Domain;
//! use vireo::xml::devices::{self, Disk};
//!
//! let mut dom = Domain::parse("<domain type='test'><name>a</name><devices/></domain>").unwrap();
//! let disk: Disk = dom.add_device("<disk type='file' device='disk'/>").unwrap();
//! disk.set_target(dom.document_mut(), "vda", Some("virtio")).unwrap();
//! assert_eq!(dom.devices::<Disk>(), [disk]);
//! assert_eq!(devices::list::<Disk>(dom.document())[0].target_dev(dom.document()).as_deref(), Some("vda"));
//! ```
//!
//! - Listing: [`list`] (or [`Domain::devices`]): the devices of one class, in document order.
//! - Adding: [`add`] parses a fragment (it must be an element of the class), [`add_new`]
//!   inserts a bare element to fill with setters. Both insert where libvirt writes that
//!   class ([`DEVICES_ORDER`]): after the last device of the same class, else after the
//!   nearest class before it; `<devices>` itself is created if missing.
//! - Removing: [`remove`] detaches the element and its indentation.
//!
//! Open-ended libvirt enumerations (disk bus, NIC model, video type …) are plain strings:
//! libvirt adds values every release and `domainCapabilities` says which ones a host
//! accepts; the views only check that a keyword is one word. Fields with a fixed shape
//! (numbers, MAC and PCI addresses, UUIDs, `yes`/`no`) are parsed and checked.

pub(crate) mod access;
mod chardev;
mod controller;
mod disk;
mod filesystem;
mod graphics;
mod hostdev;
mod input;
mod interface;
mod memballoon;
mod panic;
mod redirdev;
mod rng;
mod smartcard;
mod sound;
mod tpm;
mod video;
mod vsock;
mod watchdog;

pub use chardev::{Channel, CharDevice, Console, Parallel, Serial};
pub use controller::Controller;
pub use disk::{Disk, DiskSource, NetworkHost};
pub use filesystem::Filesystem;
pub use graphics::Graphics;
pub use hostdev::{Hostdev, PciAddress};
pub use input::Input;
pub use interface::{Interface, InterfaceSource};
pub use memballoon::Memballoon;
pub use panic::Panic;
pub use redirdev::Redirdev;
pub use rng::Rng;
pub use smartcard::Smartcard;
pub use sound::Sound;
pub use tpm::Tpm;
pub use video::Video;
pub use vsock::{Vsock, VsockCid};
pub use watchdog::Watchdog;

use super::domain::DOMAIN_ORDER;
use super::{Document, Domain, NodeId, XmlError};

/// libvirt's order of the children of `<devices>` (`virDomainDefFormatInternal`), used to
/// place a device we insert. Elements not listed are never moved.
pub const DEVICES_ORDER: &[&str] = &[
    "emulator",
    "disk",
    "controller",
    "lease",
    "filesystem",
    "interface",
    "smartcard",
    "serial",
    "parallel",
    "console",
    "channel",
    "input",
    "tpm",
    "graphics",
    "sound",
    "audio",
    "video",
    "hostdev",
    "redirdev",
    "redirfilter",
    "hub",
    "watchdog",
    "memballoon",
    "rng",
    "panic",
    "shmem",
    "memory",
    "iommu",
    "vsock",
    "crypto",
    "pstore",
];

/// A device class: its element name and the handle over one such element.
pub trait Device: Copy + Sized {
    /// The element name under `<devices>` (`"disk"`).
    const ELEMENT: &'static str;

    /// The handle over `node` (not checked; [`list`] and [`add`] give checked handles).
    fn from_node(node: NodeId) -> Self;

    /// The device element.
    fn node(self) -> NodeId;
}

/// Declares a device handle type over one element name.
macro_rules! device_handle {
    ($(#[$m:meta])* $ty:ident, $el:literal) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $ty(pub(crate) $crate::xml::NodeId);

        impl $crate::xml::devices::Device for $ty {
            const ELEMENT: &'static str = $el;
            fn from_node(node: $crate::xml::NodeId) -> Self {
                $ty(node)
            }
            fn node(self) -> $crate::xml::NodeId {
                self.0
            }
        }
    };
}
pub(crate) use device_handle;

/// The `<devices>` element of a domain document.
pub fn devices_element(doc: &Document) -> Option<NodeId> {
    doc.first_element(doc.root(), "devices")
}

/// The devices of class `D`, in document order.
pub fn list<D: Device>(doc: &Document) -> Vec<D> {
    devices_element(doc)
        .map(|d| {
            doc.elements_named(d, D::ELEMENT)
                .map(D::from_node)
                .collect()
        })
        .unwrap_or_default()
}

/// Parses `xml` (one `<D::ELEMENT>`) and inserts it in libvirt's order.
pub fn add<D: Device>(doc: &mut Document, xml: &str) -> Result<D, XmlError> {
    let node = doc.parse_element(xml)?;
    if doc.name(node) != Some(D::ELEMENT) {
        return Err(XmlError::WrongRoot {
            expected: D::ELEMENT.into(),
            found: doc.name(node).unwrap_or_default().into(),
        });
    }
    insert(doc, node)
}

/// Inserts a bare `<D::ELEMENT/>` in libvirt's order, to be filled with the setters.
pub fn add_new<D: Device>(doc: &mut Document) -> Result<D, XmlError> {
    let node = doc.create_element(D::ELEMENT)?;
    insert(doc, node)
}

fn insert<D: Device>(doc: &mut Document, node: NodeId) -> Result<D, XmlError> {
    if doc.name(doc.root()) != Some("domain") {
        return Err(XmlError::WrongRoot {
            expected: "domain".into(),
            found: doc.name(doc.root()).unwrap_or_default().into(),
        });
    }
    let root = doc.root();
    let devices = doc.ensure_element(root, "devices", DOMAIN_ORDER)?;
    doc.insert_ordered(devices, node, DEVICES_ORDER)?;
    Ok(D::from_node(node))
}

/// Removes a device of this document (and the whitespace that indented it).
pub fn remove<D: Device>(doc: &mut Document, device: D) -> Result<(), XmlError> {
    let node = device.node();
    let attached = doc
        .parent(node)
        .is_some_and(|p| Some(p) == devices_element(doc));
    if !attached || doc.name(node) != Some(D::ELEMENT) {
        return Err(XmlError::InvalidNode("not a device of this domain"));
    }
    doc.remove(node)
}

impl Domain {
    /// The devices of class `D` (`dom.devices::<Disk>()`), in document order.
    pub fn devices<D: Device>(&self) -> Vec<D> {
        list(self.document())
    }

    /// Adds a device from an XML fragment; see [`add`].
    pub fn add_device<D: Device>(&mut self, xml: &str) -> Result<D, XmlError> {
        add(self.document_mut(), xml)
    }

    /// Adds a bare device element; see [`add_new`].
    pub fn add_new_device<D: Device>(&mut self) -> Result<D, XmlError> {
        add_new(self.document_mut())
    }

    /// Removes a device; see [`remove`].
    pub fn remove_device<D: Device>(&mut self, device: D) -> Result<(), XmlError> {
        remove(self.document_mut(), device)
    }
}

#[cfg(test)]
mod tests;
