//! `weft::wait_any`: waiting for any of several queues, events and futures.
//!
//! A thread that waits counts as a getter of each queue it watches (`Queue::getters`), after it
//! registered with every object before it in its list: the tests put a queue last and wait for
//! that count, so that the object they make ready is made ready during the wait, not before.

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use weft::cancel::{self, CancelToken};
use weft::wait_any::{Waitable, wait_any};
use weft::{Error, Event, Future, Queue, QueueKind, Timeout};

/// Long enough that only the event the test waits for ends the waits below in time.
const LONG: Timeout = Timeout::After(Duration::from_secs(30));
/// What "at once" means on a loaded machine.
const SOON: Duration = Duration::from_secs(10);

type Q = Queue<u32>;
type F = Future<u32, u32>;

/// The objects of a test: two queues (the last one is the witness of the registration), an
/// event, a future.
struct Objects {
    queue: Q,
    event: Event,
    future: F,
    last: Q,
}

impl Objects {
    fn new() -> Arc<Objects> {
        Arc::new(Objects {
            queue: Queue::new(QueueKind::Fifo, 0).unwrap(),
            event: Event::new(),
            future: Future::new(),
            last: Queue::new(QueueKind::Fifo, 0).unwrap(),
        })
    }

    fn list(&self) -> [Waitable<'_, u32, u32, u32>; 4] {
        [
            Waitable::Queue(&self.queue),
            Waitable::Event(&self.event),
            Waitable::Future(&self.future),
            Waitable::Queue(&self.last),
        ]
    }
}

/// Starts a thread waiting for any of `objects` (with `token` installed, if any), and returns
/// once it registered with all of them.
fn waiting(
    objects: &Arc<Objects>,
    token: Option<Arc<CancelToken>>,
) -> JoinHandle<(Result<Option<usize>, Error>, bool, Duration)> {
    let theirs = Arc::clone(objects);
    let handle = std::thread::spawn(move || {
        cancel::install(token);
        let start = Instant::now();
        let result = wait_any(&theirs.list(), LONG);
        (result, cancel::cancelled(), start.elapsed())
    });
    while objects.last.getters() == 0 {
        std::thread::yield_now();
    }
    handle
}

/// Makes one object ready while another thread waits, and returns the index it reported.
fn woken_by(ready: impl FnOnce(&Objects)) -> usize {
    let objects = Objects::new();
    let waiter = waiting(&objects, None);
    ready(&objects);
    let (result, cancelled, took) = waiter.join().unwrap();
    assert!(!cancelled);
    assert!(took < SOON, "woken, not timed out");
    assert_eq!(objects.queue.getters(), 0, "counted out");
    assert_eq!(objects.last.getters(), 0, "counted out");
    result.unwrap().expect("something became ready")
}

#[test]
fn a_put_wakes_it_with_the_queues_index_and_the_item_stays() {
    let objects = Objects::new();
    let waiter = waiting(&objects, None);
    objects.queue.put(7, Timeout::Forever).unwrap();
    let (result, _, took) = waiter.join().unwrap();
    assert!(took < SOON);
    assert_eq!(result, Ok(Some(0)));
    assert_eq!(
        objects.queue.get(Timeout::After(Duration::ZERO)),
        Ok(7),
        "not taken"
    );
}

#[test]
fn a_set_wakes_it_with_the_events_index() {
    assert_eq!(woken_by(|o| o.event.set()), 1);
}

#[test]
fn a_completion_wakes_it_with_the_futures_index() {
    assert_eq!(woken_by(|o| o.future.set_result(3).unwrap()), 2);
}

#[test]
fn a_shutdown_wakes_it_with_the_queues_index() {
    assert_eq!(woken_by(|o| drop(o.queue.shutdown(false).unwrap())), 0);
}

#[test]
fn an_event_set_and_cleared_during_the_wait_counts() {
    assert_eq!(
        woken_by(|o| {
            o.event.set();
            o.event.clear();
        }),
        1
    );
}

#[test]
fn it_waits_again_after_a_timeout_and_is_woken_then() {
    // A timed-out call leaves nothing registered that a later one would miss or trip over.
    let objects = Objects::new();
    let short = Timeout::After(Duration::from_millis(20));
    for _ in 0..3 {
        let start = Instant::now();
        assert_eq!(wait_any(&objects.list(), short), Ok(None));
        assert!(start.elapsed() >= Duration::from_millis(20));
        assert!(!cancel::cancelled());
    }
    assert_eq!(objects.queue.getters(), 0);
    assert_eq!(woken_by(|o| o.event.set()), 1);
}

#[test]
fn one_ready_on_entry_is_found_without_waiting_lowest_index_first() {
    let objects = Objects::new();
    objects.last.put(1, Timeout::Forever).unwrap();
    assert_eq!(wait_any(&objects.list(), LONG), Ok(Some(3)));
    objects.future.set_result(1).unwrap();
    assert_eq!(wait_any(&objects.list(), LONG), Ok(Some(2)));
    objects.event.set();
    assert_eq!(wait_any(&objects.list(), LONG), Ok(Some(1)));
    objects.queue.put(1, Timeout::Forever).unwrap();
    assert_eq!(
        wait_any(&objects.list(), Timeout::After(Duration::ZERO)),
        Ok(Some(0))
    );
    // Even with a set token: a call that can proceed at once does.
    let token = Arc::new(CancelToken::new());
    token.set();
    cancel::install(Some(token));
    assert_eq!(wait_any(&objects.list(), LONG), Ok(Some(0)));
    cancel::install(None);
}

#[test]
fn a_token_ends_the_wait() {
    let objects = Objects::new();
    let token = Arc::new(CancelToken::new());
    let waiter = waiting(&objects, Some(Arc::clone(&token)));
    token.set();
    let (result, cancelled, took) = waiter.join().unwrap();
    assert_eq!(result, Ok(None));
    assert!(cancelled);
    assert!(took < SOON, "ended by the token, not the timeout");
    assert_eq!(objects.last.getters(), 0, "counted out");
}

#[test]
fn an_empty_list_is_refused() {
    let none: [Waitable<'_, u32, u32, u32>; 0] = [];
    assert_eq!(wait_any(&none, LONG), Err(Error::InvalidArgument));
}

#[test]
fn wake_ups_racing_the_registration_are_never_missed() {
    // The object is made ready while the waiter may be anywhere in its registration: before,
    // between its objects, or asleep. A wake-up lost to the race shows as a wait of `LONG`.
    for round in 0..300 {
        let objects = Objects::new();
        let theirs = Arc::clone(&objects);
        let waiter = std::thread::spawn(move || wait_any(&theirs.list(), LONG));
        match round % 3 {
            0 => objects.queue.put(1, Timeout::Forever).unwrap(),
            1 => objects.event.set(),
            _ => objects.future.set_result(1).unwrap(),
        }
        assert_eq!(waiter.join().unwrap(), Ok(Some(round % 3)), "round {round}");
        assert_eq!(objects.queue.getters() + objects.last.getters(), 0);
    }
}

#[test]
fn several_waiters_and_a_getter_on_one_queue_all_hear_of_an_item() {
    let objects = Objects::new();
    let waiters: Vec<_> = (0..3).map(|_| waiting(&objects, None)).collect();
    while objects.last.getters() < 3 {
        std::thread::yield_now();
    }
    let theirs = Arc::clone(&objects);
    let getter = std::thread::spawn(move || theirs.queue.get(LONG));
    while objects.queue.getters() < 4 {
        std::thread::yield_now();
    }
    objects.queue.put(5, Timeout::Forever).unwrap();
    for waiter in waiters {
        let (result, _, took) = waiter.join().unwrap();
        assert!(took < SOON);
        assert_eq!(result, Ok(Some(0)));
    }
    assert_eq!(getter.join().unwrap(), Ok(5), "the getter got the item");
}
