// SPDX-License-Identifier: GPL-3.0-or-later
//! The console in the UI: [`display`] paints a session's frames and takes input, [`page`]
//! is the Console page of the details window (toolbar, states, password, recording), and
//! [`serial_view`] the serial text console in a VTE terminal.

pub mod display;
mod input;
pub mod page;
pub mod serial_view;
pub mod tiles;
