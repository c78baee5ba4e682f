// SPDX-License-Identifier: GPL-3.0-or-later
//! The console display's input: keys by hardware keycode → QEMU scancode, the pointer
//! (absolute, or relative under grab), and the keyboard grab with its release keys.

use gtk::glib::translate::IntoGlib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;
use gtk::{gdk, glib};

use super::display::ConsoleDisplay;
use crate::console::keymap;
use crate::console::session::Buttons;

impl ConsoleDisplay {
    pub fn set_grab(&self, grab: bool) {
        let imp = self.imp();
        if imp.grabbed.replace(grab) == grab {
            return;
        }
        if let Some(toplevel) = self
            .root()
            .and_then(|r| r.native())
            .and_then(|n| n.surface())
        {
            if let Ok(t) = toplevel.downcast::<gdk::Toplevel>() {
                if grab {
                    t.inhibit_system_shortcuts(None::<&gdk::Event>);
                } else {
                    t.restore_system_shortcuts();
                }
            }
        }
        self.hold_app_shortcuts(grab);
        if grab {
            self.add_css_class("grabbed");
        } else {
            self.remove_css_class("grabbed");
        }
        let relative = self.session().is_some_and(|s| !s.is_absolute());
        self.set_cursor_from_name(if grab && relative { Some("none") } else { None });
        imp.last_pos.set(None);
        if !grab {
            // Whatever was held goes up, so no key or button stays stuck in the guest.
            if let Some(s) = self.session() {
                let held = imp.held.take();
                if held.ctrl {
                    s.key(keymap::qnum::LEFT_CTRL, 0, false);
                }
                if held.alt {
                    s.key(keymap::qnum::LEFT_ALT, 0, false);
                }
                if held.shift {
                    s.key(keymap::qnum::LEFT_SHIFT, 0, false);
                }
            }
        }
        self.update_accessible();
        self.queue_draw();
        for f in imp.on_grab.borrow().iter() {
            f(grab);
        }
    }

    /// While grabbed, the application's keyboard shortcuts are suspended: they are handled
    /// before any widget sees the key, and a guest's Ctrl+W or Ctrl+Q is the guest's.
    ///
    /// The window's own controller for them (GTK names it `gtk-application-shortcuts`) is
    /// switched off, for this window only: made local, a global controller is taken off the
    /// window's shortcut manager, and with no phase it handles nothing itself. (Taking the
    /// accelerators off the application instead made GTK 4.8 update every menu item showing
    /// one, which logged a `g_object_unref` critical at each grab.)
    fn hold_app_shortcuts(&self, grab: bool) {
        let held = &self.imp().held_shortcuts;
        if !grab {
            if let Some(c) = held.take().and_then(|w| w.upgrade()) {
                c.set_propagation_phase(gtk::PropagationPhase::Capture);
                c.set_scope(gtk::ShortcutScope::Global);
            }
            return;
        }
        let Some(window) = self.root().and_downcast::<gtk::Window>() else {
            return;
        };
        match app_shortcuts_controller(&window) {
            Some(c) => {
                c.set_scope(gtk::ShortcutScope::Local);
                c.set_propagation_phase(gtk::PropagationPhase::None);
                held.replace(Some(c.downgrade()));
            }
            None => log::warn!("no application shortcut controller: shortcuts stay active"),
        }
    }

    pub(super) fn update_accessible(&self) {
        let name = self.imp().name.borrow().clone();
        let label = gettextrs::gettext("Console of %s").replacen("%s", &name, 1);
        let desc = if self.is_grabbed() {
            gettextrs::gettext("Keyboard grabbed; press %s to release").replacen(
                "%s",
                &self.imp().release.get().label(),
                1,
            )
        } else {
            gettextrs::gettext("Click to send keyboard and pointer to the guest")
        };
        self.update_property(&[
            gtk::accessible::Property::Label(&label),
            gtk::accessible::Property::Description(&desc),
        ]);
    }

    pub(super) fn setup_input(&self) {
        let keys = gtk::EventControllerKey::new();
        let me = self.downgrade();
        keys.connect_key_pressed(move |_, keyval, keycode, _| {
            let Some(me) = me.upgrade() else {
                return glib::Propagation::Proceed;
            };
            me.key(keyval, keycode, true)
        });
        let me = self.downgrade();
        keys.connect_key_released(move |_, keyval, keycode, _| {
            if let Some(me) = me.upgrade() {
                me.key(keyval, keycode, false);
            }
        });
        self.add_controller(keys);

        let motion = gtk::EventControllerMotion::new();
        let me = self.downgrade();
        motion.connect_motion(move |_, x, y| {
            if let Some(me) = me.upgrade() {
                me.motion(x, y);
            }
        });
        self.add_controller(motion);

        let click = gtk::GestureClick::new();
        click.set_button(0);
        let me = self.downgrade();
        click.connect_pressed(move |g, _, x, y| {
            let Some(me) = me.upgrade() else { return };
            me.grab_focus();
            if !me.is_grabbed() {
                me.set_grab(true);
            }
            me.button(g.current_button(), true, x, y);
        });
        let me = self.downgrade();
        click.connect_released(move |g, _, x, y| {
            if let Some(me) = me.upgrade() {
                me.button(g.current_button(), false, x, y);
            }
        });
        self.add_controller(click);

        let scroll = gtk::EventControllerScroll::new(gtk::EventControllerScrollFlags::VERTICAL);
        let me = self.downgrade();
        scroll.connect_scroll(move |_, _, dy| {
            let Some(me) = me.upgrade() else {
                return glib::Propagation::Proceed;
            };
            let (Some(s), Some((x, y))) = (me.session(), me.imp().last_pos.get()) else {
                return glib::Propagation::Proceed;
            };
            if let Some((gx, gy)) = me.to_guest(x, y) {
                s.scroll(dy < 0.0, gx, gy, me.imp().buttons.get());
            }
            glib::Propagation::Stop
        });
        self.add_controller(scroll);

        let focus = gtk::EventControllerFocus::new();
        let me = self.downgrade();
        focus.connect_leave(move |_| {
            if let Some(me) = me.upgrade() {
                me.set_grab(false);
            }
        });
        self.add_controller(focus);
    }

    fn key(&self, keyval: gdk::Key, keycode: u32, down: bool) -> glib::Propagation {
        let imp = self.imp();
        let Some(s) = self.session() else {
            return glib::Propagation::Proceed;
        };
        // Keys here are the guest's (or the release keys), but GTK's window saw them first
        // and turned keyboard-focus rings on: no ring around a console being typed into.
        if let Some(w) = self.root().and_downcast::<gtk::Window>() {
            w.set_focus_visible(false);
        }
        let mut held = imp.held.get();
        let member = match keyval {
            gdk::Key::Control_L | gdk::Key::Control_R => Some(&mut held.ctrl),
            gdk::Key::Alt_L | gdk::Key::Alt_R | gdk::Key::Meta_L => Some(&mut held.alt),
            gdk::Key::Shift_L | gdk::Key::Shift_R => Some(&mut held.shift),
            gdk::Key::F12 => Some(&mut held.f12),
            _ => None,
        };
        let is_member = member.is_some();
        if let Some(m) = member {
            *m = down;
        }
        imp.held.set(held);
        // The release combination, completed by this key while grabbed.
        let combo = imp.release.get();
        if down && is_member && self.is_grabbed() && combo.complete(held) {
            // A modifier goes to the guest as pressed (set_grab lets every key go); F12,
            // the one plain key a combination may have, is the app's and never reaches it.
            if keyval != gdk::Key::F12 {
                if let Some(q) = keymap::qnum_from_keycode(keycode) {
                    s.key(q, keyval.into_glib(), true);
                }
            }
            self.set_grab(false);
            return glib::Propagation::Stop;
        }
        match keymap::qnum_from_keycode(keycode) {
            Some(q) => {
                s.key(q, keyval.into_glib(), down);
                glib::Propagation::Stop
            }
            None => glib::Propagation::Proceed,
        }
    }

    fn motion(&self, x: f64, y: f64) {
        let imp = self.imp();
        let Some(s) = self.session() else { return };
        let buttons = imp.buttons.get();
        if s.is_absolute() {
            if let Some((gx, gy)) = self.to_guest(x, y) {
                s.pointer_at(gx, gy, buttons);
            }
        } else if self.is_grabbed() {
            if let Some((lx, ly)) = imp.last_pos.get() {
                let dev = self.scale_factor().max(1) as f64;
                let (dx, dy) = (
                    ((x - lx) * dev).round() as i32,
                    ((y - ly) * dev).round() as i32,
                );
                if dx != 0 || dy != 0 {
                    s.pointer_by(dx, dy, buttons);
                }
            }
        }
        imp.last_pos.set(Some((x, y)));
    }

    fn button(&self, gdk_button: u32, down: bool, x: f64, y: f64) {
        let imp = self.imp();
        let Some(s) = self.session() else { return };
        let bit = Buttons::bit_of(gdk_button);
        if bit == 0 {
            return;
        }
        let buttons = imp.buttons.get().with(bit, down);
        imp.buttons.set(buttons);
        if s.is_absolute() {
            if let Some((gx, gy)) = self.to_guest(x, y) {
                s.pointer_at(gx, gy, buttons);
            }
        } else {
            s.pointer_by(0, 0, buttons);
        }
        imp.last_pos.set(Some((x, y)));
    }
}

/// The controller through which `window` handles the application's accelerators, if GTK
/// names it as GTK 4.8 does.
fn app_shortcuts_controller(window: &gtk::Window) -> Option<gtk::ShortcutController> {
    let controllers = window.observe_controllers();
    (0..controllers.n_items())
        .filter_map(|i| {
            controllers
                .item(i)
                .and_downcast::<gtk::ShortcutController>()
        })
        .find(|c| c.name().as_deref() == Some("gtk-application-shortcuts"))
}
