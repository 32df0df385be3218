//! The import graph of `src/`, file by file: no module imports one that imports it back, the core
//! never imports the C layer (`src/capi/`), and `os/` imports nothing from the rest of the crate.
//!
//! A small reader of the source text, not a compiler: it strips comments and literals, skips the
//! bodies of `#[cfg(test)]` modules (and files named `tests.rs`), and resolves every `use` of the
//! crate's own paths (`crate::`, `super::`, `self::` or a child module) and every `crate::…` or
//! `super::…` path in code to the file that defines the item: a path through a module's `pub use`
//! (a re-export, such as `src/loom.rs`'s switch or a folder's `mod.rs`) is followed to the file
//! the re-exported item comes from, and a re-export is not itself an import. Inline modules
//! count as part of their file; a folder's `mod.rs` is the node for the items it defines.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Crates a `use` may name that are not this one.
const EXTERNAL: &[&str] = &["std", "core", "alloc", "libc", "loom"];

type ModPath = Vec<String>;

#[derive(Default)]
struct File {
    /// The module path of the file (`["sync", "lock"]`; `[]` for lib.rs).
    module: ModPath,
    /// Inline modules declared in the file (their items count as the file's).
    inline: BTreeSet<String>,
    /// Names a `use` binds in the file, with the crate paths they stand for.
    aliases: BTreeMap<String, Vec<ModPath>>,
    /// Crate paths the file uses (not re-exports).
    uses: Vec<ModPath>,
}

struct Crate {
    files: BTreeMap<String, File>,
    by_module: BTreeMap<ModPath, String>,
}

/// Blanks comments, string and char literals (keeping lifetimes and newlines).
fn strip(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    while i < c.len() {
        let next = c.get(i + 1).copied();
        if c[i] == '/' && next == Some('/') {
            while i < c.len() && c[i] != '\n' {
                blank(&mut out, c[i]);
                i += 1;
            }
        } else if c[i] == '/' && next == Some('*') {
            let mut depth = 0;
            loop {
                let pair = (c[i], c.get(i + 1).copied());
                if pair == ('/', Some('*')) || pair == ('*', Some('/')) {
                    depth += if pair.0 == '/' { 1 } else { -1 };
                    blank(&mut out, c[i]);
                    blank(&mut out, c[i + 1]);
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
        } else if c[i] == 'r'
            && (next == Some('"') || next == Some('#'))
            && !ident_char(c.get(i.wrapping_sub(1)))
        {
            let mut hashes = 0;
            let mut j = i + 1;
            while c.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if c.get(j) != Some(&'"') {
                out.push(c[i]);
                i += 1;
                continue;
            }
            let close: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let rest: String = c[j + 1..].iter().collect();
            let end = j + 1 + rest.find(&close).expect("closed raw string") + close.len();
            while i < end {
                blank(&mut out, c[i]);
                i += 1;
            }
        } else if c[i] == '"' || c[i] == '\'' && (next == Some('\\') || c.get(i + 2) == Some(&'\''))
        {
            // A string or a char literal (a lifetime has no closing quote two characters on).
            let quote = c[i];
            blank(&mut out, c[i]);
            i += 1;
            while c[i] != quote {
                if c[i] == '\\' {
                    blank(&mut out, c[i]);
                    i += 1;
                }
                blank(&mut out, c[i]);
                i += 1;
            }
            blank(&mut out, c[i]);
            i += 1;
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

fn ident_char(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

/// The leaves of a use tree (`a::{b, c::{self, d as e}}`), each with the name it binds.
fn use_leaves(tree: &str) -> Vec<(Vec<String>, Option<String>)> {
    fn walk(t: &str, prefix: &[String], out: &mut Vec<(Vec<String>, Option<String>)>) {
        let t = t.trim();
        if t.is_empty() {
            return;
        }
        if let Some(open) = t.find('{') {
            let mut prefix = prefix.to_vec();
            prefix.extend(segments(&t[..open]));
            let inner = &t[open + 1..t.rfind('}').expect("closed use group")];
            let (mut depth, mut start) = (0, 0);
            for (i, ch) in inner.char_indices() {
                match ch {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        walk(&inner[start..i], &prefix, out);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            walk(&inner[start..], &prefix, out);
            return;
        }
        let (path, rename) = match t.split_once(" as ") {
            Some((p, r)) => (p, Some(r.trim().to_owned())),
            None => (t, None),
        };
        let mut path: Vec<String> = prefix.iter().cloned().chain(segments(path)).collect();
        if path.last().is_some_and(|s| s == "self") {
            path.pop();
        }
        let name = if path.last().is_some_and(|s| s == "*") {
            None
        } else {
            rename.or_else(|| path.last().cloned())
        };
        path.retain(|s| s != "*");
        out.push((path, name));
    }
    let mut out = Vec::new();
    walk(tree, &[], &mut out);
    out
}

fn segments(path: &str) -> Vec<String> {
    path.split("::")
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

impl Crate {
    fn read(src: &Path) -> Crate {
        let mut paths = Vec::new();
        let mut dirs = vec![src.to_path_buf()];
        while let Some(dir) = dirs.pop() {
            for entry in fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && path.file_stem().is_some_and(|s| s != "tests")
                {
                    paths.push(path);
                }
            }
        }
        let mut krate = Crate {
            files: BTreeMap::new(),
            by_module: BTreeMap::new(),
        };
        for path in &paths {
            let rel = path.strip_prefix(src).unwrap().with_extension("");
            let mut module: ModPath = rel
                .iter()
                .map(|s| s.to_string_lossy().into_owned())
                .collect();
            if module.last().is_some_and(|s| s == "mod" || s == "lib") {
                module.pop();
            }
            let name = path
                .strip_prefix(src)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            krate.by_module.insert(module.clone(), name.clone());
            krate.files.insert(
                name,
                File {
                    module,
                    ..File::default()
                },
            );
        }
        for path in &paths {
            let name = path
                .strip_prefix(src)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let text = strip(&fs::read_to_string(path).unwrap());
            krate.scan(&name, &text);
        }
        krate
    }

    /// Records the file's inline modules, aliases and uses.
    fn scan(&mut self, name: &str, text: &str) {
        let module = self.files[name].module.clone();
        let b = text.as_bytes();
        let word_at = |i: usize, w: &str| {
            text[i..].starts_with(w)
                && (i == 0 || !ident_char(Some(&(b[i - 1] as char))) && b[i - 1] != b':')
                && !ident_char(text[i + w.len()..].chars().next().as_ref())
        };
        // Inline modules open at a brace depth: (name, depth inside).
        let mut stack: Vec<(String, usize)> = Vec::new();
        let mut depth = 0;
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if stack.last().is_some_and(|(_, d)| *d > depth) {
                        stack.pop();
                    }
                }
                _ => {}
            }
            let here = || -> ModPath {
                module
                    .iter()
                    .cloned()
                    .chain(stack.iter().map(|(m, _)| m.clone()))
                    .collect()
            };
            if word_at(i, "mod") {
                let rest = &text[i + 3..];
                let ident: String = rest
                    .trim_start()
                    .chars()
                    .take_while(|c| ident_char(Some(c)))
                    .collect();
                let after = rest.trim_start()[ident.len()..].trim_start();
                if after.starts_with('{') {
                    let before = text[..i].trim_end();
                    let is_test = before.ends_with(']')
                        && before[before.rfind("#[").unwrap_or(0)..].contains("test");
                    let open = i + 3 + rest.find('{').unwrap();
                    if is_test {
                        i = matching_brace(b, open) + 1;
                        continue;
                    }
                    self.files
                        .get_mut(name)
                        .unwrap()
                        .inline
                        .insert(ident.clone());
                    stack.push((ident, depth + 1));
                    depth += 1;
                    i = open + 1;
                    continue;
                }
            } else if word_at(i, "use") {
                let end = i + text[i..].find(';').expect("use ends with ;");
                let before = text[..i].trim_end();
                let reexport = before.ends_with("pub")
                    || before.ends_with(')')
                        && before[..before.rfind('(').unwrap()]
                            .trim_end()
                            .ends_with("pub");
                for (path, bound) in use_leaves(&text[i + 3..end]) {
                    let Some(abs) = self.absolute(&here(), &path) else {
                        continue;
                    };
                    let file = self.files.get_mut(name).unwrap();
                    if let Some(bound) = bound {
                        file.aliases.entry(bound).or_default().push(abs.clone());
                    }
                    if !reexport {
                        file.uses.push(abs);
                    }
                }
                i = end + 1;
                continue;
            } else if i == 0 || !ident_char(Some(&(b[i - 1] as char))) && b[i - 1] != b':' {
                // A path in code: `crate::…`, `super::…`, or one through a name a `use` bound.
                let len = text[i..]
                    .find(|c: char| !(ident_char(Some(&c)) || c == ':'))
                    .unwrap_or(text.len() - i);
                let path = segments(text[i..i + len].trim_end_matches(':'));
                if path.len() > 1 {
                    let file = &self.files[name];
                    let found: Vec<ModPath> = match path[0].as_str() {
                        "crate" | "super" | "self" => {
                            self.absolute(&here(), &path).into_iter().collect()
                        }
                        first => file
                            .aliases
                            .get(first)
                            .into_iter()
                            .flatten()
                            .map(|t| t.iter().chain(&path[1..]).cloned().collect())
                            .collect(),
                    };
                    self.files.get_mut(name).unwrap().uses.extend(found);
                }
                if len > 0 {
                    i += len;
                    continue;
                }
            }
            i += 1;
        }
    }

    /// `path`, written in module `here`, as a path from the crate root; `None` if external.
    fn absolute(&self, here: &ModPath, path: &[String]) -> Option<ModPath> {
        let first = path.first()?;
        let mut base: ModPath = match first.as_str() {
            "crate" => Vec::new(),
            "self" => here.clone(),
            "super" => here.clone(),
            s if EXTERNAL.contains(&s) => return None,
            _ => {
                let mut p = here.clone();
                p.extend(path.iter().cloned());
                return Some(p);
            }
        };
        let mut rest = &path[1..];
        if first == "super" {
            base.pop();
        }
        while rest.first().is_some_and(|s| s == "super") {
            base.pop();
            rest = &rest[1..];
        }
        base.extend(rest.iter().cloned());
        Some(base)
    }

    /// The files that define what `path` names, following re-exports.
    fn resolve(&self, path: &[String], depth: usize) -> BTreeSet<String> {
        let mut file = &self.by_module[&Vec::new()];
        let mut module = Vec::new();
        for (i, seg) in path.iter().enumerate() {
            module.push(seg.clone());
            if let Some(f) = self.by_module.get(&module) {
                file = f;
                continue;
            }
            let here = &self.files[file];
            if here.inline.contains(seg) {
                continue;
            }
            // An alias naming the path it stands at is an item of this file (`use table::park`
            // inside `mod table`, flattened here), not a re-export.
            let targets: Vec<&ModPath> = here
                .aliases
                .get(seg)
                .into_iter()
                .flatten()
                .filter(|t| t.as_slice() != &module[..])
                .collect();
            if !targets.is_empty() && depth < 16 {
                return targets
                    .iter()
                    .flat_map(|t| {
                        let full: ModPath = t.iter().chain(&path[i + 1..]).cloned().collect();
                        self.resolve(&full, depth + 1)
                    })
                    .collect();
            }
            break;
        }
        BTreeSet::from([file.clone()])
    }

    /// Each file's imports: the other files it uses something from.
    fn graph(&self) -> BTreeMap<String, BTreeSet<String>> {
        self.files
            .iter()
            .map(|(name, file)| {
                let targets = file
                    .uses
                    .iter()
                    .flat_map(|u| self.resolve(u, 0))
                    .filter(|t| t != name)
                    .collect();
                (name.clone(), targets)
            })
            .collect()
    }
}

fn matching_brace(b: &[u8], open: usize) -> usize {
    let mut depth = 0;
    for (i, &c) in b.iter().enumerate().skip(open) {
        match c {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    panic!("unclosed brace");
}

/// The groups of files that import each other (strongly connected, more than one file), each
/// with one cycle through them spelled out.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let reaches = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_owned()];
        while let Some(n) = todo.pop() {
            for m in graph.get(&n).into_iter().flatten() {
                if seen.insert(m.clone()) {
                    todo.push(m.clone());
                }
            }
        }
        seen
    };
    let reach: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|n| (n, reaches(n))).collect();
    let mut done = BTreeSet::new();
    let mut found = Vec::new();
    for n in graph.keys() {
        if done.contains(n) || !reach[n].contains(n) {
            continue;
        }
        let group: BTreeSet<String> = reach[n]
            .iter()
            .filter(|m| reach[*m].contains(n))
            .cloned()
            .collect();
        done.extend(group.iter().cloned());
        // One cycle from n back to n inside the group, by breadth-first search.
        let mut prev: BTreeMap<String, String> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([n.clone()]);
        'search: while let Some(m) = queue.pop_front() {
            for k in &graph[&m] {
                if k == n {
                    prev.insert(format!("{n}#end"), m.clone());
                    break 'search;
                }
                if group.contains(k) && !prev.contains_key(k) {
                    prev.insert(k.clone(), m.clone());
                    queue.push_back(k.clone());
                }
            }
        }
        let mut path = vec![n.clone()];
        let mut at = prev[&format!("{n}#end")].clone();
        while &at != n {
            path.push(at.clone());
            at = prev[&at].clone();
        }
        path.push(n.clone());
        path.reverse();
        found.push(path.join(" -> "));
    }
    found
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    Crate::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src")).graph()
}

fn in_capi(file: &str) -> bool {
    file.starts_with("capi/")
}

#[test]
fn the_reader_sees_imports_through_uses_paths_and_re_exports() {
    let graph = graph();
    let imports = |from: &str, to: &str| graph[from].contains(to);
    // A `use` of a sibling through a re-export of the facade (`loom::table`).
    assert!(imports("park/word.rs", "park/table/buckets.rs"));
    assert!(imports("park/word.rs", "park/table/loom_model.rs"));
    // A `use` of a re-export in a folder's mod.rs, followed to the defining file.
    assert!(imports("queue/locked.rs", "park/condvar.rs"));
    // A `crate::` path in code.
    assert!(imports("sync/mod.rs", "os/mod.rs"));
    // A `super::` use.
    assert!(imports("thread/lifecycle.rs", "thread/registry.rs"));
    // Test modules are not read: `local.rs`'s tests use `crate::thread`.
    assert!(!imports("local.rs", "thread/functions.rs"));
    // And a cycle is found when there is one.
    let mut knot = graph.clone();
    knot.get_mut("os/mod.rs")
        .unwrap()
        .insert("fork.rs".to_owned());
    let before = cycles(&graph);
    let new: Vec<_> = cycles(&knot)
        .into_iter()
        .filter(|c| !before.contains(c))
        .collect();
    assert_eq!(
        new,
        ["fork.rs -> park/table/buckets.rs -> os/mod.rs -> fork.rs"]
    );
}

#[test]
fn no_core_module_imports_one_that_imports_it_back() {
    let core: Vec<String> = cycles(&graph())
        .into_iter()
        .filter(|c| !c.split(" -> ").all(in_capi))
        .collect();
    assert!(core.is_empty(), "import cycles: {core:#?}");
}

#[test]
fn no_c_layer_module_imports_one_that_imports_it_back() {
    let capi: Vec<String> = cycles(&graph())
        .into_iter()
        .filter(|c| c.split(" -> ").all(in_capi))
        .collect();
    assert!(capi.is_empty(), "import cycles in src/capi: {capi:#?}");
}

#[test]
fn the_core_never_imports_the_c_layer() {
    for (from, to) in graph() {
        if !in_capi(&from) {
            let capi: Vec<_> = to.iter().filter(|t| in_capi(t)).collect();
            assert!(capi.is_empty(), "{from} imports {capi:?}");
        }
    }
}

#[test]
fn os_imports_nothing_from_the_crate() {
    let graph = graph();
    assert!(graph.contains_key("os/linux.rs"), "os/ was not read");
    for (from, to) in graph.iter().filter(|(from, _)| from.starts_with("os/")) {
        let outside: Vec<_> = to.iter().filter(|t| !t.starts_with("os/")).collect();
        assert!(outside.is_empty(), "{from} imports {outside:?}");
    }
}
