// SPDX-License-Identifier: GPL-3.0-or-later
//! The page's two views, the graphical display and the serial console (a VTE terminal over
//! libvirt's console stream, built and opened when first shown).

use std::rc::Rc;

use adw::prelude::*;

use super::worker::{ask, lost};
use super::ConsolePage;
use crate::backend::{Command, Reply};
use crate::ui::console::serial_view;

impl ConsolePage {
    /// Shows the graphical display or the serial console (opened when first shown).
    pub fn show_view(self: &Rc<Self>, id: &str) {
        if id == "serial" {
            self.serial_view();
        }
        self.views.set_visible_child_name(id);
        for w in &self.graphical_only {
            w.set_visible(id != "serial");
        }
        self.show_grab_hint(id != "serial" && self.display.is_grabbed());
        self.update_usb_button();
        if id == "serial" {
            if !self.serial_wanted.replace(true) {
                self.open_serial(crate::console::serial::OpenMode::IfFree);
            }
            self.serial_view().focus();
        } else {
            self.display.grab_focus();
        }
    }

    /// The serial view, built (and added to the views) on first use.
    pub(super) fn serial_view(self: &Rc<Self>) -> &serial_view::SerialView {
        self.serial.get_or_init(|| {
            let serial = serial_view::SerialView::new(&self.domain.name());
            self.views.add_named(serial.widget(), Some("serial"));
            let weak = Rc::downgrade(self);
            serial.connect_reconnect(move |mode| {
                if let Some(me) = weak.upgrade() {
                    me.open_serial(mode);
                }
            });
            serial
        })
    }

    pub(super) fn open_serial(self: &Rc<Self>, mode: crate::console::serial::OpenMode) {
        self.serial_view().connecting();
        let (sink, events) = serial_view::event_channel();
        let uuid = self.domain.uuid();
        let weak = Rc::downgrade(self);
        ask(
            &self.input,
            self.domain.conn_id(),
            move |reply| Command::OpenSerial {
                uuid,
                mode,
                events: Reply::new(move |ev| sink(ev)),
                reply,
            },
            move |r| {
                let Some(me) = weak.upgrade() else { return };
                match r {
                    Some(Ok(console)) => me.serial_view().attach(console, events),
                    Some(Err(e)) => me.serial_view().failed(&e),
                    None => me.serial_view().failed(&lost()),
                }
            },
        );
    }
}
