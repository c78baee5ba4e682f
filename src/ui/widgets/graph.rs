// SPDX-License-Identifier: GPL-3.0-or-later
//! `Graph`: a history graph with a value axis and units, one or two lines (read / write,
//! receive / transmit), drawn with cairo. Used by the details window's Performance page.
//! Gaps in a series break its line; the axis top is chosen by the caller (1-2-5 steps from
//! `crate::stats::scale`), and the axis labels are formatted by the caller's function.

use std::cell::RefCell;

use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;

/// GNOME palette: blue 3, orange 3.
const COLORS: [(f64, f64, f64); 2] = [(0.21, 0.52, 0.89), (1.0, 0.47, 0.0)];
const LEFT: f64 = 72.0;
const BOTTOM: f64 = 18.0;

/// What one graph shows.
#[derive(Default, Clone)]
pub struct GraphData {
    /// Up to two series, oldest point first.
    pub lines: Vec<Vec<Option<f32>>>,
    pub max: f64,
    /// Axis labels at 0, max/2 and max, already formatted with units.
    pub labels: [String; 3],
    /// "2 min ago" at the left end of the time axis.
    pub span: String,
    /// Points the time axis holds; a young history is drawn at the right (now), not
    /// stretched over the whole axis.
    pub slots: usize,
}

mod imp {
    use super::*;

    #[derive(Default)]
    pub struct Graph {
        pub data: RefCell<GraphData>,
        pub accessible_words: RefCell<String>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for Graph {
        const NAME: &'static str = "VireoGraph";
        type Type = super::Graph;
        type ParentType = gtk::Widget;

        fn class_init(klass: &mut Self::Class) {
            klass.set_css_name("graph");
            klass.set_accessible_role(gtk::AccessibleRole::Img);
        }
    }

    impl ObjectImpl for Graph {}

    impl WidgetImpl for Graph {
        fn measure(&self, orientation: gtk::Orientation, _for_size: i32) -> (i32, i32, i32, i32) {
            match orientation {
                gtk::Orientation::Horizontal => (240, 480, -1, -1),
                _ => (96, 140, -1, -1),
            }
        }

        fn snapshot(&self, snapshot: &gtk::Snapshot) {
            let widget = self.obj();
            let (w, h) = (widget.width() as f64, widget.height() as f64);
            if w <= LEFT + 10.0 || h <= BOTTOM + 10.0 {
                return;
            }
            #[allow(deprecated)]
            let fg = widget.style_context().color();
            let data = self.data.borrow();
            let (pw, ph) = (w - LEFT, h - BOTTOM);

            // Axis labels (pango), right-aligned left of the plot.
            let label = |text: &str, x: f64, y: f64, right: bool| {
                let layout = widget.create_pango_layout(Some(text));
                let (tw, th) = layout.pixel_size();
                let x = if right { x - tw as f64 } else { x };
                snapshot.save();
                snapshot.translate(&gtk::graphene::Point::new(
                    x as f32,
                    (y - th as f64 / 2.0).max(0.0) as f32,
                ));
                let dim = gtk::gdk::RGBA::new(fg.red(), fg.green(), fg.blue(), 0.6);
                snapshot.append_layout(&layout, &dim);
                snapshot.restore();
            };
            for (i, text) in data.labels.iter().enumerate() {
                let y = ph - ph * i as f64 / 2.0;
                label(text, LEFT - 6.0, y.clamp(6.0, ph), true);
            }
            label(&data.span, LEFT, h - BOTTOM / 2.0, false);

            let cr = snapshot.append_cairo(&gtk::graphene::Rect::new(
                LEFT as f32,
                0.0,
                pw as f32,
                ph as f32,
            ));
            // Grid.
            cr.set_source_rgba(fg.red() as f64, fg.green() as f64, fg.blue() as f64, 0.12);
            cr.set_line_width(1.0);
            for i in 0..=4 {
                let y = (ph - 1.0) * i as f64 / 4.0 + 0.5;
                cr.move_to(LEFT, y);
                cr.line_to(w, y);
            }
            cr.rectangle(LEFT + 0.5, 0.5, pw - 1.0, ph - 1.0);
            let _ = cr.stroke();

            let max = data.max.max(f64::MIN_POSITIVE);
            for (line, (r, g, b)) in data.lines.iter().zip(COLORS) {
                if line.len() < 2 {
                    continue;
                }
                let slots = data.slots.max(line.len());
                let step = (pw - 2.0) / (slots - 1) as f64;
                let offset = slots - line.len();
                let mut drawing = false;
                for (i, p) in line.iter().enumerate() {
                    match p {
                        Some(v) => {
                            let x = LEFT + 1.0 + (offset + i) as f64 * step;
                            let y = ph - 1.0 - (*v as f64 / max).clamp(0.0, 1.0) * (ph - 2.0);
                            if drawing {
                                cr.line_to(x, y);
                            } else {
                                cr.move_to(x, y);
                                drawing = true;
                            }
                        }
                        None => drawing = false,
                    }
                }
                cr.set_source_rgb(r, g, b);
                cr.set_line_width(1.5);
                let _ = cr.stroke();
            }
        }
    }
}

glib::wrapper! {
    pub struct Graph(ObjectSubclass<imp::Graph>)
        @extends gtk::Widget,
        @implements gtk::Accessible, gtk::Buildable, gtk::ConstraintTarget;
}

impl Default for Graph {
    fn default() -> Self {
        glib::Object::new()
    }
}

impl Graph {
    /// Shows `data`; `words` is what assistive technology hears ("CPU usage 12 %").
    pub fn set_data(&self, data: GraphData, words: &str) {
        self.imp().data.replace(data);
        // Every change of the accessible name is a D-Bus signal: send only real changes.
        if self.imp().accessible_words.borrow().as_str() != words {
            self.imp().accessible_words.replace(words.to_string());
            self.update_property(&[gtk::accessible::Property::Label(words)]);
        }
        self.queue_draw();
    }

    /// The colour of line `i` as CSS, for a legend.
    pub fn color_css(i: usize) -> String {
        let (r, g, b) = COLORS[i.min(COLORS.len() - 1)];
        format!(
            "#{:02x}{:02x}{:02x}",
            (r * 255.0) as u8,
            (g * 255.0) as u8,
            (b * 255.0) as u8
        )
    }
}
