// SPDX-License-Identifier: GPL-3.0-or-later
//! The console display: a widget that paints a session's framebuffer and sends it keyboard
//! and pointer input.
//!
//! Painting: the frame (B, G, R, X bytes) becomes `GdkMemoryTexture`s, rebuilt in
//! `snapshot()` from the damage gathered since the last paint, so a burst of damage costs
//! one copy of each touched tile per painted frame. The X
//! byte is undefined (gvnc leaves garbage, SPICE zero): for the GL renderer the texture is
//! `B8g8r8a8Premultiplied` drawn over opaque black (whatever the alpha, the result is the
//! colour; CONSOLE-NOTES.md), for the cairo renderer the copy forces the byte opaque (see
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

use gtk::glib::translate::IntoGlib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;
use gtk::{gdk, glib, graphene, gsk};

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
        pub on_grab: RefCell<Vec<GrabListener>>,
        pub on_frame: RefCell<Option<Box<dyn Fn()>>>,
        pub on_resize: RefCell<Option<Box<dyn Fn()>>>,
        pub name: RefCell<String>,
        /// Application shortcuts taken away while grabbed (so Ctrl+W reaches the guest).
        pub saved_accels: RefCell<Vec<(String, Vec<glib::GString>)>>,
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

        fn snapshot(&self, snapshot: &gtk::Snapshot) {
            let obj = self.obj();
            let (w, h) = (obj.width() as f32, obj.height() as f32);
            snapshot.append_color(&gdk::RGBA::BLACK, &graphene::Rect::new(0.0, 0.0, w, h));
            let dev = obj.scale_factor().max(1) as f32;
            let r = obj.frame_rect();
            let placement = super::Placement {
                x: r.x() * dev,
                y: r.y() * dev,
                width: r.width() * dev,
                height: r.height() * dev,
            };
            if self.tiles.borrow().stale(placement) && self.rebuild_tiles(placement) {
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
            if obj.has_focus() && !self.grabbed.get() {
                // A thin focus line, so keyboard users see where keys go.
                let c = gdk::RGBA::new(0.21, 0.52, 0.89, 0.8);
                let b = gtk::gsk::RoundedRect::from_rect(graphene::Rect::new(0.0, 0.0, w, h), 0.0);
                snapshot.append_border(&b, &[2.0; 4], &[c, c, c, c]);
            }
        }
    }

    impl ConsoleDisplay {
        /// Rebuilds the nodes of the tiles damage touched (all of them when the frame moved);
        /// true when any tile got new content.
        pub fn rebuild_tiles(&self, placement: super::Placement) -> bool {
            let Some(session) = self.session.borrow().clone() else {
                self.tiles.replace(super::Tiles::default());
                return false;
            };
            let upload = super::upload_for(&*self.obj());
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

/// How tiles are handed to GTK; which is cheaper depends on GTK's renderer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upload {
    /// A texture per tile, the bytes as they are, read as premultiplied BGRA over black: the
    /// format GL uploads without converting, and an undefined fourth byte cannot matter
    /// (CONSOLE-NOTES.md).
    Premultiplied,
    /// A texture per tile with the fourth byte forced opaque, read as straight BGRA. Kept for
    /// the frame bench: GTK 4.8's cairo renderer converts a texture again at every draw.
    Opaque,
    /// For GTK's cairo renderer: a cairo node per tile whose surface already holds the tile
    /// converted (the frame read as cairo's RGB24, which ignores the fourth byte) and scaled
    /// to device pixels, once per change. Drawing it is a plain copy of what is on screen;
    /// a texture node would be converted (and scaled) again at every draw.
    Cairo,
}

/// The upload that suits the renderer drawing `widget` (cairo, or anything else).
pub fn upload_for(widget: &impl IsA<gtk::Widget>) -> Upload {
    let cairo = widget
        .native()
        .and_then(|n| n.renderer())
        .is_some_and(|r| r.is::<gtk::gsk::CairoRenderer>());
    if cairo {
        Upload::Cairo
    } else {
        Upload::Premultiplied
    }
}

/// Side of a tile, in guest pixels. GTK 4.8 cannot update part of a texture, so the frame
/// is cut into tiles, each its own render node: damage rebuilds only the tiles it touches,
/// and GTK redraws (and the GL renderer re-uploads) only those. 128 keeps a blinking text
/// cursor or one new line cheap without making a full-screen update much dearer (measured
/// in `benches/console_frame.rs`).
pub const TILE: u32 = 128;

/// Where the frame is drawn, in device pixels (the widget's coordinates times its scale).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Placement {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

/// The frame's tile grid: a render node per tile, and which tiles need a new one.
#[derive(Default)]
pub struct Tiles {
    pub size: (u32, u32),
    upload: Option<Upload>,
    placement: Placement,
    /// Texture uploads only: each tile's texture, kept while only the placement changes.
    textures: Vec<Option<gdk::Texture>>,
    /// What the widget appends, in device pixels.
    pub nodes: Vec<Option<gsk::RenderNode>>,
    pub dirty: Vec<bool>,
}

impl Tiles {
    fn columns(&self) -> u32 {
        self.size.0.div_ceil(TILE)
    }

    /// Makes the grid fit a frame of this size (everything dirty when it changes).
    pub fn fit(&mut self, width: u32, height: u32, upload: Upload) {
        if self.size != (width, height) || self.upload != Some(upload) {
            self.size = (width, height);
            self.upload = Some(upload);
            let n = (width.div_ceil(TILE) * height.div_ceil(TILE)) as usize;
            self.textures = vec![None; n];
            self.nodes = vec![None; n];
            self.dirty = vec![true; n];
        }
    }

    /// Tile `i`'s guest-pixel bounds (x0, y0, x1, y1), exclusive ends.
    pub fn bounds(&self, i: usize) -> (u32, u32, u32, u32) {
        let cols = self.columns().max(1);
        let (tx, ty) = (i as u32 % cols, i as u32 / cols);
        let (x0, y0) = (tx * TILE, ty * TILE);
        (
            x0,
            y0,
            (x0 + TILE).min(self.size.0),
            (y0 + TILE).min(self.size.1),
        )
    }

    /// Tile `i`'s place in device pixels. Edges are rounded to whole pixels, so neighbouring
    /// tiles meet without a seam.
    fn device_rect(&self, i: usize) -> graphene::Rect {
        let p = self.placement;
        let (fw, fh) = (self.size.0.max(1) as f32, self.size.1.max(1) as f32);
        let (sx, sy) = (p.width / fw, p.height / fh);
        let (x0, y0, x1, y1) = self.bounds(i);
        let (left, top) = (
            (p.x + x0 as f32 * sx).round(),
            (p.y + y0 as f32 * sy).round(),
        );
        let (right, bottom) = (
            (p.x + x1 as f32 * sx).round(),
            (p.y + y1 as f32 * sy).round(),
        );
        graphene::Rect::new(left, top, right - left, bottom - top)
    }

    /// Marks the tiles a damaged rectangle touches; everything when the grid is unknown.
    pub fn damage(&mut self, x: u32, y: u32, w: u32, h: u32) {
        let cols = self.columns();
        if cols == 0 || w == 0 || h == 0 {
            self.mark_all();
            return;
        }
        let rows = self.size.1.div_ceil(TILE);
        let (x1, y1) = ((x + w - 1) / TILE, (y + h - 1) / TILE);
        for ty in (y / TILE)..=y1.min(rows.saturating_sub(1)) {
            for tx in (x / TILE)..=x1.min(cols - 1) {
                if let Some(d) = self.dirty.get_mut((ty * cols + tx) as usize) {
                    *d = true;
                }
            }
        }
    }

    pub fn mark_all(&mut self) {
        self.dirty.iter_mut().for_each(|d| *d = true);
        if self.dirty.is_empty() {
            // No grid yet: the next rebuild makes one, all dirty.
            self.size = (0, 0);
        }
    }

    /// Whether the next paint must call [`Tiles::rebuild`].
    pub fn stale(&self, placement: Placement) -> bool {
        self.any_dirty() || self.placement != placement
    }

    /// Gives every dirty tile a new node from `f`, placed at `placement`; returns how many
    /// tiles got new content. A new placement re-places every node (cairo tiles are drawn
    /// again, textures are kept).
    pub fn rebuild(
        &mut self,
        f: crate::console::session::FrameView<'_>,
        upload: Upload,
        placement: Placement,
    ) -> usize {
        self.fit(f.width, f.height, upload);
        let moved = self.placement != placement;
        self.placement = placement;
        let mut n = 0;
        match upload {
            Upload::Premultiplied | Upload::Opaque => {
                for i in 0..self.nodes.len() {
                    if self.dirty[i] {
                        let (x0, y0, x1, y1) = self.bounds(i);
                        self.textures[i] = frame_texture(f, (x0, y0, x1 - x0, y1 - y0), upload);
                        self.dirty[i] = false;
                        n += 1;
                    } else if !moved {
                        continue;
                    }
                    let rect = self.device_rect(i);
                    self.nodes[i] = self.textures[i]
                        .as_ref()
                        .map(|t| gsk::TextureNode::new(t, &rect).upcast());
                }
            }
            Upload::Cairo => {
                let content = self.dirty.iter().filter(|&&d| d).count();
                if moved {
                    self.mark_all();
                }
                if let Some(src) = FrameSurface::new(f) {
                    for i in 0..self.nodes.len() {
                        if self.dirty[i] {
                            self.nodes[i] = src.tile_node(self.device_rect(i), placement);
                        }
                    }
                } else {
                    self.nodes.iter_mut().for_each(|n| *n = None);
                }
                self.dirty.iter_mut().for_each(|d| *d = false);
                n = content;
            }
        }
        n
    }

    pub fn any_dirty(&self) -> bool {
        self.size == (0, 0) || self.dirty.iter().any(|&d| d)
    }
}

/// A frame seen by cairo as an RGB24 image (B, G, R, ignored byte), without a copy. It
/// borrows the frame's memory: it lives only while the frame is lent, and is finished when
/// dropped so no cairo object keeps the pointer.
struct FrameSurface<'a> {
    surface: gtk::cairo::ImageSurface,
    frame: crate::console::session::FrameView<'a>,
}

impl<'a> FrameSurface<'a> {
    fn new(f: crate::console::session::FrameView<'a>) -> Option<Self> {
        let (w, h) = (i32::try_from(f.width).ok()?, i32::try_from(f.height).ok()?);
        let stride = i32::try_from(f.stride).ok()?;
        let need = f.stride.checked_mul(f.height as usize - 1)? + f.width as usize * 4;
        if w == 0
            || h == 0
            || stride % 4 != 0
            || f.stride < f.width as usize * 4
            || f.data.len() < need
        {
            return None;
        }
        // SAFETY: the memory covers `height` rows of `stride` bytes (checked above) and
        // outlives the surface (the lifetime ties it to the frame, and `Drop` finishes the
        // surface, which makes cairo let go of the pointer). Cairo only reads a source
        // surface; nothing draws into this one.
        let surface = unsafe {
            gtk::cairo::ImageSurface::create_for_data_unsafe(
                f.data.as_ptr() as *mut u8,
                gtk::cairo::Format::Rgb24,
                w,
                h,
                stride,
            )
        }
        .ok()?;
        Some(Self { surface, frame: f })
    }

    /// A cairo node covering `rect` (device pixels) with the part of the frame, placed at
    /// `placement`, that falls there, converted and scaled once into the tile's own image.
    /// (GTK's cairo node records its drawing and replays it at every draw: it must record
    /// a finished image, not the conversion and scaling, nor the frame itself, which would
    /// be copied whole when it is let go.) Sampling reads the whole frame, so scaled tiles
    /// blend with their neighbours' pixels and meet without a seam.
    fn tile_node(&self, rect: graphene::Rect, placement: Placement) -> Option<gsk::RenderNode> {
        use gtk::cairo;
        let (w, h) = (rect.width() as i32, rect.height() as i32);
        if w <= 0 || h <= 0 {
            return None;
        }
        if let Some(node) = self.unscaled_tile_node(rect, placement) {
            return Some(node);
        }
        let tile = cairo::ImageSurface::create(cairo::Format::Rgb24, w, h).ok()?;
        {
            let cr = cairo::Context::new(&tile).ok()?;
            let (fw, fh) = (self.surface.width() as f64, self.surface.height() as f64);
            let (sx, sy) = (placement.width as f64 / fw, placement.height as f64 / fh);
            cr.translate(
                placement.x as f64 - rect.x() as f64,
                placement.y as f64 - rect.y() as f64,
            );
            cr.scale(sx, sy);
            cr.set_source_surface(&self.surface, 0.0, 0.0).ok()?;
            let pattern = cr.source();
            let one_to_one = (sx - 1.0).abs() < 1e-6 && (sy - 1.0).abs() < 1e-6;
            pattern.set_filter(if one_to_one {
                cairo::Filter::Nearest
            } else {
                cairo::Filter::Good
            });
            pattern.set_extend(cairo::Extend::Pad);
            cr.set_operator(cairo::Operator::Source);
            cr.paint().ok()?;
        }
        let node = gsk::CairoNode::new(&rect);
        let cr = node.draw_context();
        cr.set_source_surface(&tile, rect.x() as f64, rect.y() as f64)
            .ok()?;
        cr.paint().ok()?;
        Some(node.upcast())
    }
}

impl FrameSurface<'_> {
    /// At 1:1 the tile is the frame's rows as they are (cairo's RGB24 ignores the fourth
    /// byte): copied straight into the tile's memory, without cairo clearing it first or
    /// compositing. None when the tile is not at whole guest pixels of an unscaled frame.
    fn unscaled_tile_node(
        &self,
        rect: graphene::Rect,
        placement: Placement,
    ) -> Option<gsk::RenderNode> {
        use gtk::cairo;
        let f = self.frame;
        if placement.width != f.width as f32 || placement.height != f.height as f32 {
            return None;
        }
        let (gx, gy) = (rect.x() - placement.x, rect.y() - placement.y);
        if gx.fract() != 0.0 || gy.fract() != 0.0 || gx < 0.0 || gy < 0.0 {
            return None;
        }
        let (gx, gy) = (gx as usize, gy as usize);
        let (w, h) = (rect.width() as usize, rect.height() as usize);
        if gx + w > f.width as usize || gy + h > f.height as usize {
            return None;
        }
        let row = w * 4;
        let mut bytes = Vec::with_capacity(row * h);
        for r in gy..gy + h {
            let start = r * f.stride + gx * 4;
            bytes.extend_from_slice(f.data.get(start..start + row)?);
        }
        let tile = cairo::ImageSurface::create_for_data(
            bytes,
            cairo::Format::Rgb24,
            w as i32,
            h as i32,
            row as i32,
        )
        .ok()?;
        let node = gsk::CairoNode::new(&rect);
        let cr = node.draw_context();
        cr.set_source_surface(&tile, rect.x() as f64, rect.y() as f64)
            .ok()?;
        cr.paint().ok()?;
        Some(node.upcast())
    }
}

impl Drop for FrameSurface<'_> {
    fn drop(&mut self) {
        self.surface.finish();
    }
}

/// The texture of one rectangle `(x, y, w, h)` of a frame: its rows copied into a
/// `GdkMemoryTexture`. None for an empty or inconsistent frame or rectangle.
pub fn frame_texture(
    f: crate::console::session::FrameView<'_>,
    (x, y, w, h): (u32, u32, u32, u32),
    upload: Upload,
) -> Option<gdk::Texture> {
    if w == 0 || h == 0 || x + w > f.width || y + h > f.height || f.stride < f.width as usize * 4 {
        return None;
    }
    let row = w as usize * 4;
    let mut v = Vec::with_capacity(row * h as usize);
    for r in y as usize..(y + h) as usize {
        let start = r * f.stride + x as usize * 4;
        v.extend_from_slice(f.data.get(start..start + row)?);
    }
    let format = match upload {
        Upload::Premultiplied => gdk::MemoryFormat::B8g8r8a8Premultiplied,
        Upload::Opaque | Upload::Cairo => {
            for px in v.chunks_exact_mut(4) {
                px[3] = 0xff;
            }
            gdk::MemoryFormat::B8g8r8a8
        }
    };
    let bytes = glib::Bytes::from_owned(v);
    Some(gdk::MemoryTexture::new(w as i32, h as i32, format, &bytes, row).upcast())
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
    pub fn damage(&self, x: u32, y: u32, width: u32, height: u32) {
        self.imp().tiles.borrow_mut().damage(x, y, width, height);
        self.queue_draw();
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
    fn to_guest(&self, x: f64, y: f64) -> Option<(u32, u32)> {
        let r = self.frame_rect();
        let (fw, fh) = self.imp().frame_size.get();
        if r.width() <= 0.0 || r.height() <= 0.0 {
            return None;
        }
        let gx = ((x as f32 - r.x()) / r.width() * fw as f32).clamp(0.0, fw as f32 - 1.0);
        let gy = ((y as f32 - r.y()) / r.height() * fh as f32).clamp(0.0, fh as f32 - 1.0);
        Some((gx as u32, gy as u32))
    }

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
    fn hold_app_shortcuts(&self, grab: bool) {
        let Some(app) = self
            .root()
            .and_downcast::<gtk::Window>()
            .and_then(|w| w.application())
        else {
            return;
        };
        let saved = &self.imp().saved_accels;
        if grab {
            let mut held = Vec::new();
            for name in app.list_action_descriptions() {
                let accels = app.accels_for_action(&name);
                if !accels.is_empty() {
                    app.set_accels_for_action(&name, &[]);
                    held.push((name.to_string(), accels.into_iter().collect()));
                }
            }
            saved.replace(held);
        } else {
            for (name, accels) in saved.take() {
                let a: Vec<&str> = accels.iter().map(|s| s.as_str()).collect();
                app.set_accels_for_action(&name, &a);
            }
        }
    }

    fn update_accessible(&self) {
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

    fn setup_input(&self) {
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
                me.queue_draw();
            }
        });
        let me = self.downgrade();
        focus.connect_enter(move |_| {
            if let Some(me) = me.upgrade() {
                me.queue_draw();
            }
        });
        self.add_controller(focus);
    }

    fn key(&self, keyval: gdk::Key, keycode: u32, down: bool) -> glib::Propagation {
        let imp = self.imp();
        let Some(s) = self.session() else {
            return glib::Propagation::Proceed;
        };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damage_marks_only_the_tiles_it_touches() {
        let mut t = Tiles::default();
        t.fit(720, 400, Upload::Opaque);
        assert_eq!(t.textures.len(), 6 * 4);
        t.dirty.iter_mut().for_each(|d| *d = false);
        // One text line at the bottom (row 24 of 25, 16 px): the last tile row only.
        t.damage(0, 384, 720, 16);
        let marked: Vec<usize> = (0..t.dirty.len()).filter(|&i| t.dirty[i]).collect();
        assert_eq!(marked, vec![18, 19, 20, 21, 22, 23]);
        // The last column's and row's tiles end at the frame's edge.
        assert_eq!(t.bounds(23), (640, 384, 720, 400));
        // A rectangle past the edge marks what exists, never panics.
        t.dirty.iter_mut().for_each(|d| *d = false);
        t.damage(700, 390, 500, 500);
        assert_eq!((0..t.dirty.len()).filter(|&i| t.dirty[i]).count(), 1);
        assert!(t.any_dirty());
    }
}
