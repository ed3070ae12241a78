//! Running independent work items on a few threads, keeping their order.
//!
//! Rules are independent (each evaluates in its own instance), and loading
//! and evaluating one is a few hundred microseconds of CPU, so on a machine
//! with more than one core a hook call finishes sooner when rules run side
//! by side. `hookwarden compile` uses the same pool for Cranelift.

use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How many threads to use when the configuration does not say: one per
/// CPU this process may run on (its affinity mask). Unlike
/// `std::thread::available_parallelism` this ignores cgroup CPU quotas: that
/// reads several cgroup files, which costs more than a thread too many.
pub fn default_threads() -> NonZeroUsize {
    // SAFETY: `set` is a plain bitmask the call fills in; its size is passed.
    let count = unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) == 0 {
            libc::CPU_COUNT(&set) as usize
        } else {
            1
        }
    };
    NonZeroUsize::new(count).unwrap_or(NonZeroUsize::MIN)
}

/// `items.iter().map(f).collect()`, on up to `threads` threads (the calling
/// thread is one of them). Items are taken in order as threads become free;
/// results come back in the order of `items`. A thread that cannot be
/// started is simply not used.
pub fn map<T, R, F>(items: &[T], threads: NonZeroUsize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let threads = threads.get().min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let done = Mutex::new(Vec::with_capacity(items.len()));
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            let result = f(item);
            done.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((i, result));
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..threads {
            if std::thread::Builder::new()
                .name("hookwarden-worker".into())
                .spawn_scoped(scope, work)
                .is_err()
            {
                break;
            }
        }
        work();
    });
    let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn keeps_order_and_runs_everything_once() {
        let items: Vec<u32> = (0..100).collect();
        for threads in [1, 2, 3, 16] {
            let n = NonZeroUsize::new(threads).unwrap();
            let out = map(&items, n, |&x| x * 2);
            assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn uses_more_than_one_thread() {
        let items: Vec<u32> = (0..8).collect();
        let seen = Mutex::new(HashSet::new());
        let barrier = std::sync::Barrier::new(2);
        map(&items[..2], NonZeroUsize::new(2).unwrap(), |_| {
            // Both items must be in flight at once to pass the barrier.
            barrier.wait();
            seen.lock().unwrap().insert(std::thread::current().id());
        });
        assert_eq!(seen.lock().unwrap().len(), 2);
        assert!(map(&items[..0], NonZeroUsize::new(4).unwrap(), |&x| x).is_empty());
    }
}
