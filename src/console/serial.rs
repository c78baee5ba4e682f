// SPDX-License-Identifier: GPL-3.0-or-later
//! A guest's serial text console over libvirt's console stream (`virDomainOpenConsole`),
//! with no GTK: bytes from the guest arrive through a [`Sink`] as [`SerialEvent`]s, bytes
//! to the guest go through [`SerialConsole::write`].
//!
//! Threads: the console is opened on whatever thread holds the `Domain` (the app uses the
//! connection's worker). Two named threads then serve it, so no caller ever blocks on the
//! network: a reader doing blocking `virStreamRecv` into the sink, and a writer that sends
//! what [`SerialConsole::write`] queued and, when the console is closed or dropped, aborts
//! the stream. Aborting wakes the reader: since libvirt 6.x the abort's confirmation
//! completes every call waiting on the stream, including a blocked receive. The reader then
//! emits exactly one [`SerialEvent::Closed`], always the last event.
//!
//! Why no non-blocking stream: `VIR_STREAM_NONBLOCK` receives only what libvirt's event loop
//! already read off the socket, so it would tie the console to the GLib main loop and need
//! polling; a blocking receive drives the connection's I/O itself.
//!
//! virt 0.5's `Stream`, as used here: it is `Send + Sync` already (libvirt's stream objects
//! lock internally), so no unsafe code is needed; each thread holds its own reference
//! (`clone` is `virStreamRef`). Its `Clone` and `Drop` panic only if libvirt rejects the
//! pointer as not a stream, which cannot happen for references we own. `abort`/`finish`
//! consume the `Stream`, hence `clone().abort()`. `recv` reports only -1 as an error, so
//! -2 ("would block") would come back as `Ok(-2)`. The event-callback API (unused here)
//! registers a pointer to the Rust value, which must then never move.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::time::Duration;

use virt::domain::Domain;
use virt::stream::Stream;
use virt::sys;

use crate::backend::error::{BackendError, ErrorKind};
use crate::runtime::{self, Sink};

/// How much one receive may return. Console output is small; this only bounds a burst.
const RECV_CHUNK: usize = 16 * 1024;

/// What the reader thread delivers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SerialEvent {
    /// Bytes the guest wrote to its console (raw: UTF-8 or not, with escape sequences).
    Data(Vec<u8>),
    /// The console is closed; nothing follows. Sent exactly once.
    Closed(CloseReason),
}

/// Why a console closed. `Display` gives an English sentence for logs and tests; the UI
/// words each case itself, in the user's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseReason {
    /// We closed it: [`SerialConsole::close`] or drop.
    Requested,
    /// The guest stopped (shut down, turned off, crashed), which closes its serial port.
    GuestStopped,
    /// Another client (another Vireo window, `virsh console --force`, virt-manager) opened
    /// the console and took it over.
    TakenOver,
    /// The connection to the host was lost (daemon stopped, network dropped).
    ConnectionLost(BackendError),
    /// Anything else libvirt reported; its message is kept verbatim.
    Failed(BackendError),
}

impl std::fmt::Display for CloseReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CloseReason::Requested => write!(f, "The console was closed."),
            CloseReason::GuestStopped => {
                write!(f, "The guest stopped, which closed its serial console.")
            }
            CloseReason::TakenOver => write!(f, "Another client took over the serial console."),
            CloseReason::ConnectionLost(e) => {
                write!(f, "The connection to the host was lost ({}).", e.message)
            }
            CloseReason::Failed(e) => write!(f, "The serial console failed: {}", e.message),
        }
    }
}

/// How to open a console that another client may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OpenMode {
    /// Fail with [`ErrorKind::InvalidState`] if another client holds the console.
    #[default]
    IfFree,
    /// Take the console over from any other client (`VIR_DOMAIN_CONSOLE_FORCE`); that
    /// client's console closes with [`CloseReason::TakenOver`].
    TakeOver,
}

/// Messages to the writer thread.
enum Outgoing {
    Bytes(Vec<u8>),
    /// Abort the stream and stop (the console was closed, or the reader saw it end).
    Close,
}

/// Flags the console's owner and its threads share.
#[derive(Default)]
struct Flags {
    /// Set before the stream is aborted on purpose, so the reader reports
    /// [`CloseReason::Requested`] rather than the error the abort causes.
    closing: AtomicBool,
    /// Set by the reader before it sends `Closed`: writes fail from then on.
    ended: AtomicBool,
}

/// An open serial console. `Send`: open it on a worker, use and drop it on the GTK thread.
/// Dropping it closes it, like [`SerialConsole::close`].
pub struct SerialConsole {
    /// The writer's queue.
    tx: Sender<Outgoing>,
    flags: Arc<Flags>,
}

impl SerialConsole {
    /// Opens the first console of a running guest ([`OpenMode::IfFree`]) and starts
    /// delivering its output to `sink`. Blocks for one libvirt call: run it on the thread
    /// that holds the `Domain` (the connection's worker), not on the GTK main thread.
    pub fn open(dom: &Domain, sink: Sink<SerialEvent>) -> Result<SerialConsole, BackendError> {
        Self::open_with(dom, OpenMode::IfFree, sink)
    }

    /// [`SerialConsole::open`] with a choice of whether to take the console from another
    /// client.
    pub fn open_with(
        dom: &Domain,
        mode: OpenMode,
        sink: Sink<SerialEvent>,
    ) -> Result<SerialConsole, BackendError> {
        let conn = dom.connect().map_err(BackendError::from)?;
        let stream = Stream::new(&conn, 0).map_err(BackendError::from)?;
        let mut flags = sys::VIR_DOMAIN_CONSOLE_SAFE;
        if mode == OpenMode::TakeOver {
            flags |= sys::VIR_DOMAIN_CONSOLE_FORCE;
        }
        // A stream libvirt never attached needs no abort: dropping it frees it.
        dom.open_console(None, &stream, flags)
            .map_err(|e| open_error(BackendError::from(e)))?;

        let name = dom.name().unwrap_or_default();
        let flags = Arc::new(Flags::default());
        let (tx, rx) = mpsc::channel();
        // Each thread owns its own reference to the stream (`Stream` is Send + Sync in
        // virt 0.5, and libvirt's stream and connection objects lock internally), so
        // neither can free it under the other.
        let reader = Reader {
            stream: stream.clone(),
            dom: dom.clone(),
            flags: flags.clone(),
            writer: tx.clone(),
            sink,
        };
        let writer_stream = stream.clone();
        let spawned = runtime::spawn_named(format!("vireo-serial-rx:{name}"), move || reader.run())
            .and_then(|_| {
                runtime::spawn_named(format!("vireo-serial-tx:{name}"), move || {
                    write_loop(writer_stream, rx)
                })
            });
        if let Err(e) = spawned {
            // No writer runs to abort the stream (if the reader runs, the abort wakes it).
            flags.closing.store(true, Ordering::SeqCst);
            abort(&stream);
            return Err(BackendError::new(
                ErrorKind::OperationFailed,
                format!("cannot start the serial console's threads: {e}"),
            ));
        }
        Ok(SerialConsole { tx, flags })
    }

    /// Queues bytes (what the user typed or pasted) for the guest; never blocks. Fails once
    /// the console is closed (the reader has then sent, or is about to send, `Closed`).
    pub fn write(&self, bytes: &[u8]) -> Result<(), BackendError> {
        let closed = || BackendError::new(ErrorKind::InvalidState, "the serial console is closed");
        if self.flags.ended.load(Ordering::SeqCst) {
            return Err(closed());
        }
        if bytes.is_empty() {
            return Ok(());
        }
        self.tx
            .send(Outgoing::Bytes(bytes.to_vec()))
            .map_err(|_| closed())
    }

    /// Closes the console without blocking: the writer thread aborts the stream, the reader
    /// sends [`SerialEvent::Closed`]`(`[`CloseReason::Requested`]`)` unless the console had
    /// already closed for another reason.
    pub fn close(self) {
        drop(self);
    }
}

impl std::fmt::Debug for SerialConsole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SerialConsole")
            .field("ended", &self.flags.ended.load(Ordering::SeqCst))
            .finish_non_exhaustive()
    }
}

impl Drop for SerialConsole {
    fn drop(&mut self) {
        self.flags.closing.store(true, Ordering::SeqCst);
        // The writer aborts the stream after sending what was queued before.
        let _ = self.tx.send(Outgoing::Close);
    }
}

/// The reader thread's state.
struct Reader {
    stream: Stream,
    dom: Domain,
    flags: Arc<Flags>,
    /// To stop the writer when the stream ended on its own.
    writer: Sender<Outgoing>,
    sink: Sink<SerialEvent>,
}

impl Reader {
    fn run(self) {
        let mut buf = vec![0u8; RECV_CHUNK];
        let end = loop {
            match self.stream.recv(&mut buf) {
                Ok(n) if n > 0 => {
                    let n = (n as usize).min(buf.len());
                    (self.sink)(SerialEvent::Data(buf[..n].to_vec()));
                }
                Ok(0) => break None,
                // -2 is "would block", which a blocking stream never returns; treat any
                // other value as a failure rather than spin.
                Ok(n) => {
                    break Some(BackendError::new(
                        ErrorKind::OperationFailed,
                        format!("unexpected result {n} from the console stream"),
                    ))
                }
                Err(e) => break Some(BackendError::from(e)),
            }
        };
        let reason = if self.flags.closing.load(Ordering::SeqCst) {
            CloseReason::Requested
        } else {
            self.classify(end)
        };
        log::debug!("serial console closed: {reason}");
        self.flags.ended.store(true, Ordering::SeqCst);
        // Also releases the stream on the client side after an EOF or a remote abort.
        let _ = self.writer.send(Outgoing::Close);
        (self.sink)(SerialEvent::Closed(reason));
    }

    /// Turns the end of the stream into a reason a user can act on. The stream itself says
    /// little (an EOF, or "stream aborted"/an I/O error), so ask the guest's state: a guest
    /// that no longer runs closed its port; one that still runs lost the console to another
    /// client. libvirt may record the stop a moment after the port closed, so keep looking
    /// for up to a second.
    fn classify(&self, end: Option<BackendError>) -> CloseReason {
        // The stream's own error says little: a takeover and a dead socket both read "stream
        // had I/O failure" (VIR_ERR_RPC). Whether the connection lives is a local check.
        let alive = self.dom.connect().and_then(|c| c.is_alive());
        if !matches!(alive, Ok(true)) {
            let e = end.unwrap_or_else(|| {
                BackendError::new(ErrorKind::ConnectionLost, "the connection was closed")
            });
            return CloseReason::ConnectionLost(e);
        }
        for attempt in 0..5 {
            match self.dom.is_active() {
                Ok(false) => return CloseReason::GuestStopped,
                Ok(true) if attempt < 4 => std::thread::sleep(Duration::from_millis(200)),
                Ok(true) => break,
                Err(e) => {
                    let e = BackendError::from(e);
                    return match e.kind {
                        ErrorKind::ConnectionLost => CloseReason::ConnectionLost(e),
                        // The guest is gone altogether (a transient guest that stopped).
                        ErrorKind::NotFound => CloseReason::GuestStopped,
                        _ => CloseReason::Failed(end.unwrap_or(e)),
                    };
                }
            }
        }
        // Still running: someone else opened the console with force (libvirt aborts the
        // previous holder's stream), or the stream failed on its own.
        match end {
            Some(e) if !looks_like_takeover(&e) => CloseReason::Failed(e),
            _ => CloseReason::TakenOver,
        }
    }
}

/// libvirt aborts the old holder's stream when a new client forces the console open; the
/// old holder then sees an EOF or one of these messages.
fn looks_like_takeover(e: &BackendError) -> bool {
    let m = e.message.to_ascii_lowercase();
    ["abort", "closed", "i/o", "eof"]
        .iter()
        .any(|w| m.contains(w))
}

/// The writer thread: sends queued bytes until told to close (console closed or dropped, or
/// the reader saw the stream end) or a send fails, then aborts the stream, which also ends
/// the reader if it still waits.
fn write_loop(stream: Stream, rx: Receiver<Outgoing>) {
    while let Ok(Outgoing::Bytes(bytes)) = rx.recv() {
        if let Err(e) = send_all(&stream, &bytes) {
            // The reader sees the same failure (or the abort below) and reports it.
            log::debug!("serial console send failed: {e}");
            break;
        }
    }
    abort(&stream);
}

fn send_all(stream: &Stream, mut bytes: &[u8]) -> Result<(), BackendError> {
    while !bytes.is_empty() {
        let n = stream.send(bytes).map_err(BackendError::from)?;
        if n <= 0 {
            return Err(BackendError::new(
                ErrorKind::OperationFailed,
                format!("the console stream accepted no data ({n})"),
            ));
        }
        bytes = bytes.get(n as usize..).unwrap_or_default();
    }
    Ok(())
}

/// Aborts the stream (wakes a blocked receive, releases the console for other clients).
/// Fails harmlessly when the stream already ended; there is nothing to do about it then.
fn abort(stream: &Stream) {
    // `abort` consumes its `Stream`, so give it its own reference (virStreamRef); the clone
    // is freed when `abort` returns.
    if let Err(e) = stream.clone().abort() {
        log::debug!("serial console abort: {}", e.message());
    }
}

/// Whether opening failed because another client holds the console, so that
/// [`OpenMode::TakeOver`] would succeed.
pub fn is_busy(e: &BackendError) -> bool {
    e.kind == ErrorKind::InvalidState
        && e.message
            .to_ascii_lowercase()
            .contains("active console session")
}

/// Makes an open failure's kind say what the user can do about it; libvirt's message stays.
fn open_error(mut e: BackendError) -> BackendError {
    let m = e.message.to_ascii_lowercase();
    if m.contains("active console session") {
        // Another client holds the console (libvirt says "operation failed").
        e.kind = ErrorKind::InvalidState;
    } else if m.contains("cannot find") && m.contains("character device") {
        // The guest has no serial console.
        e.kind = ErrorKind::Unsupported;
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_errors_are_classified() {
        let busy = open_error(BackendError::new(
            ErrorKind::OperationFailed,
            "operation failed: Active console session exists for this domain",
        ));
        assert_eq!(busy.kind, ErrorKind::InvalidState);
        assert!(is_busy(&busy));
        let none = open_error(BackendError::new(
            ErrorKind::OperationFailed,
            "internal error: cannot find character device <null>",
        ));
        assert_eq!(none.kind, ErrorKind::Unsupported);
        assert!(none.message.contains("<null>"), "libvirt's words are kept");
    }

    #[test]
    fn close_reasons_read_as_sentences() {
        let lost = CloseReason::ConnectionLost(BackendError::new(
            ErrorKind::ConnectionLost,
            "End of file while reading data",
        ));
        assert!(lost.to_string().contains("End of file while reading data"));
        assert!(CloseReason::GuestStopped.to_string().ends_with('.'));
    }

    #[test]
    fn console_is_send() {
        fn is_send<T: Send>() {}
        is_send::<SerialConsole>();
    }
}
