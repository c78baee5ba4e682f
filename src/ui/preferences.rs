// SPDX-License-Identifier: GPL-3.0-or-later
//! The Preferences window: how often statistics are polled (1–10 s) and which of them, and
//! the keys that release the console's keyboard, bound straight to GSettings. The app listens to those keys and re-schedules every connection's
//! polling (`AppMsg::StatsSettingsChanged`), so a change takes effect at once.

use adw::prelude::*;
use gettextrs::gettext;

/// Opens the window; without the installed schema it says that settings cannot be kept.
pub fn present(parent: &impl IsA<gtk::Window>) {
    let window = adw::PreferencesWindow::new();
    window.set_transient_for(Some(parent));
    window.set_modal(true);
    window.set_search_enabled(false);
    let page = adw::PreferencesPage::new();
    let group = adw::PreferencesGroup::new();
    group.set_title(&gettext("Statistics"));
    group.set_description(Some(&gettext(
        "Vireo asks each connection for the statistics of all its guests in one call per interval.",
    )));
    let Some(settings) = super::settings::handle() else {
        group.set_description(Some(&gettext(
            "Settings are not available: the GSettings schema is not installed.",
        )));
        page.add(&group);
        window.add(&page);
        window.present();
        return;
    };
    let interval = gtk::SpinButton::with_range(1.0, 10.0, 1.0);
    interval.set_valign(gtk::Align::Center);
    settings.bind("stats-interval", &interval, "value").build();
    let row = adw::ActionRow::new();
    row.set_title(&gettext("Update interval (seconds)"));
    row.add_suffix(&interval);
    row.set_activatable_widget(Some(&interval));
    group.add(&row);
    for (key, title) in [
        ("stats-cpu", gettext("Poll CPU usage")),
        ("stats-memory", gettext("Poll memory usage")),
        ("stats-disk", gettext("Poll disk I/O")),
        ("stats-network", gettext("Poll network I/O")),
    ] {
        let switch = gtk::Switch::new();
        switch.set_valign(gtk::Align::Center);
        settings.bind(key, &switch, "active").build();
        let row = adw::ActionRow::new();
        row.set_title(&title);
        row.add_suffix(&switch);
        row.set_activatable_widget(Some(&switch));
        group.add(&row);
    }
    page.add(&group);
    page.add(&console_group(&settings));
    window.add(&page);
    window.present();
}

/// Console: the keys that release a grabbed keyboard.
fn console_group(settings: &gtk::gio::Settings) -> adw::PreferencesGroup {
    use crate::console::keymap::ReleaseCombo;
    let group = adw::PreferencesGroup::new();
    group.set_title(&gettext("Console"));
    let ids = ReleaseCombo::CHOICES;
    let labels: Vec<String> = ids
        .iter()
        .filter_map(|id| ReleaseCombo::from_id(id))
        .map(|c| c.label())
        .collect();
    let labels: Vec<&str> = labels.iter().map(|s| s.as_str()).collect();
    let row = adw::ComboRow::new();
    row.set_title(&gettext("Release keyboard with"));
    row.set_subtitle(&gettext(
        "While the console has the keyboard, these keys pressed together give it back",
    ));
    row.set_model(Some(&gtk::StringList::new(&labels)));
    let current = settings.string("console-release-keys");
    row.set_selected(ids.iter().position(|id| *id == current).unwrap_or(0) as u32);
    let s = settings.clone();
    row.connect_selected_notify(move |r| {
        if let Some(id) = ids.get(r.selected() as usize) {
            if let Err(e) = s.set_string("console-release-keys", id) {
                log::warn!("cannot save console-release-keys: {e}");
            }
        }
    });
    group.add(&row);
    group
}
