// SPDX-License-Identifier: GPL-3.0-or-later
//! The console, below the UI (no GTK): graphical sessions over gvnc and spice-client-glib
//! behind one [`session::Session`] trait, the serial console over libvirt's console stream,
//! the recorder (framebuffer → WebM file over GStreamer) and the key map (host key → the
//! scancode QEMU expects, and the Send Key combinations).

pub mod keymap;
pub mod recorder;
pub mod serial;
pub mod session;
pub mod spice;
pub mod vnc;
