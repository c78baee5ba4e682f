// SPDX-License-Identifier: GPL-3.0-or-later
//! `<smartcard>`: the mode (`host`, `host-certificates`, `passthrough`). Certificates,
//! database and character-device source are kept as written.

use super::access::attr_fields;
use super::device_handle;

device_handle!(
    /// A `<smartcard>` device.
    Smartcard,
    "smartcard"
);

impl Smartcard {
    attr_fields! {
        /// `host`, `host-certificates`, `passthrough`.
        mode, set_mode: "" @ "mode", &[], Token;
        /// For `passthrough`: the character device type (`spicevmc`, `tcp`).
        passthrough_type, set_passthrough_type: "" @ "type", &[], Token;
    }
}
