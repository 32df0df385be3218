//! The few operating-system calls the core needs, each wrapped safely: POSIX threads, exit and
//! fork hooks here, and in one module per platform what POSIX leaves out (a futex-like wait on
//! a 32-bit word, the kernel's thread id, the main-thread test, thread names). Linux is the
//! platform weft is tested on; macOS and FreeBSD are checked to build (`tests/platforms.rs`).

use std::ffi::c_void;
use std::ptr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[cfg(target_os = "freebsd")]
mod freebsd;
#[cfg(target_os = "freebsd")]
use freebsd as sys;
#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
use linux as sys;
#[cfg(target_os = "macos")]
mod macos;
#[cfg(target_os = "macos")]
use macos as sys;

pub(crate) use sys::{futex_wait, futex_wake, futex_wake_all, is_process_main_thread, native_id};

/// An identifier the OS gives a running thread (`pthread_t`), usable to rename it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct OsThread(libc::pthread_t);

/// The calling thread's `pthread_t`.
#[inline]
pub(crate) fn current() -> OsThread {
    // SAFETY: pthread_self has no preconditions and cannot fail.
    OsThread(unsafe { libc::pthread_self() })
}

/// A nonzero number unique among the threads alive now, constant for a thread's life and kept
/// by the forking thread in a child made by `fork()`, and equal to the thread's ident
/// (`pthread_t`, what `weft_rlock_owner` reports): on x86-64 Linux read from `%fs:0` (one
/// instruction, where `pthread_self()` is a call into libc), since the ABI makes that word the
/// thread control block's address, which is also glibc's and musl's `pthread_t`; elsewhere
/// `pthread_self()`. (64-bit ARM's `TPIDR_EL0` is not the `pthread_t` there: the cross test
/// under qemu caught an RLock owner that differed from `weft_get_ident()`. Miri, which runs no
/// assembly, gets the `pthread_t`.)
#[inline]
pub(crate) fn thread_token() -> usize {
    #[cfg(all(target_os = "linux", target_arch = "x86_64", not(miri)))]
    {
        let tp: usize;
        // SAFETY: `%fs:0` is the first word of the calling thread's control block, which the
        // x86-64 ELF TLS ABI (variant II) requires to hold the block's own address, for every
        // thread of the process (the C library sets it up before the thread runs). A plain load
        // with no side effect; `pure` lets repeated reads in one function merge, which is right
        // since the value never changes while the thread lives.
        unsafe {
            std::arch::asm!("mov {}, qword ptr fs:[0]", out(reg) tp,
                options(nostack, preserves_flags, readonly, pure));
        }
        tp
    }
    #[cfg(any(miri, not(all(target_os = "linux", target_arch = "x86_64"))))]
    {
        // `pthread_t` is another integer, or a pointer, elsewhere.
        #[allow(clippy::unnecessary_cast)]
        let token = current().0 as usize;
        token
    }
}

impl OsThread {
    /// The value Python's `threading.get_ident()` returns: `pthread_self()` as an integer.
    #[allow(clippy::unnecessary_cast)] // `pthread_t` is narrower than 64 bits on some targets
    pub(crate) fn ident(self) -> u64 {
        self.0 as u64
    }

    /// Sets the name tools like `top -H`, `gdb` and `/proc/<pid>/task/<tid>/comm` show.
    ///
    /// Linux allows 15 bytes; the name is cut at a UTF-8 character boundary and at the first NUL.
    /// The caller must ensure the thread has not exited (see `thread.rs`, which holds the thread's
    /// state lock, and the thread cannot exit without taking it).
    pub(crate) fn set_name(self, name: &str) {
        const MAX: usize = 15;
        let name = name.split('\0').next().unwrap_or_default();
        let mut end = name.len().min(MAX);
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        let mut buf = [0u8; MAX + 1];
        buf[..end].copy_from_slice(&name.as_bytes()[..end]);
        // `buf` is NUL-terminated (its last byte is never written) and at most 16 bytes long.
        sys::set_thread_name(self.0, &buf);
    }
}

/// The process's id.
pub(crate) fn process_id() -> u32 {
    // SAFETY: getpid has no preconditions and cannot fail.
    unsafe { libc::getpid() }.unsigned_abs()
}

/// Whether a process-wide hook ([`at_exit`], [`at_fork`], weft's own exit callbacks) has been
/// installed.
///
/// Not a `std::sync::Once`: a thread that finds another installing does not wait for it but
/// installs too. A `Once` that another thread was running when the process forked stays
/// "running" for ever in the child, and the child's first thread start (or wait) would hang on
/// it. So a hook may be installed twice, and each must be harmless when it runs twice.
#[derive(Debug)]
pub(crate) struct Hook(AtomicBool);

impl Hook {
    /// A hook not installed yet.
    pub(crate) const fn new() -> Hook {
        Hook(AtomicBool::new(false))
    }

    /// Runs `install` unless an earlier call's `install` has returned.
    pub(crate) fn install(&self, install: impl FnOnce()) {
        // Acquire and Release: a thread that sees the flag set runs after an install returned.
        if !self.0.load(Ordering::Acquire) {
            install();
            self.0.store(true, Ordering::Release);
        }
    }
}

/// Runs `hook` when the process exits normally (`exit()` or a return from `main`), once `hook`
/// is installed (see [`Hook`]).
pub(crate) fn at_exit(installed: &Hook, hook: extern "C" fn()) {
    installed.install(|| at_exit_again(hook));
}

/// Runs `hook` when the process exits normally, once more for every call. Called while the exit
/// handlers run, glibc runs `hook` as soon as the running handler returns.
pub(crate) fn at_exit_again(hook: extern "C" fn()) {
    // Miri cannot call atexit: under it (`make verify`) the exit-time wait is left out; the C
    // programs in c-tests/api test it.
    if cfg!(miri) {
        return;
    }
    // SAFETY: `hook` is a plain function that lives as long as the program. atexit only fails
    // when out of memory, in which case the exit-time wait is skipped, as documented.
    unsafe {
        libc::atexit(hook);
    }
}

/// What a thread started by [`spawn`] runs: `run` on the object it was given.
///
/// The object goes to the new thread as its `Arc`'s pointer, not in a box: a box made by the
/// starting thread would be freed by the new one, and a thread's first `malloc` or `free` sets
/// up glibc's per-thread cache (an arena and a tcache), which its exit tears down again: most
/// of 1,800 instructions a thread (BENCHMARKS.md, "At the line").
pub(crate) trait Body: Send + Sync + 'static {
    /// The thread's whole life; it must not let a Rust panic escape.
    fn run(self: Arc<Self>);
}

/// Starts a detached OS thread running `body.run()`, with a stack of `stack_size` bytes (0: the
/// system default, `ulimit -s`); `Err` with the error number if the OS refuses.
///
/// Unlike `std::thread`, nothing between the thread's start and `body` catches unwinding, so a
/// forced unwind (`pthread_exit()` called by C code in `body`, as CPython does to daemon threads
/// at interpreter shutdown) ends the thread cleanly, running destructors on its way, instead of
/// aborting the process. `body` must not let a Rust panic escape.
pub(crate) fn spawn<B: Body>(stack_size: usize, body: Arc<B>) -> Result<OsThread, i32> {
    // Miri cannot call pthread_attr_*: under it (`make verify`) std starts the thread, detached
    // by dropping its handle. Nothing run under Miri ends a thread with pthread_exit().
    if cfg!(miri) {
        use std::os::unix::thread::JoinHandleExt;
        let mut builder = std::thread::Builder::new();
        if stack_size != 0 {
            builder = builder.stack_size(stack_size);
        }
        return builder
            .spawn(move || body.run())
            .map(|handle| OsThread(handle.as_pthread_t()))
            .map_err(|e| e.raw_os_error().unwrap_or(libc::EAGAIN));
    }
    extern "C-unwind" fn start<B: Body>(arg: *mut c_void) -> *mut c_void {
        // SAFETY: `arg` is the reference `spawn` turned into a pointer for exactly this thread.
        let body = unsafe { Arc::from_raw(arg.cast_const().cast::<B>()) };
        body.run();
        ptr::null_mut()
    }
    let arg = Arc::into_raw(body).cast_mut().cast::<c_void>();
    // SAFETY: `attr` is initialised by pthread_attr_init before any other use and destroyed
    // once; pthread_create gets a valid start routine and takes ownership of `arg` only when it
    // succeeds (otherwise it is reclaimed below). The start routine is transmuted from
    // "C-unwind" to "C": both are the platform's C calling convention, and "C-unwind" only tells
    // Rust that a (forced) unwind may leave it, which glibc's thread start allows.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        let mut rc = libc::pthread_attr_init(&mut attr);
        if rc == 0 {
            rc = libc::pthread_attr_setdetachstate(&mut attr, libc::PTHREAD_CREATE_DETACHED);
        }
        if rc == 0 && stack_size != 0 {
            rc = set_stack_size(&mut attr, stack_size);
        }
        let mut thread: libc::pthread_t = 0;
        if rc == 0 {
            let start: extern "C" fn(*mut c_void) -> *mut c_void =
                std::mem::transmute(start::<B> as extern "C-unwind" fn(*mut c_void) -> *mut c_void);
            rc = libc::pthread_create(&mut thread, &attr, start, arg);
        }
        libc::pthread_attr_destroy(&mut attr);
        if rc != 0 {
            drop(Arc::from_raw(arg.cast_const().cast::<B>()));
            return Err(rc);
        }
        Ok(OsThread(thread))
    }
}

/// Gives `attr` a stack of at least `size` bytes: raised to the platform's minimum
/// (`PTHREAD_STACK_MIN`: 16 KiB on x86-64 Linux, 128 KiB on 64-bit ARM Linux, where a smaller size
/// is refused), and, if the size is refused as it is (macOS wants whole pages), rounded up to a
/// whole number of pages. Returns pthread_attr_setstacksize's error number.
///
/// # Safety
/// `attr` is initialised.
unsafe fn set_stack_size(attr: &mut libc::pthread_attr_t, size: usize) -> i32 {
    // SAFETY: sysconf has no preconditions; it returns -1 for a name it does not know.
    let min = usize::try_from(unsafe { libc::sysconf(libc::_SC_THREAD_STACK_MIN) }).unwrap_or(0);
    let size = size.max(min);
    // SAFETY: `attr` is initialised (the caller's promise).
    let rc = unsafe { libc::pthread_attr_setstacksize(attr, size) };
    if rc != libc::EINVAL {
        return rc;
    }
    // SAFETY: as above.
    let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096);
    match size.checked_next_multiple_of(page) {
        // SAFETY: `attr` is initialised (the caller's promise).
        Some(rounded) if rounded != size => unsafe {
            libc::pthread_attr_setstacksize(attr, rounded)
        },
        _ => rc,
    }
}

/// A fork handler: a plain function `pthread_atfork` runs, or none.
pub(crate) type ForkHandler = Option<extern "C" fn()>;

/// Runs `prepare` in the thread that calls `fork()`, just before it forks, then `parent` in the
/// parent and `child` in the child (`pthread_atfork`), once installed (see [`Hook`]).
pub(crate) fn at_fork(
    installed: &Hook,
    prepare: ForkHandler,
    parent: ForkHandler,
    child: extern "C" fn(),
) {
    // Miri can neither fork nor register fork handlers.
    if cfg!(miri) {
        return;
    }
    let unsafe_fn = |f: extern "C" fn()| f as unsafe extern "C" fn();
    // SAFETY: the handlers are plain (safe) functions that live as long as the program.
    // pthread_atfork only fails when out of memory; the handlers are then missing and a child
    // may see threads of its parent as alive, as documented in `thread.rs`. glibc makes it atomic
    // with respect to `fork()`: a fork runs the handlers or does not, never half of them.
    installed.install(|| unsafe {
        libc::pthread_atfork(prepare.map(unsafe_fn), parent.map(unsafe_fn), Some(child));
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    /// The thread token names one thread: the same value however often it is read, another
    /// value in every other live thread, never 0, and the `pthread_t` itself.
    #[test]
    fn thread_token_names_the_thread() {
        let mine = thread_token();
        assert_ne!(mine, 0);
        assert_eq!(thread_token(), mine);
        // The ident `weft_rlock_owner` reports is the token (c-tests/api/bad_input_handles.c
        // checks it on ARM64 under qemu, where this did not hold once).
        assert_eq!(mine as u64, current().ident());
        let others: Vec<usize> = (0..4)
            .map(|_| std::thread::spawn(thread_token))
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| t.join().unwrap())
            .collect();
        assert!(others.iter().all(|&t| t != 0 && t != mine));
    }

    /// Regression: weft's fork handlers were installed under `std::sync::Once`, and a child
    /// forked while another thread was installing them inherited the `Once` "running" for
    /// ever: its first wait hung (`c-tests/api/fork_child.c`, 4 runs in 6). A hook that another
    /// thread is still installing does not hold up a second installer: it installs too.
    #[test]
    fn a_hook_being_installed_elsewhere_does_not_hold_up_another_installer() {
        static HOOK: Hook = Hook::new();
        let (started, wait_started) = mpsc::channel();
        let (finish, wait_finish) = mpsc::channel::<()>();
        let slow = std::thread::spawn(move || {
            HOOK.install(|| {
                started.send(()).unwrap();
                // Stays inside `install` until the main thread has installed too.
                wait_finish.recv().unwrap();
            });
        });
        wait_started.recv().unwrap();
        let mut installed_here = false;
        HOOK.install(|| installed_here = true);
        assert!(installed_here);
        finish.send(()).unwrap();
        slow.join().unwrap();
        let mut again = false;
        HOOK.install(|| again = true);
        assert!(!again, "installed once an install has returned");
    }
}
