//! Handles: how a Rust value travels through C as an opaque, reference-counted pointer.
//!
//! A handle `*mut weft_lock` points at the payload of an `Arc<Tagged<Lock>>`. The first field of
//! `Tagged` is a tag naming the type, checked on every entry, so NULL and (on a best-effort basis)
//! a handle of another type or a freed handle give a status instead of undefined behaviour.
//! `_clone` increments the count and returns the same pointer; each reference is released by one
//! `_free`. A future's handle is a `Tagged<()>` header inside the future's own allocation
//! instead (one allocation per task, see `capi/future.rs`), checked the same way.
//!
//! A freed handle's memory is usually given to the next object of the same size, and then the
//! stale handle passes the check and works on that object. Debug builds prevent it: every
//! `Arc` made by [`new`] keeps a weak reference that is never given back ([`quarantine`]), so
//! its memory outlives the value (dropped as usual, its tag set to the freed marker) and is
//! never reused: any use of a freed handle then gives `WEFT_STATUS_WRONG_HANDLE`. Release builds
//! return the memory (no check on a hot path could tell a stale handle from its successor; see
//! BENCHMARKS.md, "Freed handles"). Futures are not kept: their allocation is the core's.

use std::ptr;
use std::sync::Arc;

use super::weft_status::{self, WEFT_STATUS_NULL_ARGUMENT, WEFT_STATUS_WRONG_HANDLE};

/// Implemented by each opaque C type: the Rust value behind its handles and its tag.
pub(crate) trait Handle {
    /// The Rust value a handle of this type refers to.
    type Inner: Send + Sync;
    /// This type's entry in [`Tag`], stored at the start of every handle.
    const TAG: Tag;
}

/// The tag every handle carries once freed (best-effort detection of use after free).
const TAG_FREED: u64 = 0x7765_6674_dead_dead;

/// Every handle type's tag, in one list. The compiler rejects two variants with the same
/// number; the test below checks that the words stored in handles are distinct too, and never
/// the freed marker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub(crate) enum Tag {
    Lock = 1,
    RLock = 2,
    Thread = 3,
    Condition = 4,
    Event = 5,
    Semaphore = 6,
    Barrier = 7,
    Local = 8,
    Queue = 10,
    Pool = 11,
    Future = 12,
    AsCompleted = 13,
    RwLock = 15,
    Scheduler = 17,
    Map = 18,
    Cancel = 14,
}

impl Tag {
    /// The word stored at the start of every handle of this type: "weft" in ASCII, then the
    /// number.
    pub(crate) const fn word(self) -> u64 {
        0x7765_6674_0000_0000 | self as u64
    }
}

#[repr(C)]
pub(crate) struct Tagged<T> {
    tag: u64,
    value: T,
}

impl Tagged<()> {
    /// The tag alone, for a handle whose value lives around it in an allocation of its own: a
    /// future's handle is the header of the future's allocation (`Future::with_task`).
    pub(crate) fn header(tag: Tag) -> Tagged<()> {
        Tagged {
            tag: tag.word(),
            value: (),
        }
    }
}

impl<T> Drop for Tagged<T> {
    fn drop(&mut self) {
        // SAFETY: `self.tag` is a valid, aligned u64 owned by `self`. Volatile so the store is
        // not removed as dead: a later, erroneous use of the freed handle may still see it.
        unsafe { ptr::write_volatile(&mut self.tag, TAG_FREED) };
    }
}

/// `value` with `H`'s tag, as a handle holds it.
pub(crate) fn tagged<H: Handle>(value: H::Inner) -> Arc<Tagged<H::Inner>> {
    Arc::new(Tagged {
        tag: H::TAG.word(),
        value,
    })
}

/// A new handle owning one reference to `value`.
pub(crate) fn new<H: Handle>(value: H::Inner) -> *mut H {
    let arc = tagged::<H>(value);
    #[cfg(debug_assertions)]
    quarantine::keep(std::sync::Weak::into_raw(Arc::downgrade(&arc)).cast());
    Arc::into_raw(arc) as *mut H
}

/// Debug builds only: the allocations of every handle made, kept for the process's life (see
/// the module comment).
#[cfg(debug_assertions)]
mod quarantine {
    use std::ptr;
    use std::sync::atomic::{AtomicPtr, Ordering};

    /// One kept allocation (a `Weak` given up with `Weak::into_raw`, never taken back), and the
    /// node kept before it.
    struct Node {
        _kept: *const (),
        next: *mut Node,
    }

    /// The kept allocations, newest first: reachable from here, so that leak checkers (valgrind,
    /// Miri) do not report them. A lock-free list, so that a child made by `fork()` can make
    /// handles whatever its parent's threads were doing.
    static KEPT: AtomicPtr<Node> = AtomicPtr::new(ptr::null_mut());

    /// Keeps `kept` reachable for the rest of the process's life.
    pub(super) fn keep(kept: *const ()) {
        let node = Box::into_raw(Box::new(Node {
            _kept: kept,
            next: ptr::null_mut(),
        }));
        // Relaxed: the list is never read, only kept reachable; the CAS alone keeps it whole.
        let mut head = KEPT.load(Ordering::Relaxed);
        loop {
            // SAFETY: `node` is ours until the exchange below publishes it.
            unsafe { (*node).next = head };
            match KEPT.compare_exchange_weak(head, node, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return,
                Err(now) => head = now,
            }
        }
    }
}

/// Checks `handle` and borrows the value behind it.
///
/// # Safety
/// `handle` is NULL or a pointer some weft function returned (then the tag is read to detect a
/// wrong type); while the borrow lives, the caller holds a reference so the handle is not freed.
#[inline]
pub(crate) unsafe fn borrow<'a, H: Handle>(handle: *const H) -> Result<&'a H::Inner, weft_status> {
    // SAFETY: forwarded contract; every `Tagged` starts with its tag.
    unsafe { check(handle.cast(), H::TAG)? };
    let tagged = handle as *const Tagged<H::Inner>;
    // SAFETY: the tag says this is a live `Tagged<H::Inner>` made by `new::<H>`; the caller's
    // reference keeps it alive for 'a.
    Ok(unsafe { &(*tagged).value })
}

/// Checks that `handle` is not NULL and starts with `tag`'s word.
///
/// # Safety
/// `handle` is NULL or a pointer some weft function returned: every handle starts with an
/// aligned u64 tag (it points at a `Tagged`).
#[inline]
pub(crate) unsafe fn check(handle: *const u64, tag: Tag) -> Result<(), weft_status> {
    if handle.is_null() {
        return Err(WEFT_STATUS_NULL_ARGUMENT);
    }
    // SAFETY: per the contract, a non-NULL `handle` points at an aligned u64 tag.
    if unsafe { ptr::read_volatile(handle) } != tag.word() {
        return Err(WEFT_STATUS_WRONG_HANDLE);
    }
    Ok(())
}

/// Checks `handle` and returns a new owned reference to the `Arc` behind it.
///
/// # Safety
/// As for [`borrow`].
pub(crate) unsafe fn arc<H: Handle>(
    handle: *const H,
) -> Result<Arc<Tagged<H::Inner>>, weft_status> {
    // SAFETY: forwarded contract.
    unsafe { borrow(handle)? };
    let tagged = handle as *const Tagged<H::Inner>;
    // SAFETY: `tagged` came from `Arc::into_raw` in `new` and is alive (checked above, and the
    // caller holds a reference); the increment gives the new `Arc` its own count.
    unsafe {
        Arc::increment_strong_count(tagged);
        Ok(Arc::from_raw(tagged))
    }
}

/// Another reference to the same object: the same pointer, its count incremented. NULL for a
/// NULL or wrong handle.
///
/// # Safety
/// As for [`borrow`].
pub(crate) unsafe fn clone<H: Handle>(handle: *const H) -> *mut H {
    // SAFETY: forwarded contract.
    match unsafe { arc(handle) } {
        Ok(arc) => Arc::into_raw(arc) as *mut H,
        Err(_) => ptr::null_mut(),
    }
}

/// Releases one reference; the last one drops the value. NULL and wrong handles are ignored.
///
/// # Safety
/// As for [`borrow`]; the caller gives up the reference it passes.
pub(crate) unsafe fn free<H: Handle>(handle: *const H) {
    // SAFETY: forwarded contract.
    if unsafe { borrow(handle) }.is_err() {
        return;
    }
    // SAFETY: the handle is valid and the caller hands us its reference, which this drops.
    drop(unsafe { Arc::from_raw(handle as *const Tagged<H::Inner>) });
}

impl<T> std::ops::Deref for Tagged<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// Writes `value` through an out-parameter checked earlier with [`out_ptr`].
///
/// # Safety
/// `out` is non-NULL, aligned and valid for writes.
pub(crate) unsafe fn write<T>(out: *mut T, value: T) {
    // SAFETY: per the contract.
    unsafe { out.write(value) }
}

/// Checks an out-parameter before any work is done, so a NULL one changes nothing.
pub(crate) fn out_ptr<T>(out: *mut T) -> Result<*mut T, weft_status> {
    if out.is_null() {
        Err(WEFT_STATUS_NULL_ARGUMENT)
    } else {
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_distinct() {
        use Tag::*;
        let all = [
            Lock,
            RLock,
            Thread,
            Condition,
            Event,
            Semaphore,
            Barrier,
            Local,
            Queue,
            Pool,
            Future,
            AsCompleted,
            RwLock,
            Scheduler,
            Map,
            Cancel,
        ];
        let mut words: Vec<u64> = all.iter().map(|tag| tag.word()).collect();
        words.push(TAG_FREED);
        words.sort_unstable();
        words.dedup();
        assert_eq!(words.len(), all.len() + 1);
    }

    /// In a debug build a freed handle never comes back: not as the next object of its type
    /// (which the allocator would place at the same address), nor as one of another type.
    /// Before, the stale handle worked on the new lock.
    #[cfg(debug_assertions)]
    #[test]
    fn a_freed_handle_stays_wrong() {
        use crate::capi::event::{weft_event_free, weft_event_is_set, weft_event_new};
        use crate::capi::lock::*;
        use crate::capi::weft_status::WEFT_STATUS_OK;
        for _ in 0..100 {
            let (mut old, mut new, mut event) = (ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
            // SAFETY: C API calls with valid out-pointers; `old` is used after its free on
            // purpose, which a debug build makes defined (its memory is kept).
            unsafe {
                assert_eq!(weft_lock_new(&mut old), WEFT_STATUS_OK);
                weft_lock_free(old);
                assert_eq!(weft_lock_new(&mut new), WEFT_STATUS_OK);
                assert_eq!(weft_event_new(&mut event), WEFT_STATUS_OK);
                assert_ne!(old, new, "a freed handle's address reused");
                assert_eq!(
                    weft_lock_acquire(old, false, -1.0),
                    WEFT_STATUS_WRONG_HANDLE
                );
                assert!(!weft_lock_locked(new), "the stale handle took the new lock");
                assert!(weft_lock_clone(old).is_null());
                weft_lock_free(old); // ignored
                assert!(!weft_event_is_set(old.cast()));
                assert_eq!(weft_lock_acquire(new, false, -1.0), WEFT_STATUS_OK);
                assert_eq!(weft_lock_release(old), WEFT_STATUS_WRONG_HANDLE);
                assert!(weft_lock_locked(new));
                weft_lock_free(new);
                weft_event_free(event);
            }
        }
    }
}
