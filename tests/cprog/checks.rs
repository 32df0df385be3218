//! What each tutorial example's output must show (../shared/TUTORIALS.md, last column): exact
//! where the seed's output is deterministic, a multiset of lines where only the order varies, an
//! invariant where the content varies.

use std::collections::BTreeMap;

type Check = fn(&str) -> Result<(), String>;

/// Every example with a check. An example file without an entry here fails.
const CHECKS: &[(&str, Check)] = &[
    ("effbot_counter", effbot_counter),
    ("threading_daemon", threading_daemon),
    ("threading_local", threading_local),
    ("threading_local_defaults", threading_local_defaults),
    ("threading_timer", threading_timer),
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
