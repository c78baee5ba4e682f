// SPDX-License-Identifier: GPL-3.0-or-later
//! `<vsock>`: model and the guest CID, automatic or fixed.

use super::access::{self, attr_fields, Check};
use super::device_handle;
use crate::xml::{Document, XmlError};

device_handle!(
    /// The `<vsock>` device.
    Vsock,
    "vsock"
);

const VSOCK_ORDER: &[&str] = &["cid", "alias", "address", "driver"];

/// The guest's context id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VsockCid {
    /// `auto='yes'`: libvirt picks a free one at start.
    Auto,
    /// A fixed address (3 or more; 0–2 are reserved).
    Fixed(u32),
}

impl Vsock {
    attr_fields! {
        /// `virtio`, `virtio-transitional`, `virtio-non-transitional`.
        model, set_model: "" @ "model", &[], Token;
    }

    /// The CID; `None` when `<cid>` is absent or says neither auto nor an address.
    pub fn cid(self, doc: &Document) -> Result<Option<VsockCid>, XmlError> {
        if access::bool_of(doc, self.0, "cid", "auto")? == Some(true) {
            return Ok(Some(VsockCid::Auto));
        }
        Ok(access::num_of(doc, self.0, "cid", "address")?.map(VsockCid::Fixed))
    }

    pub fn set_cid(self, doc: &mut Document, cid: VsockCid) -> Result<(), XmlError> {
        let (auto, address) = match cid {
            VsockCid::Auto => ("yes", None),
            VsockCid::Fixed(a) if a < 3 => {
                return Err(XmlError::invalid(
                    "cid/@address",
                    &a.to_string(),
                    "must be 3 or more",
                ))
            }
            VsockCid::Fixed(a) => ("no", Some(a.to_string())),
        };
        let set = |doc: &mut Document, k: &str, v: Option<&str>| {
            access::set_attr_of(doc, self.0, "cid", VSOCK_ORDER, k, v, Check::Token)
        };
        set(doc, "auto", Some(auto))?;
        set(doc, "address", address.as_deref())
    }
}
