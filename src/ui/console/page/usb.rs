// SPDX-License-Identifier: GPL-3.0-or-later
//! The USB device chooser of a SPICE console, as virt-viewer's "USB device selection": the
//! host's USB devices, each with a switch that redirects it into the guest or gives it back.
//! It follows devices being plugged in and out while it is open.

use std::rc::{Rc, Weak};

use adw::prelude::*;
use gettextrs::gettext;
use gtk::glib;

use super::ConsolePage;
use crate::console::session::UsbDeviceInfo;

/// The open chooser's parts, to refresh it when devices change.
pub(super) struct UsbChooser {
    pub window: adw::Window,
    stack: gtk::Stack,
    list: gtk::ListBox,
    status: adw::StatusPage,
}

impl ConsolePage {
    /// USB Devices shows for SPICE consoles, beside the graphical display.
    pub(super) fn update_usb_button(&self) {
        let spice = self
            .session()
            .is_some_and(|s| s.protocol() == crate::console::session::Protocol::Spice);
        let graphical = self.views.visible_child_name().as_deref() != Some("serial");
        self.usb_button.set_visible(spice && graphical);
    }

    /// Opens the chooser (or brings the open one forward).
    pub(super) fn show_usb_chooser(self: &Rc<Self>) {
        if let Some(c) = self.usb_chooser.borrow().as_ref() {
            c.window.present();
            return;
        }
        let window = adw::Window::builder()
            .title(gettext("USB Devices"))
            .modal(true)
            .default_width(460)
            .default_height(360)
            .build();
        if let Some(parent) = self.widget.root().and_downcast::<gtk::Window>() {
            window.set_transient_for(Some(&parent));
        }
        let header = adw::HeaderBar::new();
        let list = gtk::ListBox::new();
        list.add_css_class("boxed-list");
        list.set_selection_mode(gtk::SelectionMode::None);
        list.set_valign(gtk::Align::Start);
        list.update_property(&[gtk::accessible::Property::Label(&gettext("USB devices"))]);
        let clamp = adw::Clamp::new();
        clamp.set_child(Some(&list));
        clamp.set_margin_top(12);
        clamp.set_margin_bottom(12);
        clamp.set_margin_start(12);
        clamp.set_margin_end(12);
        let scroller = gtk::ScrolledWindow::new();
        scroller.set_child(Some(&clamp));
        scroller.set_vexpand(true);
        let status = adw::StatusPage::new();
        status.set_icon_name(Some("media-removable-symbolic"));
        let stack = gtk::Stack::new();
        stack.add_named(&scroller, Some("list"));
        stack.add_named(&status, Some("status"));
        let content = gtk::Box::new(gtk::Orientation::Vertical, 0);
        content.append(&header);
        content.append(&stack);
        window.set_content(Some(&content));
        let esc = gtk::ShortcutController::new();
        esc.add_shortcut(gtk::Shortcut::new(
            gtk::ShortcutTrigger::parse_string("Escape"),
            Some(gtk::NamedAction::new("window.close")),
        ));
        window.add_controller(esc);
        let weak = Rc::downgrade(self);
        window.connect_close_request(move |_| {
            if let Some(me) = weak.upgrade() {
                me.usb_chooser.replace(None);
            }
            glib::Propagation::Proceed
        });
        self.usb_chooser.replace(Some(UsbChooser {
            window: window.clone(),
            stack,
            list,
            status,
        }));
        self.refresh_usb_chooser();
        window.present();
    }

    /// Lists the devices again (a device came or went, or a switch took effect).
    pub(super) fn refresh_usb_chooser(self: &Rc<Self>) {
        let chooser = self.usb_chooser.borrow();
        let Some(c) = chooser.as_ref() else { return };
        while let Some(row) = c.list.first_child() {
            c.list.remove(&row);
        }
        let devices = match self.session() {
            Some(s) => s.usb_devices(),
            None => Err(gettext("The console is not connected.")),
        };
        match devices {
            Err(why) => {
                c.status.set_title(&gettext("USB Redirection Unavailable"));
                c.status.set_description(Some(&why));
                c.stack.set_visible_child_name("status");
            }
            Ok(list) if list.is_empty() => {
                c.status.set_title(&gettext("No USB Devices"));
                c.status.set_description(Some(&gettext(
                    "Plug a USB device into this computer to use it in the virtual machine.",
                )));
                c.stack.set_visible_child_name("status");
            }
            Ok(list) => {
                for d in list {
                    c.list.append(&usb_row(Rc::downgrade(self), d));
                }
                c.stack.set_visible_child_name("list");
            }
        }
    }
}

/// One device: its description and a switch; a device that cannot be redirected says why.
fn usb_row(page: Weak<ConsolePage>, d: UsbDeviceInfo) -> adw::ActionRow {
    let row = adw::ActionRow::new();
    row.set_title(&glib::markup_escape_text(&d.description));
    let switch = gtk::Switch::new();
    switch.set_valign(gtk::Align::Center);
    switch.set_active(d.redirected);
    switch.update_property(&[gtk::accessible::Property::Label(
        &gettext("Redirect %s").replacen("%s", &d.description, 1),
    )]);
    if let Some(why) = &d.blocked {
        row.set_subtitle(&glib::markup_escape_text(why));
        switch.set_sensitive(false);
    }
    row.add_suffix(&switch);
    row.set_activatable_widget(Some(&switch));
    let key = d.key.clone();
    switch.connect_state_set(move |sw, on| {
        let Some(me) = page.upgrade() else {
            return glib::Propagation::Stop;
        };
        let Some(session) = me.session() else {
            return glib::Propagation::Stop;
        };
        sw.set_sensitive(false);
        let weak = Rc::downgrade(&me);
        let sw = sw.clone();
        session.usb_redirect(
            &key,
            on,
            Box::new(move |res| {
                sw.set_sensitive(true);
                let Some(me) = weak.upgrade() else { return };
                if let Err(e) = res {
                    me.toast(
                        &gettext("Could not redirect the USB device: %s").replacen("%s", &e, 1),
                    );
                }
                me.refresh_usb_chooser();
            }),
        );
        glib::Propagation::Proceed
    });
    row
}
