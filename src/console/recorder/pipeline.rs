// SPDX-License-Identifier: GPL-3.0-or-later
//! The recorder's GStreamer side: the elements and their tuning, frame copies into pooled
//! buffers with their timestamps, and the bus watch that turns GStreamer's errors into
//! [`RecordError`]s.

use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use gst::prelude::*;

use super::{target_bitrate, RecordError, Watch, ELEMENTS};

/// `gst_init` once per process; its failure is kept and returned on every call.
pub(super) fn init() -> Result<(), RecordError> {
    static INIT: OnceLock<Result<(), String>> = OnceLock::new();
    INIT.get_or_init(|| gst::init().map_err(|e| e.to_string()))
        .clone()
        .map_err(RecordError::Init)
}

pub(super) fn make_elements() -> Result<[gst::Element; 7], RecordError> {
    let mut made = Vec::with_capacity(ELEMENTS.len());
    for (element, package) in ELEMENTS {
        // Named after their factory, so an error says "filesink", not "filesink3".
        let built = gst::ElementFactory::make(element)
            .name(element)
            .build()
            .map_err(|_| RecordError::MissingElement { element, package })?;
        made.push(built);
    }
    made.try_into()
        .map_err(|_| pipeline_error("pipeline", "wrong number of elements"))
}

/// Realtime VP8: encode each frame as fast as it comes (deadline 1 µs = "realtime"), the
/// fastest speed setting (cpu-used 16: ~17 ms per changed 1080p frame on one core here,
/// against ~25 ms at 8), no look-ahead.
pub(super) fn tune_encoder(encoder: &gst::Element, (width, height): (u32, u32)) {
    // libvpx's VP8 threads spin-wait on each other: on two busy cores, threads=2 encoded
    // 1080p six times slower than threads=1 (measured), so leave half the cores to the rest.
    let threads = std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).clamp(1, 4));
    tune(encoder, "deadline", "1");
    tune(encoder, "cpu-used", "16");
    tune(encoder, "threads", &threads.to_string());
    // Several token partitions let both encoder and decoder use threads.
    tune(encoder, "token-partitions", "4");
    tune(encoder, "lag-in-frames", "0");
    tune(encoder, "end-usage", "vbr");
    tune(
        encoder,
        "target-bitrate",
        &target_bitrate(width, height).to_string(),
    );
    // Timestamps are in milliseconds, not frames (variable frame rate).
    tune(encoder, "timebase", "1/1000");
    // A keyframe at least every 150 frames (≥ 5 s): seeking works, still screens stay cheap.
    tune(encoder, "keyframe-max-dist", "150");
}

/// Sets a tuning property from its string form. A property this GStreamer lacks or a value
/// it rejects is logged and skipped: tuning is never a reason not to record (and
/// `set_property` would panic).
pub(super) fn tune(element: &gst::Element, name: &str, value: &str) {
    let Some(pspec) = element.find_property(name) else {
        log::warn!("recorder: {} has no property {name}", element.name());
        return;
    };
    match gst::glib::Value::deserialize_with_pspec(value, &pspec) {
        Ok(v) => element.set_property_from_value(name, &v),
        Err(_) => log::warn!("recorder: {}: {name}={value} rejected", element.name()),
    }
}

pub(super) fn raw_caps(width: u32, height: u32) -> gst::Caps {
    // Dimensions are ≤ MAX_SIDE, so the casts cannot wrap.
    gst::Caps::builder("video/x-raw")
        .field("format", "BGRx")
        .field("width", width as i32)
        .field("height", height as i32)
        .field("pixel-aspect-ratio", gst::Fraction::new(1, 1))
        .field("framerate", gst::Fraction::new(0, 1))
        .build()
}

/// Copies a frame into `buffer` (tightly packed rows) and stamps it at `pts`.
pub(super) fn copy_frame(
    mut buffer: gst::Buffer,
    data: &[u8],
    stride: usize,
    row: usize,
    height: usize,
    pts: Duration,
) -> Result<gst::Buffer, RecordError> {
    let Some(buf) = buffer.get_mut() else {
        return Err(pipeline_error("appsrc", "a new buffer is not writable"));
    };
    {
        let mut map = buf
            .map_writable()
            .map_err(|e| pipeline_error("appsrc", &format!("cannot map a frame: {e}")))?;
        if map.len() != row * height {
            return Err(pipeline_error(
                "appsrc",
                "a frame buffer has the wrong size",
            ));
        }
        if stride == row {
            map.copy_from_slice(&data[..row * height]);
        } else {
            for (dst, src) in map.chunks_exact_mut(row).zip(data.chunks(stride)) {
                dst.copy_from_slice(&src[..row]);
            }
        }
    }
    stamp(buf, pts);
    Ok(buffer)
}

/// Frame memory that is reused: a fresh allocation per frame costs a page fault per 4 KiB
/// (2000 for a 1080p frame), more than the copy itself. Buffers return here when the
/// pipeline is done with them; the pool never blocks (no maximum) and appsrc's leaky queue
/// bounds how many are out.
pub(super) struct FramePool {
    pool: gst::BufferPool,
    size: usize,
}

impl FramePool {
    pub(super) fn new(size: usize) -> Option<FramePool> {
        let pool = gst::BufferPool::new();
        let mut config = pool.config();
        config.set_params(None, u32::try_from(size).ok()?, 2, 0);
        pool.set_config(config).ok()?;
        pool.set_active(true).ok()?;
        Some(FramePool { pool, size })
    }

    /// A buffer of `size` bytes: from the pool, or freshly allocated if the pool fails.
    pub(super) fn buffer(
        slot: &mut Option<FramePool>,
        size: usize,
    ) -> Result<gst::Buffer, RecordError> {
        if slot.as_ref().is_none_or(|p| p.size != size) {
            *slot = FramePool::new(size);
        }
        if let Some(buffer) = slot.as_ref().and_then(|p| p.pool.acquire_buffer(None).ok()) {
            return Ok(buffer);
        }
        gst::Buffer::with_size(size)
            .map_err(|e| pipeline_error("appsrc", &format!("no memory for a frame: {e}")))
    }
}

impl Drop for FramePool {
    fn drop(&mut self) {
        // Buffers still in the pipeline are freed when they come back.
        let _ = self.pool.set_active(false);
    }
}

pub(super) fn stamp(buffer: &mut gst::BufferRef, pts: Duration) {
    let time = gst::ClockTime::from_nseconds(u64::try_from(pts.as_nanos()).unwrap_or(u64::MAX));
    buffer.set_pts(time);
    buffer.set_dts(time);
}

/// Catches errors and end-of-stream on the thread that posts them, so no main loop is
/// needed; everything else is dropped (nothing piles up on the bus).
pub(super) fn watch_bus(pipeline: &gst::Pipeline, watch: &Arc<Watch>) -> Result<(), RecordError> {
    let bus = pipeline
        .bus()
        .ok_or_else(|| pipeline_error("pipeline", "the pipeline has no bus"))?;
    let watch = Arc::clone(watch);
    bus.set_sync_handler(move |_, message| {
        use gst::MessageView;
        match message.view() {
            MessageView::Error(e) => {
                let mut state = watch.lock();
                // The first error is the cause; later ones are its consequences.
                if state.error.is_none() {
                    state.error = Some(RecordError::Pipeline {
                        element: e
                            .src()
                            .map_or_else(|| "pipeline".into(), |s| s.name().into()),
                        message: e.error().message().to_owned(),
                        debug: e.debug().map(|d| d.to_string()),
                    });
                }
                watch.changed.notify_all();
            }
            MessageView::Eos(_) => {
                watch.lock().eos = true;
                watch.changed.notify_all();
            }
            MessageView::Warning(w) => log::warn!("recorder: {}", w.error().message()),
            _ => {}
        }
        gst::BusSyncReply::Drop
    });
    Ok(())
}

/// Counts the frames that reach the encoder (after the queue's drops).
pub(super) fn count_frames(encoder: &gst::Element, watch: &Arc<Watch>) {
    let Some(pad) = encoder.static_pad("sink") else {
        return;
    };
    let watch = Arc::clone(watch);
    pad.add_probe(gst::PadProbeType::BUFFER, move |_, _| {
        watch.frames.fetch_add(1, Ordering::Relaxed);
        gst::PadProbeReturn::Ok
    });
}

pub(super) fn pipeline_error(element: &str, message: &str) -> RecordError {
    RecordError::Pipeline {
        element: element.into(),
        message: message.into(),
        debug: None,
    }
}
