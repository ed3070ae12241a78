//! The allocator [`export_rule!`](crate::export_rule) installs in rules built
//! for `wasm32-unknown-unknown` (the built-in pack): dlmalloc, as the
//! standard library uses there, except that its first memory is an arena in
//! the module's initial memory instead of a `memory.grow`.
//!
//! Why: every evaluation runs in a fresh instance, and the standard
//! library's allocator gets its first bytes by growing linear memory. On the
//! host a grow changes the protection of the instance's memory, and
//! `hookwarden serve` changes it back when it reuses a pooled instance: two
//! `mprotect`s, each a TLB shootdown, per rule and call. The arena lives in
//! `.bss`: part of the initial memory, with no data segment, and its pages
//! cost nothing until touched (a pooled instance resets only the pages a
//! call dirtied). Rules allocate far less than the arena per evaluation;
//! past it, memory grows as before.
//!
//! It assumes one thread, so it is not used when the rule is built with the
//! `atomics` target feature (the standard library's allocator is, then).

use core::alloc::{GlobalAlloc, Layout};
use core::cell::{Cell, UnsafeCell};
use core::ptr;
use dlmalloc::Dlmalloc;

/// How much the arena holds: a few times what a built-in rule allocates to
/// judge a shell command (each grew its memory by one 64 KiB page).
const ARENA_BYTES: usize = 256 << 10;
const WASM_PAGE_BYTES: usize = 64 << 10;
/// dlmalloc's flag for a region it did not get from the system: never
/// released or merged.
const EXTERN: u32 = 1;

#[repr(C, align(16))]
struct Arena(UnsafeCell<[u8; ARENA_BYTES]>);

// SAFETY: wasm32-unknown-unknown has one thread; the arena is only reached
// through the allocator, which hands it to dlmalloc once.
unsafe impl Sync for Arena {}

static ARENA: Arena = Arena(UnsafeCell::new([0; ARENA_BYTES]));

/// dlmalloc's source of memory: the arena first, then `memory.grow`.
pub struct ArenaFirst {
    arena_given: Cell<bool>,
}

// SAFETY: one thread (see `Arena`).
unsafe impl Send for ArenaFirst {}

unsafe impl dlmalloc::Allocator for ArenaFirst {
    fn alloc(&self, size: usize) -> (*mut u8, usize, u32) {
        if !self.arena_given.get() && size <= ARENA_BYTES {
            self.arena_given.set(true);
            return (ARENA.0.get().cast(), ARENA_BYTES, EXTERN);
        }
        let pages = size.div_ceil(WASM_PAGE_BYTES);
        let previous = core::arch::wasm32::memory_grow(0, pages);
        if previous == usize::MAX {
            return (ptr::null_mut(), 0, 0);
        }
        (
            (previous * WASM_PAGE_BYTES) as *mut u8,
            pages * WASM_PAGE_BYTES,
            0,
        )
    }

    fn remap(&self, _ptr: *mut u8, _old: usize, _new: usize, _can_move: bool) -> *mut u8 {
        ptr::null_mut()
    }

    fn free_part(&self, _ptr: *mut u8, _old: usize, _new: usize) -> bool {
        false
    }

    fn free(&self, _ptr: *mut u8, _size: usize) -> bool {
        false
    }

    fn can_release_part(&self, _flags: u32) -> bool {
        false
    }

    fn allocates_zeros(&self) -> bool {
        // Fresh linear memory and `.bss` are zero.
        true
    }

    fn page_size(&self) -> usize {
        WASM_PAGE_BYTES
    }
}

/// The global allocator of a rule component.
pub struct RuleAllocator(UnsafeCell<Dlmalloc<ArenaFirst>>);

// SAFETY: one thread (see `Arena`), and no allocation re-enters another.
unsafe impl Sync for RuleAllocator {}

impl RuleAllocator {
    #[allow(clippy::new_without_default)]
    pub const fn new() -> RuleAllocator {
        RuleAllocator(UnsafeCell::new(Dlmalloc::new_with_allocator(ArenaFirst {
            arena_given: Cell::new(false),
        })))
    }
}

unsafe impl GlobalAlloc for RuleAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { (*self.0.get()).malloc(layout.size(), layout.align()) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        unsafe { (*self.0.get()).calloc(layout.size(), layout.align()) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { (*self.0.get()).free(ptr, layout.size(), layout.align()) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        unsafe { (*self.0.get()).realloc(ptr, layout.size(), layout.align(), new_size) }
    }
}
