// SPDX-License-Identifier: GPL-3.0-or-later
//! libvirt XML, lossless by construction. **No GTK, no libvirt calls**: text in, text out.
//!
//! - [`document`]: the lossless tree ([`Document`], [`NodeId`]). Parsing and serialising an
//!   unmodified document gives back the input byte for byte; edits change only the nodes
//!   they touch and indent what they insert like its neighbours.
//! - [`domain`]: the typed view of `<domain>` ([`Domain`]): identity, memory, vCPUs, OS,
//!   lifecycle actions. Later views (one file per device class under `devices/`,
//!   capabilities, network, storage, snapshots) follow the same pattern on top of
//!   [`field`].
//! - [`devices`]: typed views of each device class (`Disk`, `Interface`, …) as `Copy`
//!   handles over their element, with listing, adding and removing in libvirt's order.
//! - [`network`], [`storage`], [`snapshot`]: typed views of `<network>`, `<pool>` and
//!   `<volume>`, `<domainsnapshot>` documents; [`capabilities`] and [`domain_caps`]:
//!   read-only views of the host's `<capabilities>` and `<domainCapabilities>`.
//! - [`field`]: how a typed view reads and writes one field (child text, size with unit),
//!   creating missing elements in libvirt's canonical order.
//! - [`units`]: sizes and units as pure functions (`"1.5 GiB"`, `unit='MiB'`).
//! - [`escape`]: XML's character rules: names, references, escaping and unescaping.
//! - [`diff`]: a structural diff (what changed, by path), for tests and the round-trip tool.
//! - [`XmlError`]: the one error type, with line and column for parse errors.
//!
//! What does not belong here: talking to libvirt (that is `backend`), and anything a
//! widget shows (that is `ui`).

pub mod capabilities;
pub mod devices;
pub mod diff;
pub mod document;
pub mod domain;
pub mod domain_caps;
mod error;
pub mod escape;
pub mod field;
pub mod network;
pub mod snapshot;
pub mod storage;
pub mod units;

pub use document::{Document, Limits, NodeId, NodeType};
pub use domain::{Domain, LifecycleAction, Vcpus};
pub use error::{ParseErrorKind, XmlError};
pub use units::{Size, Unit, UnitError};

pub use capabilities::Capabilities;
pub use domain_caps::DomainCapabilities;
pub use network::Network;
pub use snapshot::DomainSnapshot;
pub use storage::{StoragePool, StorageVolume};
