// SPDX-License-Identifier: GPL-3.0-or-later
//! USB redirection of a SPICE session: spice-glib's device manager, made on first use, and
//! the host's devices as [`UsbDeviceInfo`].

use std::rc::Rc;

use spice_client_glib as spice;
use spice_client_glib::prelude::*;

use super::{live, Inner, SpiceSession};
use crate::console::session::{Reopen as _, SessionEvent, UsbDeviceInfo, UsbDone};

impl Inner {
    /// The session's USB device manager, made and wired on first use.
    pub(super) fn usb_manager(self: &Rc<Self>) -> Result<spice::UsbDeviceManager, String> {
        if let Some(m) = self.usb.borrow().as_ref() {
            return Ok(m.clone());
        }
        let session = self
            .session
            .borrow()
            .clone()
            .ok_or_else(|| "The console is not connected.".to_string())?;
        let mgr = spice::UsbDeviceManager::get(&session)
            .map_err(|e| format!("USB redirection is not available here: {}", e.message()))?;
        // Only what the user picks is redirected, never whatever gets plugged in.
        mgr.set_auto_connect(false);
        let gen = self.generation.get();
        for signal in ["device-added", "device-removed"] {
            let weak = Rc::downgrade(self);
            mgr.connect_local(signal, false, move |_| {
                live(&weak, gen)?.emit(SessionEvent::UsbChanged);
                None
            });
        }
        self.usb.replace(Some(mgr.clone()));
        Ok(mgr)
    }
}

/// A USB device's description: maker, product and where it is plugged in.
fn usb_description(device: &spice::UsbDevice) -> String {
    let mut d = device.clone();
    d.description(None)
        .map(|s| s.to_string())
        .unwrap_or_else(|| "USB device".into())
}

impl SpiceSession {
    pub(super) fn usb_list(&self) -> Result<Vec<UsbDeviceInfo>, String> {
        let mgr = self.0.usb_manager()?;
        let devices = mgr.devices();
        let redirected = devices
            .iter()
            .filter(|d| mgr.is_device_connected(d))
            .count();
        if mgr.free_channels() <= 0 && redirected == 0 {
            return Err(
                "This virtual machine has no USB redirection channel (add a USB redirector device)."
                    .into(),
            );
        }
        Ok(devices
            .iter()
            .map(|d| {
                let description = usb_description(d);
                let redirected = mgr.is_device_connected(d);
                UsbDeviceInfo {
                    key: description.clone(),
                    description,
                    redirected,
                    blocked: if redirected {
                        None
                    } else {
                        mgr.can_redirect_device(d)
                            .err()
                            .map(|e| e.message().to_string())
                    },
                }
            })
            .collect())
    }

    pub(super) fn usb_switch(&self, key: &str, on: bool, done: UsbDone) {
        let mgr = match self.0.usb_manager() {
            Ok(m) => m,
            Err(e) => return done(Err(e)),
        };
        let Some(device) = mgr
            .devices()
            .into_iter()
            .find(|d| usb_description(d) == key)
        else {
            return done(Err("The USB device is no longer plugged in.".into()));
        };
        let weak = Rc::downgrade(&self.0);
        let gen = self.0.generation.get();
        let finish = move |r: Result<(), glib::Error>| {
            if let Some(inner) = live(&weak, gen) {
                inner.emit(SessionEvent::UsbChanged);
            }
            done(r.map_err(|e| e.message().to_string()));
        };
        if on {
            mgr.connect_device_async(&device, None::<&gio::Cancellable>, finish);
        } else {
            mgr.disconnect_device_async(&device, None::<&gio::Cancellable>, finish);
        }
    }
}
