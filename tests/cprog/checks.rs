//! What each tutorial example's output must show (c-tests/examples/README.md, last column): exact
//! where the seed's output is deterministic, a multiset of lines where only the order varies, an
//! invariant where the content varies.

use std::collections::BTreeMap;

type Check = fn(&str) -> Result<(), String>;

/// Every example with a check. An example file without an entry here fails.
const CHECKS: &[(&str, Check)] = &[
    ("course_hello_threads", course_hello_threads),
    ("course_lock_f", course_lock_f),
    ("course_mythread", course_mythread),
    ("course_nonblocking", course_nonblocking),
    ("course_race_condition", course_race_condition),
    ("effbot_counter", effbot_counter),
    ("notes_basics", notes_basics),
    ("notes_daemon", notes_daemon),
    ("notes_join_sequence", notes_join_sequence),
    ("notes_sleeping_workers", notes_sleeping_workers),
    ("notes_sleepy", notes_sleepy),
    ("notes_echo_pool_executor", echo_server),
    ("notes_echo_pool_queue", echo_server),
    ("notes_producer_consumer", notes_producer_consumer),
    ("threading_daemon", threading_daemon),
    ("threading_daemon_join", threading_daemon_join),
    (
        "threading_daemon_join_timeout",
        threading_daemon_join_timeout,
    ),
    ("threading_enumerate", threading_enumerate),
    ("threading_lock", threading_lock),
    ("threading_lock_noblock", threading_lock_noblock),
    ("threading_lock_reacquire", threading_lock_reacquire),
    ("threading_lock_with", threading_lock_with),
    ("threading_names", threading_names),
    ("threading_names_log", threading_names_log),
    ("threading_rlock", threading_rlock),
    ("threading_simple", threading_simple),
    ("threading_simpleargs", threading_simpleargs),
    ("threading_subclass", threading_subclass),
    ("threading_local", threading_local),
    ("threading_local_defaults", threading_local_defaults),
    ("threading_timer", threading_timer),
    ("nutshell_condition_loop", nutshell_condition_loop),
    ("threading_condition", threading_condition),
    ("threading_event", threading_event),
    ("threading_semaphore", threading_semaphore),
];

/// Checks the output of example `id`.
pub fn check(id: &str, stdout: &str) -> Result<(), String> {
    let mut checks = CHECKS.iter().filter(|(name, _)| *name == id);
    let (_, check) = checks
        .next()
        .ok_or_else(|| format!("no check for example {id} in tests/cprog/checks.rs"))?;
    if checks.next().is_some() {
        return Err(format!(
            "example {id} is listed twice in tests/cprog/checks.rs"
        ));
    }
    check(stdout)
}

/// Fails with `what` unless `cond`.
fn ensure(cond: bool, what: impl FnOnce() -> String) -> Result<(), String> {
    if cond { Ok(()) } else { Err(what()) }
}

/// The output's lines as a sorted multiset.
fn multiset(stdout: &str) -> BTreeMap<&str, usize> {
    let mut m = BTreeMap::new();
    for line in stdout.lines() {
        *m.entry(line).or_insert(0) += 1;
    }
    m
}

/// Fails unless the lines are exactly `expected`, in any order.
fn same_lines<S: AsRef<str>>(stdout: &str, expected: &[S]) -> Result<(), String> {
    let expected: Vec<&str> = expected.iter().map(AsRef::as_ref).collect();
    let expected = expected.join("\n");
    let want = multiset(&expected);
    let got = multiset(stdout);
    ensure(got == want, || {
        format!("expected these lines in any order: {want:?}")
    })
}

/// Fails unless `first` occurs on a line before `second`.
fn before(stdout: &str, first: &str, second: &str) -> Result<(), String> {
    let lines: Vec<&str> = stdout.lines().collect();
    let a = lines.iter().position(|l| *l == first);
    let b = lines.iter().position(|l| *l == second);
    ensure(matches!((a, b), (Some(a), Some(b)) if a < b), || {
        format!("expected {first:?} before {second:?}")
    })
}

/// Fails unless the lines are exactly `expected`, in this order.
fn exactly(stdout: &str, expected: &[&str]) -> Result<(), String> {
    let got: Vec<&str> = stdout.lines().collect();
    ensure(got == expected, || format!("expected exactly {expected:?}"))
}

/// Fails unless the last line is `expected`.
fn last_line(stdout: &str, expected: &str) -> Result<(), String> {
    ensure(stdout.lines().last() == Some(expected), || {
        format!("expected {expected:?} last")
    })
}

/// The lines `Thread-1` .. `Thread-n` print, as `line(name)`.
fn per_thread(n: usize, line: impl Fn(&str) -> String) -> Vec<String> {
    (1..=n).map(|i| line(&format!("Thread-{i}"))).collect()
}

fn course_hello_threads(out: &str) -> Result<(), String> {
    // 15 lines, 5 per thread, interleaved in any order.
    let lines: Vec<String> = per_thread(3, |name| format!("hello from thread {name}"))
        .into_iter()
        .flat_map(|line| std::iter::repeat_n(line, 5))
        .collect();
    same_lines(out, &lines)
}

fn course_lock_f(out: &str) -> Result<(), String> {
    // Three "got lock" lines in any order; the program itself fails if two threads ever hold
    // the lock at once.
    same_lines(out, &per_thread(3, |name| format!("{name} got lock")))
}

fn course_mythread(out: &str) -> Result<(), String> {
    exactly(out, &["hello from Thread-1"])
}

fn course_nonblocking(out: &str) -> Result<(), String> {
    exactly(out, &["couldn't get lock", "got lock"])
}

fn course_race_condition(out: &str) -> Result<(), String> {
    // The unlocked total may or may not have lost updates; the locked one is exact.
    let lines: Vec<&str> = out.lines().collect();
    let [expected, unlocked, locked] = lines[..] else {
        return Err("expected 3 lines".into());
    };
    let total = expected
        .strip_prefix("expected: ")
        .and_then(|n| n.parse::<u32>().ok())
        .ok_or("missing \"expected: N\"")?;
    let unlocked = unlocked
        .strip_prefix("without lock: ")
        .and_then(|n| n.parse::<u32>().ok())
        .ok_or("missing \"without lock: N\"")?;
    ensure((1..=total).contains(&unlocked), || {
        format!("unlocked total {unlocked} out of 1..={total}")
    })?;
    ensure(locked == format!("with lock: {total}"), || {
        format!("locked total: {locked:?}, expected {total}")
    })
}

fn effbot_counter(out: &str) -> Result<(), String> {
    // Every worker prints each task once; the values are 1..=100, each once.
    let mut values = Vec::new();
    for n in 1..=10 {
        for i in 0..10 {
            let prefix = format!("Thread-{n} -- task {i} finished ");
            let line = out.lines().find(|l| l.starts_with(&prefix));
            let line = line.ok_or_else(|| format!("missing {prefix:?}"))?;
            values.push(
                line[prefix.len()..]
                    .parse::<u32>()
                    .map_err(|e| e.to_string())?,
            );
        }
    }
    values.sort_unstable();
    ensure(values == (1..=100).collect::<Vec<_>>(), || {
        format!("values {values:?}")
    })?;
    ensure(out.lines().count() == 100, || "expected 100 lines".into())
}

fn notes_basics(out: &str) -> Result<(), String> {
    exactly(
        out,
        &[
            "Hello threading!",
            "RuntimeError: threads can only be started once",
        ],
    )
}

fn notes_daemon(out: &str) -> Result<(), String> {
    // The daemon's "Hello threading!" is never printed: the process exits while it sleeps.
    exactly(
        out,
        &["my_thread.daemon: True", "my_thread.is_alive(): True"],
    )
}

fn notes_join_sequence(out: &str) -> Result<(), String> {
    same_lines(
        out,
        &[
            "main continues",
            "foo finished",
            "bar finished",
            "joined Thread-1",
            "joined Thread-2",
            "all threads finished",
        ],
    )?;
    before(out, "foo finished", "joined Thread-1")?;
    before(out, "bar finished", "joined Thread-2")?;
    before(out, "joined Thread-1", "joined Thread-2")?;
    last_line(out, "all threads finished")
}

fn notes_sleeping_workers(out: &str) -> Result<(), String> {
    let sleeping: Vec<String> = (0..5)
        .map(|i| format!("sleeping 10 sec from thread {i}"))
        .collect();
    let finished: Vec<String> = (0..5)
        .map(|i| format!("finished sleeping from thread {i}"))
        .collect();
    same_lines(out, &[sleeping, finished].concat())?;
    // All five sleep at the same time: every "sleeping" line comes before every "finished" one.
    let lines: Vec<&str> = out.lines().collect();
    ensure(lines[..5].iter().all(|l| l.starts_with("sleeping")), || {
        "expected the five \"sleeping\" lines first".into()
    })
}

fn notes_sleepy(out: &str) -> Result<(), String> {
    exactly(
        out,
        &[
            "Hello form Thread",
            "The main program continues to run in the foreground.",
        ],
    )
}

fn nutshell_condition_loop(out: &str) -> Result<(), String> {
    // Strictly alternating: each state is seen before the next is made.
    let mut expected = Vec::new();
    for i in 1..=5 {
        expected.push(format!("producer: state is now {i}"));
        expected.push(format!("consumer: saw state {i}"));
    }
    expected.push("wait without the lock: cannot wait on un-acquired lock".into());
    expected.push("notify without the lock: cannot notify on un-acquired lock".into());
    let got: Vec<&str> = out.lines().collect();
    ensure(got == expected, || {
        format!("expected exactly {expected:#?}")
    })
}

fn threading_condition(out: &str) -> Result<(), String> {
    same_lines(
        out,
        &[
            "(c1) Starting consumer thread",
            "(c2) Starting consumer thread",
            "(p ) Starting producer thread",
            "(p ) Making resource available",
            "(c1) Resource is available to consumer",
            "(c2) Resource is available to consumer",
        ],
    )?;
    before(
        out,
        "(c1) Starting consumer thread",
        "(c2) Starting consumer thread",
    )?;
    before(
        out,
        "(c2) Starting consumer thread",
        "(p ) Starting producer thread",
    )?;
    for consumer in ["c1", "c2"] {
        before(
            out,
            "(p ) Making resource available",
            &format!("({consumer}) Resource is available to consumer"),
        )?;
    }
    Ok(())
}

/// Both echo servers: every client the program starts gets its own line back, each connection is
/// served and closed, and the server stops by itself.
fn echo_server(out: &str) -> Result<(), String> {
    const CLIENTS: usize = 8;
    let lines: Vec<&str> = out.lines().collect();
    let port = lines
        .first()
        .and_then(|l| l.strip_prefix("Echo server running at 127.0.0.1:"))
        .and_then(|p| p.parse::<u16>().ok());
    ensure(port.is_some_and(|p| p != 0), || {
        "first line must be \"Echo server running at 127.0.0.1:<port>\"".into()
    })?;
    ensure(lines.last() == Some(&"Echo server shut down"), || {
        "last line must be \"Echo server shut down\"".into()
    })?;
    let count = |pred: &dyn Fn(&str) -> bool| lines.iter().filter(|l| pred(l)).count();
    let connections = count(&|l| l.starts_with("Got connection from 127.0.0.1:"));
    ensure(connections == CLIENTS, || {
        format!("{connections} connections, expected {CLIENTS}")
    })?;
    let closed = count(&|l| l == "Client closed connection");
    ensure(closed == CLIENTS, || {
        format!("{closed} closed, expected {CLIENTS}")
    })?;
    for i in 0..CLIENTS {
        let echoed = format!("client {i}: echoed 'hello from client {i}'");
        ensure(count(&|l| l == echoed) == 1, || {
            format!("missing {echoed:?}")
        })?;
    }
    ensure(lines.len() == 2 + 3 * CLIENTS, || "unexpected lines".into())
}

fn notes_producer_consumer(out: &str) -> Result<(), String> {
    let mut expected = Vec::new();
    for i in 0..10 {
        let (produced, consumed) = (format!("produced {}", i * i), format!("consumed {}", i * i));
        before(out, &produced, &consumed)?;
        expected.extend([produced, consumed]);
    }
    ensure(out.lines().last() == Some("all 10 items processed"), || {
        "\"all 10 items processed\" must come last".into()
    })?;
    expected.push("all 10 items processed".into());
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    same_lines(out, &expected)
}

fn threading_daemon(out: &str) -> Result<(), String> {
    // The daemon's "Exiting" is never printed.
    same_lines(
        out,
        &[
            "Starting: daemon",
            "Starting: non-daemon",
            "Exiting : non-daemon",
        ],
    )
}

fn threading_daemon_join(out: &str) -> Result<(), String> {
    // Joined, the daemon finishes: its "Exiting" is printed.
    same_lines(
        out,
        &[
            "Starting: daemon",
            "Starting: non-daemon",
            "Exiting : non-daemon",
            "Exiting : daemon",
        ],
    )?;
    before(out, "Starting: daemon", "Exiting : daemon")
}

fn threading_daemon_join_timeout(out: &str) -> Result<(), String> {
    // The timed join returns while the daemon still sleeps: it is alive, and never exits.
    same_lines(
        out,
        &[
            "Starting: daemon",
            "Starting: non-daemon",
            "Exiting : non-daemon",
            "d.isAlive() True",
        ],
    )
}

fn threading_enumerate(out: &str) -> Result<(), String> {
    // Every worker, a daemon, printed "Ending": main waited for each (joining it, unless it had
    // already finished when enumerate() was called). Main never joins itself.
    let workers = ["Thread-1", "Thread-2", "Thread-3"];
    for name in workers {
        let prefix = format!("Starting: {name} sleeping ");
        let start = out
            .lines()
            .find(|l| l.starts_with(&prefix))
            .ok_or_else(|| format!("missing {prefix:?}"))?;
        let pause = start[prefix.len()..]
            .parse::<u32>()
            .map_err(|e| e.to_string())?;
        ensure((1..=5).contains(&pause), || {
            format!("pause {pause} out of 1..=5")
        })?;
        before(out, start, &format!("Ending : {name}"))?;
    }
    let joined: Vec<&str> = out
        .lines()
        .filter_map(|l| l.strip_prefix("Joining : "))
        .collect();
    ensure(
        joined.iter().all(|j| workers.contains(j)) && joined.len() <= workers.len(),
        || format!("joined {joined:?}: only workers, each once"),
    )?;
    ensure(out.lines().count() == 6 + joined.len(), || {
        "unexpected lines".into()
    })
}

fn threading_lock(out: &str) -> Result<(), String> {
    // Each worker sleeps and takes the lock three times, then is done; the total is 15.
    for name in ["Thread-1", "Thread-2", "Thread-3", "Thread-4", "Thread-5"] {
        let prefix = format!("({name:<10}) ");
        let msgs: Vec<&str> = out
            .lines()
            .filter_map(|l| l.strip_prefix(&prefix))
            .collect();
        let count = |msg: &str| msgs.iter().filter(|m| **m == msg).count();
        let sleeps = msgs.iter().filter(|m| m.starts_with("Sleeping ")).count();
        ensure(
            count("Acquired lock") == 3 && sleeps == 3 && msgs.last() == Some(&"Done"),
            || format!("{name}: expected 3 sleeps, 3 acquires, then Done: {msgs:?}"),
        )?;
    }
    ensure(
        out.lines()
            .any(|l| l == "(MainThread) Waiting for worker threads"),
        || "missing \"Waiting for worker threads\"".into(),
    )?;
    ensure(out.lines().count() == 5 * 7 + 2, || {
        "unexpected lines".into()
    })?;
    last_line(out, "(MainThread) Counter: 15")
}

fn threading_lock_noblock(out: &str) -> Result<(), String> {
    // Each worker tries until it has acquired the lock 3 times, numbering its tries; its last
    // try succeeds and it reports the number of tries.
    for name in ["Thread-1", "Thread-2", "Thread-3"] {
        let tag = format!(" ({name}) ");
        let msgs: Vec<&str> = out
            .lines()
            .filter_map(|l| l.split_once(&tag).map(|(_, msg)| msg))
            .collect();
        let tries = msgs.len().saturating_sub(2);
        let mut expected = vec!["Starting".to_owned()];
        let mut acquires = 0;
        for (i, msg) in msgs.iter().enumerate().skip(1).take(tries) {
            let outcome = if msg.ends_with(": Acquired") {
                acquires += 1;
                "Acquired"
            } else {
                "Not acquired"
            };
            expected.push(format!("Iteration {i}: {outcome}"));
        }
        expected.push(format!("Done after {tries} iterations"));
        ensure(
            msgs == expected && acquires == 3 && msgs[tries].ends_with(": Acquired"),
            || format!("{name}: expected 3 acquires and a count of the tries: {msgs:?}"),
        )?;
    }
    // Every line is logging's "asctime (threadName) message".
    let stamped = |l: &str| {
        let b = l.as_bytes();
        b.len() > 24
            && b[..23].iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                10 => *c == b' ',
                13 | 16 => *c == b':',
                19 => *c == b',',
                _ => c.is_ascii_digit(),
            })
            && l[23..].starts_with(" (Thread-")
    };
    ensure(out.lines().all(stamped), || {
        "expected \"YYYY-MM-DD HH:MM:SS,mmm (Thread-N) ...\" lines".into()
    })
}

fn threading_lock_reacquire(out: &str) -> Result<(), String> {
    exactly(out, &["First try: True", "Second try: False"])
}

fn threading_lock_with(out: &str) -> Result<(), String> {
    same_lines(out, &["Lock acquired via with", "Lock acquired directly"])
}

/// threading_names and threading_names_log: each thread, the unnamed one called Thread-1 (naming
/// the others used up no number), logs "Starting" then "Exiting"; `line(name, msg)` formats a
/// line.
fn starting_exiting(out: &str, line: impl Fn(&str, &str) -> String) -> Result<(), String> {
    let mut expected = Vec::new();
    for name in ["worker", "Thread-1", "my_service"] {
        let (start, exit) = (line(name, "Starting"), line(name, "Exiting"));
        before(out, &start, &exit)?;
        expected.extend([start, exit]);
    }
    same_lines(out, &expected)
}

fn threading_names(out: &str) -> Result<(), String> {
    starting_exiting(out, |name, msg| format!("{name} {msg}"))
}

fn threading_names_log(out: &str) -> Result<(), String> {
    // Names padded to 10 columns: "[DEBUG] (worker    ) Starting".
    starting_exiting(out, |name, msg| format!("[DEBUG] ({name:<10}) {msg}"))
}

fn threading_rlock(out: &str) -> Result<(), String> {
    exactly(out, &["First try: True", "Second try: True"])
}

fn threading_simple(out: &str) -> Result<(), String> {
    same_lines(out, &["Worker"; 5])
}

fn threading_simpleargs(out: &str) -> Result<(), String> {
    same_lines(
        out,
        &[
            "Worker: 0",
            "Worker: 1",
            "Worker: 2",
            "Worker: 3",
            "Worker: 4",
        ],
    )
}

fn threading_subclass(out: &str) -> Result<(), String> {
    same_lines(out, &per_thread(5, |name| format!("MyThread: {name}")))
}
/// The value in `line` after `prefix`, if `line` is `prefix` and a number in 1..=100.
fn random_value(line: &str, prefix: &str) -> Option<u32> {
    let n = line.strip_prefix(prefix)?.parse().ok()?;
    (1..=100).contains(&n).then_some(n)
}

fn threading_local(out: &str) -> Result<(), String> {
    let lines: Vec<&str> = out.lines().collect();
    ensure(
        lines.get(..2)
            == Some(&[
                "MainThread : value= No value yet",
                "MainThread : value= 1000",
            ]),
        || "MainThread: no value, then 1000".into(),
    )?;
    ensure(lines.len() == 6, || "expected 6 lines".into())?;
    // Each worker: no value yet, then its own random value; the workers' lines may interleave.
    for name in ["Thread-1", "Thread-2"] {
        let mine: Vec<&str> = lines[2..]
            .iter()
            .copied()
            .filter(|l| l.starts_with(&format!("{name} : ")))
            .collect();
        ensure(
            mine.len() == 2
                && mine[0] == format!("{name} : value= No value yet")
                && random_value(mine[1], &format!("{name} : value= ")).is_some(),
            || format!("{name}: \"No value yet\", then a value in 1..=100"),
        )?;
    }
    Ok(())
}

fn threading_local_defaults(out: &str) -> Result<(), String> {
    // "(Initializing <id> for MainThread) MainThread : value= 1000", then per worker
    // "Thread-N : value= (Initializing <id> for Thread-N) 1000" and "Thread-N : value= <1..100>",
    // with the same <id> everywhere.
    let lines: Vec<&str> = out.lines().collect();
    ensure(lines.len() == 5, || "expected 5 lines".into())?;
    let main = lines[0]
        .strip_prefix("(Initializing ")
        .and_then(|l| l.strip_suffix(" for MainThread) MainThread : value= 1000"))
        .ok_or("the first line initializes MainThread's value to 1000")?;
    for name in ["Thread-1", "Thread-2"] {
        let mine: Vec<&str> = lines[1..]
            .iter()
            .copied()
            .filter(|l| l.starts_with(&format!("{name} : ")))
            .collect();
        let first = format!("{name} : value= (Initializing {main} for {name}) 1000");
        ensure(
            mine.len() == 2
                && mine[0] == first
                && random_value(mine[1], &format!("{name} : value= ")).is_some(),
            || format!("{name}: {first:?}, then a value in 1..=100"),
        )?;
    }
    Ok(())
}

fn threading_timer(out: &str) -> Result<(), String> {
    // t2 is cancelled and never runs; t1 runs after main is done.
    ensure(
        out.lines().collect::<Vec<_>>()
            == [
                "Starting timers",
                "Waiting before canceling t2",
                "Canceling t2",
                "Main thread done",
                "Worker running t1",
            ],
        || "expected the seed's five lines, in order".into(),
    )
}
fn threading_event(out: &str) -> Result<(), String> {
    same_lines(
        out,
        &[
            "(block     ) wait_for_event starting",
            "(non-block ) wait_for_event_timeout starting",
            "(MainThread) Waiting before calling Event.set()",
            "(non-block ) e.isSet()->False",
            "(MainThread) Event is set",
            "(block     ) e.isSet()->True",
        ],
    )?;
    // The timed wait expires before the event is set; the untimed one sees it set.
    before(
        out,
        "(non-block ) e.isSet()->False",
        "(MainThread) Event is set",
    )?;
    before(
        out,
        "(MainThread) Waiting before calling Event.set()",
        "(block     ) e.isSet()->True",
    )
}

fn threading_semaphore(out: &str) -> Result<(), String> {
    let mut names = Vec::new();
    for line in out.lines() {
        // "(7 ) Running: ['3', '5', '7']"
        let (who, rest) = line
            .strip_prefix('(')
            .and_then(|l| l.split_once(") Running: "))
            .ok_or_else(|| format!("unexpected line {line:?}"))?;
        let who = who.trim_end();
        let active: Vec<&str> = rest
            .strip_prefix('[')
            .and_then(|r| r.strip_suffix(']'))
            .ok_or_else(|| format!("not a list: {rest:?}"))?
            .split(", ")
            .map(|n| n.trim_matches('\''))
            .collect();
        ensure(active.len() <= 5, || format!("more than 5 active: {line}"))?;
        ensure(active.contains(&who), || {
            format!("{who} not in its pool: {line}")
        })?;
        names.push(who.parse::<u32>().map_err(|e| format!("{line}: {e}"))?);
    }
    names.sort_unstable();
    ensure(names == (0..20).collect::<Vec<_>>(), || {
        format!("expected one line per worker 0..19, got {names:?}")
    })
}
