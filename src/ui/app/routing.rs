// SPDX-License-Identifier: GPL-3.0-or-later
//! The app's routing of guests to windows: the page the command line asked for, opening
//! details windows, and handing replies and events about a guest to its open window.

use gettextrs::gettext;

use super::{App, AppWidgets};
use crate::backend::{BackendEvent, ConnId, ConnState};

impl App {
    /// Opens the details page the command line asked for, once its guest is listed (or
    /// says that no connection has it).
    pub(super) fn show_requested(
        &mut self,
        conn: ConnId,
        domains: &[crate::backend::DomainInfo],
        widgets: &AppWidgets,
    ) {
        let Some((name, page)) = self.show.clone() else {
            return;
        };
        if let Some(obj) = domains
            .iter()
            .find(|d| d.name == name)
            .and_then(|d| self.list.domain(conn, &d.uuid))
            .cloned()
        {
            self.show = None;
            self.open_details(&widgets.window, &obj, page);
            if page == "console" {
                console_only(&widgets.window, &obj);
            }
            return;
        }
        self.give_up_requested(widgets);
    }

    /// Says that no connection has the guest the command line asked to show, once every
    /// connection has listed its guests or failed (so, under `--show-domain-console`, the
    /// list comes up to say so instead of the app running with no window).
    pub(super) fn give_up_requested(&mut self, widgets: &AppWidgets) {
        let Some((name, _)) = self.show.clone() else {
            return;
        };
        let all_answered = self.conns.values().all(|c| {
            c.listed || !matches!(c.state, ConnState::Connecting | ConnState::Connected { .. })
        });
        if all_answered {
            self.show = None;
            let heading = gettext("No virtual machine is called “%s”").replace("%s", &name);
            self.toast_error(
                widgets,
                heading,
                gettext("The command line asked to show it."),
            );
        }
    }

    pub(super) fn open_details(
        &mut self,
        parent: &adw::ApplicationWindow,
        obj: &crate::ui::domain_object::DomainObject,
        page: &str,
    ) {
        if let Some(h) = crate::ui::details::present(parent, obj, page, self.input.clone()) {
            self.details.push(h);
        }
    }

    /// Hands replies and events about a guest to its open details window.
    pub(super) fn route_to_details(&mut self, ev: &BackendEvent) {
        let target = match ev {
            BackendEvent::DomainXml { conn, uuid, .. }
            | BackendEvent::Edited { conn, uuid, .. } => Some((*conn, uuid.as_str())),
            BackendEvent::Lifecycle { conn, event } => Some((*conn, event.uuid.as_str())),
            _ => None,
        };
        let Some((conn, uuid)) = target else { return };
        self.details.retain(|h| h.window.upgrade().is_some());
        for h in self
            .details
            .iter()
            .filter(|h| h.conn == conn && h.uuid == uuid)
        {
            (h.on_event)(ev);
        }
    }
}

/// `--show-domain-console`, as virt-manager's: only the guest's window shows; the list
/// stays hidden, and closing that window ends the app (unless the list was shown since).
fn console_only(main: &adw::ApplicationWindow, obj: &crate::ui::domain_object::DomainObject) {
    use gtk::prelude::*;
    let key = crate::ui::details::window_key(obj);
    let app = relm4::main_application();
    let Some(details) = app.windows().into_iter().find(|w| w.widget_name() == key) else {
        return;
    };
    main.set_visible(false);
    let main = main.downgrade();
    details.connect_close_request(move |_| {
        if let Some(main) = main.upgrade() {
            if !main.is_visible() {
                relm4::main_application().quit();
            }
        }
        gtk::glib::Propagation::Proceed
    });
}
