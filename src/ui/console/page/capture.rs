// SPDX-License-Identifier: GPL-3.0-or-later
//! Keeping what the console shows: screenshots to PNG and recordings to WebM.

use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;
use gtk::{gio, glib};

use super::ConsolePage;

impl ConsolePage {
    pub(super) fn choose_screenshot_file(self: &Rc<Self>) {
        let Some(win) = self.widget.root().and_downcast::<gtk::Window>() else {
            return;
        };
        let name = format!(
            "{}-{}.png",
            self.domain.name(),
            glib::DateTime::now_local()
                .and_then(|d| d.format("%Y-%m-%d-%H%M%S"))
                .map(|s| s.to_string())
                .unwrap_or_default()
        );
        let chooser = gtk::FileChooserNative::new(
            Some(&gettext("Save Screenshot")),
            Some(&win),
            gtk::FileChooserAction::Save,
            Some(&gettext("_Save")),
            Some(&gettext("_Cancel")),
        );
        chooser.set_current_name(&name);
        if let Some(dir) = glib::user_special_dir(glib::UserDirectory::Pictures) {
            let _ = chooser.set_current_folder(Some(&gio::File::for_path(dir)));
        }
        let weak = Rc::downgrade(self);
        chooser.connect_response(move |c, resp| {
            if resp == gtk::ResponseType::Accept {
                if let (Some(me), Some(path)) = (weak.upgrade(), c.file().and_then(|f| f.path())) {
                    me.screenshot_to(&path);
                }
            }
        });
        chooser.show();
        // Keep the native dialog alive until it answers.
        unsafe { self.widget.set_data("vireo-chooser", chooser) };
    }

    /// Saves the guest's screen (at its own resolution) to `path`; says how it went.
    pub fn screenshot_to(&self, path: &std::path::Path) -> bool {
        match self.display.save_png(path) {
            Ok(_) => {
                self.toast(&gettext("Screenshot saved to %s").replacen(
                    "%s",
                    &path.display().to_string(),
                    1,
                ));
                true
            }
            Err(e) => {
                self.toast(&gettext("Could not save the screenshot: %s").replacen("%s", &e, 1));
                false
            }
        }
    }

    pub(super) fn toast(&self, text: &str) {
        self.toasts.add_toast(adw::Toast::new(text));
    }

    pub(super) fn toggle_recording(&self, on: bool) {
        if !on {
            if let Some(r) = self.recorder.take() {
                match r.finish() {
                    Ok(info) => self.toast(&gettext("Recording saved to %s").replacen(
                        "%s",
                        &info.path.display().to_string(),
                        1,
                    )),
                    Err(e) => self.toast(&gettext("The recording failed: %s").replacen(
                        "%s",
                        &e.to_string(),
                        1,
                    )),
                }
            }
            return;
        }
        let Some((w, h)) = self.display.frame_size() else {
            self.record_button.set_active(false);
            self.toast(&gettext("The console shows no picture yet."));
            return;
        };
        let dir =
            glib::user_special_dir(glib::UserDirectory::Videos).unwrap_or_else(glib::home_dir);
        let stamp = glib::DateTime::now_local()
            .and_then(|d| d.format("%Y-%m-%d-%H%M%S"))
            .map(|s| s.to_string())
            .unwrap_or_default();
        let path = dir.join(format!("{}-{stamp}.webm", self.domain.name()));
        match crate::console::recorder::Recorder::start(&path, w, h) {
            Ok(r) => {
                self.recorder.replace(Some(r));
                self.record_frame();
            }
            Err(e) => {
                self.record_button.set_active(false);
                self.toast(&gettext("Cannot record: %s").replacen("%s", &e.to_string(), 1));
            }
        }
    }

    pub(super) fn record_frame(&self) {
        let mut rec = self.recorder.borrow_mut();
        let Some(r) = rec.as_mut() else { return };
        let Some(s) = self.session() else { return };
        let mut err = None;
        s.with_frame(&mut |f| {
            if let Err(e) = r.push_frame(f.data, f.stride, f.width, f.height) {
                err = Some(e.to_string());
            }
        });
        if let Some(e) = err {
            drop(rec);
            self.toast(&gettext("The recording failed: %s").replacen("%s", &e, 1));
            self.record_button.set_active(false);
        }
    }
}
