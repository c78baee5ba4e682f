// SPDX-License-Identifier: GPL-3.0-or-later
//! The console's frame path: framebuffer → texture, as the display widget does it once per
//! painted frame (`ui::console::display::frame_texture`), for a 1920×1080 full update (the
//! issue's target: ≥ 120 full frames/s on one core, i.e. ≤ 8.3 ms), and the same drawn by
//! GTK's cairo renderer into an offscreen texture when a display is available.
//!
//! Also the alternative GTK 4.8 allows for small damage (it has no partial texture update;
//! that came in 4.16): cutting the frame into 256×256 tiles, each its own texture, and
//! rebuilding only the tiles a damaged rectangle touches — here one 16-pixel text line.
//! Run: `cargo bench --bench console_frame` (under Xvfb for the render case).

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use gtk::prelude::*;
use gtk::{gdk, glib, gsk};
use vireo::console::session::FrameView;
use vireo::ui::console::display::frame_texture;

const W: u32 = 1920;
const H: u32 = 1080;
const TILE: u32 = 256;

fn frame() -> Vec<u8> {
    (0..(W * H * 4) as usize)
        .map(|i| (i * 7 % 251) as u8)
        .collect()
}

fn view(data: &[u8]) -> FrameView<'_> {
    FrameView {
        data,
        width: W,
        height: H,
        stride: W as usize * 4,
    }
}

/// Rebuilds the textures of the tiles that `(x, y, w, h)` touches.
fn rebuild_tiles(
    data: &[u8],
    tiles: &mut [Option<gdk::Texture>],
    dmg: (u32, u32, u32, u32),
) -> usize {
    let cols = W.div_ceil(TILE);
    let (x0, y0) = (dmg.0 / TILE, dmg.1 / TILE);
    let (x1, y1) = ((dmg.0 + dmg.2 - 1) / TILE, (dmg.1 + dmg.3 - 1) / TILE);
    let stride = W as usize * 4;
    let mut n = 0;
    for ty in y0..=y1 {
        for tx in x0..=x1 {
            let (tw, th) = (TILE.min(W - tx * TILE), TILE.min(H - ty * TILE));
            let mut buf = Vec::with_capacity((tw * th * 4) as usize);
            for row in 0..th as usize {
                let start = (ty * TILE) as usize * stride + row * stride + (tx * TILE) as usize * 4;
                buf.extend_from_slice(&data[start..start + tw as usize * 4]);
            }
            let bytes = glib::Bytes::from_owned(buf);
            tiles[(ty * cols + tx) as usize] = Some(
                gdk::MemoryTexture::new(
                    tw as i32,
                    th as i32,
                    gdk::MemoryFormat::B8g8r8a8Premultiplied,
                    &bytes,
                    tw as usize * 4,
                )
                .upcast(),
            );
            n += 1;
        }
    }
    n
}

fn bench(c: &mut Criterion) {
    let data = frame();
    let mut g = c.benchmark_group("console_frame");
    g.throughput(Throughput::Elements(1));
    g.bench_function("1080p_full_update_to_texture", |b| {
        b.iter(|| black_box(frame_texture(view(&data))))
    });
    let cols = W.div_ceil(TILE);
    let rows = H.div_ceil(TILE);
    let mut tiles: Vec<Option<gdk::Texture>> = vec![None; (cols * rows) as usize];
    rebuild_tiles(&data, &mut tiles, (0, 0, W, H));
    g.bench_function("1080p_one_text_line_full_texture", |b| {
        b.iter(|| black_box(frame_texture(view(&data))))
    });
    g.bench_function("1080p_one_text_line_tiles", |b| {
        b.iter(|| black_box(rebuild_tiles(&data, &mut tiles, (0, 512, W, 16))))
    });
    // Upload + draw through GTK's cairo renderer, offscreen (needs a display).
    if gtk::init().is_ok() {
        let renderer = gsk::CairoRenderer::new();
        if renderer.realize(None::<&gdk::Surface>).is_ok() {
            let tex = frame_texture(view(&data)).expect("texture");
            let rect = gtk::graphene::Rect::new(0.0, 0.0, W as f32, H as f32);
            g.bench_function("1080p_texture_drawn_by_cairo_renderer", |b| {
                b.iter(|| {
                    let fresh = frame_texture(view(&data)).expect("texture");
                    let node = gsk::TextureNode::new(&fresh, &rect);
                    black_box(renderer.render_texture(&node, Some(&rect)));
                })
            });
            drop(tex);
            renderer.unrealize();
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
