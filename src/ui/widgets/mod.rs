// SPDX-License-Identifier: GPL-3.0-or-later
//! Drawing widgets of our own. They only draw what they are given; the numbers come from
//! `crate::stats`.

pub mod graph;
pub mod sparkline;
