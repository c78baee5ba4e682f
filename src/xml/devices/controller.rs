// SPDX-License-Identifier: GPL-3.0-or-later
//! `<controller>`: type, index and model. Ports, targets, driver options and the address
//! are kept as written.

use super::access::{self, attr_fields, Check};
use super::device_handle;
use crate::xml::{Document, XmlError};

device_handle!(
    /// A `<controller>` (USB, SCSI, SATA, PCI, virtio-serial, …).
    Controller,
    "controller"
);

impl Controller {
    attr_fields! {
        /// `usb`, `scsi`, `sata`, `ide`, `pci`, `virtio-serial`, `ccid`, `fdc`, `xenbus`.
        controller_type, set_controller_type: "" @ "type", &[], Token;
        /// `qemu-xhci`, `virtio-scsi`, `pcie-root-port` …
        model, set_model: "" @ "model", &[], Token;
    }

    /// `index` (libvirt assigns one when absent).
    pub fn index(self, doc: &Document) -> Result<Option<u32>, XmlError> {
        access::num_of(doc, self.0, "", "index")
    }

    pub fn set_index(self, doc: &mut Document, index: Option<u32>) -> Result<(), XmlError> {
        let v = index.map(|i| i.to_string());
        access::set_attr_of(doc, self.0, "", &[], "index", v.as_deref(), Check::Token)
    }
}
