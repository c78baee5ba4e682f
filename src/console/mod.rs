// SPDX-License-Identifier: GPL-3.0-or-later
//! The console, below the UI (no GTK): what travels to and from the guest. The key map (host
//! key → the scancode QEMU expects, and the Send Key combinations) and the serial text
//! console over libvirt's console stream; VNC and SPICE sessions over gvnc /
//! spice-client-glib join them with the console issue.

pub mod keymap;
pub mod serial;
