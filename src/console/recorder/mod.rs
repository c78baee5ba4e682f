// SPDX-License-Identifier: GPL-3.0-or-later
//! Recording the console to a WebM file (VP8 in WebM) with GStreamer; no GTK.
//!
//! The display widget hands [`Recorder::push_frame`] its framebuffer (BGRx/BGRA premultiplied
//! over opaque black, so read as BGRx) whenever the guest's screen changed, plus a repeat at
//! least once a second. The pipeline:
//!
//! ```text
//! appsrc (live, time) → videoscale → capsfilter (fixed size) → videoconvert
//!   → vp8enc (realtime) → webmmux → filesink
//! ```
//!
//! - **Variable frame rate.** Each buffer is stamped with the monotonic clock at push (what
//!   appsrc's do-timestamp does, but relative to the first frame, so the video starts at 0
//!   whenever the first frame comes and nothing depends on the pipeline's clock). A still
//!   screen costs nothing: no frames, no encoding. [`Recorder::finish`] stamps the last
//!   frame once more, so the file lasts until the stop.
//! - **One output size.** The video keeps the first frame's size (scaled down to at most
//!   1920×1080 worth of pixels); when the guest changes resolution, later frames are scaled
//!   into it with black borders, as a player would letterbox them.
//! - **The console thread never waits.** A push copies the frame into a reused GStreamer
//!   buffer and queues it (median 0.3 ms at 720×400, 1.5–2.5 ms at 1920×1080, measured on a
//!   busy two-core machine); encoding runs on GStreamer's streaming thread. Frames closer
//!   than [`MIN_FRAME_INTERVAL`] to the previous one are skipped before any copy, and if the
//!   encoder falls behind, the queue drops its oldest frames instead of growing or blocking.
//! - **Errors are GStreamer's own.** Bus errors (an unwritable path, a full disk, a missing
//!   plugin) are caught by a bus sync handler and come back from the next call as
//!   [`RecordError::Pipeline`] with GStreamer's message; no main loop is needed.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use gst::prelude::*;

mod pipeline;
use pipeline::*;

/// Frames pushed sooner than this after the previously queued frame are skipped: the video
/// is at most ~30 frames per second (the slack below 1/30 s absorbs vsync jitter of a 60 Hz
/// console).
pub const MIN_FRAME_INTERVAL: Duration = Duration::from_millis(30);

/// How long [`Recorder::finish`] waits for the muxer to write the end of the file.
pub const FINISH_TIMEOUT: Duration = Duration::from_secs(5);

/// The largest video we encode, in pixels (1920×1080): VP8 in real time on two cores.
const MAX_OUTPUT_PIXELS: u64 = 1920 * 1080;

/// Frames waiting for the encoder; when full, the oldest is dropped (leaky queue).
const QUEUED_FRAMES: u64 = 3;

/// The largest guest screen we accept (QEMU's own limit is 16384 for VNC/SPICE).
const MAX_SIDE: u32 = 16384;

/// Each element of the pipeline and the Debian package that provides it.
const ELEMENTS: [(&str, &str); 7] = [
    ("appsrc", "gstreamer1.0-plugins-base"),
    ("videoscale", "gstreamer1.0-plugins-base"),
    ("capsfilter", "libgstreamer1.0-0"),
    ("videoconvert", "gstreamer1.0-plugins-base"),
    ("vp8enc", "gstreamer1.0-plugins-good"),
    ("webmmux", "gstreamer1.0-plugins-good"),
    ("filesink", "libgstreamer1.0-0"),
];

/// Why a recording could not start, go on, or finish.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// `gst_init` failed (no usable GStreamer installation).
    #[error("GStreamer could not be initialised: {0}")]
    Init(String),
    /// A GStreamer element is not installed.
    #[error("the GStreamer element “{element}” is missing: install the package {package}")]
    MissingElement {
        element: &'static str,
        package: &'static str,
    },
    /// The output file cannot be created.
    #[error("cannot write {}: {reason}", path.display())]
    File { path: PathBuf, reason: String },
    /// An error from the pipeline, with GStreamer's message and its debug details.
    #[error("recording failed in {element}: {message}")]
    Pipeline {
        element: String,
        message: String,
        debug: Option<String>,
    },
    /// The frame handed to [`Recorder::push_frame`] does not match its stated size.
    #[error("invalid frame: {0}")]
    Frame(String),
    /// The muxer did not finish in time; the file may lack its index.
    #[error("the recording did not finish within {} s; the file may be incomplete", .0.as_secs())]
    Timeout(Duration),
}

/// What [`Recorder::push_frame`] did with a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pushed {
    /// Copied and queued for the encoder.
    Queued,
    /// Came within [`MIN_FRAME_INTERVAL`] of the previous frame; nothing was copied. The next
    /// change (or the console's periodic repeat) brings the screen up to date.
    Skipped,
}

/// A finished recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingInfo {
    pub path: PathBuf,
    /// File size in bytes.
    pub bytes: u64,
    /// From the first frame to the stop.
    pub duration: Duration,
    /// Frames that reached the encoder (skipped and dropped ones not counted).
    pub frames: u64,
    /// The video's size.
    pub width: u32,
    pub height: u32,
}

/// A recording in progress. Dropping it without [`finish`](Recorder::finish) stops the
/// pipeline at once and leaves a file without its index (players still play it). It is
/// `Send`: `finish`, which waits, can move to a worker thread.
pub struct Recorder {
    pipeline: gst::Pipeline,
    src: gst_app::AppSrc,
    watch: Arc<Watch>,
    path: PathBuf,
    output: (u32, u32),
    input: (u32, u32),
    /// Instant of the first queued frame: timestamp zero.
    origin: Option<Instant>,
    /// Timestamp of the last queued frame, and the frame (a reference, not a copy).
    last: Option<(Duration, gst::Buffer)>,
    pool: Option<FramePool>,
}

/// What the bus sync handler and the encoder's pad probe report from GStreamer's threads.
#[derive(Default)]
struct Watch {
    state: Mutex<BusState>,
    changed: Condvar,
    frames: AtomicU64,
}

#[derive(Default)]
struct BusState {
    error: Option<RecordError>,
    eos: bool,
}

impl Watch {
    fn lock(&self) -> MutexGuard<'_, BusState> {
        // A panic elsewhere while holding the lock leaves plain data behind: keep using it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn error(&self) -> Option<RecordError> {
        self.lock().error.clone()
    }
}

impl Recorder {
    /// Starts a recording to `path` (WebM: VP8 in Matroska/WebM) of a `width`×`height`
    /// screen. The file is created (truncated) now; push the current screen right away so
    /// the video starts with it.
    pub fn start(path: &Path, width: u32, height: u32) -> Result<Recorder, RecordError> {
        check_size(width, height)?;
        init()?;
        // Create the file ourselves first: the OS's reason ("Permission denied", "No such
        // file or directory") is clearer than filesink's "Could not open file for writing".
        std::fs::File::create(path).map_err(|e| RecordError::File {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;

        let output = output_size(width, height);
        let [src, scale, filter, convert, encoder, mux, sink] = make_elements()?;
        let src = src
            .dynamic_cast::<gst_app::AppSrc>()
            .map_err(|_| pipeline_error("appsrc", "appsrc is not an AppSrc"))?;
        src.set_caps(Some(&raw_caps(width, height)));
        src.set_format(gst::Format::Time);
        src.set_is_live(true);
        src.set_do_timestamp(false); // stamped in push_frame, see the module doc
        src.set_block(false);
        src.set_max_bytes(0);
        src.set_max_buffers(QUEUED_FRAMES);
        src.set_leaky_type(gst_app::AppLeakyType::Downstream);
        filter.set_property("caps", raw_caps(output.0, output.1));
        tune(&scale, "add-borders", "true");
        tune_encoder(&encoder, output);
        tune(&scale, "n-threads", "0"); // 0: one per core
        tune(&convert, "n-threads", "0");
        sink.set_property("location", path.to_path_buf());

        let pipeline = gst::Pipeline::with_name("vireo-recorder");
        let elements = [
            src.upcast_ref(),
            &scale,
            &filter,
            &convert,
            &encoder,
            &mux,
            &sink,
        ];
        pipeline
            .add_many(elements)
            .map_err(|e| pipeline_error("pipeline", &e.to_string()))?;
        gst::Element::link_many(elements)
            .map_err(|e| pipeline_error("pipeline", &format!("cannot link: {e}")))?;

        let watch = Arc::new(Watch::default());
        watch_bus(&pipeline, &watch)?;
        count_frames(&encoder, &watch);

        let recorder = Recorder {
            pipeline,
            src,
            watch,
            path: path.to_path_buf(),
            output,
            input: (width, height),
            origin: None,
            last: None,
            pool: None,
        };
        if recorder.pipeline.set_state(gst::State::Playing).is_err() {
            return Err(recorder.watch.error().unwrap_or_else(|| {
                pipeline_error("pipeline", "the recording pipeline did not start")
            }));
        }
        Ok(recorder)
    }

    /// Queues the current framebuffer: `data` holds `height` rows of `stride` bytes, each
    /// starting with `width` BGRx pixels. A new size is scaled into the first one. Returns
    /// the pipeline's error if it has failed since the last call; the recording is then over
    /// (drop it or call [`finish`](Recorder::finish) for the same error).
    pub fn push_frame(
        &mut self,
        data: &[u8],
        stride: usize,
        width: u32,
        height: u32,
    ) -> Result<Pushed, RecordError> {
        if let Some(error) = self.watch.error() {
            return Err(error);
        }
        check_size(width, height)?;
        let row = width as usize * 4;
        check_layout(data.len(), stride, row, height as usize)?;
        let now = Instant::now();
        let origin = *self.origin.get_or_insert(now);
        let pts = now.duration_since(origin);
        if let Some((last, _)) = &self.last {
            if pts.saturating_sub(*last) < MIN_FRAME_INTERVAL {
                return Ok(Pushed::Skipped);
            }
        }

        if (width, height) != self.input {
            // appsrc queues the caps in order with the buffers: frames already queued keep
            // the old size.
            self.src.set_caps(Some(&raw_caps(width, height)));
            self.input = (width, height);
        }
        let target = FramePool::buffer(&mut self.pool, row * height as usize)?;
        let buffer = copy_frame(target, data, stride, row, height as usize, pts)?;
        self.push(buffer.clone())?;
        self.last = Some((pts, buffer));
        Ok(Pushed::Queued)
    }

    /// Ends the recording: stamps the last frame again (so the video lasts until now), sends
    /// end-of-stream, and waits up to [`FINISH_TIMEOUT`] for the muxer to write the file's
    /// end. May run on another thread than the pushes.
    pub fn finish(mut self) -> Result<RecordingInfo, RecordError> {
        if let Some(error) = self.watch.error() {
            return Err(error);
        }
        let mut duration = Duration::ZERO;
        if let (Some(origin), Some((last_pts, last))) = (self.origin, self.last.take()) {
            // Strictly after the last frame, even if it was queued a moment ago.
            let pts = origin.elapsed().max(last_pts + Duration::from_millis(1));
            let mut repeat = last.copy(); // shares the pixels, new metadata
            stamp(repeat.make_mut(), pts);
            self.push(repeat)?;
            duration = pts;
        }
        // The flow return only says the source is already at EOS or flushing; the bus tells
        // what went wrong.
        let _ = self.src.end_of_stream();

        let deadline = Instant::now() + FINISH_TIMEOUT;
        let mut state = self.watch.lock();
        while !state.eos && state.error.is_none() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            state = match self.watch.changed.wait_timeout(state, left) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        let (eos, error) = (state.eos, state.error.clone());
        drop(state);
        // Null closes the file; Drop does it again, harmlessly.
        let _ = self.pipeline.set_state(gst::State::Null);
        if let Some(error) = error {
            return Err(error);
        }
        if !eos {
            return Err(RecordError::Timeout(FINISH_TIMEOUT));
        }
        let bytes = std::fs::metadata(&self.path)
            .map_err(|e| RecordError::File {
                path: self.path.clone(),
                reason: e.to_string(),
            })?
            .len();
        Ok(RecordingInfo {
            path: self.path.clone(),
            bytes,
            duration,
            frames: self.watch.frames.load(Ordering::Relaxed),
            width: self.output.0,
            height: self.output.1,
        })
    }

    /// The file being written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The video's size (the first frame's, possibly scaled down).
    pub fn output_size(&self) -> (u32, u32) {
        self.output
    }

    fn push(&self, buffer: gst::Buffer) -> Result<(), RecordError> {
        self.src.push_buffer(buffer).map(|_| ()).map_err(|flow| {
            self.watch.error().unwrap_or_else(|| {
                pipeline_error("appsrc", &format!("the frame was refused ({flow:?})"))
            })
        })
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        let _ = self.pipeline.set_state(gst::State::Null);
    }
}

/// Whether every element a recording needs is installed; the error names the missing one
/// and its Debian package. Lets the UI disable Record up front. The first call (of this or
/// [`Recorder::start`]) initialises GStreamer, which loads its plugin registry: milliseconds
/// normally, seconds after plugins were installed; call it on a worker thread early.
pub fn check_available() -> Result<(), RecordError> {
    init()?;
    for (element, package) in ELEMENTS {
        if gst::ElementFactory::find(element).is_none() {
            return Err(RecordError::MissingElement { element, package });
        }
    }
    Ok(())
}

/// The video size for a first frame of `width`×`height`: the same, scaled down (aspect kept)
/// to at most 1920×1080 worth of pixels, rounded down to even sides (I420's chroma planes).
pub fn output_size(width: u32, height: u32) -> (u32, u32) {
    let (w, h) = (u64::from(width.max(1)), u64::from(height.max(1)));
    let pixels = w * h;
    let (w, h) = if pixels > MAX_OUTPUT_PIXELS {
        let scale = (MAX_OUTPUT_PIXELS as f64 / pixels as f64).sqrt();
        ((w as f64 * scale) as u64, (h as f64 * scale) as u64)
    } else {
        (w, h)
    };
    let even = |side: u64| (side.min(u64::from(MAX_SIDE)) as u32 & !1).max(2);
    (even(w), even(h))
}

/// VP8 bitrate for a video size: ~2 bits per pixel per second (1080p: 4.1 Mbit/s, 720×400:
/// 0.6 Mbit/s), enough for sharp text at up to 30 fps; still screens cost almost nothing.
pub fn target_bitrate(width: u32, height: u32) -> u32 {
    let bits = u64::from(width) * u64::from(height) * 2;
    bits.clamp(500_000, 8_000_000) as u32
}

/// Checks that `len` bytes hold `height` rows of `stride` bytes, each at least `row` long
/// (the last row may stop at `row`).
fn check_layout(len: usize, stride: usize, row: usize, height: usize) -> Result<(), RecordError> {
    if stride < row {
        return Err(RecordError::Frame(format!(
            "stride {stride} is shorter than a row of {row} bytes"
        )));
    }
    let needed = stride
        .checked_mul(height.saturating_sub(1))
        .and_then(|n| n.checked_add(row))
        .ok_or_else(|| RecordError::Frame("frame size overflows".into()))?;
    if len < needed {
        return Err(RecordError::Frame(format!(
            "{len} bytes, {needed} needed for {height} rows of stride {stride}"
        )));
    }
    Ok(())
}

fn check_size(width: u32, height: u32) -> Result<(), RecordError> {
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(RecordError::Frame(format!(
            "cannot record a {width}×{height} screen"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_size_keeps_small_screens() {
        assert_eq!(output_size(720, 400), (720, 400));
        assert_eq!(output_size(1920, 1080), (1920, 1080));
        assert_eq!(output_size(1024, 767), (1024, 766));
    }

    #[test]
    fn output_size_scales_large_screens_down_keeping_aspect() {
        let (w, h) = output_size(3840, 2160);
        assert_eq!((w, h), (1920, 1080));
        let (w, h) = output_size(2560, 1600);
        assert!(u64::from(w) * u64::from(h) <= MAX_OUTPUT_PIXELS);
        assert!((f64::from(w) / f64::from(h) - 1.6).abs() < 0.01, "{w}×{h}");
        let (w, h) = output_size(1080, 4000); // portrait stays portrait
        assert!(h > w && w % 2 == 0 && h % 2 == 0);
    }

    #[test]
    fn layout_checks_stride_and_length() {
        assert!(check_layout(720 * 4 * 400, 720 * 4, 720 * 4, 400).is_ok());
        // Padded rows; the last row need not carry its padding.
        assert!(check_layout(3000 * 399 + 2880, 3000, 2880, 400).is_ok());
        assert!(check_layout(3000 * 399 + 2879, 3000, 2880, 400).is_err());
        assert!(check_layout(10_000_000, 100, 2880, 400).is_err());
        assert!(check_layout(usize::MAX, usize::MAX, 4, 3).is_err());
    }

    #[test]
    fn encoder_takes_every_setting() {
        init().expect("GStreamer");
        let encoder = gst::ElementFactory::make("vp8enc")
            .build()
            .expect("vp8enc (gstreamer1.0-plugins-good)");
        tune_encoder(&encoder, (720, 400));
        assert_eq!(encoder.property::<i64>("deadline"), 1);
        assert_eq!(encoder.property::<i32>("cpu-used"), 16);
        assert_eq!(encoder.property::<i32>("lag-in-frames"), 0);
        assert_eq!(encoder.property::<i32>("target-bitrate"), 576_000);
        assert_eq!(encoder.property::<i32>("keyframe-max-dist"), 150);
        assert_eq!(
            encoder.property::<gst::Fraction>("timebase"),
            gst::Fraction::new(1, 1000)
        );
        let partitions = encoder.property_value("token-partitions");
        let (_, value) = gst::glib::EnumValue::from_value(&partitions).expect("an enum");
        assert_eq!(value.nick(), "4");
        let usage = encoder.property_value("end-usage");
        let (_, value) = gst::glib::EnumValue::from_value(&usage).expect("an enum");
        assert_eq!(value.nick(), "vbr");
    }

    #[test]
    fn bitrate_grows_with_size_within_bounds() {
        assert_eq!(target_bitrate(1920, 1080), 4_147_200);
        assert_eq!(target_bitrate(320, 200), 500_000);
        assert_eq!(target_bitrate(16384, 16384), 8_000_000);
    }
}
