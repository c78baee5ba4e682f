// SPDX-License-Identifier: GPL-3.0-or-later
//! What the window says about its connections: the header's title and subtitle, the banner
//! (embedded test driver, lost connection, failed connection) and the status page shown
//! instead of an empty list. The wording is decided by plain functions over the
//! connections' states; the [`Banner`] widget only displays it.

use std::collections::BTreeMap;

use gettextrs::gettext;
use gtk::prelude::*;

use crate::backend::{Action, ConnId, ConnState, ConnectionUri};

/// The UI's view of one connection.
pub struct ConnView {
    pub uri: String,
    pub label: String,
    pub state: ConnState,
    /// Its first domain list has arrived.
    pub listed: bool,
}

impl ConnView {
    pub fn new(uri: &ConnectionUri) -> Self {
        let mut base = gettext(uri.hypervisor_label());
        if uri.driver == "test" && uri.path != "/default" {
            // Several test-driver files can be open: name the file.
            if let Some(file) = uri.path.rsplit('/').next() {
                base = format!("{base} ({file})");
            }
        }
        let label = match uri.host_label() {
            Some(host) => gettext("%1$s on %2$s")
                .replace("%1$s", &base)
                .replace("%2$s", &host),
            None => base,
        };
        ConnView {
            uri: uri.to_string(),
            label,
            state: ConnState::Connecting,
            listed: false,
        }
    }
}

/// "Connected", "Connecting…", "Lost: reason", …
pub fn state_text(state: &ConnState) -> String {
    match state {
        ConnState::Connecting => gettext("Connecting…"),
        ConnState::Connected { .. } => gettext("Connected"),
        ConnState::Failed(_) => gettext("Not connected"),
        ConnState::Lost { .. } => gettext("Connection lost"),
        ConnState::Reconnecting { .. } => gettext("Reconnecting…"),
        ConnState::Disconnected => gettext("Disconnected"),
    }
}

/// The status line under a connection's name in the guest list.
pub fn conn_row_status(state: &ConnState) -> String {
    match state {
        ConnState::Connected {
            hostname,
            lib_version,
        } if !hostname.is_empty() => gettext("Connected to %1$s (libvirt %2$s)")
            .replace("%1$s", hostname)
            .replace("%2$s", lib_version),
        ConnState::Lost { reason } => gettext("Connection lost: %s").replace("%s", reason),
        ConnState::Reconnecting {
            last_error: Some(e),
            ..
        } => gettext("Reconnecting… (%s)").replace("%s", &e.message),
        ConnState::Failed(e) => gettext("Not connected: %s").replace("%s", &e.message),
        other => state_text(other),
    }
}

/// Header title and subtitle.
pub fn window_title(conns: &BTreeMap<ConnId, ConnView>) -> (String, String) {
    let title = gettext("Virtual Machines");
    let subtitle = match conns.len() {
        0 => gettext("No connection"),
        1 => {
            let c = conns
                .values()
                .next()
                .map(|c| (c.label.clone(), state_text(&c.state)));
            c.map(|(l, s)| format!("{l} — {s}")).unwrap_or_default()
        }
        n => {
            let up = conns
                .values()
                .filter(|c| matches!(c.state, ConnState::Connected { .. }))
                .count();
            gettext("%1$d of %2$d connections up")
                .replace("%1$d", &up.to_string())
                .replace("%2$d", &n.to_string())
        }
    };
    (title, subtitle)
}

/// The banner's message, if one is needed: a connection problem first, then the embedded
/// fallback notice.
pub fn banner(conns: &BTreeMap<ConnId, ConnView>, fallback_reason: Option<&str>) -> Option<String> {
    for c in conns.values() {
        match &c.state {
            ConnState::Lost { reason } => {
                return Some(
                    gettext("Lost the connection to %1$s: %2$s")
                        .replace("%1$s", &c.label)
                        .replace("%2$s", reason),
                )
            }
            ConnState::Reconnecting {
                attempt,
                delay,
                last_error,
            } => {
                let mut s =
                    gettext("Lost the connection to %1$s. Reconnecting (attempt %2$d, in %3$s s)…")
                        .replace("%1$s", &c.label)
                        .replace("%2$d", &attempt.to_string())
                        .replace("%3$s", &format!("{:.1}", delay.as_secs_f32()));
                if let Some(e) = last_error {
                    s.push(' ');
                    s.push_str(&e.message);
                }
                return Some(s);
            }
            ConnState::Failed(e) => {
                return Some(
                    gettext("Cannot connect to %1$s: %2$s")
                        .replace("%1$s", &c.label)
                        .replace("%2$s", &e.message),
                )
            }
            _ => {}
        }
    }
    fallback_reason.map(|reason| {
        gettext("No libvirt daemon is reachable, so Vireo shows libvirt’s built-in test hypervisor. (%s)").replace("%s", reason)
    })
}

/// What fills the window when the list is empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    List,
    Connecting,
    NoConnection,
    NoGuests,
    /// Guests exist but the search matches none.
    NoMatch,
    Unavailable,
}

impl Page {
    /// (icon, heading, body) of the status page, or None for the list. No icon: busy (a
    /// spinner in its place).
    pub fn status_text(&self) -> Option<(Option<&'static str>, String, String)> {
        match self {
            Page::List => None,
            Page::Connecting => Some((None, gettext("Connecting…"), String::new())),
            Page::NoConnection => Some((
                Some("network-offline-symbolic"),
                gettext("No Connection"),
                gettext("Add a connection to a libvirt host to see its virtual machines."),
            )),
            Page::NoGuests => Some((
                Some("computer-symbolic"),
                gettext("No Virtual Machines"),
                gettext("This host has no virtual machines yet."),
            )),
            Page::NoMatch => Some((
                Some("system-search-symbolic"),
                gettext("No Results Found"),
                gettext(
                    "No virtual machine’s name, title or description contains the search text.",
                ),
            )),
            Page::Unavailable => Some((
                Some("dialog-warning-symbolic"),
                gettext("Not Connected"),
                gettext(
                    "The connection is not available. Vireo keeps trying; see the message above.",
                ),
            )),
        }
    }
}

pub fn page(
    conns: &BTreeMap<ConnId, ConnView>,
    domains: usize,
    visible: usize,
    probing: bool,
) -> Page {
    if domains > 0 {
        return if visible > 0 {
            Page::List
        } else {
            Page::NoMatch
        };
    }
    if probing
        || conns.values().any(|c| {
            matches!(c.state, ConnState::Connecting)
                || (matches!(c.state, ConnState::Connected { .. }) && !c.listed)
        })
    {
        return Page::Connecting;
    }
    if conns.is_empty() {
        return Page::NoConnection;
    }
    if conns
        .values()
        .any(|c| matches!(c.state, ConnState::Connected { .. }))
    {
        Page::NoGuests
    } else {
        Page::Unavailable
    }
}

/// Heading of the toast when an action failed: "Could not start “vm1”".
pub fn action_failed_heading(action: Action, name: &str) -> String {
    let template = match action {
        Action::Start => gettext("Could not start “%s”"),
        Action::Shutdown => gettext("Could not shut down “%s”"),
        Action::Reboot => gettext("Could not reboot “%s”"),
        Action::ForceOff => gettext("Could not force off “%s”"),
        Action::Reset => gettext("Could not reset “%s”"),
        Action::Pause => gettext("Could not pause “%s”"),
        Action::Resume => gettext("Could not resume “%s”"),
        Action::ManagedSave => gettext("Could not save “%s”"),
    };
    template.replace("%s", name)
}

/// A banner under the header bar (libadwaita 1.2 has no AdwBanner): a revealer with a
/// wrapped label, styled in style.css.
pub struct Banner {
    pub widget: gtk::Revealer,
    label: gtk::Label,
}

impl Banner {
    pub fn new() -> Self {
        let label = gtk::Label::new(None);
        label.set_wrap(true);
        label.set_xalign(0.5);
        label.set_justify(gtk::Justification::Center);
        label.set_hexpand(true);
        label.set_margin_top(6);
        label.set_margin_bottom(6);
        label.set_margin_start(12);
        label.set_margin_end(12);
        let b = gtk::Box::new(gtk::Orientation::Horizontal, 6);
        b.add_css_class("vireo-banner");
        b.append(&label);
        let widget = gtk::Revealer::new();
        widget.set_child(Some(&b));
        widget.set_transition_type(gtk::RevealerTransitionType::SlideDown);
        Banner { widget, label }
    }

    pub fn show(&self, text: Option<String>) {
        match text {
            Some(t) => {
                if self.label.label() != t {
                    self.label.set_label(&t);
                }
                self.widget.set_reveal_child(true);
            }
            None => {
                self.widget.set_reveal_child(false);
                self.label.set_label("");
            }
        }
    }
}

impl Default for Banner {
    fn default() -> Self {
        Self::new()
    }
}
