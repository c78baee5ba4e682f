// SPDX-License-Identifier: GPL-3.0-or-later
//! The console's frame path: framebuffer damage → textures, as the display widget does it
//! on each painted frame (`ui::console::display::Tiles`), for a 1920×1080 full update (the
//! issue's target: ≥ 120 full frames/s on one core, i.e. ≤ 8.3 ms per frame) and for one
//! changed 16-pixel text line; beside it the alternative of one texture per frame (GTK 4.8
//! cannot update part of a texture). Both uploads are measured: premultiplied as is (what
//! GL takes) and opaque (what GTK 4.8's cairo renderer converts cheaply). Under a display
//! (e.g. `xvfb-run`), also the cairo tiles, copied and drawn in place from the session's
//! memory (`cairo_in_place`, as both sessions lend it), and the same frames drawn by GTK's cairo
//! renderer offscreen.
//! Run: `cargo bench --bench console_frame`.

use std::rc::Rc;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use gtk::prelude::*;
use gtk::{gdk, gsk};
use vireo::console::session::{FrameOwner, FrameView};
use vireo::ui::console::display::{frame_texture, Placement, Tiles, Upload};

const W: u32 = 1920;
const H: u32 = 1080;

fn frame() -> Vec<u8> {
    (0..(W * H * 4) as usize)
        .map(|i| (i * 7 % 251) as u8)
        .collect()
}

/// The frame as a session shows it; `owner` set when it lends its memory (drawn in place).
fn view<'a>(data: &'a [u8], owner: Option<&'a Rc<FrameOwner>>) -> FrameView<'a> {
    FrameView {
        data,
        width: W,
        height: H,
        stride: W as usize * 4,
        owner,
    }
}

/// The frame at 1:1, or scaled by `s`.
fn placed(s: f32) -> Placement {
    Placement {
        x: 0.0,
        y: 0.0,
        width: W as f32 * s,
        height: H as f32 * s,
    }
}

fn bench(c: &mut Criterion) {
    let frame = frame();
    let data = &frame[..];
    // Lends `data`, which outlives every use here (a session's lender keeps its memory).
    let lent = FrameOwner::new(Box::new(()));
    let mut g = c.benchmark_group("console_frame");
    let at = placed(1.0);
    // The cairo tiles need GTK's types (render nodes), hence gtk::init, which needs a display.
    let display = gtk::init().is_ok();
    let mut uploads = vec![
        ("premultiplied", Upload::Premultiplied, None),
        ("opaque", Upload::Opaque, None),
    ];
    if display {
        // Copied, and drawn in place from the memory a session lends.
        uploads.push(("cairo", Upload::Cairo, None));
        uploads.push(("cairo_in_place", Upload::Cairo, Some(&lent)));
    }
    for (label, upload, owner) in uploads {
        if upload != Upload::Cairo {
            g.bench_function(format!("1080p_full_update_one_texture_{label}"), |b| {
                b.iter(|| black_box(frame_texture(view(data, None), (0, 0, W, H), upload)))
            });
        }
        let mut tiles = Tiles::default();
        g.bench_function(format!("1080p_full_update_tiles_{label}"), |b| {
            b.iter(|| {
                tiles.damage(0, 0, W, H);
                black_box(tiles.rebuild(view(data, owner), upload, at))
            })
        });
        g.bench_function(format!("1080p_one_text_line_tiles_{label}"), |b| {
            b.iter(|| {
                tiles.damage(0, 512, W, 16);
                black_box(tiles.rebuild(view(data, owner), upload, at))
            })
        });
    }
    if display {
        // Scaled to 1.25 (fit to a larger window): the copy is the same, the scaling happens
        // as GTK draws (below, at 1:1, the draw is a copy).
        let mut tiles = Tiles::default();
        g.bench_function("1080p_one_text_line_tiles_cairo_scaled_1.25", |b| {
            b.iter(|| {
                tiles.damage(0, 512, W, 16);
                black_box(tiles.rebuild(view(data, None), Upload::Cairo, placed(1.25)))
            })
        });
        // Full update → tiles → drawn by GTK's cairo renderer, offscreen.
        let renderer = gsk::CairoRenderer::new();
        if renderer.realize(None::<&gdk::Surface>).is_ok() {
            let rect = gtk::graphene::Rect::new(0.0, 0.0, W as f32, H as f32);
            for (label, upload, owner) in [
                ("premultiplied", Upload::Premultiplied, None),
                ("opaque", Upload::Opaque, None),
                ("cairo", Upload::Cairo, None),
                ("cairo_in_place", Upload::Cairo, Some(&lent)),
            ] {
                let mut tiles = Tiles::default();
                g.bench_function(
                    format!("1080p_full_update_tiles_drawn_by_cairo_{label}"),
                    |b| {
                        b.iter(|| {
                            tiles.damage(0, 0, W, H);
                            tiles.rebuild(view(data, owner), upload, at);
                            let nodes: Vec<gsk::RenderNode> =
                                tiles.nodes.iter().flatten().cloned().collect();
                            let node = gsk::ContainerNode::new(&nodes);
                            black_box(renderer.render_texture(&node, Some(&rect)));
                        })
                    },
                );
            }
            renderer.unrealize();
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
