// SPDX-License-Identifier: GPL-3.0-or-later
//! Credentials for connections that ask for them (SASL, the test driver's `<auth>`, …).
//!
//! libvirt calls its auth callback from inside `virConnectOpenAuth`, on the connection's
//! worker thread. The worker turns the call into an [`AuthRequest`] event and blocks until
//! the UI answers (or five minutes pass). Answers travel as [`Secret`]s, whose `Debug` never
//! shows the text, so a password cannot reach a log through an event dump.

use std::cell::RefCell;
use std::ffi::{CStr, CString};
use std::fmt;
use std::os::raw::{c_char, c_int, c_uint, c_void};
use std::sync::mpsc::SyncSender;

use virt::connect::Connect;
use virt::sys;

use super::error::{last_error, BackendError, ErrorKind, Result};

/// A credential's text. `Debug` and `Display` print `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(text: impl Into<String>) -> Self {
        Secret(text.into())
    }

    /// The text itself: only for handing to libvirt.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// What one prompt asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    User,
    Password,
    /// Anything else; `echo` says whether the answer may be shown while typed.
    Other {
        echo: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    /// libvirt's prompt text ("Enter username for localhost").
    pub text: String,
    /// A suggested answer, if libvirt has one.
    pub default: String,
}

/// A question from a connection's worker, waiting for the UI's answer.
#[derive(Debug, Clone)]
pub struct AuthRequest {
    pub uri: String,
    pub prompts: Vec<Prompt>,
    reply: SyncSender<Option<Vec<Secret>>>,
}

impl AuthRequest {
    pub(crate) fn new(
        uri: String,
        prompts: Vec<Prompt>,
        reply: SyncSender<Option<Vec<Secret>>>,
    ) -> Self {
        AuthRequest {
            uri,
            prompts,
            reply,
        }
    }

    /// Answers, one value per prompt in order; `None` cancels.
    pub fn answer(&self, values: Option<Vec<Secret>>) {
        let _ = self.reply.try_send(values);
    }
}

type Asker = Box<dyn Fn(Vec<Prompt>) -> Option<Vec<Secret>>>;

thread_local! {
    // The asker of the open in progress on this thread (libvirt's callback is a plain fn).
    static ASKER: RefCell<Option<Asker>> = RefCell::new(None);
}

fn kind_of(t: c_int) -> PromptKind {
    match t as sys::virConnectCredentialType {
        sys::VIR_CRED_USERNAME | sys::VIR_CRED_AUTHNAME => PromptKind::User,
        sys::VIR_CRED_PASSPHRASE | sys::VIR_CRED_NOECHOPROMPT => PromptKind::Password,
        sys::VIR_CRED_ECHOPROMPT => PromptKind::Other { echo: true },
        _ => PromptKind::Other { echo: false },
    }
}

/// A C string libvirt may leave NULL (virt 0.5's own wrapper crashes on a NULL challenge,
/// which is why this module calls libvirt itself).
unsafe fn text(p: *const c_char) -> String {
    if p.is_null() {
        String::new()
    } else {
        // SAFETY: libvirt hands NUL-terminated strings valid for the callback's duration.
        unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
    }
}

unsafe extern "C" fn callback(
    creds: sys::virConnectCredentialPtr,
    ncred: c_uint,
    _data: *mut c_void,
) -> c_int {
    if creds.is_null() {
        return -1;
    }
    // SAFETY: libvirt passes an array of `ncred` credentials it owns for this call.
    let creds = unsafe { std::slice::from_raw_parts_mut(creds, ncred as usize) };
    let prompts: Vec<Prompt> = creds
        .iter()
        .map(|c| Prompt {
            kind: kind_of(c.type_),
            text: unsafe { text(c.prompt) },
            default: unsafe { text(c.defresult) },
        })
        .collect();
    let answers = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        ASKER.with(|a| a.borrow().as_ref().and_then(|ask| ask(prompts)))
    }))
    .ok()
    .flatten();
    // No answer (cancelled, timed out): tell libvirt, which refuses the connection.
    let Some(answers) = answers else { return -1 };
    for (c, a) in creds.iter_mut().zip(answers) {
        let Ok(value) = CString::new(a.expose()) else {
            return -1;
        };
        let bytes = value.as_bytes_with_nul();
        // libvirt frees the result with free(): it must come from malloc.
        // SAFETY: plain allocation and copy of `bytes.len()` bytes.
        let buf = unsafe { libc::malloc(bytes.len()) } as *mut c_char;
        if buf.is_null() {
            return -1;
        }
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr() as *const c_char, buf, bytes.len()) };
        c.result = buf;
        c.resultlen = (bytes.len() - 1) as c_uint;
    }
    0
}

/// Opens `uri`, asking `ask` for credentials if the driver wants any.
pub fn open(
    uri: &str,
    ask: impl Fn(Vec<Prompt>) -> Option<Vec<Secret>> + 'static,
) -> Result<Connect> {
    let c_uri = CString::new(uri)
        .map_err(|_| BackendError::new(ErrorKind::InvalidUri, "the URI contains a NUL byte"))?;
    let mut types = [
        sys::VIR_CRED_USERNAME,
        sys::VIR_CRED_AUTHNAME,
        sys::VIR_CRED_PASSPHRASE,
        sys::VIR_CRED_ECHOPROMPT,
        sys::VIR_CRED_NOECHOPROMPT,
    ]
    .map(|t| t as c_int);
    let mut auth = sys::virConnectAuth {
        credtype: types.as_mut_ptr(),
        ncredtype: types.len() as c_uint,
        cb: Some(callback),
        cbdata: std::ptr::null_mut(),
    };
    ASKER.with(|a| a.replace(Some(Box::new(ask))));
    // SAFETY: uri and auth outlive the call; libvirt calls `callback` on this thread only.
    let ptr = unsafe { sys::virConnectOpenAuth(c_uri.as_ptr(), &mut auth, 0) };
    ASKER.with(|a| a.replace(None));
    if ptr.is_null() {
        let e = last_error();
        return Err(BackendError::reclassify_open(e));
    }
    // SAFETY: a fresh connection reference, now owned by the wrapper.
    Ok(unsafe { Connect::from_ptr(ptr) })
}

#[cfg(test)]
mod tests {
    #[test]
    fn secrets_do_not_print() {
        let s = super::Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert!(!format!("{:?}", Some(vec![s.clone()])).contains("hunter2"));
        assert_eq!(s.expose(), "hunter2");
    }
}
