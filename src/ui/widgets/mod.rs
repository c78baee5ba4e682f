// SPDX-License-Identifier: GPL-3.0-or-later
//! Widgets of our own. The drawing ones only draw what they are given; the numbers come from
//! `crate::stats`.

pub mod graph;
pub mod sparkline;
pub mod spinner;
pub mod status_page;

/// Gives `button` its menu when it first opens, not when it is built: GTK builds a
/// popover menu's item widgets as soon as it has the model, about 0.1 MiB of heap per menu
/// that most windows never open.
pub fn menu_on_first_open(
    button: &gtk::MenuButton,
    model: impl Fn() -> gtk::gio::MenuModel + 'static,
) {
    button.set_create_popup_func(move |b| {
        if b.menu_model().is_none() {
            b.set_menu_model(Some(&model()));
        }
    });
}
