package weft;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
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
 * the process with it. So every thread running a Java body is a daemon to weft (the binding
 * keeps its own flag, {@link Thread#isDaemon()}), and the binding waits earlier, in a shutdown
 * hook, while Java still runs: it shuts down every pool made from Java (queued tasks still run),
 * waits for the tasks submitted from Java, for the non-daemon weft.Threads and Timers, then for
 * every other non-daemon weft thread ({@code weft_shutdown}: C's), as Python and C do at exit.
 * Daemon Timers that have not fired are cancelled (one firing once the JVM halted would call
 * into it). Threads and tasks are refused from then on, as CPython refuses them at shutdown.
 *
 * <p>A signal (SIGTERM, SIGINT, SIGHUP) also runs the JVM's shutdown hooks, where Python and C
 * wait for nothing: the binding notes the signal (before the JVM's own handler starts the
 * shutdown), cancels the queued tasks, and, if a weft thread that the exit would wait for is
 * still running, ends the process at once with {@code _exit(128 + signal)}, as a C process
 * killed by it would, rather than hang. A signal during the hook's wait ends it the same way.
 */
final class Exit {
    private Exit() {}

    /** Set when the shutdown hook starts: new weft threads and tasks are refused from then on. */
    static volatile boolean shuttingDown;
    /** The signal that started the shutdown, or came during it (0: none). */
    private static volatile int signal;

    static {
        try {
            Runtime.getRuntime().addShutdownHook(new java.lang.Thread(Exit::run, "weft exit"));
        } catch (IllegalStateException e) {
            shuttingDown = true; // weft's first use is in another shutdown hook: too late to start threads
        }
        for (String name : new String[] {"TERM", "INT", "HUP"}) {
            try {
                sun.misc.Signal sig = new sun.misc.Signal(name);
                sun.misc.SignalHandler[] previous = new sun.misc.SignalHandler[1];
                previous[0] = sun.misc.Signal.handle(sig, s -> {
                    signal = s.getNumber();
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

    private static void run() {
        shuttingDown = true;
        cancelDaemonTimers();
        if (signal != 0) {
            ThreadPoolExecutor.shutDownAll(true);
            if (!javaBodies().isEmpty() || remaining(0.0) > 0 || !ThreadPoolExecutor.TASKS.values().isEmpty()) {
                halt();
            }
            return;
        }
        ThreadPoolExecutor.shutDownAll(false);
        for (List<Thread.Body> bodies = javaBodies(); !bodies.isEmpty(); bodies = javaBodies()) {
            for (Thread.Body body : bodies) {
                Pointer handle = body.handle();
                if (handle != null) {
                    while (CApi.weft_thread_join(handle, Waits.seconds(Waits.SLICE_NANOS)) == Waits.TIMEOUT) {
                        haltIfSignalled();
                    }
                    CApi.weft_thread_free(handle);
                }
            }
        }
        for (ThreadPoolExecutor.Task<?> task : new ArrayList<>(ThreadPoolExecutor.TASKS.values())) {
            PointerByReference out = new PointerByReference();
            Pointer handle = task.futureHandle();
            while (handle != null && CApi.weft_future_result(handle, Waits.seconds(Waits.SLICE_NANOS), out) == Waits.TIMEOUT) {
                haltIfSignalled();
            }
        }
        while (remaining(Waits.seconds(Waits.SLICE_NANOS)) > 0) {
            haltIfSignalled();
        }
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

    /** How many non-daemon weft threads are still running after waiting at most {@code seconds}. */
    private static long remaining(double seconds) {
        LongByReference remaining = new LongByReference();
        CApi.weft_shutdown(seconds, remaining);
        return remaining.getValue();
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

    private static void haltIfSignalled() {
        if (signal != 0) {
            halt();
        }
    }

    /** Ends the process at once, as the signal would have: {@code _exit(128 + signal)}. */
    private static void halt() {
        System.out.flush();
        System.err.flush();
        CApi.function("c", "_exit").invoke(new Object[] {128 + signal});
    }
}
