// SPDX-License-Identifier: GPL-3.0-or-later
//! `Sparkline`: a small line-and-area graph of one series, drawn with cairo, with the
//! current value as text at its right (one widget per cell instead of a graph and a label:
//! a list view realises a couple of hundred rows, and every widget counts). Gaps (no
//! value that tick) break the line instead of dropping to zero. It tells assistive
//! technology its current value in words ("CPU 12 %"), so a screen reader user hears the
//! figure the graph shows.
//!
//! The widget keeps its own copy of the points it draws; whoever owns the data copies the
//! visible rows' series in ([`Sparkline::set_points`]) and only those repaint. GTK does not
//! draw unmapped widgets, so a hidden window costs nothing here.

use std::cell::{Cell, RefCell};

use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;

/// Width of the graph part; the value text takes the rest.
const GRAPH_WIDTH: f64 = 48.0;

mod imp {
    use super::*;

    #[derive(Default)]
    pub struct Sparkline {
        pub points: RefCell<Vec<Option<f32>>>,
        /// Top of the vertical axis.
        pub max: Cell<f32>,
        /// The value in figures, drawn right-aligned after the graph.
        pub text: RefCell<String>,
        /// What assistive technology was last told (each change is a D-Bus signal).
        pub words: RefCell<String>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for Sparkline {
        const NAME: &'static str = "VireoSparkline";
        type Type = super::Sparkline;
        type ParentType = gtk::Widget;

        fn class_init(klass: &mut Self::Class) {
            klass.set_css_name("sparkline");
            klass.set_accessible_role(gtk::AccessibleRole::Img);
        }
    }

    impl ObjectImpl for Sparkline {}

    impl WidgetImpl for Sparkline {
        fn measure(&self, orientation: gtk::Orientation, _for_size: i32) -> (i32, i32, i32, i32) {
            match orientation {
                gtk::Orientation::Horizontal => {
                    (GRAPH_WIDTH as i32 + 64, GRAPH_WIDTH as i32 + 72, -1, -1)
                }
                _ => (16, 24, -1, -1),
            }
        }

        fn snapshot(&self, snapshot: &gtk::Snapshot) {
            let widget = self.obj();
            let (full_w, h) = (widget.width() as f64, widget.height() as f64);
            #[allow(deprecated)]
            let color = widget.style_context().color();
            let text = self.text.borrow();
            if !text.is_empty() {
                let layout = widget.create_pango_layout(Some(&text));
                let (tw, th) = layout.pixel_size();
                snapshot.save();
                snapshot.translate(&gtk::graphene::Point::new(
                    (full_w as f32 - tw as f32).max(0.0),
                    ((h as f32 - th as f32) / 2.0).max(0.0),
                ));
                snapshot.append_layout(&layout, &color);
                snapshot.restore();
            }
            let w = GRAPH_WIDTH.min(full_w - 8.0);
            let points = self.points.borrow();
            if w <= 1.0 || h <= 1.0 || points.len() < 2 {
                return;
            }
            let max = self.max.get().max(f32::MIN_POSITIVE) as f64;
            let cr = snapshot.append_cairo(&gtk::graphene::Rect::new(0.0, 0.0, w as f32, h as f32));
            let step = w / (points.len() - 1) as f64;
            let y_of = |v: f32| h - 1.0 - (v as f64 / max).clamp(0.0, 1.0) * (h - 2.0);
            // Each unbroken run of values: filled area, then the line on top.
            let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
            let mut run = Vec::new();
            for (i, p) in points.iter().enumerate() {
                match p {
                    Some(v) => run.push((i as f64 * step, y_of(*v))),
                    None if !run.is_empty() => runs.push(std::mem::take(&mut run)),
                    None => {}
                }
            }
            if !run.is_empty() {
                runs.push(run);
            }
            cr.set_line_width(1.0);
            cr.set_line_join(gtk::cairo::LineJoin::Round);
            for run in &runs {
                let (Some(first), Some(last)) = (run.first(), run.last()) else {
                    continue;
                };
                cr.move_to(first.0, h);
                for (x, y) in run {
                    cr.line_to(*x, *y);
                }
                cr.line_to(last.0, h);
                cr.close_path();
                cr.set_source_rgba(
                    color.red() as f64,
                    color.green() as f64,
                    color.blue() as f64,
                    0.18,
                );
                let _ = cr.fill();
                cr.move_to(first.0, first.1);
                for (x, y) in run.iter().skip(1) {
                    cr.line_to(*x, *y);
                }
                cr.set_source_rgba(
                    color.red() as f64,
                    color.green() as f64,
                    color.blue() as f64,
                    0.85,
                );
                let _ = cr.stroke();
            }
        }
    }
}

glib::wrapper! {
    pub struct Sparkline(ObjectSubclass<imp::Sparkline>)
        @extends gtk::Widget,
        @implements gtk::Accessible, gtk::Buildable, gtk::ConstraintTarget;
}

impl Default for Sparkline {
    fn default() -> Self {
        glib::Object::new()
    }
}

impl Sparkline {
    /// Replaces the points (oldest first), the axis top and the value text, and says
    /// `words` to assistive technology. Repaints only if something changed.
    pub fn set_points(
        &self,
        points: impl Iterator<Item = Option<f32>>,
        max: f32,
        text: &str,
        words: &str,
    ) {
        let imp = self.imp();
        let new: Vec<Option<f32>> = points.collect();
        let changed =
            *imp.points.borrow() != new || imp.max.get() != max || *imp.text.borrow() != text;
        if changed {
            imp.points.replace(new);
            imp.max.set(max);
            imp.text.replace(text.to_string());
            self.queue_draw();
        }
        if *imp.words.borrow() != words {
            imp.words.replace(words.to_string());
            self.update_property(&[gtk::accessible::Property::Label(words)]);
        }
    }

    /// No graph, only `text` (e.g. "—" for a guest that is not running).
    pub fn clear(&self, text: &str) {
        self.set_points(std::iter::empty(), 1.0, text, "");
    }
}
