package weft;

import com.sun.jna.Pointer;
import java.util.concurrent.TimeUnit;

/**
 * Blocking C calls, cut into slices so that {@link java.lang.Thread#interrupt()} ends them.
 *
 * <p>A Java thread blocked in a C wait cannot be interrupted: the C API has no interruptible
 * wait yet. So an interruptible wait is a series of C waits of at most {@link #SLICE_NANOS}
 * (50 ms), between which the thread checks its interrupt status and throws
 * {@link InterruptedException}: an interrupt ends the wait within a slice. Waits the
 * {@code java.util.concurrent} interfaces declare uninterruptible ({@link Lock#lock()},
 * {@link Condition#awaitUninterruptibly()}) are one C call.
 */
final class Waits {
    private Waits() {}

    static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    static final int TIMEOUT = Status.TIMEOUT.ordinal();

    /** One slice of a C wait: returns its status. The call must be safe to repeat. */
    interface Call {
        int call(double seconds);
    }

    /** Whether what the call waits for happened between two slices (see {@link Condition}). */
    interface Missed {
        boolean happened();
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /**
     * Runs {@code call} for at most {@code nanos} (negative: no limit) in slices; returns its
     * status, {@code timedOut} if the time ran out. Throws InterruptedException if the thread
     * is interrupted before or between slices.
     */
    static int interruptibly(long nanos, int timedOut, Missed missed, Call call)
            throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        while (true) {
            if (java.lang.Thread.interrupted()) {
                throw new InterruptedException();
            }
            long remaining = nanos < 0 ? Long.MAX_VALUE : deadline - System.nanoTime();
            long slice = Math.max(0, Math.min(remaining, SLICE_NANOS));
            int status = call.call(seconds(slice));
            if (status != timedOut || slice == remaining || remaining <= 0) {
                return status;
            }
            if (missed != null && missed.happened()) {
                return 0;
            }
        }
    }

    static int interruptibly(long nanos, Call call) throws InterruptedException {
        return interruptibly(nanos, TIMEOUT, null, call);
    }

    /** A C wait on a handle: its status after waiting at most {@code seconds}. */
    interface HandleCall {
        int call(Pointer handle, double seconds);
    }

    /** Waits on {@code handle} without limit; a WeftException for a status other than OK. */
    static void forever(Pointer handle, HandleCall call) throws InterruptedException {
        WeftException.check(interruptibly(-1, t -> call.call(handle, t)));
    }

    /** Waits on {@code handle} at most {@code nanos} (negative: no limit); false if it timed out. */
    static boolean within(long nanos, Pointer handle, HandleCall call) throws InterruptedException {
        return WeftException.outcome(interruptibly(nanos, t -> call.call(handle, t)));
    }

    /** {@code time} in {@code unit} as nanoseconds, 0 for a negative time (j.u.c.'s rule). */
    static long nanos(long time, TimeUnit unit) {
        return Math.max(0, unit.toNanos(time));
    }
}
