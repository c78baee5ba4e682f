// SPDX-License-Identifier: GPL-3.0-or-later
//! `<hostdev>`: a host device given to the guest. USB (vendor/product ids), PCI (host
//! address) and mediated devices (mdev UUID); mode, type, managed and boot order. Other
//! source details (USB bus/device address, SCSI, ROM options, the guest address) are kept.

use std::borrow::Cow;

use super::access::{self, attr_fields, Check};
use super::device_handle;
use crate::xml::{Document, NodeId, XmlError};

device_handle!(
    /// A `<hostdev>` device.
    Hostdev,
    "hostdev"
);

const HOSTDEV_ORDER: &[&str] = &["driver", "source", "boot", "rom", "alias", "address"];

/// A host PCI address (`<address domain= bus= slot= function=>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PciAddress {
    pub domain: u32,
    pub bus: u8,
    pub slot: u8,
    pub function: u8,
}

/// `0x04b3`: four hex digits with the `0x` prefix libvirt writes.
fn check_usb_id(field: &str, id: &str) -> Result<(), XmlError> {
    let hex = id.strip_prefix("0x").unwrap_or("");
    if hex.len() == 4 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(XmlError::invalid(field, id, "is not a USB id like 0x04b3"))
    }
}

impl Hostdev {
    attr_fields! {
        /// `subsystem` (USB, PCI, SCSI, mdev) or `capabilities`.
        mode, set_mode: "" @ "mode", &[], Token;
        /// `usb`, `pci`, `scsi`, `scsi_host`, `mdev`.
        hostdev_type, set_hostdev_type: "" @ "type", &[], Token;
        /// The model of an mdev (`vfio-pci`, `vfio-ccw`, `vfio-ap`).
        mdev_model, set_mdev_model: "" @ "model", &[], Token;
    }

    /// `managed='yes'`: libvirt detaches the device from the host driver.
    pub fn managed(self, doc: &Document) -> Result<Option<bool>, XmlError> {
        access::bool_of(doc, self.0, "", "managed")
    }

    pub fn set_managed(self, doc: &mut Document, managed: bool) -> Result<(), XmlError> {
        let v = Some(access::yes_no(managed));
        access::set_attr_of(doc, self.0, "", &[], "managed", v, Check::Token)
    }

    fn source_child(self, doc: &Document, name: &str) -> Option<NodeId> {
        doc.find(self.0, &format!("source/{name}"))
    }

    /// `<source><{name} …/></source>`, created (with `<source>`) when missing.
    fn ensure_source_child(self, doc: &mut Document, name: &str) -> Result<NodeId, XmlError> {
        let src = doc.ensure_element(self.0, "source", HOSTDEV_ORDER)?;
        let order = ["vendor", "product", "address", "adapter"];
        doc.ensure_element(src, name, &order)
    }

    /// USB vendor and product ids (`0x04b3`, `0x4485`).
    pub fn usb_ids(self, doc: &Document) -> Option<(Cow<'_, str>, Cow<'_, str>)> {
        let v = doc.attr(self.source_child(doc, "vendor")?, "id")?;
        let p = doc.attr(self.source_child(doc, "product")?, "id")?;
        Some((v, p))
    }

    /// Makes this a USB device chosen by vendor and product id.
    pub fn set_usb_ids(
        self,
        doc: &mut Document,
        vendor: &str,
        product: &str,
    ) -> Result<(), XmlError> {
        check_usb_id("source/vendor/@id", vendor)?;
        check_usb_id("source/product/@id", product)?;
        self.set_subsystem(doc, "usb")?;
        let v = self.ensure_source_child(doc, "vendor")?;
        doc.set_attr(v, "id", vendor)?;
        let p = self.ensure_source_child(doc, "product")?;
        doc.set_attr(p, "id", product)
    }

    fn set_subsystem(self, doc: &mut Document, kind: &str) -> Result<(), XmlError> {
        if !doc.is_element(self.0) {
            return Err(XmlError::InvalidNode("not an element of this document"));
        }
        // Another kind's source (vendor/product, address) means nothing for this one.
        if self.hostdev_type(doc).is_some_and(|t| t != kind) {
            if let Some(src) = doc.first_element(self.0, "source") {
                doc.remove(src)?;
            }
        }
        doc.set_attr(self.0, "mode", "subsystem")?;
        doc.set_attr(self.0, "type", kind)
    }

    /// The host PCI address of a PCI device (missing domain counts as 0).
    pub fn pci_address(self, doc: &Document) -> Result<Option<PciAddress>, XmlError> {
        if self.hostdev_type(doc).as_deref() != Some("pci") {
            return Ok(None);
        }
        let Some(a) = self.source_child(doc, "address") else {
            return Ok(None);
        };
        let n = |k: &str| access::num_of::<u32>(doc, a, "", k);
        let byte = |k: &str| -> Result<u8, XmlError> {
            let v = n(k)?.unwrap_or(0);
            u8::try_from(v).map_err(|_| XmlError::invalid(k, &v.to_string(), "is out of range"))
        };
        Ok(Some(PciAddress {
            domain: n("domain")?.unwrap_or(0),
            bus: byte("bus")?,
            slot: byte("slot")?,
            function: byte("function")?,
        }))
    }

    /// Makes this a PCI device at `addr` on the host (written in libvirt's hex form).
    pub fn set_pci_address(self, doc: &mut Document, addr: PciAddress) -> Result<(), XmlError> {
        if addr.slot > 0x1f || addr.function > 7 || addr.domain > 0xffff {
            let shown = format!(
                "{:04x}:{:02x}:{:02x}.{}",
                addr.domain, addr.bus, addr.slot, addr.function
            );
            return Err(XmlError::invalid(
                "source/address",
                &shown,
                "is not a PCI address",
            ));
        }
        self.set_subsystem(doc, "pci")?;
        let a = self.ensure_source_child(doc, "address")?;
        doc.set_attr(a, "domain", &format!("0x{:04x}", addr.domain))?;
        doc.set_attr(a, "bus", &format!("0x{:02x}", addr.bus))?;
        doc.set_attr(a, "slot", &format!("0x{:02x}", addr.slot))?;
        doc.set_attr(a, "function", &format!("0x{:x}", addr.function))
    }

    /// The UUID of a mediated device.
    pub fn mdev_uuid(self, doc: &Document) -> Option<Cow<'_, str>> {
        if self.hostdev_type(doc).as_deref() != Some("mdev") {
            return None;
        }
        doc.attr(self.source_child(doc, "address")?, "uuid")
    }

    /// Makes this a mediated device with `uuid` (the model is kept; set it separately).
    pub fn set_mdev_uuid(self, doc: &mut Document, uuid: &str) -> Result<(), XmlError> {
        let hex: Vec<usize> = uuid.split('-').map(str::len).collect();
        let ok =
            hex == [8, 4, 4, 4, 12] && uuid.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit());
        if !ok {
            return Err(XmlError::invalid(
                "source/address/@uuid",
                uuid,
                "is not a UUID",
            ));
        }
        self.set_subsystem(doc, "mdev")?;
        let a = self.ensure_source_child(doc, "address")?;
        doc.set_attr(a, "uuid", uuid)
    }

    /// `<boot order='N'/>`.
    pub fn boot_order(self, doc: &Document) -> Result<Option<u32>, XmlError> {
        access::boot_order(doc, self.0)
    }

    pub fn set_boot_order(self, doc: &mut Document, order: Option<u32>) -> Result<(), XmlError> {
        access::set_boot_order(doc, self.0, order, HOSTDEV_ORDER)
    }
}
