//! What each tutorial example's output must show (../shared/TUTORIALS.md, last column): exact
//! where the seed's output is deterministic, a multiset of lines where only the order varies, an
//! invariant where the content varies.

use std::collections::BTreeMap;

type Check = fn(&str) -> Result<(), String>;

/// Every example with a check. An example file without an entry here fails.
const CHECKS: &[(&str, Check)] = &[
    ("effbot_counter", effbot_counter),
    ("nutshell_condition_loop", nutshell_condition_loop),
    ("threading_condition", threading_condition),
    ("threading_daemon", threading_daemon),
    ("threading_event", threading_event),
    ("threading_semaphore", threading_semaphore),
];

/// Checks the output of example `id`.
pub fn check(id: &str, stdout: &str) -> Result<(), String> {
    let (_, check) = CHECKS
        .iter()
        .find(|(name, _)| *name == id)
        .ok_or_else(|| format!("no check for example {id} in tests/cprog/checks.rs"))?;
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
fn same_lines(stdout: &str, expected: &[&str]) -> Result<(), String> {
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

fn threading_daemon(out: &str) -> Result<(), String> {
    same_lines(
        out,
        &[
            "Starting: daemon",
            "Starting: non-daemon",
            "Exiting : non-daemon",
        ],
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
