// SPDX-License-Identifier: GPL-3.0-or-later
//! `<panic>`: the model (`isa`, `pseries`, `hyperv`, `s390`, `pvpanic`); absent means the
//! hypervisor's default. The address is kept as written.

use super::access::attr_fields;
use super::device_handle;

device_handle!(
    /// A `<panic>` notifier device.
    Panic,
    "panic"
);

impl Panic {
    attr_fields! {
        /// `isa`, `pseries`, `hyperv`, `s390`, `pvpanic`.
        model, set_model: "" @ "model", &[], Token;
    }
}
