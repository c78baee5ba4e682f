// SPDX-License-Identifier: GPL-3.0-or-later
//! Character devices: `<serial>`, `<parallel>`, `<console>` and `<channel>` share one
//! shape (a host-side type and source, a guest-side target), so one trait, [`CharDevice`],
//! gives all four handles the same fields: type, source path, target type, port and name.
//! Protocol, log, address and the rest are kept as written.

use std::borrow::Cow;

use super::access::{self, Check};
use super::{device_handle, Device};
use crate::xml::{Document, XmlError};

device_handle!(
    /// A `<serial>` port.
    Serial,
    "serial"
);
device_handle!(
    /// A `<parallel>` port.
    Parallel,
    "parallel"
);
device_handle!(
    /// A `<console>`.
    Console,
    "console"
);
device_handle!(
    /// A `<channel>` (guest agent, SPICE vdagent, guestfwd …).
    Channel,
    "channel"
);

/// libvirt's order of the children of a character device.
pub const CHARDEV_ORDER: &[&str] = &["source", "protocol", "log", "target", "alias", "address"];

/// The fields shared by the four character devices.
pub trait CharDevice: Device {
    /// Host-side type: `pty`, `unix`, `file`, `spicevmc`, `tcp`, `null`, `qemu-vdagent` …
    fn chardev_type(self, doc: &Document) -> Option<Cow<'_, str>> {
        doc.attr(self.node(), "type")
    }

    fn set_chardev_type(self, doc: &mut Document, value: &str) -> Result<(), XmlError> {
        access::set_attr_of(doc, self.node(), "", &[], "type", Some(value), Check::Token)
    }

    /// `<source path=…>` (file, pipe, unix socket, device).
    fn source_path(self, doc: &Document) -> Option<Cow<'_, str>> {
        access::attr_of(doc, self.node(), "source", "path")
    }

    fn set_source_path(self, doc: &mut Document, path: Option<&str>) -> Result<(), XmlError> {
        let n = self.node();
        access::set_attr_of(doc, n, "source", CHARDEV_ORDER, "path", path, Check::Text)
    }

    /// Guest-side type: `isa-serial`, `pci-serial`, `usb-serial` (serial); `serial`,
    /// `virtio` (console); `virtio`, `guestfwd`, `xen` (channel).
    fn target_type(self, doc: &Document) -> Option<Cow<'_, str>> {
        access::attr_of(doc, self.node(), "target", "type")
    }

    fn set_target_type(self, doc: &mut Document, value: Option<&str>) -> Result<(), XmlError> {
        let n = self.node();
        access::set_attr_of(doc, n, "target", CHARDEV_ORDER, "type", value, Check::Token)
    }

    /// `<target port=…>`: the port number (serial, parallel, console) or, for a guestfwd
    /// channel, the TCP port.
    fn target_port(self, doc: &Document) -> Result<Option<u32>, XmlError> {
        access::num_of(doc, self.node(), "target", "port")
    }

    fn set_target_port(self, doc: &mut Document, port: Option<u32>) -> Result<(), XmlError> {
        let v = port.map(|p| p.to_string());
        let n = self.node();
        access::set_attr_of(
            doc,
            n,
            "target",
            CHARDEV_ORDER,
            "port",
            v.as_deref(),
            Check::Token,
        )
    }

    /// `<target name=…>` of a virtio channel (`org.qemu.guest_agent.0`).
    fn target_name(self, doc: &Document) -> Option<Cow<'_, str>> {
        access::attr_of(doc, self.node(), "target", "name")
    }

    fn set_target_name(self, doc: &mut Document, name: Option<&str>) -> Result<(), XmlError> {
        let n = self.node();
        access::set_attr_of(doc, n, "target", CHARDEV_ORDER, "name", name, Check::Token)
    }
}

impl CharDevice for Serial {}
impl CharDevice for Parallel {}
impl CharDevice for Console {}
impl CharDevice for Channel {}
