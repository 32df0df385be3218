//! Builds the C programs in `c-tests/` against `include/weft.h` and the freshly built
//! `libweft.so`, and runs them with a time limit. Shared by the tests and `examples/tour.rs`.
#![allow(dead_code)] // each includer uses part of it

pub mod checks;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long any C program may run before it is killed and reported as hung.
pub const TIME_LIMIT: Duration = Duration::from_secs(60);

/// The repository root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `target/<profile>`: where cargo put `libweft.so` for the running test or example.
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    // target/<profile>/deps/<test> or target/<profile>/examples/<example>
    exe.parent()
        .and_then(Path::parent)
        .expect("target/<profile>")
        .to_path_buf()
}

/// Makes sure `libweft.so` in [`profile_dir`] is built from the current sources, once per
/// process: `cargo test` compiles the crate as an rlib only, so the C library the C programs
/// link to is built here with `cargo capi` (the alias of `.cargo/config.toml`), in the same
/// profile.
pub fn library() -> Result<PathBuf, String> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let lib_dir = profile_dir();
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let mut cmd = Command::new(cargo);
            // From the root, where cargo finds the alias.
            cmd.current_dir(root()).args(["capi", "--quiet"]);
            if lib_dir.file_name().is_some_and(|n| n == "release") {
                cmd.arg("--release");
            }
            let out = cmd.output().map_err(|e| format!("cannot run cargo: {e}"))?;
            if !out.status.success() {
                return Err(format!(
                    "cargo capi failed:\n{}",
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
            link_soname(&lib_dir)?;
            Ok(lib_dir.join("libweft.so"))
        })
        .clone()
}

/// Compiles `source` (C23 as `c2x`, where `WEFT_NODISCARD` flags an ignored status, or C++17 for
/// `.cpp`) with warnings as errors, linked to `libweft.so`.
pub fn build(source: &Path) -> Result<PathBuf, String> {
    let is_cpp = source.extension().is_some_and(|e| e == "cpp");
    build_as(source, if is_cpp { "c++17" } else { "c2x" }, &[])
}

/// Compiles `source` as the language standard `std` (`c99`, `c11`, `c++17`, ...), with
/// `-pedantic` and warnings as errors, linked to `libweft.so`, finding headers in `include/`,
/// `c-tests/` and `includes` (root-relative). The executable is named `<stem>-<std>`.
pub fn build_as(source: &Path, std: &str, includes: &[&str]) -> Result<PathBuf, String> {
    library()?;
    let lib_dir = profile_dir();
    let out_dir = lib_dir.join("c-tests");
    std::fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;
    let stem = source
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or("bad source name")?;
    let is_cpp = source.extension().is_some_and(|e| e == "cpp");
    let exe = out_dir.join(format!("{stem}-{std}"));
    let compiler = cc::Build::new()
        .cargo_metadata(false)
        .cargo_warnings(false)
        .target(env!("WEFT_TARGET"))
        .host(env!("WEFT_TARGET"))
        .opt_level(1)
        .cpp(is_cpp)
        .try_get_compiler()
        .map_err(|e| e.to_string())?;
    let mut cmd = compiler.to_command();
    cmd.args(["-Wall", "-Wextra", "-Werror", "-pedantic", "-pthread"])
        .arg(format!("-std={std}"))
        .arg("-I")
        .arg(root().join("include"))
        .arg("-I")
        .arg(root().join("c-tests"));
    for dir in includes {
        cmd.arg("-I").arg(root().join(dir));
    }
    cmd.arg(source)
        .arg("-o")
        .arg(&exe)
        .arg("-L")
        .arg(&lib_dir)
        .arg(format!("-Wl,-rpath,{}", lib_dir.display()))
        .args(["-lweft", "-lm"]);
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run the C compiler: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "compiling {} failed:\n{}",
            source.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(exe)
}

/// Programs linked to `libweft.so` ask the loader for its soname, `libweft.so.0`.
fn link_soname(lib_dir: &Path) -> Result<(), String> {
    let link = lib_dir.join("libweft.so.0");
    match std::os::unix::fs::symlink("libweft.so", &link) {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => Err(e.to_string()),
        _ => Ok(()),
    }
}

/// Runs `exe` with no input, killing it after [`TIME_LIMIT`].
pub fn run(exe: &Path) -> Result<Output, String> {
    let mut child = Command::new(exe)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
    let start = Instant::now();
    // Drain the pipes in the background so a chatty program cannot block on a full pipe.
    let stdout = child.stdout.take().expect("piped");
    let stderr = child.stderr.take().expect("piped");
    let read = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            buf
        })
    };
    let (out_reader, err_reader) = (read(Box::new(stdout)), read(Box::new(stderr)));
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if start.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "{} hung: killed after {TIME_LIMIT:?}",
                exe.display()
            ));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Ok(Output {
        status,
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    })
}

/// Builds and runs `source`; returns its output if it exits with status 0, else the reason with
/// the program's output.
pub fn run_program(source: &Path) -> Result<String, String> {
    run_built(source, &build(source)?)
}

/// Runs `exe`, built from `source`; returns its output if it exits with status 0, else the
/// reason with the program's output.
pub fn run_built(source: &Path, exe: &Path) -> Result<String, String> {
    let out = run(exe)?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "{} exited with {}\nstdout:\n{stdout}\nstderr:\n{stderr}",
            source.display(),
            out.status
        ));
    }
    Ok(stdout)
}

/// Builds, runs and checks `c-tests/examples/<id>.c`; returns its output on success.
pub fn run_example(id: &str) -> Result<String, String> {
    let stdout = run_program(&root().join("c-tests/examples").join(format!("{id}.c")))?;
    checks::check(id, &stdout).map_err(|why| format!("{id}: {why}\nstdout:\n{stdout}"))?;
    Ok(stdout)
}

/// The C (`.c`) and C++ (`.cpp`) programs in `dir` (root-relative), sorted.
pub fn programs(dir: &str) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "c" || e == "cpp"))
        .collect();
    paths.sort();
    paths
}

/// The ids of every example in `c-tests/examples/`, sorted.
pub fn example_ids() -> Vec<String> {
    programs("c-tests/examples")
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "c"))
        .filter_map(|p| Some(p.file_stem()?.to_str()?.to_owned()))
        .collect()
}
