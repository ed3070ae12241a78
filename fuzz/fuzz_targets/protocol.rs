//! The resident server's wire protocol (`hookwarden::resident::protocol`):
//! framing and messages, as `hookwarden serve` and a hook read them.
//!
//! Input: one byte choosing the size limit, then the bytes on the socket.
//!
//! - `read_frame` never panics and never allocates more than the limit it is
//!   given (plus a little), whatever the length prefix says; what it returns
//!   is exactly the frame's body;
//! - the body (or, for a frame refused or cut short, the bytes after the
//!   prefix) is read as the server reads it (`Request`, else `BuildOf`) and
//!   as a hook reads it (`Response`): no panic; a message that reads is
//!   written back with `write_frame`, read back with `read_frame`, and
//!   reads the same again.
//!
//! The message types change with the protocol: [`messages`] is all there is
//! to adapt.

#![no_main]

use hookwarden::resident::protocol::{
    BuildOf, MAX_REQUEST_BYTES, MAX_RESPONSE_BYTES, Request, Response, read_frame, write_frame,
};
use libfuzzer_sys::fuzz_target;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts live heap bytes and their peak, so a check can bound what one
/// call allocated.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        p
    }
}

fn grew(size: usize) {
    let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Bytes allocated at the peak of `f`, above what was live before it.
fn peak_of<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let r = f();
    (r, PEAK.load(Ordering::Relaxed).saturating_sub(before))
}

/// The limits tried: tiny ones, and the real ones of the server and hook.
const LIMITS: &[usize] = &[
    0,
    1,
    4,
    64,
    4096,
    1 << 20,
    MAX_RESPONSE_BYTES,
    MAX_REQUEST_BYTES,
];
/// What `read_frame` may allocate besides the body (error messages).
const SLACK: usize = 4096;

/// Read `body` as each side does; what reads must survive a round trip
/// through the framing.
fn messages(body: &[u8]) {
    // The server: a request, else the build of a request it cannot read.
    match serde_json::from_slice::<Request>(body) {
        Ok(request) => round_trip(&request, |b| {
            serde_json::from_slice::<Request>(b).map(|r| serde_json::to_value(&r).unwrap())
        }),
        Err(e) => {
            let _ = e.to_string();
            let _ = serde_json::from_slice::<BuildOf>(body);
        }
    }
    // The hook: the server's response.
    if let Ok(response) = serde_json::from_slice::<Response>(body) {
        round_trip(&response, |b| {
            serde_json::from_slice::<Response>(b).map(|r| serde_json::to_value(&r).unwrap())
        });
        // What the hook accepts as a judgement of the built-in pack's plan:
        // only one outcome per planned rule, each naming its rule.
        if let Response::Judged(judged) = response {
            let rules = hookwarden::plan::plan(&Default::default());
            let entries = judged.len();
            if let Ok(outcomes) = hookwarden::resident::protocol::accept(
                &rules,
                hookwarden_event::HookEvent::PreToolUse,
                &[hookwarden_event::ActionKind::Shell],
                judged,
            ) {
                assert_eq!(entries, rules.len());
                assert!(outcomes.iter().zip(&rules).all(|(o, r)| o.rule_id == r.id));
            }
        }
    }
}

fn round_trip<T: serde::Serialize>(
    value: &T,
    read: impl Fn(&[u8]) -> serde_json::Result<serde_json::Value>,
) {
    let expected = serde_json::to_value(value).expect("a message that read serializes");
    let mut wire = Vec::new();
    write_frame(&mut wire, value).expect("write_frame into a Vec");
    let body = read_frame(&mut wire.as_slice(), wire.len()).expect("read_frame of write_frame");
    assert_eq!(body.len() + 4, wire.len());
    let back = read(&body).unwrap_or_else(|e| {
        panic!(
            "a message does not read back ({e}): {}",
            String::from_utf8_lossy(&body)
        )
    });
    assert_eq!(back, expected, "a message changed on the round trip");
}

fuzz_target!(|data: &[u8]| {
    hookwarden_fuzz::stack::report_overflows();
    let Some((&pick, stream)) = data.split_first() else {
        return;
    };
    let limit = LIMITS[pick as usize % LIMITS.len()];
    let (frame, peak) = peak_of(|| read_frame(&mut &stream[..], limit));
    assert!(
        peak <= limit + SLACK,
        "read_frame with a limit of {limit} bytes allocated {peak} bytes"
    );
    let declared = stream
        .get(..4)
        .map(|p| u32::from_le_bytes(p.try_into().unwrap()) as usize);
    match frame {
        Ok(body) => {
            let len = declared.expect("a frame has a length");
            assert!(
                len <= limit,
                "a frame of {len} bytes read under a limit of {limit}"
            );
            assert_eq!(
                &body[..],
                &stream[4..4 + len],
                "the body is not the frame's bytes"
            );
            messages(&body);
        }
        Err(e) => {
            match declared {
                None => assert_eq!(e.kind(), std::io::ErrorKind::UnexpectedEof),
                Some(len) if len > limit => {
                    assert_eq!(e.kind(), std::io::ErrorKind::InvalidData)
                }
                Some(_) => assert_eq!(e.kind(), std::io::ErrorKind::UnexpectedEof),
            }
            // Still exercise the message readers on what follows the prefix.
            if let Some(rest) = stream.get(4..) {
                messages(rest);
            }
        }
    }
});
