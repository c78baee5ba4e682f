// SPDX-License-Identifier: GPL-3.0-or-later
//! Vireo: a native GNOME virtual machine manager for KVM/QEMU guests, through libvirt.
//!
//! # Module map
//!
//! - [`cli`]: command-line options (`--connect URI`).
//! - [`console`]: the console below the UI, no GTK: VNC and SPICE sessions, the serial text
//!   console over libvirt's console stream, the recorder (framebuffer → WebM over
//!   GStreamer), key map and Send Key combinations.
//! - [`config`]: application id, version and locale directory (set by meson, dev defaults).
//! - [`model`]: the UI's data as pure functions (the guest list's row diffing), no GTK.
//! - [`runtime`]: the one bridge between background work and the UI: named worker threads
//!   and the [`runtime::Sink`] through which results come back.
//! - [`backend`]: libvirt over the `virt` crate, **no GTK**: connection URIs, one worker
//!   thread per connection, domain listing and lifecycle commands, typed events (domain
//!   lifecycle, connection closed) and typed errors.
//! - [`stats`]: stats maths, no libvirt or GTK: counters → rates, ring buffers, axis scaling.
//! - [`xml`]: lossless libvirt XML documents and typed views over them (no GTK, no libvirt).
//! - `ui` (feature `ui`, default): relm4 + GTK4 + libadwaita. It never calls libvirt; it sends
//!   [`backend::Command`]s and renders [`backend::BackendEvent`]s.
//!
//! # Component tree (UI)
//!
//! ```text
//! adw::Application ── ui::app::App (AdwApplicationWindow)
//!                       ├── header bar (connection title + subtitle, primary menu)
//!                       ├── banner (embedded test driver / connection lost)
//!                       ├── AdwToastOverlay ── domain list (GtkListView of DomainObject)
//!                       └── error details dialog (AdwMessageDialog)
//! ```
//!
//! Everything outside `ui` builds and is tested with `cargo test --no-default-features`.

pub mod backend;
pub mod cli;
pub mod config;
pub mod console;
pub mod model;
pub mod runtime;
pub mod stats;
pub mod xml;

#[cfg(feature = "ui")]
pub mod ui;
