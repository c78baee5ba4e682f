// SPDX-License-Identifier: GPL-3.0-or-later
//! Sizes between the window and the guest: the window fits the guest's screen at 1:1 when
//! it connects or changes resolution, and "Resize Guest to Window" asks the guest for the
//! window's size, again whenever the window's size settles.

use std::rc::Rc;

use gettextrs::gettext;
use gtk::glib;
use gtk::prelude::*;

use super::ConsolePage;

impl ConsolePage {
    /// Sizes the window so the guest's screen shows at 1:1 (as virt-viewer and
    /// virt-manager do when a console connects or the guest changes its resolution),
    /// within the monitor; a maximised or full-screen window, or one whose guest follows
    /// the window, is left alone. Scaling every frame is what costs most in painting.
    pub(super) fn fit_window_to_guest(&self, fw: u32, fh: u32) {
        if self.auto_resize.get() || self.asked_size.get() == (fw, fh) {
            return;
        }
        let Some(win) = self.widget.root().and_downcast::<gtk::Window>() else {
            return;
        };
        if !win.is_visible() || win.is_maximized() || win.is_fullscreen() {
            return;
        }
        let dev = self.display.scale_factor().max(1);
        let (want_w, want_h) = (fw as i32 / dev, fh as i32 / dev);
        let (cur_w, cur_h) = (self.display.width(), self.display.height());
        if cur_w <= 0 || cur_h <= 0 || !self.display.is_mapped() {
            // Not on screen yet: once it gets its size.
            self.pending_fit.set(Some((fw, fh)));
            return;
        }
        self.pending_fit.set(None);
        if want_w == cur_w && want_h == cur_h {
            self.fit_tries.set(0);
            return;
        }
        // The window's size and its content's differ by decorations GTK does not tell:
        // a second try corrects the first.
        let tries = self.fit_tries.get() + 1;
        if tries > 3 {
            self.fit_tries.set(0);
            return;
        }
        self.fit_tries.set(tries);
        self.pending_fit.set(Some((fw, fh)));
        let (dw, dh) = win.default_size();
        let (base_w, base_h) = if dw > 0 && dh > 0 {
            (dw, dh)
        } else {
            (win.width(), win.height())
        };
        let (mut w, mut h) = (base_w + want_w - cur_w, base_h + want_h - cur_h);
        let monitor = win
            .surface()
            .and_then(|s| gtk::prelude::WidgetExt::display(&win).monitor_at_surface(&s));
        if let Some(m) = monitor {
            let g = m.geometry();
            w = w.min(g.width() * 19 / 20);
            h = h.min(g.height() * 19 / 20);
        }
        log::debug!("console window {base_w}×{base_h} → {w}×{h} for a {fw}×{fh} guest");
        win.set_default_size(w.max(360), h.max(240));
    }

    /// Turns "Resize Guest to Window" on or off; on, the guest is asked for the window's
    /// size now and whenever the window's size settles after a change.
    pub(super) fn set_auto_resize(&self, on: bool) {
        self.auto_resize.set(on);
        self.asked_size.set((0, 0));
        if on {
            self.resize_guest_to_window(true);
        }
    }

    pub(super) fn window_resized(self: &Rc<Self>) {
        if let Some((fw, fh)) = self.pending_fit.get() {
            // Not while GTK allocates sizes: right after.
            let weak = Rc::downgrade(self);
            glib::idle_add_local_once(move || {
                if let Some(me) = weak.upgrade() {
                    if me.pending_fit.get() == Some((fw, fh)) {
                        me.fit_window_to_guest(fw, fh);
                    }
                }
            });
        }
        if !self.auto_resize.get() {
            return;
        }
        if let Some(t) = self.resize_timer.take() {
            t.remove();
        }
        let weak = Rc::downgrade(self);
        let id = glib::timeout_add_local_once(std::time::Duration::from_millis(300), move || {
            if let Some(me) = weak.upgrade() {
                me.resize_timer.replace(None);
                me.resize_guest_to_window(false);
            }
        });
        self.resize_timer.replace(Some(id));
    }

    /// Asks the guest for the display's size in device pixels; `tell` says so in a toast
    /// when the guest cannot (no agent, or a server without resizing).
    pub(super) fn resize_guest_to_window(&self, tell: bool) {
        let Some(s) = self.session().filter(|s| s.state().is_connected()) else {
            return;
        };
        let dev = self.display.scale_factor().max(1) as u32;
        let (w, h) = (
            self.display.width().max(0) as u32 * dev,
            self.display.height().max(0) as u32 * dev,
        );
        if w < 320 || h < 200 || self.asked_size.get() == (w, h) {
            return;
        }
        let asked = s.request_size(w, h);
        log::debug!("asked the guest for a {w}×{h} screen: {asked}");
        if asked {
            self.asked_size.set((w, h));
        } else if tell {
            self.toast(&gettext(
                "This guest cannot change its screen size from here.",
            ));
        }
    }
}
