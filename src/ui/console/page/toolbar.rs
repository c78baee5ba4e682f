// SPDX-License-Identifier: GPL-3.0-or-later
//! The console page's toolbar: Graphical | Serial, Send Key, screenshot, record, the grab
//! hint, scaling, full screen and detach. The buttons name `console.*` actions, which
//! [`super::ConsolePage`] installs on the page.

use adw::prelude::*;
use gettextrs::gettext;
use gtk::gio;

use crate::console::keymap::Combo;
use crate::ui::widgets::menu_on_first_open;

/// The toolbar and the parts of it the page changes later.
pub(super) struct Toolbar {
    pub bar: gtk::Box,
    pub record_button: gtk::ToggleButton,
    pub send_key: gtk::MenuButton,
    pub grab_hint: super::grab::GrabHint,
    /// What only the graphical display uses (hidden while the serial console shows).
    pub graphical_only: Vec<gtk::Widget>,
    /// USB Devices: SPICE only, shown by the page.
    pub usb_button: gtk::Button,
}

pub(super) fn toolbar() -> Toolbar {
    // Toolbar: Send Key, screenshot, record | grab hint | scaling, full screen, detach.
    let bar = gtk::Box::new(gtk::Orientation::Horizontal, 6);
    bar.add_css_class("toolbar");
    let send_key = gtk::MenuButton::builder()
        .icon_name("input-keyboard-symbolic")
        .tooltip_text(gettext("Send Key"))
        .build();
    menu_on_first_open(&send_key, || {
        let keys_menu = gio::Menu::new();
        for c in Combo::all() {
            keys_menu.append(
                Some(&c.label()),
                Some(&format!("console.send-key::{}", c.id())),
            );
        }
        keys_menu.upcast()
    });
    send_key.update_property(&[gtk::accessible::Property::Label(&gettext("Send Key"))]);
    let shot = icon_button(
        "camera-photo-symbolic",
        &gettext("Take Screenshot"),
        "console.screenshot",
    );
    let record_button = gtk::ToggleButton::new();
    record_button.set_icon_name("media-record-symbolic");
    record_button.set_tooltip_text(Some(&gettext("Record the Console")));
    record_button.update_property(&[gtk::accessible::Property::Label(&gettext(
        "Record the Console",
    ))]);
    let usb_button = icon_button(
        "media-removable-symbolic",
        &gettext("USB Devices"),
        "console.usb-devices",
    );
    usb_button.set_visible(false);
    let grab_hint = super::grab::GrabHint::new();
    let scaling = gtk::MenuButton::builder()
        .icon_name("zoom-fit-best-symbolic")
        .tooltip_text(gettext("Scaling"))
        .build();
    menu_on_first_open(&scaling, || {
        let scale_menu = gio::Menu::new();
        scale_menu.append(
            Some(&gettext("Scale to Window")),
            Some("console.scaling::fit"),
        );
        scale_menu.append(
            Some(&gettext("Never Scale")),
            Some("console.scaling::never"),
        );
        scale_menu.append(
            Some(&gettext("Scale Only in Full Screen")),
            Some("console.scaling::fullscreen"),
        );
        let view_section = gio::Menu::new();
        view_section.append(
            Some(&gettext("Resize Guest to Window")),
            Some("console.resize-guest"),
        );
        scale_menu.append_section(None, &view_section);
        scale_menu.upcast()
    });
    scaling.update_property(&[gtk::accessible::Property::Label(&gettext("Scaling"))]);
    let fullscreen = icon_button(
        "view-fullscreen-symbolic",
        &gettext("Full Screen"),
        "console.fullscreen",
    );
    let detach = icon_button(
        "window-new-symbolic",
        &gettext("Open in a Separate Window"),
        "console.detach",
    );
    bar.append(&send_key);
    bar.append(&shot);
    bar.append(&record_button);
    bar.append(&usb_button);
    bar.append(grab_hint.widget());
    bar.append(&scaling);
    bar.append(&fullscreen);
    bar.append(&detach);
    // Graphical | Serial, as virt-manager's View → Consoles.
    let graphical_b = gtk::ToggleButton::with_label(&gettext("Graphical"));
    let serial_b = gtk::ToggleButton::with_label(&gettext("Serial"));
    serial_b.set_group(Some(&graphical_b));
    graphical_b.set_active(true);
    graphical_b.set_action_name(Some("console.view"));
    graphical_b.set_action_target_value(Some(&"graphical".to_variant()));
    serial_b.set_action_name(Some("console.view"));
    serial_b.set_action_target_value(Some(&"serial".to_variant()));
    let switch = gtk::Box::new(gtk::Orientation::Horizontal, 0);
    switch.add_css_class("linked");
    switch.append(&graphical_b);
    switch.append(&serial_b);
    bar.prepend(&switch);
    let graphical_only = vec![
        send_key.clone().upcast(),
        shot.upcast(),
        record_button.clone().upcast(),
        scaling.upcast(),
        fullscreen.upcast(),
    ];
    Toolbar {
        bar,
        record_button,
        send_key,
        grab_hint,
        graphical_only,
        usb_button,
    }
}

fn icon_button(icon: &str, label: &str, action: &str) -> gtk::Button {
    let b = gtk::Button::from_icon_name(icon);
    b.set_tooltip_text(Some(label));
    b.update_property(&[gtk::accessible::Property::Label(label)]);
    b.set_action_name(Some(action));
    b
}
