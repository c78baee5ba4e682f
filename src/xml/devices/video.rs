// SPDX-License-Identifier: GPL-3.0-or-later
//! `<video>`: the model element's type, video RAM, heads and primary flag. Acceleration,
//! resolution, driver and address are kept as written.

use super::access::{self, attr_fields, Check};
use super::device_handle;
use crate::xml::{Document, XmlError};

device_handle!(
    /// A `<video>` device.
    Video,
    "video"
);

const VIDEO_ORDER: &[&str] = &["driver", "model", "alias", "address"];

impl Video {
    attr_fields! {
        /// `virtio`, `qxl`, `vga`, `bochs`, `ramfb`, `cirrus`, `none` …
        model_type, set_model_type: "model" @ "type", VIDEO_ORDER, Token;
    }

    fn num(self, doc: &Document, attr: &str) -> Result<Option<u32>, XmlError> {
        access::num_of(doc, self.0, "model", attr)
    }

    fn set_num(self, doc: &mut Document, attr: &str, v: Option<u32>) -> Result<(), XmlError> {
        let v = v.map(|n| n.to_string());
        access::set_attr_of(
            doc,
            self.0,
            "model",
            VIDEO_ORDER,
            attr,
            v.as_deref(),
            Check::Token,
        )
    }

    /// Video RAM in KiB.
    pub fn vram(self, doc: &Document) -> Result<Option<u32>, XmlError> {
        self.num(doc, "vram")
    }

    pub fn set_vram(self, doc: &mut Document, kib: Option<u32>) -> Result<(), XmlError> {
        self.set_num(doc, "vram", kib)
    }

    /// Number of screens.
    pub fn heads(self, doc: &Document) -> Result<Option<u32>, XmlError> {
        self.num(doc, "heads")
    }

    pub fn set_heads(self, doc: &mut Document, heads: Option<u32>) -> Result<(), XmlError> {
        if heads == Some(0) {
            return Err(XmlError::invalid("model/@heads", "0", "must be 1 or more"));
        }
        self.set_num(doc, "heads", heads)
    }

    /// `primary='yes'` (the first video device is primary when none says so).
    pub fn primary(self, doc: &Document) -> Result<bool, XmlError> {
        Ok(access::bool_of(doc, self.0, "model", "primary")?.unwrap_or(false))
    }

    /// Marks this device primary (`primary='yes'`) or removes the attribute.
    pub fn set_primary(self, doc: &mut Document, primary: bool) -> Result<(), XmlError> {
        let v = primary.then_some("yes");
        access::set_attr_of(
            doc,
            self.0,
            "model",
            VIDEO_ORDER,
            "primary",
            v,
            Check::Token,
        )
    }
}
