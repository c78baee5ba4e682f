// SPDX-License-Identifier: GPL-3.0-or-later
//! The console display: a widget that paints a session's framebuffer and sends it keyboard
//! and pointer input.
//!
//! Painting: the frame (B, G, R, X bytes) becomes render nodes, rebuilt in `snapshot()`
//! from the damage gathered since the last paint, so a burst of damage costs one copy of
//! each touched tile per painted frame. The X byte is undefined (gvnc leaves garbage, SPICE
//! zero): for the GL renderer each tile is a `B8g8r8a8Premultiplied` texture drawn over
//! opaque black (whatever the alpha, the result is the colour; CONSOLE-NOTES.md), for the
//! cairo renderer a cairo node drawing from a copy of the frame read as RGB24 (see
//! [`Upload`]). GTK 4.8 cannot update part of a texture (that came in 4.16), so the frame
//! is cut into [`TILE`]-sized textures and damage rebuilds only the tiles it touches;
//! `benches/console_frame.rs` measures it.
//! Sizes are in device pixels: at 1:1 a guest pixel is a device pixel, also at HiDPI.
//!
//! Input: keys go by hardware keycode → QEMU scancode, so the guest's layout decides. A
//! click grabs the keyboard (system shortcuts inhibited, so Alt+Tab and the like reach the
//! guest) and, in relative mouse mode, the pointer; the release combination (Ctrl+Alt by
//! default) lets go.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gtk::prelude::*;
use gtk::subclass::prelude::*;
use gtk::{gdk, glib, graphene};

pub use super::tiles::{frame_texture, upload_for, Placement, Tiles, Upload, TILE};
use crate::console::keymap;
use crate::console::session::{Buttons, Session};

/// How the guest's screen is fitted into the widget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scaling {
    /// Scaled to fit the widget, up or down, keeping the aspect ratio.
    #[default]
    Fit,
    /// One guest pixel per device pixel; larger screens are clipped (centred).
    Never,
    /// 1:1 in a window, fitted in full screen.
    FullscreenOnly,
}

impl Scaling {
    pub fn id(self) -> &'static str {
        match self {
            Scaling::Fit => "fit",
            Scaling::Never => "never",
            Scaling::FullscreenOnly => "fullscreen",
        }
    }

    pub fn from_id(s: &str) -> Scaling {
        match s {
            "never" => Scaling::Never,
            "fullscreen" => Scaling::FullscreenOnly,
            _ => Scaling::Fit,
        }
    }
}

type GrabListener = Box<dyn Fn(bool)>;

/// The shortest time between two paints of guest updates: at most 30 frames/s, SPICE's own
/// limit for video streams. A guest that redraws non-stop (scrolling text, video) would
/// otherwise be painted at the monitor's rate, and with GTK 4.8's cairo renderer each paint
/// composites the changed area on the CPU: under the SPICE flood load, 54 paints/s. An
/// update after a quiet spell (a key's echo) is painted at the next frame, as before.
const MIN_FRAME_US: i64 = 33_333;

mod imp {
    use super::*;

    #[derive(Default)]
    pub struct ConsoleDisplay {
        pub session: RefCell<Option<Rc<dyn Session>>>,
        pub tiles: RefCell<super::Tiles>,
        pub scaling: Cell<Scaling>,
        pub fullscreen: Cell<bool>,
        pub grabbed: Cell<bool>,
        pub buttons: Cell<Buttons>,
        pub last_pos: Cell<Option<(f64, f64)>>,
        /// The release keys held now, and the combination that releases the grab.
        pub held: Cell<keymap::HeldKeys>,
        pub release: Cell<keymap::ReleaseCombo>,
        /// The frame's last known size in device pixels.
        pub frame_size: Cell<(u32, u32)>,
        /// A redraw is queued (or timed, see [`MIN_FRAME_US`]) and not yet painted: further
        /// damage only marks tiles.
        pub draw_queued: Cell<bool>,
        /// When the frame was last painted (`glib::monotonic_time`, µs).
        pub last_paint: Cell<i64>,
        pub on_grab: RefCell<Vec<GrabListener>>,
        pub on_frame: RefCell<Option<Box<dyn Fn()>>>,
        pub on_resize: RefCell<Option<Box<dyn Fn()>>>,
        pub name: RefCell<String>,
        /// The window's application-shortcut controller, switched off while grabbed (so
        /// Ctrl+W reaches the guest).
        pub held_shortcuts: RefCell<Option<glib::WeakRef<gtk::ShortcutController>>>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for ConsoleDisplay {
        const NAME: &'static str = "VireoConsoleDisplay";
        type Type = super::ConsoleDisplay;
        type ParentType = gtk::Widget;

        fn class_init(klass: &mut Self::Class) {
            klass.set_css_name("vireo-console");
            klass.set_accessible_role(gtk::AccessibleRole::Img);
        }
    }

    impl ObjectImpl for ConsoleDisplay {
        fn constructed(&self) {
            self.parent_constructed();
            let obj = self.obj();
            obj.set_focusable(true);
            obj.set_can_focus(true);
            obj.set_hexpand(true);
            obj.set_vexpand(true);
            obj.set_overflow(gtk::Overflow::Hidden);
            obj.setup_input();
        }
    }

    impl WidgetImpl for ConsoleDisplay {
        fn measure(&self, orientation: gtk::Orientation, _for_size: i32) -> (i32, i32, i32, i32) {
            let (w, h) = self.frame_size.get();
            let scale = self.obj().scale_factor().max(1) as u32;
            let natural = match orientation {
                gtk::Orientation::Horizontal => w / scale,
                _ => h / scale,
            };
            let minimum = if self.scaling.get() == Scaling::Never {
                natural as i32
            } else {
                64
            };
            (
                minimum.min(natural.max(64) as i32),
                natural.max(64) as i32,
                -1,
                -1,
            )
        }

        fn size_allocate(&self, width: i32, height: i32, baseline: i32) {
            self.parent_size_allocate(width, height, baseline);
            if let Some(f) = self.on_resize.borrow().as_ref() {
                f();
            }
        }

        fn unmap(&self) {
            self.parent_unmap();
            self.draw_queued.set(false);
        }

        fn snapshot(&self, snapshot: &gtk::Snapshot) {
            self.draw_queued.set(false);
            self.last_paint.set(glib::monotonic_time());
            let obj = self.obj();
            let (w, h) = (obj.width() as f32, obj.height() as f32);
            let r = obj.frame_rect();
            let upload = super::upload_for(&*obj);
            if upload == super::Upload::Cairo {
                // The cairo path's frame is opaque (RGB24): black only around it, not a fill
                // under the whole damaged area at every frame.
                for rect in letterbox(w, h, &r) {
                    snapshot.append_color(&gdk::RGBA::BLACK, &rect);
                }
            } else {
                // Premultiplied tiles are drawn over black (their fourth byte is undefined).
                snapshot.append_color(&gdk::RGBA::BLACK, &graphene::Rect::new(0.0, 0.0, w, h));
            }
            let dev = obj.scale_factor().max(1) as f32;
            let placement = super::Placement {
                x: r.x() * dev,
                y: r.y() * dev,
                width: r.width() * dev,
                height: r.height() * dev,
            };
            if self.tiles.borrow().stale(placement) && self.rebuild_tiles(placement, upload) {
                if let Some(f) = self.on_frame.borrow().as_ref() {
                    f();
                }
            }
            // The nodes are in device pixels: at 1:1 a guest pixel is a device pixel.
            snapshot.save();
            if dev != 1.0 {
                snapshot.scale(1.0 / dev, 1.0 / dev);
            }
            for node in self.tiles.borrow().nodes.iter().flatten() {
                snapshot.append_node(node);
            }
            snapshot.restore();
        }
    }

    impl ConsoleDisplay {
        /// Rebuilds the nodes of the tiles damage touched (all of them when the frame moved);
        /// true when any tile got new content.
        pub fn rebuild_tiles(&self, placement: super::Placement, upload: super::Upload) -> bool {
            let Some(session) = self.session.borrow().clone() else {
                self.tiles.replace(super::Tiles::default());
                return false;
            };
            let mut tiles = self.tiles.borrow_mut();
            let mut built = false;
            session.with_frame(&mut |f| {
                built = tiles.rebuild(f, upload, placement) > 0;
                self.frame_size.set((f.width, f.height));
            });
            built
        }
    }
}

glib::wrapper! {
    pub struct ConsoleDisplay(ObjectSubclass<imp::ConsoleDisplay>)
        @extends gtk::Widget,
        @implements gtk::Accessible, gtk::Buildable, gtk::ConstraintTarget;
}

impl Default for ConsoleDisplay {
    fn default() -> Self {
        glib::Object::new()
    }
}

impl ConsoleDisplay {
    pub fn new() -> Self {
        Self::default()
    }

    /// Shows `session`'s frames and sends it input (None: black, no input).
    pub fn set_session(&self, session: Option<Rc<dyn Session>>) {
        self.imp().session.replace(session);
        self.imp().tiles.replace(Tiles::default());
        self.frame_changed();
    }

    pub fn session(&self) -> Option<Rc<dyn Session>> {
        self.imp().session.borrow().clone()
    }

    /// The whole frame changed: repaint (once per frame, however many calls).
    pub fn frame_changed(&self) {
        self.imp().tiles.borrow_mut().mark_all();
        self.queue_draw();
    }

    /// A rectangle of the frame changed: its tiles get new textures at the next paint.
    /// An update arrives as many rectangles; GTK is asked for one redraw, not one each, and
    /// no sooner than [`MIN_FRAME_US`] after the last paint.
    pub fn damage(&self, x: u32, y: u32, width: u32, height: u32) {
        let imp = self.imp();
        imp.tiles.borrow_mut().damage(x, y, width, height);
        if imp.draw_queued.replace(true) {
            return;
        }
        let wait = imp.last_paint.get() + MIN_FRAME_US - glib::monotonic_time();
        if wait <= 0 {
            self.queue_draw();
            return;
        }
        let weak = self.downgrade();
        glib::timeout_add_local_once(std::time::Duration::from_micros(wait as u64), move || {
            if let Some(d) = weak.upgrade() {
                d.queue_draw();
            }
        });
    }

    /// The guest screen's size in its own pixels, once a frame was shown.
    pub fn frame_size(&self) -> Option<(u32, u32)> {
        Some(self.imp().frame_size.get())
            .filter(|&(w, h)| w > 0 && h > 0 && self.session().is_some())
    }

    /// The guest's screen changed size.
    pub fn resized(&self, width: u32, height: u32) {
        self.imp().frame_size.set((width, height));
        self.frame_changed();
        self.queue_resize();
    }

    /// The name the accessibility tree gives the widget ("Console of NAME").
    pub fn set_domain_name(&self, name: &str) {
        self.imp().name.replace(name.to_string());
        self.update_accessible();
    }

    pub fn set_scaling(&self, s: Scaling) {
        self.imp().scaling.set(s);
        self.queue_resize();
        self.queue_draw();
    }

    pub fn scaling(&self) -> Scaling {
        self.imp().scaling.get()
    }

    pub fn set_fullscreen(&self, fs: bool) {
        self.imp().fullscreen.set(fs);
        self.queue_draw();
    }

    pub fn is_grabbed(&self) -> bool {
        self.imp().grabbed.get()
    }

    /// Called with the new grab state whenever it changes.
    pub fn connect_grab_changed(&self, f: impl Fn(bool) + 'static) {
        self.imp().on_grab.borrow_mut().push(Box::new(f));
    }

    /// Called after each texture upload (the recorder takes its frames here).
    pub fn connect_frame_painted(&self, f: impl Fn() + 'static) {
        self.imp().on_frame.replace(Some(Box::new(f)));
    }

    /// The keys that release a grabbed keyboard.
    pub fn set_release_combo(&self, combo: keymap::ReleaseCombo) {
        self.imp().release.set(combo);
        self.update_accessible();
    }

    pub fn release_combo(&self) -> keymap::ReleaseCombo {
        self.imp().release.get()
    }

    /// Called whenever the widget gets a size (the window was resized).
    pub fn connect_resized(&self, f: impl Fn() + 'static) {
        self.imp().on_resize.replace(Some(Box::new(f)));
    }

    /// Where the frame is drawn, in widget coordinates.
    fn frame_rect(&self) -> graphene::Rect {
        let imp = self.imp();
        let (fw, fh) = imp.frame_size.get();
        let (w, h) = (self.width() as f32, self.height() as f32);
        if fw == 0 || fh == 0 || w <= 0.0 || h <= 0.0 {
            return graphene::Rect::new(0.0, 0.0, 0.0, 0.0);
        }
        let dev = self.scale_factor().max(1) as f32;
        let (lw, lh) = (fw as f32 / dev, fh as f32 / dev);
        let fit = match imp.scaling.get() {
            Scaling::Fit => true,
            Scaling::Never => false,
            Scaling::FullscreenOnly => imp.fullscreen.get(),
        };
        let s = if fit { (w / lw).min(h / lh) } else { 1.0 };
        let (dw, dh) = (lw * s, lh * s);
        graphene::Rect::new(((w - dw) / 2.0).floor(), ((h - dh) / 2.0).floor(), dw, dh)
    }

    /// A widget position in guest pixels (clamped to the screen).
    pub(super) fn to_guest(&self, x: f64, y: f64) -> Option<(u32, u32)> {
        let r = self.frame_rect();
        let (fw, fh) = self.imp().frame_size.get();
        if r.width() <= 0.0 || r.height() <= 0.0 {
            return None;
        }
        let gx = ((x as f32 - r.x()) / r.width() * fw as f32).clamp(0.0, fw as f32 - 1.0);
        let gy = ((y as f32 - r.y()) / r.height() * fh as f32).clamp(0.0, fh as f32 - 1.0);
        Some((gx as u32, gy as u32))
    }

    /// The current frame as straight RGBA with opaque alpha, for screenshots and recordings.
    pub fn frame_rgba(&self) -> Option<(u32, u32, Vec<u8>)> {
        let s = self.session()?;
        let mut out = None;
        s.with_frame(&mut |f| {
            let mut px = Vec::with_capacity(f.width as usize * f.height as usize * 4);
            for y in 0..f.height as usize {
                let row = &f.data[y * f.stride..y * f.stride + f.width as usize * 4];
                for p in row.chunks_exact(4) {
                    px.extend_from_slice(&[p[2], p[1], p[0], 255]);
                }
            }
            out = Some((f.width, f.height, px));
        });
        out
    }

    /// Saves the current frame, at the guest's resolution, as a PNG file.
    pub fn save_png(&self, path: &std::path::Path) -> Result<(u32, u32), String> {
        let (w, h, px) = self
            .frame_rgba()
            .ok_or_else(|| gettextrs::gettext("The console shows no picture yet."))?;
        let bytes = glib::Bytes::from_owned(px);
        let tex = gdk::MemoryTexture::new(
            w as i32,
            h as i32,
            gdk::MemoryFormat::R8g8b8a8,
            &bytes,
            w as usize * 4,
        );
        tex.save_to_png(path).map_err(|e| e.to_string())?;
        Ok((w, h))
    }
}

/// The parts of a `w`×`h` widget that the frame at `r` leaves uncovered, each reaching one
/// pixel under the frame's edge so that no seam shows where a scaled frame ends between
/// pixels. The whole widget when there is no frame.
fn letterbox(w: f32, h: f32, r: &graphene::Rect) -> Vec<graphene::Rect> {
    let (x0, y0) = (r.x() + 1.0, r.y() + 1.0);
    let (x1, y1) = (r.x() + r.width() - 1.0, r.y() + r.height() - 1.0);
    if x1 <= x0 || y1 <= y0 {
        return vec![graphene::Rect::new(0.0, 0.0, w, h)];
    }
    let (x0, y0, x1, y1) = (x0.max(0.0), y0.max(0.0), x1.min(w), y1.min(h));
    [
        (0.0, 0.0, w, y0),
        (0.0, y1, w, h - y1),
        (0.0, y0, x0, y1 - y0),
        (x1, y0, w - x1, y1 - y0),
    ]
    .into_iter()
    .filter(|&(_, _, rw, rh)| rw > 0.0 && rh > 0.0)
    .map(|(x, y, rw, rh)| graphene::Rect::new(x, y, rw, rh))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::letterbox;
    use gtk::graphene::Rect;

    fn covered(rects: &[Rect], x: f32, y: f32) -> bool {
        rects
            .iter()
            .any(|r| r.contains_point(&gtk::graphene::Point::new(x, y)))
    }

    #[test]
    fn black_covers_exactly_what_the_frame_leaves_and_its_edge() {
        // A 4:3 frame fitted into a wide widget: bars left and right.
        let (w, h) = (800.0, 400.0);
        let frame = Rect::new(133.0, 0.0, 533.3, 400.0);
        let bars = letterbox(w, h, &frame);
        for y in (0..400).map(|y| y as f32 + 0.5) {
            for x in (0..800).map(|x| x as f32 + 0.5) {
                let inside = frame.contains_point(&gtk::graphene::Point::new(x, y));
                let deep = x > 134.0 && x < 665.3 && y > 1.0 && y < 399.0;
                // Every pixel is the frame's or black; none deep inside the frame is filled.
                assert!(inside || covered(&bars, x, y), "({x}, {y}) left uncovered");
                assert!(
                    !(deep && covered(&bars, x, y)),
                    "({x}, {y}) filled under the frame"
                );
            }
        }
    }

    #[test]
    fn no_frame_is_all_black() {
        let bars = letterbox(300.0, 200.0, &Rect::new(0.0, 0.0, 0.0, 0.0));
        assert_eq!(bars.len(), 1);
        assert!(covered(&bars, 299.5, 199.5) && covered(&bars, 0.5, 0.5));
    }
}
