// SPDX-License-Identifier: GPL-3.0-or-later
//! The page's `console.*` actions (what the toolbar's buttons and menus activate).

use std::rc::Rc;

use adw::prelude::*;
use gtk::{gio, glib};

use super::super::display::Scaling;
use super::ConsolePage;

impl ConsolePage {
    pub(super) fn install_actions(self: &Rc<Self>) {
        let group = gio::SimpleActionGroup::new();
        let weak = Rc::downgrade(self);
        let a = gio::SimpleAction::new("send-key", Some(glib::VariantTy::STRING));
        a.connect_activate(move |_, p| {
            if let (Some(me), Some(id)) = (weak.upgrade(), p.and_then(|p| p.str())) {
                me.send_key(id);
            }
        });
        group.add_action(&a);
        let weak = Rc::downgrade(self);
        let a = gio::SimpleAction::new("screenshot", None);
        a.connect_activate(move |_, _| {
            if let Some(me) = weak.upgrade() {
                me.choose_screenshot_file();
            }
        });
        group.add_action(&a);
        let weak = Rc::downgrade(self);
        let a = gio::SimpleAction::new_stateful(
            "scaling",
            Some(glib::VariantTy::STRING),
            &crate::ui::settings::console_scaling().to_variant(),
        );
        self.display
            .set_scaling(Scaling::from_id(&crate::ui::settings::console_scaling()));
        a.connect_activate(move |a, p| {
            let (Some(me), Some(id)) = (weak.upgrade(), p.and_then(|p| p.str())) else {
                return;
            };
            a.set_state(&id.to_variant());
            me.display.set_scaling(Scaling::from_id(id));
            crate::ui::settings::set_console_scaling(id);
        });
        group.add_action(&a);
        let weak = Rc::downgrade(self);
        let a = gio::SimpleAction::new_stateful("resize-guest", None, &false.to_variant());
        a.connect_activate(move |a, _| {
            let on = !a.state().and_then(|s| s.get::<bool>()).unwrap_or(false);
            a.set_state(&on.to_variant());
            if let Some(me) = weak.upgrade() {
                me.set_auto_resize(on);
            }
        });
        group.add_action(&a);
        let weak = Rc::downgrade(self);
        let a = gio::SimpleAction::new("usb-devices", None);
        a.connect_activate(move |_, _| {
            if let Some(me) = weak.upgrade() {
                me.show_usb_chooser();
            }
        });
        group.add_action(&a);
        let weak = Rc::downgrade(self);
        let a = gio::SimpleAction::new("fullscreen", None);
        a.connect_activate(move |_, _| {
            if let Some(me) = weak.upgrade() {
                me.toggle_fullscreen();
            }
        });
        group.add_action(&a);
        let weak = Rc::downgrade(self);
        let a = gio::SimpleAction::new("detach", None);
        a.connect_activate(move |_, _| {
            if let Some(me) = weak.upgrade() {
                me.detach();
            }
        });
        group.add_action(&a);
        let weak = Rc::downgrade(self);
        let a = gio::SimpleAction::new_stateful(
            "view",
            Some(glib::VariantTy::STRING),
            &"graphical".to_variant(),
        );
        a.connect_activate(move |a, p| {
            let (Some(me), Some(id)) = (weak.upgrade(), p.and_then(|p| p.str())) else {
                return;
            };
            a.set_state(&id.to_variant());
            me.show_view(id);
        });
        group.add_action(&a);
        self.widget.insert_action_group("console", Some(&group));
        self.actions.replace(Some(group));
    }

    /// Enables what needs the guest's screen: Send Key, Take Screenshot, Record.
    pub(super) fn set_screen_tools(&self, live: bool) {
        if let Some(group) = self.actions.borrow().as_ref() {
            for name in ["send-key", "screenshot"] {
                if let Some(a) = group
                    .lookup_action(name)
                    .and_downcast::<gio::SimpleAction>()
                {
                    a.set_enabled(live);
                }
            }
        }
        self.send_key.set_sensitive(live);
        // A recording under way can always be stopped.
        self.record_button
            .set_sensitive(live || self.record_button.is_active());
    }
}
