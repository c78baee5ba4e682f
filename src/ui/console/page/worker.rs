// SPDX-License-Identifier: GPL-3.0-or-later
//! How the console page gets what only the connection's worker can give it (display
//! sockets, the serial console): a command carrying a one-shot [`Reply`], answered on the
//! worker, awaited on the GTK thread.

use gtk::glib;

use crate::backend::{Command, ConnId, Reply};
use crate::console::session::{self, GraphicsSource};
use crate::ui::app::AppMsg;

/// Sockets from the connection's worker thread.
pub(super) struct WorkerSource {
    pub input: relm4::Sender<AppMsg>,
    pub conn: ConnId,
    pub uuid: String,
}

impl GraphicsSource for WorkerSource {
    fn open(&self, done: Box<dyn FnOnce(session::Opened)>) {
        let uuid = self.uuid.clone();
        ask(
            &self.input,
            self.conn,
            |reply| Command::OpenGraphics { uuid, reply },
            move |r| {
                done(match r {
                    Some(r) => r.map(|s| (s.protocol, s.fd)),
                    None => Err(session::GraphicsError::Failed(lost())),
                })
            },
        );
    }
}

pub(super) fn lost() -> crate::backend::BackendError {
    crate::backend::BackendError::new(
        crate::backend::ErrorKind::ConnectionLost,
        "the connection closed",
    )
}

/// Sends a command whose answer comes back through a [`Reply`] and runs `done` with it on
/// this (the GTK) thread; `None` when the worker went away without answering.
pub(super) fn ask<T: Send + 'static>(
    input: &relm4::Sender<AppMsg>,
    conn: ConnId,
    command: impl FnOnce(Reply<T>) -> Command,
    done: impl FnOnce(Option<T>) + 'static,
) {
    let (tx, rx) = futures_channel::oneshot::channel();
    let tx = std::sync::Mutex::new(Some(tx));
    let reply = Reply::new(move |r| {
        if let Some(tx) = tx.lock().ok().and_then(|mut t| t.take()) {
            let _ = tx.send(r);
        }
    });
    input.emit(AppMsg::Send(conn, command(reply)));
    glib::spawn_future_local(async move {
        done(rx.await.ok());
    });
}
