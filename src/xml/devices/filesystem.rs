// SPDX-License-Identifier: GPL-3.0-or-later
//! `<filesystem>`: type and access mode, driver type (virtiofs, path, handle), source and
//! target directory, `<readonly/>`.

use super::access::{self, attr_fields};
use super::device_handle;
use crate::xml::{Document, XmlError};

device_handle!(
    /// A `<filesystem>` (host directory shared with the guest).
    Filesystem,
    "filesystem"
);

const FILESYSTEM_ORDER: &[&str] = &[
    "driver",
    "binary",
    "idmap",
    "source",
    "target",
    "readonly",
    "space_hard_limit",
    "space_soft_limit",
    "boot",
    "alias",
    "address",
];

impl Filesystem {
    attr_fields! {
        /// `mount` (the default), `block`, `file`, `template`, `ram`, `bind`.
        fs_type, set_fs_type: "" @ "type", &[], Token;
        /// `passthrough`, `mapped`, `squash`.
        accessmode, set_accessmode: "" @ "accessmode", &[], Token;
        /// `virtiofs`, `path`, `handle`, `loop`, `nbd`, `ploop`.
        driver_type, set_driver_type: "driver" @ "type", FILESYSTEM_ORDER, Token;
        /// The host directory.
        source_dir, set_source_dir: "source" @ "dir", FILESYSTEM_ORDER, Text;
        /// The mount tag the guest sees.
        target_dir, set_target_dir: "target" @ "dir", FILESYSTEM_ORDER, Text;
    }

    /// `<readonly/>`.
    pub fn readonly(self, doc: &Document) -> bool {
        access::flag(doc, self.0, "readonly")
    }

    pub fn set_readonly(self, doc: &mut Document, on: bool) -> Result<(), XmlError> {
        access::set_flag(doc, self.0, "readonly", on, FILESYSTEM_ORDER)
    }
}
