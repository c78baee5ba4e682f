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
        self.grab_hint
            .set_label(&gettext("Press %s to release the keyboard").replacen(
                "%s",
                &combo.label(),
                1,
            ));
    }
}
