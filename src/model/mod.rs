// SPDX-License-Identifier: GPL-3.0-or-later
//! What the UI shows, as plain data and pure functions (no GTK): the guest list's rows and
//! how a fresh listing changes them. The `ui` layer applies the results to its GObjects.

pub mod rows;
