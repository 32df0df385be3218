//! What each tutorial example's output must show (../shared/TUTORIALS.md, last column): exact
//! where the seed's output is deterministic, a multiset of lines where only the order varies, an
//! invariant where the content varies.

use std::collections::BTreeMap;

type Check = fn(&str) -> Result<(), String>;

/// Every example with a check. An example file without an entry here fails.
const CHECKS: &[(&str, Check)] = &[
    ("effbot_counter", effbot_counter),
    ("notes_echo_pool_executor", echo_server),
    ("notes_echo_pool_queue", echo_server),
    ("notes_producer_consumer", notes_producer_consumer),
    ("threading_daemon", threading_daemon),
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
    same_lines(
        out,
        &[
            "Starting: daemon",
            "Starting: non-daemon",
            "Exiting : non-daemon",
        ],
    )
}
