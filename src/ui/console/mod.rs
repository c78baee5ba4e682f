// SPDX-License-Identifier: GPL-3.0-or-later
//! The guest console in the UI: [`serial_view`], the serial text console in a VTE terminal.

pub mod serial_view;
