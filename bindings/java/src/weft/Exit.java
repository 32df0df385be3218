package weft;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.List;

/**
 * What happens to weft threads when the JVM ends (README, "Exit").
 *
 * <p>weft's C library waits for every non-daemon weft thread, and runs the pools' queued tasks,
 * in an {@code atexit} handler, and the JVM does end in {@code exit()} (after
 * {@link System#exit(int)}, a main that returns, a signal, even {@link Runtime#halt(int)}): but
 * by then the JVM has halted, and a weft thread running Java code there is frozen for ever, and
 * the process with it. So the binding turns that wait off ({@code weft_set_exit_wait(false)})
 * and waits earlier, in a shutdown hook, while Java still runs: it shuts down every pool made
 * from Java (queued tasks still run), waits for the tasks submitted from Java, for the
 * non-daemon weft.Threads and Timers, then for every other non-daemon weft thread
 * ({@code weft_shutdown}: C's), as Python and C do at exit. (Every thread running a Java body is
 * a daemon to weft; the binding keeps its own flag, {@link Thread#isDaemon()}.) Daemon Timers
 * that have not fired are cancelled (one firing once the JVM halted would call into it).
 * Threads and tasks are refused from then on, as CPython refuses them at shutdown.
 *
 * <p>A signal (SIGTERM, SIGINT, SIGHUP) also runs the JVM's shutdown hooks, where Python and C
 * wait for nothing: the binding notes the signal (before the JVM's own handler starts the
 * shutdown) and sets the hook's cancellation token; the hook then cancels the queued tasks and
 * waits for nothing: the JVM ends as usual, with 128 + the signal, its other hooks run to their
 * end. A signal during an exit that began otherwise (during the hook's wait, which the token
 * ends at once, or just before the hook started) halts the JVM with 128 + the signal, the status
 * of a process killed by it, if a thread or task the exit would wait for is still running.
 */
final class Exit {
    private Exit() {}

    private static final int INTERRUPTED = Status.INTERRUPTED.ordinal();

    /** Set when the shutdown hook starts: new weft threads and tasks are refused from then on. */
    static volatile boolean shuttingDown;
    /** The signal that started the shutdown, or came during it (0: none). */
    private static volatile int signal;
    /** Whether the JVM's shutdown had not begun when the signal came (written before it). */
    private static volatile boolean signalStartsExit;
    /** The hook's cancellation token, which a signal sets: it ends the hook's waits at once. */
    private static final Pointer TOKEN = newToken();

    static {
        try {
            Runtime.getRuntime().addShutdownHook(new java.lang.Thread(Exit::run, "weft exit"));
            CApi.weft_set_exit_wait(false); // the hook waits, while Java still runs
        } catch (IllegalStateException e) {
            shuttingDown = true; // weft's first use is in another shutdown hook: too late to start threads
        }
        for (String name : new String[] {"TERM", "INT", "HUP"}) {
            try {
                sun.misc.Signal sig = new sun.misc.Signal(name);
                sun.misc.SignalHandler[] previous = new sun.misc.SignalHandler[1];
                previous[0] = sun.misc.Signal.handle(sig, s -> {
                    signalStartsExit = !exitBegun();
                    signal = s.getNumber();
                    CApi.weft_cancel_set(TOKEN);
                    previous[0].handle(s);
                });
            } catch (IllegalArgumentException e) {
                // The JVM does not handle it (-Xrs, or the signal was ignored at start): nor do we.
            }
        }
    }

    /** Installs the hook (called when the library is loaded). */
    static void install() {}

    /** CPython's "can't create new thread at interpreter shutdown". */
    static void refuseAtShutdown() {
        if (shuttingDown) {
            throw new WeftException(Status.CANT_START_THREAD.ordinal());
        }
    }

    private static Pointer newToken() {
        PointerByReference out = new PointerByReference();
        WeftException.check(CApi.weft_cancel_new(out));
        return out.getValue();
    }

    private static void run() {
        shuttingDown = true;
        CApi.weft_cancel_install(TOKEN);
        cancelDaemonTimers();
        ThreadPoolExecutor.shutDownAll(signal != 0);
        if (signal != 0) {
            // A signal that started the shutdown ends the JVM with 128 + the signal once every
            // hook is done. One that came after an exit began (main returned just before it)
            // would leave that exit's status: if a thread or task the exit would have waited for
            // is still running, which a C process killed by the signal would not have waited
            // for either, halt with the signal's status.
            if (!signalStartsExit && (!javaBodies().isEmpty() || !ThreadPoolExecutor.TASKS.values().isEmpty()
                    || CApi.weft_shutdown(0.0, null) != 0)) {
                halt();
            }
            return;
        }
        // Each wait below ends with WEFT_STATUS_INTERRUPTED once a signal has set the token.
        for (List<Thread.Body> bodies = javaBodies(); !bodies.isEmpty(); bodies = javaBodies()) {
            for (Thread.Body body : bodies) {
                Pointer handle = body.handle();
                if (handle != null) {
                    int status = CApi.weft_thread_join(handle, CApi.TIMEOUT_FOREVER);
                    CApi.weft_thread_free(handle);
                    haltIf(status);
                }
            }
        }
        for (ThreadPoolExecutor.Task<?> task : new ArrayList<>(ThreadPoolExecutor.TASKS.values())) {
            Pointer handle = task.futureHandle();
            if (handle != null) {
                haltIf(CApi.weft_future_result(handle, CApi.TIMEOUT_FOREVER, new PointerByReference()));
            }
        }
        haltIf(CApi.weft_shutdown(CApi.TIMEOUT_FOREVER, null));
    }

    /**
     * After a wait that a signal interrupted (the signal came during an exit that began
     * otherwise, whose status is not the signal's): halts.
     */
    private static void haltIf(int status) {
        if (status == INTERRUPTED) {
            halt();
        }
    }

    /** Halts the JVM at once with 128 + the signal, as the signal would have ended a C process. */
    private static void halt() {
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(128 + signal);
    }

    /** Whether the JVM's shutdown has begun (a hook can no longer be added then). */
    private static boolean exitBegun() {
        java.lang.Thread probe = new java.lang.Thread(() -> {});
        try {
            Runtime.getRuntime().addShutdownHook(probe);
        } catch (IllegalStateException e) {
            return true;
        }
        Runtime.getRuntime().removeShutdownHook(probe);
        return false;
    }

    /** The non-daemon weft.Threads and Timers started and not finished. */
    private static List<Thread.Body> javaBodies() {
        List<Thread.Body> bodies = new ArrayList<>();
        for (Thread.Body body : Thread.BODIES.values()) {
            if (!body.daemon && body.running()) {
                bodies.add(body);
            }
        }
        return bodies;
    }

    /**
     * A daemon Timer that fired after the JVM halted would call into it: cancel those not fired.
     */
    private static void cancelDaemonTimers() {
        for (Thread.Body body : new ArrayList<>(Thread.BODIES.values())) {
            Pointer handle = body.timer && body.daemon ? body.handle() : null;
            if (handle != null) {
                CApi.weft_timer_cancel(handle);
                CApi.weft_thread_free(handle);
            }
        }
    }
}
