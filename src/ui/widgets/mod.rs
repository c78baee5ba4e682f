// SPDX-License-Identifier: GPL-3.0-or-later
//! Widgets of our own. The drawing ones only draw what they are given; the numbers come from
//! `crate::stats`.

pub mod graph;
pub mod sparkline;
pub mod spinner;
pub mod status_page;
