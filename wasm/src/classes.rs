//! The full module's allocator: free lists of small size classes in front of talc.
//!
//! The simulator allocates and frees many small, short-lived values per event (strings of
//! actions, vectors of events, the answer's JSON). A profile of the CLI's wasm engine on a
//! 10,000-cluster fleet spent ~8 % of its time in talc's allocate, deallocate and bin
//! search. Here a request of at most [`MAX_SMALL`] bytes (alignment at most [`ALIGN`]) is
//! rounded up to a multiple of 16 and served from that class's free list: a pop, or a
//! bump from a 64 KiB chunk taken from talc when the list is empty; freeing pushes it back.
//! Everything larger goes to talc.
//!
//! Memory a class holds stays with the class (a freed block is reused only by requests of
//! its class): a WebAssembly memory never shrinks anyway, and a simulation's mix of sizes
//! repeats from cluster to cluster, so the classes reach a steady size. The calculator
//! module keeps plain talc: this code is for speed, and the calculator is sized for a page.
//!
//! An allocator cannot be written without `unsafe`; this file is one of the few places
//! allowed it (with the ABI's exports and the module cache), each block with its reason.
#![allow(unsafe_code)]

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr::{self, null_mut};

/// The largest request served by the size classes, in bytes.
pub const MAX_SMALL: usize = 512;
/// The alignment of every block of the size classes (a multiple of 16).
pub const ALIGN: usize = 16;
const CLASSES: usize = MAX_SMALL / ALIGN;
/// Bytes taken from talc at a time for the size classes.
const CHUNK: usize = 64 * 1024;

/// Free lists per class and the chunk being carved.
struct Lists {
    /// The first free block of each class; each free block's first word is the next.
    free: [*mut u8; CLASSES],
    /// The unused part of the current chunk: `next..end`.
    next: *mut u8,
    end: *mut u8,
}

/// Size classes in front of a general allocator (talc in the module).
pub struct SizeClasses<A> {
    large: A,
    lists: UnsafeCell<Lists>,
}

// The module is single-threaded (built without atomics: `lib.rs` installs this allocator
// only then), so no two calls ever touch the lists at once.
unsafe impl<A: Sync> Sync for SizeClasses<A> {}

impl<A> SizeClasses<A> {
    /// Size classes in front of `large`.
    pub const fn new(large: A) -> Self {
        SizeClasses {
            large,
            lists: UnsafeCell::new(Lists {
                free: [null_mut(); CLASSES],
                next: null_mut(),
                end: null_mut(),
            }),
        }
    }
}

/// The class serving `layout`, if one does.
fn class_of(layout: Layout) -> Option<usize> {
    if layout.size() <= MAX_SMALL && layout.align() <= ALIGN {
        // Sizes 1..=16 are class 0, 17..=32 class 1, …; a zero size shares class 0.
        Some(layout.size().saturating_sub(1) / ALIGN)
    } else {
        None
    }
}

unsafe impl<A: GlobalAlloc> GlobalAlloc for SizeClasses<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(class) = class_of(layout) else {
            // SAFETY: the caller's contract is passed on unchanged.
            return unsafe { self.large.alloc(layout) };
        };
        // SAFETY: single-threaded (see the `Sync` impl), and no reference to the lists
        // outlives this call.
        let lists = unsafe { &mut *self.lists.get() };
        let head = lists.free[class];
        if !head.is_null() {
            // SAFETY: a free block's first word holds the next free block (written by
            // `dealloc`), and blocks are 16-aligned.
            lists.free[class] = unsafe { ptr::read(head.cast::<*mut u8>()) };
            return head;
        }
        let size = (class + 1) * ALIGN;
        if (lists.end as usize) - (lists.next as usize) < size {
            // SAFETY: CHUNK and ALIGN make a valid, non-zero layout.
            let chunk = unsafe {
                self.large
                    .alloc(Layout::from_size_align_unchecked(CHUNK, ALIGN))
            };
            if chunk.is_null() {
                return null_mut();
            }
            // What was left of the previous chunk (less than one block of this class)
            // stays unused.
            lists.next = chunk;
            // SAFETY: `chunk` points to CHUNK bytes.
            lists.end = unsafe { chunk.add(CHUNK) };
        }
        let block = lists.next;
        // SAFETY: at least `size` bytes remain between `next` and `end`.
        lists.next = unsafe { block.add(size) };
        block
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let Some(class) = class_of(layout) else {
            // SAFETY: a large block came from `large` with this layout.
            return unsafe { self.large.dealloc(ptr, layout) };
        };
        // SAFETY: single-threaded; `ptr` is a block of this class (same layout as when it
        // was allocated), at least 16 bytes and 16-aligned, so it holds the link.
        let lists = unsafe { &mut *self.lists.get() };
        unsafe { ptr::write(ptr.cast::<*mut u8>(), lists.free[class]) };
        lists.free[class] = ptr;
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY (for the layouts below): `new_size` with the old alignment is valid by
        // the caller's contract.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (class_of(layout), class_of(new_layout)) {
            (Some(a), Some(b)) if a == b => ptr,
            // SAFETY: both blocks are large: talc's own realloc.
            (None, None) => unsafe { self.large.realloc(ptr, layout, new_size) },
            _ => {
                // SAFETY: a new block of the new layout, the common prefix copied, the old
                // block freed with its own layout.
                unsafe {
                    let new = self.alloc(new_layout);
                    if !new.is_null() {
                        ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                        self.dealloc(ptr, layout);
                    }
                    new
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::System;

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).expect("a valid layout")
    }

    #[test]
    fn classes_round_up_to_sixteen_and_stop_at_the_largest() {
        assert_eq!(class_of(layout(1, 1)), Some(0));
        assert_eq!(class_of(layout(16, 8)), Some(0));
        assert_eq!(class_of(layout(17, 8)), Some(1));
        assert_eq!(class_of(layout(MAX_SMALL, 16)), Some(CLASSES - 1));
        assert_eq!(class_of(layout(MAX_SMALL + 1, 1)), None);
        assert_eq!(
            class_of(layout(64, 32)),
            None,
            "alignment beyond 16 goes to talc"
        );
    }

    #[test]
    fn blocks_are_reused_by_their_class_kept_apart_and_survive_realloc() {
        let a = SizeClasses::new(System);
        unsafe {
            let small = layout(24, 8);
            let p = a.alloc(small);
            let q = a.alloc(small);
            assert!(!p.is_null() && !q.is_null() && p != q);
            assert_eq!(p as usize % ALIGN, 0);
            assert!(
                (q as usize).abs_diff(p as usize) >= 32,
                "blocks do not overlap"
            );
            a.dealloc(p, small);
            assert_eq!(
                a.alloc(small),
                p,
                "a freed block serves the next request of its class"
            );
            assert_ne!(a.alloc(layout(8, 8)), p, "another class does not take it");
            // Growing within the class keeps the block; beyond it moves with the bytes.
            ptr::copy_nonoverlapping(b"0123456789abcdef0123".as_ptr(), q, 20);
            assert_eq!(a.realloc(q, small, 30), q);
            let big = a.realloc(q, layout(30, 8), 4000);
            assert_eq!(std::slice::from_raw_parts(big, 20), b"0123456789abcdef0123");
            let back = a.realloc(big, layout(4000, 8), 10);
            assert_eq!(std::slice::from_raw_parts(back, 10), b"0123456789");
            a.dealloc(back, layout(10, 8));
            // Many blocks: past one chunk, all distinct and writable.
            let blocks: Vec<*mut u8> = (0..10_000).map(|_| a.alloc(layout(100, 4))).collect();
            for (i, &b) in blocks.iter().enumerate() {
                ptr::write_bytes(b, (i % 251) as u8, 100);
            }
            for (i, &b) in blocks.iter().enumerate() {
                assert!(
                    std::slice::from_raw_parts(b, 100)
                        .iter()
                        .all(|&x| x == (i % 251) as u8)
                );
            }
        }
    }
}
