// SPDX-License-Identifier: GPL-3.0-or-later
//! Where the console shows: in a separate window ([`ConsolePage::detach`]), and full
//! screen, as virt-viewer and GNOME's viewers do it: the guest's screen takes the whole
//! monitor, and the toolbar slides in when the pointer touches the top edge (and for a
//! moment on entering), then slides away once the pointer leaves it. F11 toggles; Escape
//! leaves (while the keyboard is not grabbed: then keys are the guest's).

use std::rc::Rc;
use std::time::Duration;

use adw::prelude::*;
use gettextrs::gettext;
use gtk::glib;

use super::ConsolePage;

/// How close to the top edge the pointer brings the toolbar back, in pixels.
const EDGE: f64 = 4.0;
/// How long the toolbar stays after the pointer left it, or after entering full screen.
const LINGER: Duration = Duration::from_millis(1500);

impl ConsolePage {
    /// Pointer and keys for full screen; called once when the page is built.
    pub(super) fn wire_fullscreen(self: &Rc<Self>) {
        let motion = gtk::EventControllerMotion::new();
        let weak = Rc::downgrade(self);
        motion.connect_motion(move |_, _, y| {
            if let Some(me) = weak.upgrade() {
                me.fullscreen_pointer(y);
            }
        });
        self.widget.add_controller(motion);

        // Before the display, which sends the keys it gets to the guest.
        let keys = gtk::ShortcutController::new();
        keys.set_propagation_phase(gtk::PropagationPhase::Capture);
        for (trigger, leave_only) in [("F11", false), ("Escape", true)] {
            let weak = Rc::downgrade(self);
            let action = gtk::CallbackAction::new(move |_, _| {
                let Some(me) = weak.upgrade() else {
                    return glib::Propagation::Proceed;
                };
                // A grabbed keyboard's keys are the guest's (and the app's shortcuts are
                // suspended then anyway).
                if me.display.is_grabbed() || (leave_only && !me.fullscreen.get()) {
                    return glib::Propagation::Proceed;
                }
                me.set_fullscreen(!me.fullscreen.get());
                glib::Propagation::Stop
            });
            keys.add_shortcut(gtk::Shortcut::new(
                gtk::ShortcutTrigger::parse_string(trigger),
                Some(action),
            ));
        }
        self.widget.add_controller(keys);
    }

    pub(super) fn toggle_fullscreen(self: &Rc<Self>) {
        self.set_fullscreen(!self.fullscreen.get());
    }

    /// Enters or leaves full screen: the window, the display's scaling and where the
    /// toolbar lives (above the display, or over it and hidden).
    pub(super) fn set_fullscreen(self: &Rc<Self>, fs: bool) {
        if self.fullscreen.replace(fs) == fs {
            return;
        }
        if let Some(win) = self.widget.root().and_downcast::<gtk::Window>() {
            if win.is_fullscreen() != fs {
                win.set_fullscreened(fs);
            }
            if fs {
                // The window leaving full screen on its own (the desktop's shortcut) ends
                // the page's full screen too.
                let weak = Rc::downgrade(self);
                let id = win.connect_fullscreened_notify(move |w| {
                    if let Some(me) = weak.upgrade() {
                        if !w.is_fullscreen() && me.fullscreen.get() && me.fs_seen.get() {
                            me.set_fullscreen(false);
                        }
                        me.fs_seen.set(w.is_fullscreen());
                    }
                });
                self.fs_handler.replace(Some((win.clone(), id)));
            } else if let Some((w, id)) = self.fs_handler.take() {
                w.disconnect(id);
            }
        }
        self.fs_seen.set(false);
        self.place_toolbar(fs);
        self.display.set_fullscreen(fs);
        if fs {
            self.reveal_toolbar_for_a_moment();
        } else {
            if let Some(t) = self.toolbar_timer.take() {
                t.remove();
            }
            self.bar_revealer.set_reveal_child(true);
        }
        self.display.grab_focus();
    }

    /// Above the display, or (full screen) over it, so that its coming and going does not
    /// move or resize the guest's screen.
    fn place_toolbar(&self, over: bool) {
        let bar = &self.bar_revealer;
        let overlaid = bar.parent().as_ref() == Some(self.overlay.upcast_ref::<gtk::Widget>());
        if over == overlaid {
            return;
        }
        if over {
            self.widget.remove(bar);
            bar.set_valign(gtk::Align::Start);
            bar.add_css_class("vireo-overlay-bar");
            self.overlay.add_overlay(bar);
        } else {
            self.overlay.remove_overlay(bar);
            bar.remove_css_class("vireo-overlay-bar");
            bar.set_valign(gtk::Align::Fill);
            self.widget.prepend(bar);
        }
    }

    /// Whether the toolbar shows now (always outside full screen).
    pub fn toolbar_revealed(&self) -> bool {
        self.bar_revealer.reveals_child()
    }

    fn reveal_toolbar_for_a_moment(self: &Rc<Self>) {
        self.bar_revealer.set_reveal_child(true);
        self.hide_toolbar_later();
    }

    fn hide_toolbar_later(self: &Rc<Self>) {
        if let Some(t) = self.toolbar_timer.take() {
            t.remove();
        }
        let weak = Rc::downgrade(self);
        let id = glib::timeout_add_local_once(LINGER, move || {
            if let Some(me) = weak.upgrade() {
                me.toolbar_timer.replace(None);
                if me.fullscreen.get() && !me.menu_open() {
                    me.bar_revealer.set_reveal_child(false);
                }
            }
        });
        self.toolbar_timer.replace(Some(id));
    }

    /// A toolbar menu (Send Key, Scaling) is open: the toolbar stays.
    fn menu_open(&self) -> bool {
        self.bar_revealer
            .child()
            .map(|bar| {
                let mut c = bar.first_child();
                while let Some(w) = c {
                    if w.downcast_ref::<gtk::MenuButton>()
                        .and_then(|m| m.popover())
                        .is_some_and(|p| p.is_visible())
                    {
                        return true;
                    }
                    c = w.next_sibling();
                }
                false
            })
            .unwrap_or(false)
    }

    fn fullscreen_pointer(self: &Rc<Self>, y: f64) {
        if !self.fullscreen.get() {
            return;
        }
        let over_bar =
            self.bar_revealer.reveals_child() && y <= f64::from(self.bar_revealer.height()) + EDGE;
        if y <= EDGE {
            if let Some(t) = self.toolbar_timer.take() {
                t.remove();
            }
            self.bar_revealer.set_reveal_child(true);
        } else if !over_bar
            && self.bar_revealer.reveals_child()
            && self.toolbar_timer.borrow().is_none()
        {
            self.hide_toolbar_later();
        }
    }

    /// Moves the page into a window of its own; closing that window brings it back.
    pub(super) fn detach(self: &Rc<Self>) {
        let Some(parent) = self.widget.parent() else {
            return;
        };
        let Some(bin) = parent.downcast_ref::<adw::Bin>().cloned() else {
            return;
        };
        let win = adw::Window::builder()
            .title(self.domain.name())
            .default_width(self.display.width().max(640) + 24)
            .default_height(self.display.height().max(400) + 80)
            .build();
        if let Some(app) = bin
            .root()
            .and_downcast::<gtk::Window>()
            .and_then(|w| w.application())
        {
            win.set_application(Some(&app));
        }
        bin.set_child(None::<&gtk::Widget>);
        let content = gtk::Box::new(gtk::Orientation::Vertical, 0);
        content.append(&adw::HeaderBar::new());
        content.append(&self.widget);
        win.set_content(Some(&content));
        let placeholder = adw::StatusPage::builder()
            .icon_name("window-new-symbolic")
            .title(gettext("Console in a Separate Window"))
            .build();
        bin.set_child(Some(&placeholder));
        let (weak, bin2) = (Rc::downgrade(self), bin.downgrade());
        win.connect_close_request(move |w| {
            if let (Some(me), Some(bin)) = (weak.upgrade(), bin2.upgrade()) {
                if let Some(c) = w.content().and_downcast::<gtk::Box>() {
                    c.remove(&me.widget);
                }
                bin.set_child(Some(&me.widget));
            }
            glib::Propagation::Proceed
        });
        win.present();
        self.display.grab_focus();
    }
}
