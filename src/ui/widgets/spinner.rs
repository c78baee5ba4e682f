// SPDX-License-Identifier: GPL-3.0-or-later
//! `Spinner`: a turning arc that says "busy". GTK 4.8's `gtk::Spinner` draws Adwaita's
//! `process-working-symbolic`, which exists only as an SVG, and the first SVG icon loads
//! librsvg (about 6.5 MiB of resident memory). This one is drawn with cairo and animates only
//! while mapped. Assistive technology sees a progress bar named "Busy", whose value is unknown.

use std::cell::RefCell;

use gettextrs::gettext;
use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;

/// One turn, in microseconds of frame time.
const TURN_US: f64 = 1_000_000.0;

mod imp {
    use super::*;

    #[derive(Default)]
    pub struct Spinner {
        pub tick: RefCell<Option<gtk::TickCallbackId>>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for Spinner {
        const NAME: &'static str = "VireoSpinner";
        type Type = super::Spinner;
        type ParentType = gtk::Widget;

        fn class_init(klass: &mut Self::Class) {
            // Not "spinner": Adwaita styles that node invisible unless GTK marks it spinning.
            klass.set_css_name("vireo-spinner");
            klass.set_accessible_role(gtk::AccessibleRole::ProgressBar);
        }
    }

    impl ObjectImpl for Spinner {
        fn constructed(&self) {
            self.parent_constructed();
            let obj = self.obj();
            obj.update_property(&[gtk::accessible::Property::Label(&gettext("Busy"))]);
            obj.set_size_request(32, 32);
        }
    }

    impl WidgetImpl for Spinner {
        fn map(&self) {
            self.parent_map();
            let id = self.obj().add_tick_callback(|w, _| {
                w.queue_draw();
                glib::ControlFlow::Continue
            });
            if let Some(old) = self.tick.replace(Some(id)) {
                old.remove();
            }
        }

        fn unmap(&self) {
            if let Some(id) = self.tick.take() {
                id.remove();
            }
            self.parent_unmap();
        }

        fn snapshot(&self, snapshot: &gtk::Snapshot) {
            let widget = self.obj();
            let (w, h) = (widget.width() as f32, widget.height() as f32);
            let size = w.min(h);
            if size < 4.0 {
                return;
            }
            let turn = widget
                .frame_clock()
                .map(|c| (c.frame_time() as f64 % TURN_US) / TURN_US)
                .unwrap_or(0.0);
            #[allow(deprecated)]
            let color = widget.style_context().color();
            let bounds = gtk::graphene::Rect::new((w - size) / 2.0, (h - size) / 2.0, size, size);
            let cr = snapshot.append_cairo(&bounds);
            let (cx, cy) = (w as f64 / 2.0, h as f64 / 2.0);
            let line = (size as f64 / 10.0).max(2.0);
            let r = size as f64 / 2.0 - line / 2.0;
            let start = turn * std::f64::consts::TAU;
            cr.set_line_width(line);
            cr.set_line_cap(gtk::cairo::LineCap::Round);
            // A faint full ring, and the turning three-quarter arc over it.
            cr.set_source_rgba(
                color.red() as f64,
                color.green() as f64,
                color.blue() as f64,
                color.alpha() as f64 * 0.15,
            );
            cr.arc(cx, cy, r, 0.0, std::f64::consts::TAU);
            let _ = cr.stroke();
            cr.set_source_rgba(
                color.red() as f64,
                color.green() as f64,
                color.blue() as f64,
                color.alpha() as f64,
            );
            cr.arc(cx, cy, r, start, start + std::f64::consts::TAU * 0.75);
            let _ = cr.stroke();
        }
    }
}

glib::wrapper! {
    pub struct Spinner(ObjectSubclass<imp::Spinner>) @extends gtk::Widget,
        @implements gtk::Accessible, gtk::Buildable, gtk::ConstraintTarget;
}

impl Spinner {
    pub fn new() -> Spinner {
        glib::Object::new()
    }
}

impl Default for Spinner {
    fn default() -> Self {
        Self::new()
    }
}
