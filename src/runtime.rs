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

/// A sink whose destination is attached later: what is sent before [`LateSink::attach`] is
/// kept, in order, and delivered on attach; afterwards values go straight through. (The UI
/// starts connecting before its window exists, to overlap libvirt's start with GTK's.)
pub struct LateSink<T> {
    state: std::sync::Mutex<(Option<Sink<T>>, Vec<T>)>,
}

impl<T: Send + 'static> LateSink<T> {
    pub fn new() -> Arc<Self> {
        Arc::new(LateSink {
            state: std::sync::Mutex::new((None, Vec::new())),
        })
    }

    /// The sink to hand to producers.
    pub fn sink(self: &Arc<Self>) -> Sink<T> {
        let me = self.clone();
        Arc::new(move |v| {
            let mut s = me.state.lock().unwrap_or_else(|e| e.into_inner());
            match &s.0 {
                Some(target) => target(v),
                None => s.1.push(v),
            }
        })
    }

    /// Delivers what was kept to `target`, then sends everything there.
    pub fn attach(&self, target: Sink<T>) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        for v in std::mem::take(&mut s.1) {
            target(v);
        }
        s.0 = Some(target);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_sink_keeps_order_across_attach() {
        let late = LateSink::new();
        let sink = late.sink();
        sink(1);
        sink(2);
        let (target, rx) = channel_sink();
        late.attach(target);
        sink(3);
        assert_eq!(rx.try_iter().collect::<Vec<_>>(), vec![1, 2, 3]);
    }
}
