// SPDX-License-Identifier: GPL-3.0-or-later
//! The keyboard grab's release keys: from the preferences, followed as they change, and
//! shown in the grab hint and to assistive technologies.

use std::cell::RefCell;
use std::rc::Rc;

use gettextrs::gettext;
use gtk::prelude::*;

use super::ConsolePage;

impl ConsolePage {
    /// The keys that release the keyboard come from the preferences, and follow them.
    pub(super) fn follow_release_keys(self: &Rc<Self>) {
        self.apply_release_keys();
        if let Some(settings) = crate::ui::settings::handle() {
            let weak = Rc::downgrade(self);
            let id = settings.connect_changed(Some("console-release-keys"), move |_, _| {
                if let Some(me) = weak.upgrade() {
                    me.apply_release_keys();
                }
            });
            // The handler lives as long as the page's widget.
            let id = RefCell::new(Some(id));
            self.widget.connect_destroy(move |_| {
                if let Some(id) = id.take() {
                    settings.disconnect(id);
                }
            });
        }
    }

    fn apply_release_keys(&self) {
        let combo = crate::ui::settings::console_release_keys();
        self.display.set_release_combo(combo);
        if !self.grab_hint.label().is_empty() {
            self.show_grab_hint(true);
        }
    }

    /// Says in the toolbar how to release the keyboard, or nothing. The label itself stays,
    /// so the toolbar keeps its size.
    pub(super) fn show_grab_hint(&self, on: bool) {
        let text = if on {
            gettext("Press %s to release the keyboard").replacen(
                "%s",
                &self.display.release_combo().label(),
                1,
            )
        } else {
            String::new()
        };
        self.grab_hint.set_label(&text);
        // Cut short in a narrow window: the whole sentence on hover.
        self.grab_hint
            .set_tooltip_text(Some(&text).filter(|t| !t.is_empty()).map(String::as_str));
    }
}
