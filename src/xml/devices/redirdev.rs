// SPDX-License-Identifier: GPL-3.0-or-later
//! `<redirdev>`: bus and character-device type (USB redirection over SPICE or TCP), and
//! boot order. Source, protocol and address are kept as written.

use super::access::{self, attr_fields};
use super::device_handle;
use crate::xml::{Document, XmlError};

device_handle!(
    /// A `<redirdev>` (USB redirection) device.
    Redirdev,
    "redirdev"
);

const REDIRDEV_ORDER: &[&str] = &["source", "protocol", "boot", "alias", "address"];

impl Redirdev {
    attr_fields! {
        /// `usb`.
        bus, set_bus: "" @ "bus", &[], Token;
        /// `spicevmc`, `tcp`.
        redir_type, set_redir_type: "" @ "type", &[], Token;
    }

    /// `<boot order='N'/>`.
    pub fn boot_order(self, doc: &Document) -> Result<Option<u32>, XmlError> {
        access::boot_order(doc, self.0)
    }

    pub fn set_boot_order(self, doc: &mut Document, order: Option<u32>) -> Result<(), XmlError> {
        access::set_boot_order(doc, self.0, order, REDIRDEV_ORDER)
    }
}
