// SPDX-License-Identifier: GPL-3.0-or-later
//! The keyboard grab's release keys: from the preferences, followed as they change, and
//! shown in the grab hint and to assistive technologies.

use std::cell::RefCell;
use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;

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
        if self.grab_hint.is_on() {
            self.show_grab_hint(true);
        }
    }

    /// Says in the toolbar how to release the keyboard, or nothing.
    pub(super) fn show_grab_hint(&self, on: bool) {
        let keys = on.then(|| self.display.release_combo().label());
        self.grab_hint.show(keys.as_deref());
    }
}

/// The toolbar's grab indicator. While the keyboard is grabbed: the sentence "Press Ctrl+Alt
/// to release the keyboard" where there is room for it, else a padlock and the keys, else
/// the padlock alone (the sentence is the tooltip). It never asks for more room than the
/// toolbar has: the grab must not change the toolbar's size, or a window fitted to the guest
/// would grow.
pub(super) struct GrabHint {
    squeezer: adw::Squeezer,
    sentence: gtk::Label,
    keys: gtk::Label,
}

const LOCK_ICON: &str = "changes-prevent-symbolic";

impl GrabHint {
    pub(super) fn new() -> Self {
        let sentence = gtk::Label::new(None);
        let keys = gtk::Label::new(None);
        let lock_and_keys = gtk::Box::new(gtk::Orientation::Horizontal, 6);
        lock_and_keys.append(&gtk::Image::from_icon_name(LOCK_ICON));
        lock_and_keys.append(&keys);
        lock_and_keys.set_halign(gtk::Align::Center);
        let lock = gtk::Image::from_icon_name(LOCK_ICON);
        lock.set_halign(gtk::Align::Center);
        // One status for assistive technologies, named by the sentence while grabbed.
        let squeezer = adw::Squeezer::builder()
            .accessible_role(gtk::AccessibleRole::Status)
            .build();
        squeezer.add_css_class("dim-label");
        squeezer.set_hexpand(true);
        squeezer.set_transition_type(adw::SqueezerTransitionType::None);
        // The first child whose natural width fits is shown. Not grabbed, the sentence is
        // empty and always fits, so the padlocks show only while grabbed.
        squeezer.add(&sentence);
        squeezer.add(&lock_and_keys);
        squeezer.add(&lock);
        // The same room grabbed or not: the lone padlock's.
        squeezer.set_size_request(24, -1);
        Self {
            squeezer,
            sentence,
            keys,
        }
    }

    pub(super) fn widget(&self) -> &adw::Squeezer {
        &self.squeezer
    }

    /// Grabbed, with the keys that release it; or not grabbed (`None`).
    pub(super) fn show(&self, release_keys: Option<&str>) {
        let text = release_keys
            .map(|keys| gettext("Press %s to release the keyboard").replacen("%s", keys, 1));
        self.sentence.set_label(text.as_deref().unwrap_or_default());
        self.keys.set_label(release_keys.unwrap_or_default());
        self.squeezer.set_tooltip_text(text.as_deref());
        self.squeezer
            .update_property(&[gtk::accessible::Property::Label(
                text.as_deref().unwrap_or_default(),
            )]);
    }

    pub(super) fn is_on(&self) -> bool {
        !self.sentence.label().is_empty()
    }
}
