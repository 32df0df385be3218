//! Waiting for any of several queues, events and futures: Go's `select` on receives, Windows'
//! `WaitForMultipleObjects` (with `bWaitAll` false), `concurrent.futures.wait` with
//! `FIRST_COMPLETED` across kinds.
//!
//! What "ready" means, for each kind: a queue holds an item or is shut down (a `get` would not
//! block), an event is set, a future is done. A queue's readiness is a *moment*, not a
//! reservation: `wait_any` does not take the item, like a `select` on a channel's readability or
//! `poll` on a socket, so another consumer may get it first and the caller's next `get` with a
//! zero timeout then reports the queue empty. It does not take it because taking needs a place
//! to put the item for each kind of object, and a call that can wake on an event or a future
//! would have to give the item back in some other way than as its result; checking is enough
//! for a single consumer, and a caller that shares the queue gets with a timeout of zero and
//! waits again.
//!
//! How: one waiter (`future::Waiter`, the one `concurrent.futures.wait` uses) is registered with
//! each object not ready, under the object's index. Futures take it as a listener, as for `wait`;
//! queues and events have no list of listeners, and are watched through the process-wide registry
//! (`wait_any/registry.rs`), whose entries their slow paths report to (their fast paths are
//! unchanged). The first object found ready while registering ends the call at once; otherwise the
//! thread sleeps on the waiter until an object reports, or until the deadline or its cancellation
//! token ends the wait.

pub(crate) mod registry;

use std::sync::Arc;

use crate::Error;
use crate::future::{Future, ReturnWhen, Waiter, register, unregister};
use crate::queue::Queue;
use crate::sync::Event;
use crate::timeout::Timeout;

/// One object [`wait_any`] can wait for.
pub enum Waitable<'a, Q, T, E> {
    /// Ready when it holds an item or is shut down.
    Queue(&'a Queue<Q>),
    /// Ready when set.
    Event(&'a Event),
    /// Ready when done (with a result, an exception, or cancelled).
    Future(&'a Future<T, E>),
}

// Not derived: that would require `Q: Clone` and the like.
impl<Q, T, E> Clone for Waitable<'_, Q, T, E> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Q, T, E> Copy for Waitable<'_, Q, T, E> {}

/// Waits at most `timeout` until one of `objects` is ready (see the module documentation) and
/// returns its index; `Ok(None)` if none was in time, or if the calling thread's cancellation
/// token ended the wait (`crate::cancel::cancelled` tells which).
///
/// An object ready on entry is found without waiting, the lowest index first among those
/// looked at (objects are looked at in order, and the call stops at the first ready one), even
/// with a set token, as every call that can proceed at once does. Otherwise the index is that
/// of the first object to become ready during the wait (a queue's item may be gone by then).
///
/// [`Error::InvalidArgument`] for an empty list (nothing could ever be ready).
pub fn wait_any<Q, T, E>(
    objects: &[Waitable<'_, Q, T, E>],
    timeout: Timeout,
) -> Result<Option<usize>, Error> {
    if objects.is_empty() {
        return Err(Error::InvalidArgument);
    }
    let waiter = Arc::new(Waiter::new(objects.len(), ReturnWhen::FirstCompleted));
    let watch = |index| {
        let waiter = &waiter;
        move |address| registry::watch(address, waiter, index)
    };
    let mut watched = 0;
    let mut ready = None;
    for (index, object) in objects.iter().enumerate() {
        let now = match *object {
            Waitable::Queue(queue) => queue.watch(watch(index)),
            Waitable::Event(event) => event.watch(watch(index)),
            Waitable::Future(future) => {
                future.done() || {
                    register(&waiter, std::iter::once((index, future)));
                    false
                }
            }
        };
        if now {
            ready = Some(index);
            break;
        }
        watched += 1;
    }
    let found = ready.or_else(|| waiter.first(timeout.deadline()));
    registry::forget(&waiter);
    for object in &objects[..watched] {
        match *object {
            Waitable::Queue(queue) => queue.unwatch(),
            Waitable::Event(_) => {}
            Waitable::Future(future) => unregister(&waiter, std::iter::once(future)),
        }
    }
    Ok(found)
}
