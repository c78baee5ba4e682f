// SPDX-License-Identifier: GPL-3.0-or-later
//! The console's frame path: framebuffer damage → textures, as the display widget does it
//! on each painted frame (`ui::console::display::Tiles`), for a 1920×1080 full update (the
//! issue's target: ≥ 120 full frames/s on one core, i.e. ≤ 8.3 ms per frame) and for one
//! changed 16-pixel text line; beside it the alternative of one texture per frame (GTK 4.8
//! cannot update part of a texture). Both uploads are measured: premultiplied as is (what
//! GL takes) and opaque (what GTK 4.8's cairo renderer converts cheaply). Under a display
//! (e.g. `xvfb-run`), also the same frames drawn by GTK's cairo renderer offscreen.
//! Run: `cargo bench --bench console_frame`.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use gtk::prelude::*;
use gtk::{gdk, gsk};
use vireo::console::session::FrameView;
use vireo::ui::console::display::{frame_texture, Tiles, Upload};

const W: u32 = 1920;
const H: u32 = 1080;

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

fn bench(c: &mut Criterion) {
    let data = frame();
    let mut g = c.benchmark_group("console_frame");
    for (label, upload) in [
        ("premultiplied", Upload::Premultiplied),
        ("opaque", Upload::Opaque),
    ] {
        g.bench_function(format!("1080p_full_update_one_texture_{label}"), |b| {
            b.iter(|| black_box(frame_texture(view(&data), (0, 0, W, H), upload)))
        });
        let mut tiles = Tiles::default();
        g.bench_function(format!("1080p_full_update_tiles_{label}"), |b| {
            b.iter(|| {
                tiles.damage(0, 0, W, H);
                black_box(tiles.rebuild(view(&data), upload))
            })
        });
        g.bench_function(format!("1080p_one_text_line_tiles_{label}"), |b| {
            b.iter(|| {
                tiles.damage(0, 512, W, 16);
                black_box(tiles.rebuild(view(&data), upload))
            })
        });
    }
    // Upload + draw through GTK's cairo renderer, offscreen (needs a display).
    if gtk::init().is_ok() {
        let renderer = gsk::CairoRenderer::new();
        if renderer.realize(None::<&gdk::Surface>).is_ok() {
            let rect = gtk::graphene::Rect::new(0.0, 0.0, W as f32, H as f32);
            for (label, upload) in [
                ("premultiplied", Upload::Premultiplied),
                ("opaque", Upload::Opaque),
            ] {
                g.bench_function(format!("1080p_full_update_drawn_by_cairo_{label}"), |b| {
                    b.iter(|| {
                        let Some(fresh) = frame_texture(view(&data), (0, 0, W, H), upload) else {
                            return;
                        };
                        let node = gsk::TextureNode::new(&fresh, &rect);
                        black_box(renderer.render_texture(&node, Some(&rect)));
                    })
                });
            }
            renderer.unrealize();
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
