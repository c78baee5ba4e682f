// SPDX-License-Identifier: GPL-3.0-or-later
//! `<graphics>`: type (vnc, spice …), port / autoport, listen address, password presence and
//! keymap. The password itself can be set or cleared but is never returned by a getter, so
//! it cannot end up in a log; libvirt omits it from XML unless asked for secure XML.

use std::borrow::Cow;

use super::access::{self, attr_fields, Check};
use super::device_handle;
use crate::xml::{Document, XmlError};

device_handle!(
    /// A `<graphics>` device (remote display).
    Graphics,
    "graphics"
);

const GRAPHICS_ORDER: &[&str] = &[
    "listen",
    "channel",
    "image",
    "jpeg",
    "zlib",
    "playback",
    "streaming",
    "clipboard",
    "mouse",
    "filetransfer",
    "gl",
    "audio",
];

impl Graphics {
    attr_fields! {
        /// `vnc`, `spice`, `sdl`, `rdp`, `dbus`, `egl-headless`.
        graphics_type, set_graphics_type: "" @ "type", &[], Token;
        /// Keyboard layout for VNC (`en-us`).
        keymap, set_keymap: "" @ "keymap", &[], Token;
    }

    /// `port`: `Some(-1)` is libvirt's "automatic"; `None` when absent.
    pub fn port(self, doc: &Document) -> Result<Option<i32>, XmlError> {
        match access::attr_of(doc, self.0, "", "port") {
            Some(p) => crate::xml::field::parse_num("@port", &p).map(Some),
            None => Ok(None),
        }
    }

    /// `autoport='yes'`.
    pub fn autoport(self, doc: &Document) -> Result<Option<bool>, XmlError> {
        access::bool_of(doc, self.0, "", "autoport")
    }

    /// A fixed port (`autoport='no'`), or `None` for an automatic one (`autoport='yes'`,
    /// no `port`).
    pub fn set_port(self, doc: &mut Document, port: Option<u16>) -> Result<(), XmlError> {
        if !doc.is_element(self.0) {
            return Err(XmlError::InvalidNode("not an element of this document"));
        }
        match port {
            Some(p) => {
                doc.set_attr(self.0, "port", &p.to_string())?;
                doc.set_attr(self.0, "autoport", "no")
            }
            None => {
                doc.remove_attr(self.0, "port");
                doc.set_attr(self.0, "autoport", "yes")
            }
        }
    }

    /// The listen address: the first `<listen type='address'>`'s, else the `listen`
    /// attribute (the older spelling; libvirt writes both).
    pub fn listen_address(self, doc: &Document) -> Option<Cow<'_, str>> {
        let child = doc
            .elements_named(self.0, "listen")
            .find(|&l| doc.attr(l, "type").as_deref() == Some("address"))
            .and_then(|l| doc.attr(l, "address"));
        child.or_else(|| doc.attr(self.0, "listen"))
    }

    /// Sets the listen address in both places libvirt reads it, which must agree: the
    /// `listen` attribute (if present) and the first `<listen>` (made `type='address'`,
    /// created if there is none). `None` removes the address from both.
    pub fn set_listen_address(
        self,
        doc: &mut Document,
        address: Option<&str>,
    ) -> Result<(), XmlError> {
        if let Some(a) = address {
            access::check("listen/@address", a, Check::Token)?;
        }
        if !doc.is_element(self.0) {
            return Err(XmlError::InvalidNode("not an element of this document"));
        }
        let first = doc.first_element(self.0, "listen");
        match address {
            Some(a) => {
                if doc.attr(self.0, "listen").is_some() {
                    doc.set_attr(self.0, "listen", a)?;
                }
                let l = match first {
                    Some(l) => l,
                    None => doc.ensure_element(self.0, "listen", GRAPHICS_ORDER)?,
                };
                doc.set_attr(l, "type", "address")?;
                doc.set_attr(l, "address", a)
            }
            None => {
                doc.remove_attr(self.0, "listen");
                if let Some(l) = first {
                    doc.remove_attr(l, "address");
                }
                Ok(())
            }
        }
    }

    /// Whether a password is set (`passwd`); the value itself is not readable here.
    pub fn has_password(self, doc: &Document) -> bool {
        doc.attr(self.0, "passwd").is_some()
    }

    /// Sets (`None`: removes) the password. Never logged.
    pub fn set_password(self, doc: &mut Document, password: Option<&str>) -> Result<(), XmlError> {
        match password {
            Some("") => Err(XmlError::invalid("@passwd", "", "may not be empty")),
            Some(p) => doc.set_attr(self.0, "passwd", p).map_err(|e| match e {
                // Do not echo the password in a message.
                XmlError::InvalidChar(_) => {
                    XmlError::invalid("@passwd", "…", "contains a character XML cannot carry")
                }
                other => other,
            }),
            None => {
                doc.remove_attr(self.0, "passwd");
                Ok(())
            }
        }
    }
}
