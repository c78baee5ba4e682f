// SPDX-License-Identifier: GPL-3.0-or-later
//! GSettings access that degrades gracefully: a development run without the installed
//! schema (plain `cargo run`) uses defaults instead of aborting, as `gio::Settings::new`
//! would.

use gtk::gio;
use gtk::prelude::*;

/// The schema id is the same for release and `.Devel` builds (one schema, one path).
const SCHEMA_ID: &str = "org.vireo.Vireo";

fn settings() -> Option<gio::Settings> {
    let source = gio::SettingsSchemaSource::default()?;
    let schema = source.lookup(SCHEMA_ID, true)?;
    Some(gio::Settings::new_full(
        &schema,
        None::<&gio::SettingsBackend>,
        None,
    ))
}

/// (width, height, maximized) of the main window.
pub fn window_geometry() -> (i32, i32, bool) {
    match settings() {
        Some(s) => (
            s.int("window-width"),
            s.int("window-height"),
            s.boolean("window-maximized"),
        ),
        None => (1000, 700, false),
    }
}

pub fn save_window_geometry(win: &impl IsA<gtk::Window>) {
    let Some(s) = settings() else { return };
    let win = win.as_ref();
    let (w, h) = win.default_size();
    let _ = s.set_int("window-width", w);
    let _ = s.set_int("window-height", h);
    let _ = s.set_boolean("window-maximized", win.is_maximized());
}

/// Saved connection URIs (empty without a schema).
pub fn saved_connections() -> Vec<String> {
    settings()
        .map(|s| {
            s.strv("connections")
                .iter()
                .map(|g| g.to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Ids of the guest-list columns the user hid.
pub fn hidden_columns() -> Vec<String> {
    settings()
        .map(|s| {
            s.strv("hidden-columns")
                .iter()
                .map(|g| g.to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Remembers that column `id` is hidden (or shown).
pub fn set_column_hidden(id: &str, hidden: bool) {
    let Some(s) = settings() else { return };
    let mut cols = hidden_columns();
    cols.retain(|c| c != id);
    if hidden {
        cols.push(id.to_string());
    }
    let refs: Vec<&str> = cols.iter().map(String::as_str).collect();
    let _ = s.set_strv("hidden-columns", refs.as_slice());
}

/// Saved connections that open when Vireo starts.
pub fn autoconnect_uris() -> Vec<String> {
    settings()
        .map(|s| {
            s.strv("autoconnect")
                .iter()
                .map(|g| g.to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn set_list(key: &str, values: &[String]) {
    let Some(s) = settings() else { return };
    let refs: Vec<&str> = values.iter().map(String::as_str).collect();
    let _ = s.set_strv(key, refs.as_slice());
}

/// Saves a connection (or updates its autoconnect flag).
pub fn save_connection(uri: &str, autoconnect: bool) {
    let mut saved = saved_connections();
    if !saved.iter().any(|u| u == uri) {
        saved.push(uri.to_string());
        set_list("connections", &saved);
    }
    let mut auto = autoconnect_uris();
    auto.retain(|u| u != uri);
    if autoconnect {
        auto.push(uri.to_string());
    }
    set_list("autoconnect", &auto);
}

/// Forgets a saved connection.
pub fn forget_connection(uri: &str) {
    let mut saved = saved_connections();
    saved.retain(|u| u != uri);
    set_list("connections", &saved);
    let mut auto = autoconnect_uris();
    auto.retain(|u| u != uri);
    set_list("autoconnect", &auto);
}

/// Seconds between two statistics ticks (1–10).
pub fn stats_interval() -> u32 {
    settings()
        .map(|s| s.int("stats-interval").clamp(1, 10) as u32)
        .unwrap_or(1)
}

/// Which statistics to poll: (cpu, memory, disk, network).
pub fn stats_metrics() -> [bool; 4] {
    match settings() {
        Some(s) => {
            ["stats-cpu", "stats-memory", "stats-disk", "stats-network"].map(|k| s.boolean(k))
        }
        None => [true; 4],
    }
}

/// How the console fits the guest's screen: `fit`, `never` or `fullscreen`.
pub fn console_scaling() -> String {
    settings()
        .map(|s| s.string("console-scaling").to_string())
        .unwrap_or_else(|| "fit".into())
}

pub fn set_console_scaling(id: &str) {
    if let Some(s) = settings() {
        if let Err(e) = s.set_string("console-scaling", id) {
            log::warn!("cannot save console-scaling: {e}");
        }
    }
}

/// The keys that release the console's keyboard grab (Ctrl+Alt unless set otherwise).
pub fn console_release_keys() -> crate::console::keymap::ReleaseCombo {
    settings()
        .and_then(|s| {
            crate::console::keymap::ReleaseCombo::from_id(&s.string("console-release-keys"))
        })
        .unwrap_or_default()
}

/// The GSettings object, for binding preference widgets (None without the schema).
pub fn handle() -> Option<gio::Settings> {
    settings()
}
