//! A bounded stack for the code under test, and stack overflows reported as
//! crashes.
//!
//! libFuzzer's own `main` runs the target, not Rust's, so the standard
//! library's stack-overflow handler is never installed, and libFuzzer's
//! `SIGSEGV` handler runs on the faulting stack: a stack overflow then kills
//! the process with a bare `SIGSEGV`, with no report and no reproducer. On
//! the first input [`run`] (or [`report_overflows`]) re-installs libFuzzer's
//! handlers to run on an alternate signal stack, which each thread that
//! runs target code gets, so an overflow ends in libFuzzer's "deadly signal"
//! report and a saved `crash-…` input, after a line saying it was a stack
//! overflow.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, Once, OnceLock};

/// The stack of the worker that runs the code under test: 2 MiB, the
/// standard library's default for spawned threads, which is what the
/// worker threads of `hookwarden serve` (`std::thread::Builder` without a
/// stack size) run the shell analysis on — the smallest stack it gets in
/// the host (a hook call runs it on the 8 MiB main thread). Override with
/// `HOOKWARDEN_FUZZ_STACK_KIB`.
pub const DEFAULT_STACK_BYTES: usize = 2 << 20;

const ALT_STACK_BYTES: usize = 256 << 10;

type Job = Box<dyn FnOnce() + Send>;

struct Worker {
    jobs: mpsc::Sender<Job>,
    done: mpsc::Receiver<()>,
}

static WORKER: OnceLock<Mutex<Worker>> = OnceLock::new();
/// The worker's usable stack, `[low, high)`, for the overflow message.
static WORKER_STACK_LOW: AtomicUsize = AtomicUsize::new(0);
static WORKER_STACK_BYTES: AtomicUsize = AtomicUsize::new(0);

pub fn stack_bytes() -> usize {
    std::env::var("HOOKWARDEN_FUZZ_STACK_KIB")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .map(|kib| kib << 10)
        .unwrap_or(DEFAULT_STACK_BYTES)
}

/// Run `f` on the bounded-stack worker thread and return its result. A
/// panic there aborts the process (libfuzzer-sys' panic hook), which
/// libFuzzer reports as a crash like any other.
pub fn run<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    report_overflows();
    let worker = WORKER.get_or_init(|| Mutex::new(spawn_worker()));
    let worker = worker.lock().unwrap_or_else(|e| e.into_inner());
    let slot = Arc::new(Mutex::new(None));
    let out = Arc::clone(&slot);
    worker
        .jobs
        .send(Box::new(move || {
            let r = f();
            *out.lock().unwrap() = Some(r);
        }))
        .expect("the analysis worker is gone");
    worker.done.recv().expect("the analysis worker is gone");
    let r = slot.lock().unwrap().take();
    r.expect("the analysis worker returned nothing")
}

fn spawn_worker() -> Worker {
    let (jobs, rx) = mpsc::channel::<Job>();
    let (done_tx, done) = mpsc::channel();
    let bytes = stack_bytes();
    std::thread::Builder::new()
        .name("bounded-stack".into())
        .stack_size(bytes)
        .spawn(move || {
            alt_stack();
            record_stack();
            for job in rx {
                job();
                if done_tx.send(()).is_err() {
                    break;
                }
            }
        })
        .expect("cannot start the bounded-stack worker");
    Worker { jobs, done }
}

/// Once, from the first input on (libFuzzer installs its handlers after
/// `LLVMFuzzerInitialize`): run the `SIGSEGV`/`SIGBUS` handlers on an
/// alternate stack, and give the calling thread one.
pub fn report_overflows() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        alt_stack();
        for sig in [libc::SIGSEGV, libc::SIGBUS] {
            // SAFETY: plain sigaction calls; the previous action is kept
            // for `on_fault` to chain to before ours is installed.
            unsafe {
                let mut old: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(sig, std::ptr::null(), &mut old) != 0 {
                    continue;
                }
                let slot = if sig == libc::SIGSEGV {
                    &PREV_SEGV
                } else {
                    &PREV_BUS
                };
                *slot.0.get() = old;
                slot.1.store(1, Ordering::Release);
                let mut act: libc::sigaction = std::mem::zeroed();
                act.sa_sigaction = on_fault as *const () as usize;
                act.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
                libc::sigemptyset(&mut act.sa_mask);
                libc::sigaction(sig, &act, std::ptr::null_mut());
            }
        }
    });
}

struct Prev(std::cell::UnsafeCell<libc::sigaction>, AtomicUsize);
// SAFETY: written once before the handler that reads it is installed.
unsafe impl Sync for Prev {}
static PREV_SEGV: Prev = Prev(
    std::cell::UnsafeCell::new(unsafe { std::mem::zeroed() }),
    AtomicUsize::new(0),
);
static PREV_BUS: Prev = Prev(
    std::cell::UnsafeCell::new(unsafe { std::mem::zeroed() }),
    AtomicUsize::new(0),
);

extern "C" fn on_fault(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: async-signal-safe calls only (write, sigaction, the previous
    // handler, which is libFuzzer's crash handler).
    unsafe {
        let addr = (*info).si_addr() as usize;
        let low = WORKER_STACK_LOW.load(Ordering::Relaxed);
        let bytes = WORKER_STACK_BYTES.load(Ordering::Relaxed);
        // The guard page sits just below the usable stack.
        if low != 0 && addr < low + 4096 && addr + (1 << 20) >= low {
            let msg = b"\n==hookwarden-fuzz== STACK OVERFLOW on the bounded-stack worker thread (stack of ";
            libc::write(2, msg.as_ptr().cast(), msg.len());
            write_usize(bytes >> 10);
            let msg = b" KiB)\n";
            libc::write(2, msg.as_ptr().cast(), msg.len());
        } else {
            let msg = b"\n==hookwarden-fuzz== SIGSEGV/SIGBUS (a stack overflow if the address is just below a thread's stack)\n";
            libc::write(2, msg.as_ptr().cast(), msg.len());
        }
        let prev = if sig == libc::SIGSEGV {
            &PREV_SEGV
        } else {
            &PREV_BUS
        };
        let old = &*prev.0.get();
        let handler = old.sa_sigaction;
        if prev.1.load(Ordering::Acquire) == 1
            && handler != libc::SIG_DFL
            && handler != libc::SIG_IGN
        {
            if old.sa_flags & libc::SA_SIGINFO != 0 {
                let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                    std::mem::transmute(handler);
                f(sig, info, ctx);
            } else {
                let f: extern "C" fn(libc::c_int) = std::mem::transmute(handler);
                f(sig);
            }
        }
        // No handler to chain to (or it returned): die of the signal.
        let mut dfl: libc::sigaction = std::mem::zeroed();
        dfl.sa_sigaction = libc::SIG_DFL;
        libc::sigaction(sig, &dfl, std::ptr::null_mut());
    }
}

fn write_usize(mut n: usize) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // SAFETY: a write of a local buffer.
    unsafe {
        libc::write(2, buf[i..].as_ptr().cast(), buf.len() - i);
    }
}

/// An alternate signal stack for the calling thread (leaked: threads that
/// call this live as long as the process).
fn alt_stack() {
    let mem: &'static mut [u8] = Box::leak(vec![0u8; ALT_STACK_BYTES].into_boxed_slice());
    let ss = libc::stack_t {
        ss_sp: mem.as_mut_ptr().cast(),
        ss_flags: 0,
        ss_size: ALT_STACK_BYTES,
    };
    // SAFETY: the memory outlives the thread.
    unsafe {
        libc::sigaltstack(&ss, std::ptr::null_mut());
    }
}

fn record_stack() {
    // SAFETY: pthread_getattr_np on the calling thread, attr destroyed after.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            return;
        }
        let mut addr: *mut libc::c_void = std::ptr::null_mut();
        let mut size: libc::size_t = 0;
        if libc::pthread_attr_getstack(&attr, &mut addr, &mut size) == 0 {
            WORKER_STACK_LOW.store(addr as usize, Ordering::Relaxed);
            WORKER_STACK_BYTES.store(size, Ordering::Relaxed);
        }
        libc::pthread_attr_destroy(&mut attr);
    }
}
