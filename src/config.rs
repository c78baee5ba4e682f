// SPDX-License-Identifier: GPL-3.0-or-later
//! Build-time configuration. meson passes these as environment variables to cargo; a plain
//! `cargo build` gets the development defaults, so no generated file lives in `src/`.

/// Application id (GApplication, desktop file, GSettings schema).
pub const APP_ID: &str = match option_env!("APP_ID") {
    Some(id) => id,
    None => "org.vireo.Vireo",
};

/// Version shown in the about dialog.
pub const VERSION: &str = match option_env!("VERSION") {
    Some(v) => v,
    None => env!("CARGO_PKG_VERSION"),
};

/// Where compiled translations live.
pub const LOCALEDIR: &str = match option_env!("LOCALEDIR") {
    Some(d) => d,
    None => "/usr/share/locale",
};

/// gettext domain.
pub const GETTEXT_PACKAGE: &str = "vireo";
