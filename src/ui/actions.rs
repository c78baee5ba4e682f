// SPDX-License-Identifier: GPL-3.0-or-later
//! The window's and application's GActions, and the primary menu that shows them.
//!
//! Window actions take the domain's UUID as a string parameter:
//! `win.start-domain`, `win.shutdown-domain`, `win.reboot-domain`, `win.force-off-domain`,
//! `win.reset-domain`, `win.pause-domain`, `win.resume-domain`, `win.save-domain`.
//! The same names with `-selected` instead of `-domain` act on the selected guests.
//! `win.open-domain(s)` opens a guest's details window.
//! Connections: `win.add-connection`, `win.connect-conn(u)`, `win.disconnect-conn(u)`,
//! `win.remove-conn(u)` (connection id). Others: `win.refresh`, `win.search`, `win.column-ID` (stateful), `win.show-error(u)`,
//! `app.connect(s)`, `app.about`, `app.quit`; `app.console-send-key((ss))` (guest name,
//! combination id such as `ctrl-alt-del`) and `app.console-screenshot((ss))` (guest name,
//! PNG path) act on that guest's open console.
//! GtkApplication exports all of them on the session bus, which is how the UI tests drive
//! the real app.

use gettextrs::gettext;
use gtk::prelude::*;
use gtk::{gio, glib};
use relm4::ComponentSender;

use super::app::{App, AppMsg, ConnOp};
use crate::backend::Action;

/// Window action name of a lifecycle action.
pub fn action_name(action: Action) -> String {
    format!("{}-domain", action.name())
}

pub fn install(win: &adw::ApplicationWindow, sender: &ComponentSender<App>) {
    for action in Action::ALL {
        let a = gio::SimpleAction::new(&action_name(action), Some(glib::VariantTy::STRING));
        let input = sender.input_sender().clone();
        a.connect_activate(move |_, param| {
            if let Some(uuid) = param.and_then(|p| p.get::<String>()) {
                // libvirt prints UUIDs in lower case; accept any case from callers.
                input.emit(AppMsg::Act {
                    uuid: uuid.to_ascii_lowercase(),
                    action,
                });
            }
        });
        win.add_action(&a);
    }
    for action in Action::ALL {
        let a = gio::SimpleAction::new(&format!("{}-selected", action.name()), None);
        let input = sender.input_sender().clone();
        a.connect_activate(move |_, _| input.emit(AppMsg::ActSelected(action)));
        win.add_action(&a);
    }
    let hidden = super::settings::hidden_columns();
    for id in super::domain_list::columns::HIDEABLE {
        let visible = !hidden.iter().any(|h| h == id);
        let a =
            gio::SimpleAction::new_stateful(&format!("column-{id}"), None, &visible.to_variant());
        let input = sender.input_sender().clone();
        a.connect_activate(move |a, _| {
            let now = !a.state().and_then(|s| s.get::<bool>()).unwrap_or(true);
            a.set_state(&now.to_variant());
            input.emit(AppMsg::ShowColumn(id.to_string(), now));
        });
        win.add_action(&a);
    }

    let add = gio::SimpleAction::new("add-connection", None);
    let input = sender.input_sender().clone();
    add.connect_activate(move |_, _| input.emit(AppMsg::ShowAddConnection));
    win.add_action(&add);
    for (name, op) in [
        ("connect-conn", ConnOp::Connect),
        ("disconnect-conn", ConnOp::Disconnect),
        ("remove-conn", ConnOp::Remove),
        ("conn-details", ConnOp::Details),
    ] {
        let a = gio::SimpleAction::new(name, Some(glib::VariantTy::UINT32));
        let input = sender.input_sender().clone();
        a.connect_activate(move |_, p| {
            if let Some(id) = p.and_then(|p| p.get::<u32>()) {
                input.emit(AppMsg::Conn(id, op));
            }
        });
        win.add_action(&a);
    }

    let open = gio::SimpleAction::new("open-domain", Some(glib::VariantTy::STRING));
    let input = sender.input_sender().clone();
    open.connect_activate(move |_, p| {
        if let Some(uuid) = p.and_then(|p| p.get::<String>()) {
            input.emit(AppMsg::OpenDomain(uuid.to_ascii_lowercase()));
        }
    });
    win.add_action(&open);

    let refresh = gio::SimpleAction::new("refresh", None);
    let input = sender.input_sender().clone();
    refresh.connect_activate(move |_, _| input.emit(AppMsg::Refresh));
    win.add_action(&refresh);

    let show_error = gio::SimpleAction::new("show-error", Some(glib::VariantTy::UINT32));
    let input = sender.input_sender().clone();
    show_error.connect_activate(move |_, p| {
        if let Some(n) = p.and_then(|p| p.get::<u32>()) {
            input.emit(AppMsg::ShowError(n));
        }
    });
    win.add_action(&show_error);

    let app = relm4::main_application();
    let connect = gio::SimpleAction::new("connect", Some(glib::VariantTy::STRING));
    let input = sender.input_sender().clone();
    connect.connect_activate(move |_, p| {
        if let Some(uri) = p.and_then(|p| p.get::<String>()) {
            input.emit(AppMsg::Open(uri));
        }
    });
    app.add_action(&connect);

    // Brings the window to the front (a notification's default action).
    let activate = gio::SimpleAction::new("activate", None);
    let w = win.downgrade();
    activate.connect_activate(move |_, _| {
        if let Some(w) = w.upgrade() {
            w.present();
        }
    });
    app.add_action(&activate);

    // Quit closes every window (the main window saves its size as it closes).
    let quit = gio::SimpleAction::new("quit", None);
    quit.connect_activate(move |_, _| {
        let app = relm4::main_application();
        for w in app.windows() {
            w.close();
        }
        app.quit();
    });
    app.add_action(&quit);

    // Colour scheme: follow the system, or force light or dark (libadwaita does the rest).
    let style = gio::SimpleAction::new_stateful(
        "style",
        Some(glib::VariantTy::STRING),
        &"default".to_variant(),
    );
    style.connect_activate(|a, p| {
        let Some(choice) = p.and_then(|p| p.get::<String>()) else {
            return;
        };
        let scheme = match choice.as_str() {
            "light" => adw::ColorScheme::ForceLight,
            "dark" => adw::ColorScheme::ForceDark,
            _ => adw::ColorScheme::Default,
        };
        adw::StyleManager::default().set_color_scheme(scheme);
        a.set_state(&choice.to_variant());
    });
    app.add_action(&style);

    let prefs = gio::SimpleAction::new("preferences", None);
    let w = win.downgrade();
    prefs.connect_activate(move |_, _| {
        if let Some(w) = w.upgrade() {
            super::preferences::present(&w);
        }
    });
    app.add_action(&prefs);

    let about = gio::SimpleAction::new("about", None);
    let w = win.downgrade();
    about.connect_activate(move |_, _| {
        let dialog = adw::AboutWindow::builder()
            .application_name(gettext("Vireo"))
            .application_icon(crate::config::APP_ID)
            .version(crate::config::VERSION)
            .comments(gettext(
                "Manage virtual machines on this computer and on remote hosts",
            ))
            .license_type(gtk::License::Gpl30)
            .developers(vec!["The Vireo developers"])
            .build();
        if let Some(w) = w.upgrade() {
            dialog.set_transient_for(Some(&w));
        }
        dialog.present();
    });
    app.add_action(&about);

    // Console automation (scripts, the UI tests): by guest name, on its open console page.
    let send_key = gio::SimpleAction::new(
        "console-send-key",
        Some(&<(String, String)>::static_variant_type()),
    );
    send_key.connect_activate(|_, p| {
        if let Some((name, combo)) = p.and_then(|p| p.get::<(String, String)>()) {
            match super::console::page::page_of(&name) {
                Some(page) => page.send_key(&combo),
                None => log::warn!("console-send-key: no console open for {name}"),
            }
        }
    });
    app.add_action(&send_key);
    let shot = gio::SimpleAction::new(
        "console-screenshot",
        Some(&<(String, String)>::static_variant_type()),
    );
    shot.connect_activate(|_, p| {
        if let Some((name, path)) = p.and_then(|p| p.get::<(String, String)>()) {
            match super::console::page::page_of(&name) {
                Some(page) => {
                    page.screenshot_to(std::path::Path::new(&path));
                }
                None => log::warn!("console-screenshot: no console open for {name}"),
            }
        }
    });
    app.add_action(&shot);

    app.set_accels_for_action("app.quit", &["<Control>q"]);
    app.set_accels_for_action("app.preferences", &["<Control>comma"]);
    app.set_accels_for_action("window.close", &["<Control>w"]);
    app.set_accels_for_action("win.refresh", &["<Control>r", "F5"]);
    app.set_accels_for_action("win.search", &["<Control>f"]);
    app.set_accels_for_action("win.add-connection", &["<Control>n"]);
    app.set_accels_for_action("win.start-selected", &["<Control>Return"]);
}

pub fn primary_menu() -> gio::Menu {
    let menu = gio::Menu::new();
    let section = gio::Menu::new();
    section.append(
        Some(&gettext("_Add Connection…")),
        Some("win.add-connection"),
    );
    section.append(Some(&gettext("_Refresh")), Some("win.refresh"));
    let columns = gio::Menu::new();
    for id in super::domain_list::columns::HIDEABLE {
        columns.append(
            Some(&super::domain_list::columns::title(id)),
            Some(&format!("win.column-{id}")),
        );
    }
    section.append_submenu(Some(&gettext("_Columns")), &columns);
    let style = gio::Menu::new();
    for (label, id) in [
        (gettext("Follow _System"), "default"),
        (gettext("_Light"), "light"),
        (gettext("_Dark"), "dark"),
    ] {
        let item = gio::MenuItem::new(Some(&label), None);
        item.set_action_and_target_value(Some("app.style"), Some(&id.to_variant()));
        style.append_item(&item);
    }
    section.append_submenu(Some(&gettext("_Style")), &style);
    menu.append_section(None, &section);
    let section = gio::Menu::new();
    section.append(Some(&gettext("_Preferences")), Some("app.preferences"));
    section.append(Some(&gettext("_About Vireo")), Some("app.about"));
    section.append(Some(&gettext("_Quit")), Some("app.quit"));
    menu.append_section(None, &section);
    menu
}

/// Enables each "…-selected" action when it fits at least one selected guest, as
/// virt-manager greys out Shut Down for a guest that is off.
pub fn update_selection_actions(
    win: &adw::ApplicationWindow,
    selected: &[crate::ui::domain_object::DomainObject],
) {
    for action in Action::ALL {
        if let Some(a) = win
            .lookup_action(&format!("{}-selected", action.name()))
            .and_downcast::<gio::SimpleAction>()
        {
            let fits = selected.iter().any(|d| action.allowed_in(d.state()));
            if a.is_enabled() != fits {
                a.set_enabled(fits);
            }
        }
    }
}
