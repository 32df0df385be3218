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
 * in an {@code atexit} handler, and the JVM does end in {@code exit()}: but by then the JVM has
 * halted, and a weft thread running Java code (a body, a pool task) is frozen for ever, and the
 * process with it. So the binding waits earlier, in a shutdown hook, while Java still runs: it
 * shuts down every pool made from Java (queued tasks still run), waits for the tasks submitted
 * from Java, then for every non-daemon weft thread ({@code weft_shutdown}), C's included, as
 * Python and C do at exit. A main that returns and {@link System#exit(int)} both run it.
 *
 * <p>A signal (SIGTERM, SIGINT, SIGHUP) also runs the JVM's shutdown hooks, where Python and C
 * wait for nothing: the binding notes the signal (before the JVM's own handler starts the
 * shutdown), cancels the queued tasks, and, if a non-daemon weft thread or a task is still
 * running, ends the process at once with {@code _exit(128 + signal)}, as a C process killed by
 * it would, rather than hang in C's exit-time wait. A signal during the hook's wait ends it the
 * same way.
 */
final class Exit {
    private Exit() {}

    /** Set when the shutdown hook starts: new weft threads and tasks are refused from then on. */
    static volatile boolean shuttingDown;
    /** The signal that started the shutdown, or came during it (0: none). */
    private static volatile int signal;

    static {
        Runtime.getRuntime().addShutdownHook(new java.lang.Thread(Exit::run, "weft exit"));
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
            if (remaining(0.0) > 0 || !ThreadPoolExecutor.TASKS.values().isEmpty()) {
                halt();
            }
            return;
        }
        ThreadPoolExecutor.shutDownAll(false);
        for (ThreadPoolExecutor.Task<?> task : new ArrayList<>(ThreadPoolExecutor.TASKS.values())) {
            PointerByReference out = new PointerByReference();
            Pointer handle = task.futureHandle();
            while (CApi.weft_future_result(handle, Waits.seconds(Waits.SLICE_NANOS), out) == Waits.TIMEOUT) {
                haltIfSignalled();
            }
        }
        while (remaining(Waits.seconds(Waits.SLICE_NANOS)) > 0) {
            haltIfSignalled();
        }
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
        List<Thread.Body> bodies = new ArrayList<>(Thread.BODIES.values());
        for (Thread.Body body : bodies) {
            if (body.timer && body.daemon) {
                body.cancel();
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
