// SPDX-License-Identifier: GPL-3.0-or-later
//! `<sound>`: the model. Codecs, audio backend link and address are kept as written.

use super::access::attr_fields;
use super::device_handle;

device_handle!(
    /// A `<sound>` device.
    Sound,
    "sound"
);

impl Sound {
    attr_fields! {
        /// `ich9`, `ich6`, `ac97`, `es1370`, `sb16`, `usb`, `virtio` …
        model, set_model: "" @ "model", &[], Token;
    }
}
