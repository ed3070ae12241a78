//! The last line: a hook process that crashes still answers.
//!
//! A crash (a stack overflow, a fault in native code, an abort) kills the
//! process before it can print anything, and every agent treats a hook
//! that dies without an answer as "no objection". So before the hook reads
//! its payload it prepares the fail-mode answer in the agent's format
//! ([`prepare`], renewed as the call learns its configuration and event),
//! and [`install`]s handlers for the signals a crash raises. A handler
//! writes the prepared answer to stdout (and stderr) and exits with its
//! code, unless the call has already begun answering ([`claim_answer`]):
//! one answer per call, whoever gives it.
//!
//! The handlers run on the faulting thread's alternate signal stack (the
//! Rust runtime gives every thread one, and wasmtime its own for the
//! threads that run wasm, chaining here for faults outside wasm code), so a
//! stack overflow is answered too. They only call `write(2)` and `_exit(2)`.

use hookwarden_agents::Answer;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

/// An answer ready for a signal handler: raw bytes, nothing to allocate.
struct Prepared {
    stdout: Box<[u8]>,
    stderr: Box<[u8]>,
    code: i32,
}

static PREPARED: AtomicPtr<Prepared> = AtomicPtr::new(std::ptr::null_mut());
static ANSWERED: AtomicBool = AtomicBool::new(false);

/// The signals a crash raises.
const CRASH_SIGNALS: [libc::c_int; 6] = [
    libc::SIGSEGV,
    libc::SIGBUS,
    libc::SIGILL,
    libc::SIGFPE,
    libc::SIGABRT,
    libc::SIGSYS,
];

/// Make `answer` the one a crash gives from now on.
pub fn prepare(answer: &Answer) {
    let prepared = Box::into_raw(Box::new(Prepared {
        stdout: answer.stdout.as_bytes().into(),
        stderr: answer.stderr.as_bytes().into(),
        code: answer.exit_code,
    }));
    // The previous one is left alone: a handler on another thread may be
    // reading it. A call prepares a handful at most.
    PREPARED.swap(prepared, Ordering::AcqRel);
}

/// Take the right to answer this call: `true` for the first caller only.
/// The call's own answer, the deadline watchdog and a crash handler all
/// claim it before writing.
pub fn claim_answer() -> bool {
    !ANSWERED.swap(true, Ordering::AcqRel)
}

/// Install the crash handlers. Call once, before anything reads input.
pub fn install() {
    for signal in CRASH_SIGNALS {
        // SAFETY: a zeroed sigaction with a valid handler, flags and an
        // empty mask is a valid argument to sigaction.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_crash as *const () as usize;
            action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_NODEFER;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
}

extern "C" fn on_crash(signal: libc::c_int, _: *mut libc::siginfo_t, _: *mut libc::c_void) {
    let prepared = PREPARED.load(Ordering::Acquire);
    if prepared.is_null() {
        // Nothing prepared yet (cannot happen after `prepare`): die as
        // the signal would have it.
        // SAFETY: restoring the default action and re-raising are
        // async-signal-safe.
        unsafe {
            libc::signal(signal, libc::SIG_DFL);
            libc::raise(signal);
        }
        return;
    }
    // SAFETY: `prepared` came from `Box::into_raw` and is never freed.
    let prepared = unsafe { &*prepared };
    if claim_answer() {
        write_all(libc::STDOUT_FILENO, &prepared.stdout);
        write_all(libc::STDERR_FILENO, &prepared.stderr);
    }
    // SAFETY: _exit is async-signal-safe and ends the process at once.
    unsafe { libc::_exit(prepared.code) }
}

/// `write(2)` until done or failed: async-signal-safe.
fn write_all(fd: libc::c_int, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        // SAFETY: writing from a valid slice.
        let n = unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
        if n > 0 {
            bytes = &bytes[n as usize..];
        } else if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted
        {
            continue;
        } else {
            return;
        }
    }
}
