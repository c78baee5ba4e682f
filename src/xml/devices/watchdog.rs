// SPDX-License-Identifier: GPL-3.0-or-later
//! `<watchdog>`: model and action.

use super::access::attr_fields;
use super::device_handle;

device_handle!(
    /// A `<watchdog>` device.
    Watchdog,
    "watchdog"
);

impl Watchdog {
    attr_fields! {
        /// `i6300esb`, `ib700`, `diag288`, `itco`.
        model, set_model: "" @ "model", &[], Token;
        /// `reset`, `shutdown`, `poweroff`, `pause`, `none`, `dump`, `inject-nmi`.
        action, set_action: "" @ "action", &[], Token;
    }
}
