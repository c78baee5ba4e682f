// SPDX-License-Identifier: GPL-3.0-or-later
//! `<input>`: type (tablet, mouse, keyboard, passthrough, evdev) and bus.

use super::access::attr_fields;
use super::device_handle;

device_handle!(
    /// An `<input>` device.
    Input,
    "input"
);

impl Input {
    attr_fields! {
        /// `tablet`, `mouse`, `keyboard`, `passthrough`, `evdev`.
        input_type, set_input_type: "" @ "type", &[], Token;
        /// `usb`, `ps2`, `virtio`, `xen`.
        bus, set_bus: "" @ "bus", &[], Token;
    }
}
