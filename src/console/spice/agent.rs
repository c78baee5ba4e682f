// SPDX-License-Identifier: GPL-3.0-or-later
//! The SPICE guest agent: whether it runs and what it can do, and the clipboard both ways
//! through it.

use std::rc::Rc;

use spice_client_glib as spice;
use spice_client_glib::prelude::*;

use super::{live, Inner};
use crate::console::session::{Reopen as _, SessionEvent};

/// The agent's clipboard selection for the clipboard (VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD).
pub(super) const SELECTION_CLIPBOARD: u32 = 0;
/// The agent's type for UTF-8 text (VD_AGENT_CLIPBOARD_UTF8_TEXT).
pub(super) const CLIPBOARD_UTF8_TEXT: u32 = 1;
/// Agent capabilities (VD_AGENT_CAP_*).
pub(super) const CAP_MONITORS_CONFIG: u32 = 1;
pub(super) const CAP_CLIPBOARD_BY_DEMAND: u32 = 5;

/// Whether the guest's agent runs and announced `cap`.
pub(super) fn agent_can(main: &spice::MainChannel, cap: u32) -> bool {
    main.is_agent_connected() && main.agent_test_capability(cap)
}

impl Inner {
    /// The guest agent's coming and going, and the clipboard both ways: the guest's copied
    /// text is fetched as soon as the guest announces it and reported as
    /// [`SessionEvent::GuestClipboard`]; the guest's paste becomes
    /// [`SessionEvent::ClipboardRequest`]. spice-glib's grab and data signals carry raw
    /// pointers, which the binding does not wrap: they are read here, within the emission.
    pub(super) fn wire_agent(self: &Rc<Self>, main: &spice::MainChannel, gen: u64) {
        // The agent counts once its capabilities arrived (spice-glib refuses clipboard and
        // monitor messages before that); main-agent-update follows both.
        let weak = Rc::downgrade(self);
        main.connect_main_agent_update(move |m| {
            let Some(inner) = live(&weak, gen) else {
                return;
            };
            let ready = agent_can(m, CAP_CLIPBOARD_BY_DEMAND) || agent_can(m, CAP_MONITORS_CONFIG);
            if inner.agent_ready.replace(ready) != ready {
                inner.emit(SessionEvent::Agent { connected: ready });
            }
        });
        let weak = Rc::downgrade(self);
        // (channel, selection, guint32 *types, ntypes) -> handled
        main.connect_local("main-clipboard-selection-grab", false, move |v| {
            let main = v.first()?.get::<spice::MainChannel>().ok()?;
            live(&weak, gen)?;
            let selection = v.get(1)?.get::<u32>().ok()?;
            let types = v.get(2)?.get::<glib::Pointer>().ok()?;
            let n = v.get(3)?.get::<u32>().ok()?;
            let has_text = !types.is_null()
                && n > 0
                // SAFETY: spice-glib passes `n` guint32 types, valid during the emission.
                && unsafe { std::slice::from_raw_parts(types as *const u32, n as usize) }
                    .contains(&CLIPBOARD_UTF8_TEXT);
            if selection == SELECTION_CLIPBOARD && has_text {
                main.clipboard_selection_request(SELECTION_CLIPBOARD, CLIPBOARD_UTF8_TEXT);
            }
            Some(true.to_value())
        });
        let weak = Rc::downgrade(self);
        // (channel, selection, type, guchar *data, size)
        main.connect_local("main-clipboard-selection", false, move |v| {
            let inner = live(&weak, gen)?;
            let selection = v.get(1)?.get::<u32>().ok()?;
            let kind = v.get(2)?.get::<u32>().ok()?;
            let data = v.get(3)?.get::<glib::Pointer>().ok()?;
            let size = v.get(4)?.get::<u32>().ok()?;
            if selection != SELECTION_CLIPBOARD || kind != CLIPBOARD_UTF8_TEXT {
                return None;
            }
            let bytes: &[u8] = if data.is_null() || size == 0 {
                &[]
            } else {
                // SAFETY: spice-glib passes `size` bytes, valid during the emission.
                unsafe { std::slice::from_raw_parts(data as *const u8, size as usize) }
            };
            // Agents may end the text with a NUL.
            let bytes = bytes.strip_suffix(&[0]).unwrap_or(bytes);
            inner.emit(SessionEvent::GuestClipboard(
                String::from_utf8_lossy(bytes).into_owned(),
            ));
            None
        });
        let weak = Rc::downgrade(self);
        main.connect_main_clipboard_selection_request(move |_, selection, kind| {
            let Some(inner) = live(&weak, gen) else {
                return false;
            };
            if selection != SELECTION_CLIPBOARD || kind != CLIPBOARD_UTF8_TEXT {
                return false;
            }
            inner.emit(SessionEvent::ClipboardRequest);
            true
        });
    }
}
