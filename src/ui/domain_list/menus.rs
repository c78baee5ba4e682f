// SPDX-License-Identifier: GPL-3.0-or-later
//! Menus of the guest list: one guest's menu (the row's "more" button) and the menu of the
//! current selection (context menu and header bar), which acts on every selected guest.

use gettextrs::gettext;
use gtk::{gio, glib};

/// One guest's menu: every lifecycle action that fits its state, targeted by UUID.
pub fn domain_menu(uuid: &str, active: bool, paused: bool) -> gio::Menu {
    let menu = gio::Menu::new();
    let target = glib::Variant::from(uuid);
    let add = |section: &gio::Menu, label: String, action: &str| {
        let item = gio::MenuItem::new(Some(&label), None);
        item.set_action_and_target_value(Some(action), Some(&target));
        section.append_item(&item);
    };
    let open = gio::Menu::new();
    add(&open, gettext("Open"), "win.open-domain");
    menu.append_section(None, &open);
    let run = gio::Menu::new();
    if !active {
        add(&run, gettext("Start"), "win.start-domain");
    } else {
        if paused {
            add(&run, gettext("Resume"), "win.resume-domain");
        } else {
            add(&run, gettext("Pause"), "win.pause-domain");
        }
        add(&run, gettext("Shut Down"), "win.shutdown-domain");
        add(&run, gettext("Reboot"), "win.reboot-domain");
    }
    menu.append_section(None, &run);
    if active {
        let hard = gio::Menu::new();
        add(&hard, gettext("Save"), "win.save-domain");
        add(&hard, gettext("Reset"), "win.reset-domain");
        add(&hard, gettext("Force Off…"), "win.force-off-domain");
        menu.append_section(None, &hard);
    }
    menu
}

/// The selection's menu. Each action applies to the selected guests it fits (starting a
/// selection of running and stopped guests starts the stopped ones).
pub fn selection_menu() -> gio::Menu {
    let menu = gio::Menu::new();
    let run = gio::Menu::new();
    run.append(Some(&gettext("_Start")), Some("win.start-selected"));
    run.append(Some(&gettext("Shut _Down")), Some("win.shutdown-selected"));
    run.append(Some(&gettext("_Reboot")), Some("win.reboot-selected"));
    run.append(Some(&gettext("_Pause")), Some("win.pause-selected"));
    run.append(Some(&gettext("Res_ume")), Some("win.resume-selected"));
    menu.append_section(None, &run);
    let hard = gio::Menu::new();
    hard.append(Some(&gettext("Sa_ve")), Some("win.save-selected"));
    hard.append(Some(&gettext("R_eset")), Some("win.reset-selected"));
    hard.append(
        Some(&gettext("_Force Off…")),
        Some("win.force-off-selected"),
    );
    menu.append_section(None, &hard);
    menu
}

/// A connection row's menu.
pub fn conn_menu(conn: u32, connected: bool) -> gio::Menu {
    let menu = gio::Menu::new();
    let target = glib::Variant::from(conn);
    let item = |label: String, action: &str| {
        let i = gio::MenuItem::new(Some(&label), None);
        i.set_action_and_target_value(Some(action), Some(&target));
        i
    };
    let main = gio::Menu::new();
    main.append_item(&item(gettext("_Details"), "win.conn-details"));
    if connected {
        main.append_item(&item(gettext("_Disconnect"), "win.disconnect-conn"));
    } else {
        main.append_item(&item(gettext("_Connect"), "win.connect-conn"));
    }
    menu.append_section(None, &main);
    let danger = gio::Menu::new();
    danger.append_item(&item(gettext("_Remove Connection"), "win.remove-conn"));
    menu.append_section(None, &danger);
    menu
}
