// SPDX-License-Identifier: GPL-3.0-or-later
//! `<rng>`: model and backend (`random` with its host device, `egd`, `builtin`). Rate
//! limits and an egd backend's source are kept as written.

use std::borrow::Cow;

use super::access::{self, attr_fields, Check};
use super::device_handle;
use crate::xml::{Document, XmlError};

device_handle!(
    /// An `<rng>` (random number generator) device.
    Rng,
    "rng"
);

const RNG_ORDER: &[&str] = &["rate", "backend", "alias", "address", "driver"];

impl Rng {
    attr_fields! {
        /// `virtio`, `virtio-transitional`, `virtio-non-transitional`.
        model, set_model: "" @ "model", &[], Token;
        /// `random`, `egd`, `builtin`.
        backend_model, set_backend_model: "backend" @ "model", RNG_ORDER, Token;
    }

    /// The host device of a `random` backend (`/dev/urandom`).
    pub fn backend_device(self, doc: &Document) -> Option<Cow<'_, str>> {
        let b = doc.first_element(self.0, "backend")?;
        if doc.elements(b).next().is_some() {
            return None;
        }
        doc.text(b).filter(|t| !t.trim().is_empty())
    }

    /// Makes the backend `random` reading `device`; children of an old egd backend are
    /// dropped (they belong to that backend).
    pub fn set_backend_random(self, doc: &mut Document, device: &str) -> Result<(), XmlError> {
        access::check("backend", device, Check::Text)?;
        let b = doc.ensure_element(self.0, "backend", RNG_ORDER)?;
        let children: Vec<_> = doc.elements(b).collect();
        for c in children {
            doc.remove(c)?;
        }
        doc.remove_attr(b, "type");
        doc.set_attr(b, "model", "random")?;
        access::set_text_checked(doc, b, device)
    }
}
