// SPDX-License-Identifier: GPL-3.0-or-later
//! Desktop notifications (GNotification): a guest crashed, was paused by an error, or
//! stopped, while the window was not focused. Which events qualify is decided in the backend
//! (`DomainEvent::attention`); this only words and sends them.

use gettextrs::gettext;
use gtk::gio;
use gtk::prelude::*;

use crate::backend::events::Attention;

/// Sends (or replaces) the notification about guest `uuid`.
pub fn guest(conn_label: &str, name: &str, uuid: &str, why: Attention) {
    let title = match why {
        Attention::Crashed => gettext("“%s” crashed"),
        Attention::PausedOnError => gettext("“%s” was paused by an error"),
        Attention::Stopped => gettext("“%s” stopped"),
    }
    .replace("%s", name);
    let n = gio::Notification::new(&title);
    n.set_body(Some(conn_label));
    if why != Attention::Stopped {
        n.set_priority(gio::NotificationPriority::High);
    }
    // Clicking it brings the window back.
    n.set_default_action("app.activate");
    let app = relm4::main_application();
    // One notification per guest: a newer event replaces an older one.
    app.send_notification(Some(&format!("guest-{uuid}")), &n);
}
