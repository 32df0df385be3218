//! A Rust program that depends on weft as the crate's documentation says (`tests/rust_dependent.rs`
//! builds it): the safe types, no C ABI.

use std::sync::Arc;
use weft::{Event, Pool, Thread, Timeout};

fn main() -> Result<(), weft::Error> {
    let event = Arc::new(Event::new());
    let set = Arc::clone(&event);
    let thread = Thread::new(move || set.set());
    thread.start()?;
    assert!(event.wait(Timeout::Forever));
    assert!(thread.join(Timeout::Forever)?);
    let pool = Pool::new(2, "dependent", None);
    let future = pool
        .submit(|| Ok::<_, ()>(6 * 7))
        .map_err(|refused| refused.error)?;
    pool.shutdown(true, false)?;
    println!("{:?}", future.outcome(Timeout::Forever));
    Ok(())
}
