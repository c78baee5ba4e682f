// SPDX-License-Identifier: GPL-3.0-or-later
//! Clipboard sharing between the host and the guest (SPICE, through the guest's agent),
//! as virt-viewer does it: text copied on the host is offered to the guest, which fetches
//! it when it pastes; text copied in the guest lands on the host's clipboard.

use std::rc::Rc;

use gtk::glib;
use gtk::prelude::*;

use super::ConsolePage;

/// Whether a clipboard's formats include text.
fn has_text(cb: &gtk::gdk::Clipboard) -> bool {
    let formats = cb.formats();
    formats.contains_type(glib::Type::STRING)
        || formats.mime_types().iter().any(|m| {
            m.starts_with("text/plain") || m.as_str() == "UTF8_STRING" || m.as_str() == "STRING"
        })
}

impl ConsolePage {
    /// Watches the host's clipboard: new text there is offered to the guest.
    pub(super) fn wire_clipboard(self: &Rc<Self>) {
        let weak = Rc::downgrade(self);
        self.display.clipboard().connect_changed(move |_| {
            if let Some(me) = weak.upgrade() {
                if !me.clipboard_from_guest.get() {
                    me.offer_host_clipboard();
                }
            }
        });
    }

    /// Offers the host's text to the guest (when its agent runs and there is text).
    pub(super) fn offer_host_clipboard(&self) {
        let Some(session) = self.session() else {
            return;
        };
        let cb = self.display.clipboard();
        if session.clipboard_available() && has_text(&cb) {
            session.offer_clipboard();
        }
    }

    /// The guest copied `text`: it goes on the host's clipboard.
    pub(super) fn guest_clipboard(&self, text: &str) {
        self.clipboard_from_guest.set(true);
        self.display.clipboard().set_text(text);
        self.clipboard_from_guest.set(false);
    }

    /// The guest pastes: it gets the host's text (empty when there is none, so it never
    /// waits).
    pub(super) fn clipboard_request(self: &Rc<Self>) {
        let weak = Rc::downgrade(self);
        self.display
            .clipboard()
            .read_text_async(None::<&gtk::gio::Cancellable>, move |res| {
                let text = match res {
                    Ok(Some(t)) => t.to_string(),
                    Ok(None) => String::new(),
                    Err(e) => {
                        log::info!("host clipboard: {e}");
                        String::new()
                    }
                };
                if let Some(s) = weak.upgrade().and_then(|me| me.session()) {
                    s.send_clipboard(&text);
                }
            });
    }
}
