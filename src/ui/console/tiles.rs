// SPDX-License-Identifier: GPL-3.0-or-later
//! The console display's painting: the frame cut into [`TILE`]-sized render nodes, rebuilt
//! only where damage touched them, in the form GTK's renderer draws cheapest ([`Upload`]).
//! GTK 4.8 cannot update part of a texture (that came in 4.16); `benches/console_frame.rs`
//! measures the alternatives.

use std::rc::Rc;

use gtk::prelude::*;
use gtk::{gdk, glib, graphene, gsk};

use crate::console::session::{FrameOwner, FrameView};

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
    /// For GTK's cairo renderer: one image of the frame as cairo's RGB24 (which ignores the
    /// fourth byte), and a cairo node per tile drawing straight from it (see `Shadow`): the
    /// session's own memory, which both sessions lend, else a copy that damage updates tile
    /// by tile. At 1:1 drawing it is a plain copy; a texture node would be converted again
    /// at every draw.
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
    /// Cairo uploads only: the image of the frame the tiles draw from (the session's own
    /// memory, or a copy).
    shadow: Option<Shadow>,
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
    /// When the frame is drawn scaled, a tile's pixels also sample its neighbours' edges, so
    /// the rectangle is widened by that reach (else a changed edge would leave a stale seam
    /// on the unchanged tile beside it).
    pub fn damage(&mut self, x: u32, y: u32, w: u32, h: u32) {
        let cols = self.columns();
        if cols == 0 || w == 0 || h == 0 {
            self.mark_all();
            return;
        }
        let reach = self.filter_reach();
        let (x, y) = (x.saturating_sub(reach), y.saturating_sub(reach));
        let (w, h) = (w.saturating_add(2 * reach), h.saturating_add(2 * reach));
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

    /// How many guest pixels beyond its own a tile's drawing reads: none at 1:1 (nearest
    /// pixel); when scaled, the filter's footprint, about one destination pixel's worth of
    /// guest pixels, plus one.
    fn filter_reach(&self) -> u32 {
        let p = self.placement;
        let (fw, fh) = (self.size.0.max(1) as f32, self.size.1.max(1) as f32);
        let (sx, sy) = (p.width / fw, p.height / fh);
        if (sx - 1.0).abs() < 1e-6 && (sy - 1.0).abs() < 1e-6 || sx <= 0.0 || sy <= 0.0 {
            return 0;
        }
        (1.0 / sx.min(sy)).ceil().min(64.0) as u32 + 1
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
    pub fn rebuild(&mut self, f: FrameView<'_>, upload: Upload, placement: Placement) -> usize {
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
                if !self.shadow.as_ref().is_some_and(|s| s.serves(f)) {
                    self.shadow = Shadow::for_frame(f);
                    self.mark_all();
                }
                for i in 0..self.nodes.len() {
                    if self.dirty[i] {
                        let bounds = self.bounds(i);
                        let rect = self.device_rect(i);
                        self.nodes[i] = self
                            .shadow
                            .as_ref()
                            .and_then(|s| s.update(f, bounds)?.tile_node(rect, placement));
                    }
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

/// The image of the frame the cairo tiles draw from, as cairo's RGB24 (B, G, R, ignored
/// byte: the frame's own layout). When the session lends its memory
/// ([`FrameOwner`]: gvnc's framebuffer, spice-glib's primary surface) the image *is* the
/// frame, wrapped in place, and damage only gives the touched tiles new nodes; otherwise
/// it is Vireo's own copy, into which damage copies the touched tiles' rows.
///
/// The tiles' nodes draw straight from it: cairo's recording of a paint keeps a
/// copy-on-write snapshot of its source, taken only when the source is modified *through
/// cairo* (or flushed, or finished), which this one never is. A node that outlives a change
/// (in GTK's last drawn tree) shows the latest pixels of its tile, which is also what its
/// replacement shows; all of it happens on the main thread, never while GTK draws. When the
/// surface goes, cairo copies the pixels into the snapshots still alive, which is why a
/// lent frame's owner is kept as the surface's user data (cairo drops it only after that
/// copy), and why the surface is finished (the same copy) when the lender is released,
/// before the memory is freed under it. (Calling `flush`, `mark_dirty` or cairo-rs's
/// `data()` on this surface would make cairo copy the whole frame for the snapshot at every
/// change: don't.)
struct Shadow {
    surface: gtk::cairo::ImageSurface,
    /// The surface's pixels: `stride` × height bytes, valid while `surface` is held.
    data: *mut u8,
    stride: usize,
    size: (u32, u32),
    /// When the surface wraps the session's frame memory (nothing to copy): its lender,
    /// and our hook that finishes the surface if the lender is released.
    lent: Option<(Rc<FrameOwner>, u64)>,
}

impl Drop for Shadow {
    fn drop(&mut self) {
        if let Some((lender, hook)) = &self.lent {
            lender.forget(*hook);
        }
    }
}

/// Where a wrapped surface keeps the owner of the memory it wraps.
static FRAME_OWNER: gtk::cairo::UserDataKey<Rc<FrameOwner>> = gtk::cairo::UserDataKey::new();

impl Shadow {
    /// The frame wrapped in place when its session lends it, else a new copy to fill.
    fn for_frame(f: FrameView<'_>) -> Option<Self> {
        f.owner
            .and_then(|owner| Self::wrap(f, owner))
            .or_else(|| Self::new(f.width, f.height))
    }

    /// Whether this image can serve frame `f`: same size, and for a wrapped one the same
    /// lender, not released, and the very memory `f` shows (a resized or reconnected
    /// session has new memory).
    fn serves(&self, f: FrameView<'_>) -> bool {
        (f.width, f.height) == self.size
            && match (&self.lent, f.owner) {
                // A copy reads whatever frame it is given (a lent one whose memory cairo
                // could not wrap, too).
                (None, _) => true,
                (Some((mine, _)), Some(theirs)) => {
                    Rc::ptr_eq(mine, theirs)
                        && !mine.is_released()
                        && std::ptr::eq(f.data.as_ptr(), self.data)
                }
                (Some(_), None) => false,
            }
    }

    /// A surface over the lent frame's own memory, holding its owner. None when the frame's
    /// layout is not one cairo can wrap.
    fn wrap(f: FrameView<'_>, owner: &Rc<FrameOwner>) -> Option<Self> {
        use gtk::cairo;
        let (w, h) = (i32::try_from(f.width).ok()?, i32::try_from(f.height).ok()?);
        let stride = i32::try_from(f.stride).ok()?;
        let min_stride = cairo::Format::Rgb24.stride_for_width(f.width).ok()?;
        let needed = f
            .stride
            .checked_mul((f.height as usize).checked_sub(1)?)?
            .checked_add(f.width as usize * 4)?;
        if w == 0
            || h == 0
            || stride < min_stride
            || stride % 4 != 0
            || f.data.len() < needed
            || owner.is_released()
        {
            return None;
        }
        let data = f.data.as_ptr().cast_mut();
        // SAFETY: `data` holds `stride` × (height − 1) + width × 4 bytes (checked above) that
        // stay alive and in place while `owner` is held and not released. The surface holds
        // it (below) until cairo is done with them, and is finished (cairo's last read)
        // when it is released. cairo only reads them: the surface is only ever a source,
        // never drawn into.
        let surface = unsafe {
            cairo::ImageSurface::create_for_data_unsafe(data, cairo::Format::Rgb24, w, h, stride)
        }
        .ok()?;
        surface
            .set_user_data(&FRAME_OWNER, Rc::new(owner.clone()))
            .ok()?;
        let to_finish = surface.clone();
        let hook = owner.on_release(Box::new(move || to_finish.finish()))?;
        Some(Self {
            surface,
            data,
            stride: f.stride,
            size: (f.width, f.height),
            lent: Some((owner.clone(), hook)),
        })
    }

    /// Brings the rectangle `(x0, y0, x1, y1)` up to date: nothing to do for a lent frame,
    /// a copy for an own one.
    fn update(&self, f: FrameView<'_>, bounds: (u32, u32, u32, u32)) -> Option<&Self> {
        if self.lent.is_some() {
            Some(self)
        } else {
            self.copy_from(f, bounds)
        }
    }

    /// A new image of this size, for copies.
    fn new(width: u32, height: u32) -> Option<Self> {
        use gtk::cairo;
        let (w, h) = (i32::try_from(width).ok()?, i32::try_from(height).ok()?);
        if w == 0 || h == 0 {
            return None;
        }
        let surface = cairo::ImageSurface::create(cairo::Format::Rgb24, w, h).ok()?;
        let stride = usize::try_from(surface.stride()).ok()?;
        // SAFETY: `surface` is a live image surface; its pixel memory stays where it is
        // while we hold it. (cairo-rs's `data()` refuses a surface others reference, and
        // the tiles' snapshots do.)
        let data = unsafe { cairo::ffi::cairo_image_surface_get_data(surface.to_raw_none()) };
        if data.is_null() || stride < width as usize * 4 {
            return None;
        }
        Some(Self {
            surface,
            data,
            stride,
            size: (width, height),
            lent: None,
        })
    }

    /// Copies the rectangle `(x0, y0, x1, y1)` (exclusive ends) of the frame in. None
    /// when the frame is not this shadow's size or is shorter than its size says.
    fn copy_from(&self, f: FrameView<'_>, (x0, y0, x1, y1): (u32, u32, u32, u32)) -> Option<&Self> {
        if (f.width, f.height) != self.size || x0 >= x1 || y0 >= y1 || x1 > f.width || y1 > f.height
        {
            return None;
        }
        let row = (x1 - x0) as usize * 4;
        for r in y0 as usize..y1 as usize {
            let start = r.checked_mul(f.stride)?.checked_add(x0 as usize * 4)?;
            let src = f.data.get(start..start.checked_add(row)?)?;
            // SAFETY: r < height and x1 <= width, so the `row` bytes at (x0, r) lie inside
            // the surface's `stride` × height bytes (stride ≥ width × 4, checked in `new`).
            // Only this copy writes them; cairo reads them only while GTK draws, on this
            // same thread, never during it. `src` is the frame's memory, not the surface's.
            unsafe {
                std::ptr::copy_nonoverlapping(
                    src.as_ptr(),
                    self.data.add(r * self.stride + x0 as usize * 4),
                    row,
                );
            }
        }
        Some(self)
    }

    /// A cairo node covering `rect` (device pixels) with what of the frame, placed at
    /// `placement`, falls there. Scaled frames are sampled across the whole image, so
    /// neighbouring tiles blend into each other without a seam.
    fn tile_node(&self, rect: graphene::Rect, placement: Placement) -> Option<gsk::RenderNode> {
        use gtk::cairo;
        if rect.width() <= 0.0 || rect.height() <= 0.0 {
            return None;
        }
        let node = gsk::CairoNode::new(&rect);
        let cr = node.draw_context();
        let (fw, fh) = (self.size.0 as f64, self.size.1 as f64);
        let (sx, sy) = (placement.width as f64 / fw, placement.height as f64 / fh);
        cr.translate(placement.x as f64, placement.y as f64);
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
        cr.paint().ok()?;
        Some(node.upcast())
    }
}

/// The texture of one rectangle `(x, y, w, h)` of a frame: its rows copied into a
/// `GdkMemoryTexture`. None for an empty or inconsistent frame or rectangle.
pub fn frame_texture(
    f: FrameView<'_>,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The tiles a damaged rectangle marks, starting from a clean grid.
    fn marked_by(t: &mut Tiles, (x, y, w, h): (u32, u32, u32, u32)) -> Vec<usize> {
        t.dirty.iter_mut().for_each(|d| *d = false);
        t.damage(x, y, w, h);
        (0..t.dirty.len()).filter(|&i| t.dirty[i]).collect()
    }

    fn placed(width: f32, height: f32) -> Placement {
        Placement {
            x: 0.0,
            y: 0.0,
            width,
            height,
        }
    }

    #[test]
    fn scaled_damage_reaches_the_neighbours_the_filter_reads() {
        let mut t = Tiles::default();
        t.fit(720, 400, Upload::Cairo);
        // 1:1: a change ending one pixel before the first tile's right edge is its own.
        t.placement = placed(720.0, 400.0);
        assert_eq!(marked_by(&mut t, (100, 10, 27, 10)), vec![0]);
        // Scaled to 1.25: the tile beside it samples that edge too, so it is redrawn.
        t.placement = placed(900.0, 500.0);
        assert_eq!(marked_by(&mut t, (100, 10, 27, 10)), vec![0, 1]);
        // Away from any edge, still only its own tile.
        assert_eq!(marked_by(&mut t, (40, 40, 10, 10)), vec![0]);
    }

    /// Replays a recording (what a cairo node holds) into a new 2×1 image; its first pixel.
    fn first_pixel(rec: &gtk::cairo::RecordingSurface) -> [u8; 3] {
        use gtk::cairo;
        let mut out = cairo::ImageSurface::create(cairo::Format::Rgb24, 2, 1).unwrap();
        {
            let cr = cairo::Context::new(&out).unwrap();
            cr.set_source_surface(rec, 0.0, 0.0).unwrap();
            cr.paint().unwrap();
        }
        let d = out.data().unwrap();
        [d[0], d[1], d[2]]
    }

    /// Records a paint of the shadow's surface, as a tile's cairo node does.
    fn record(shadow: &Shadow) -> gtk::cairo::RecordingSurface {
        use gtk::cairo;
        let rec = cairo::RecordingSurface::create(cairo::Content::Color, None).unwrap();
        {
            let cr = cairo::Context::new(&rec).unwrap();
            cr.set_source_surface(&shadow.surface, 0.0, 0.0).unwrap();
            cr.paint().unwrap();
        }
        rec
    }

    #[test]
    fn a_lent_frame_is_drawn_in_place_and_copied_only_when_let_go() {
        use std::cell::RefCell;
        // A 2×1 frame: B, G, R, X; the session keeps writing into it.
        let pixels = Rc::new(RefCell::new(vec![0x10, 0x20, 0x30, 0, 0x40, 0x50, 0x60, 0]));
        let (ptr, len) = (pixels.borrow().as_ptr(), pixels.borrow().len());
        // The frame as the session shows it, looked at only while nothing writes to it.
        let view = |owner| FrameView {
            // SAFETY (test): the vector is never reallocated, and no view is alive while
            // the test writes into it.
            data: unsafe { std::slice::from_raw_parts(ptr, len) },
            width: 2,
            height: 1,
            stride: 8,
            owner,
        };
        let write = |bgr: [u8; 3]| pixels.borrow_mut()[..3].copy_from_slice(&bgr);

        // Memory the lender keeps (VNC).
        let lender = FrameOwner::new(Box::new(pixels.clone()));
        let shadow = Shadow::for_frame(view(Some(&lender))).expect("a 2×1 frame can be wrapped");
        assert!(shadow.lent.is_some() && shadow.serves(view(Some(&lender))));
        assert_eq!(Rc::strong_count(&lender), 3, "the surface holds the lender");
        // A node's recording, made before the guest writes: it shows the new pixels.
        let rec = record(&shadow);
        write([0xaa, 0xbb, 0xcc]);
        assert_eq!(first_pixel(&rec), [0xaa, 0xbb, 0xcc], "no copy was made");
        // Let go (a resize, the console closing): cairo copies for the recording first,
        // then drops the lender; the recording never reads the frame's memory again.
        drop(shadow);
        assert_eq!(Rc::strong_count(&lender), 1, "the lender is let go");
        write([1, 2, 3]);
        assert_eq!(first_pixel(&rec), [0xaa, 0xbb, 0xcc]);

        // Memory freed under the lender (SPICE's primary surface): released first.
        let shadow = Shadow::for_frame(view(Some(&lender))).expect("wrapped again");
        let rec = record(&shadow);
        lender.release();
        write([4, 5, 6]); // as good as freed: nothing may read it any more
        assert_eq!(first_pixel(&rec), [1, 2, 3], "copied out when released");
        assert!(
            !shadow.serves(view(Some(&lender))),
            "a released frame is not drawn from"
        );
        assert!(Shadow::wrap(view(Some(&lender)), &lender).is_none());
        drop(shadow);
        assert_eq!(Rc::strong_count(&lender), 1, "no cycle is left behind");

        // A frame that is not lent gets a copy of its own.
        let own = Shadow::for_frame(view(None)).expect("a copy");
        assert!(own.lent.is_none() && own.serves(view(None)));
    }

    #[test]
    fn damage_marks_only_the_tiles_it_touches() {
        let mut t = Tiles::default();
        t.fit(720, 400, Upload::Opaque);
        assert_eq!(t.textures.len(), 6 * 4);
        // One text line at the bottom (row 24 of 25, 16 px): the last tile row only.
        assert_eq!(
            marked_by(&mut t, (0, 384, 720, 16)),
            vec![18, 19, 20, 21, 22, 23]
        );
        // The last column's and row's tiles end at the frame's edge.
        assert_eq!(t.bounds(23), (640, 384, 720, 400));
        // A rectangle past the edge marks what exists, never panics.
        assert_eq!(marked_by(&mut t, (700, 390, 500, 500)).len(), 1);
        assert!(t.any_dirty());
    }
}
