// SPDX-License-Identifier: GPL-3.0-or-later
//! `<memballoon>`: model and the statistics period.

use super::access::{self, attr_fields, Check};
use super::device_handle;
use crate::xml::{Document, XmlError};

device_handle!(
    /// The `<memballoon>` device.
    Memballoon,
    "memballoon"
);

const MEMBALLOON_ORDER: &[&str] = &["stats", "alias", "address", "driver"];

impl Memballoon {
    attr_fields! {
        /// `virtio`, `virtio-transitional`, `xen`, `none`.
        model, set_model: "" @ "model", &[], Token;
    }

    /// Seconds between guest memory statistics updates (`<stats period=…>`).
    pub fn stats_period(self, doc: &Document) -> Result<Option<u32>, XmlError> {
        access::num_of(doc, self.0, "stats", "period")
    }

    /// Sets (`None` removes `<stats>`) the statistics period; 0 disables collection.
    pub fn set_stats_period(
        self,
        doc: &mut Document,
        seconds: Option<u32>,
    ) -> Result<(), XmlError> {
        let v = seconds.map(|s| s.to_string());
        access::set_attr_of(
            doc,
            self.0,
            "stats",
            MEMBALLOON_ORDER,
            "period",
            v.as_deref(),
            Check::Token,
        )
    }
}
