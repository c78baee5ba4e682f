// SPDX-License-Identifier: GPL-3.0-or-later
//! The one bridge between background work and whoever consumes its results.
//!
//! Work leaves the caller's thread on **named** threads spawned here (one per libvirt
//! connection; nothing else in the crate calls `std::thread::spawn`). Results come back
//! through a [`Sink`]: a thread-safe callback. The UI's sink forwards into relm4's input
//! channel, which is drained on the GTK main loop; tests use a sink that pushes into a
//! `std::sync::mpsc` channel.

use std::sync::Arc;
use std::thread::JoinHandle;

/// Where background work delivers its results. Must be cheap and never block.
pub type Sink<T> = Arc<dyn Fn(T) + Send + Sync + 'static>;

/// Spawns a named background thread. A failure to spawn (out of threads) is returned, not
/// panicked on.
pub fn spawn_named<F>(name: String, f: F) -> std::io::Result<JoinHandle<()>>
where
    F: FnOnce() + Send + 'static,
{
    std::thread::Builder::new().name(name).spawn(f)
}

/// Makes a sink that sends into a standard channel (for tests and tools).
pub fn channel_sink<T: Send + 'static>() -> (Sink<T>, std::sync::mpsc::Receiver<T>) {
    let (tx, rx) = std::sync::mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let sink: Sink<T> = Arc::new(move |v| {
        if let Ok(tx) = tx.lock() {
            let _ = tx.send(v);
        }
    });
    (sink, rx)
}
