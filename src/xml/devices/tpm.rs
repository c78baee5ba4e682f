// SPDX-License-Identifier: GPL-3.0-or-later
//! `<tpm>`: model and backend (type, version). The backend's device path, encryption and
//! persistent state are kept as written.

use super::access::attr_fields;
use super::device_handle;

device_handle!(
    /// A `<tpm>` device.
    Tpm,
    "tpm"
);

const TPM_ORDER: &[&str] = &["backend", "alias", "address"];

impl Tpm {
    attr_fields! {
        /// `tpm-tis`, `tpm-crb`, `tpm-spapr`, `spapr-tpm-proxy`.
        model, set_model: "" @ "model", &[], Token;
        /// `emulator`, `passthrough`, `external`.
        backend_type, set_backend_type: "backend" @ "type", TPM_ORDER, Token;
        /// `1.2`, `2.0` (emulator only).
        backend_version, set_backend_version: "backend" @ "version", TPM_ORDER, Token;
    }
}
