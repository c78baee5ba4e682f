// SPDX-License-Identifier: GPL-3.0-or-later
//! The console, below the UI (no GTK): what travels to the guest and what is kept of it. So
//! far the key map (host key → the scancode QEMU expects, and the Send Key combinations) and
//! the recorder (framebuffer → WebM file over GStreamer); VNC and SPICE sessions over gvnc /
//! spice-client-glib join it with the console issue.

pub mod keymap;
pub mod recorder;
