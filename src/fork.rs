//! Holding a lock across `fork()`: a child made by `fork()` has only the thread that forked, so a
//! lock another thread held at that moment would stay held for ever in the child, and a state
//! it guards half-updated. A structure shared by every thread (the thread registry, the list of
//! pools) therefore has fork handlers (installed with [`os::at_fork`](crate::os::at_fork)):
//! `prepare` takes its lock and keeps the guard here, in the forking thread, until the handler
//! that runs after the fork, in the parent or in the child, releases it. The child's handler
//! first gives the child its own parking table, since releasing a lock may unpark, and with it
//! the child's fork generation. The objects a program makes by the thousand (a queue, a future,
//! a barrier) are not held: the child knows their mutex if a thread it does not have left it
//! held, by that generation, and the object is broken by the fork there (see `park/mutex.rs`,
//! "Fork").

use std::cell::RefCell;
use std::thread::LocalKey;

use crate::park::table;

/// A thread-local slot where the forking thread keeps a lock's guard from the `prepare`
/// handler to the one that runs after the fork, so that the child never inherits that lock held
/// by a thread it does not have.
pub(crate) type ForkSlot<G> = LocalKey<RefCell<Option<G>>>;

/// For a `prepare` handler: keeps `lock()` (a guard) in `slot`, unless the slot already holds
/// one because the handlers were installed twice (see [`os::Hook`](crate::os::Hook)).
pub(crate) fn hold_for_fork<G>(slot: &'static ForkSlot<G>, lock: impl FnOnce() -> G) {
    let _ = slot.try_with(|slot| {
        let mut slot = slot.borrow_mut();
        if slot.is_none() {
            *slot = Some(lock());
        }
    });
}

/// For the `parent` handler: what [`hold_for_fork`] kept (`None` for a second run), to drop.
pub(crate) fn held_in_parent<G>(slot: &'static ForkSlot<G>) -> Option<G> {
    slot.try_with(|slot| slot.borrow_mut().take())
        .ok()
        .flatten()
}

/// For the `child` handler: what [`hold_for_fork`] kept, once the child has its own parking
/// lot: dropping a guard unlocks, which may unpark, and must not reach the parent's table,
/// whose handler may not have run yet.
pub(crate) fn held_in_child<G>(slot: &'static ForkSlot<G>) -> Option<G> {
    table::after_fork_in_child();
    held_in_parent(slot)
}
