package weft;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.spi.AbstractInterruptibleChannel;
import java.util.concurrent.TimeUnit;

/**
 * Blocking C calls that {@link java.lang.Thread#interrupt()} ends, through weft's cancellation
 * tokens ({@code include/weft/cancel.h}).
 *
 * <p>Each Java thread that waits gets a token of its own, installed once for its OS thread
 * ({@code weft_cancel_install}: the thread keeps it until it exits). {@code Thread.interrupt()}
 * cannot run code of ours by itself, but it closes the interruptible channel the thread is
 * blocked in ({@link AbstractInterruptibleChannel}: the mechanism behind NIO's
 * {@code ClosedByInterruptException}, public API since Java 1.4). So an interruptible wait is one
 * C call made between the channel's {@code begin()} and {@code end()}; the channel's close sets
 * the thread's token, which ends the C wait at once with {@code WEFT_STATUS_INTERRUPTED}, and
 * the wait throws {@link InterruptedException} (clearing the interrupt status, as
 * {@code java.util.concurrent} does). A closed channel is replaced by a new one and the token
 * reset. An interrupt that comes before the wait (its status already set) makes
 * {@code begin()} close the channel at once, so none is lost. Waits the
 * {@code java.util.concurrent} interfaces declare uninterruptible ({@link Lock#lock()},
 * {@link Condition#awaitUninterruptibly()}) are plain C calls.
 */
final class Waits {
    private Waits() {}

    static final int TIMEOUT = Status.TIMEOUT.ordinal();
    private static final int INTERRUPTED = Status.INTERRUPTED.ordinal();
    /** WEFT_TIMEOUT_MAX: the longest timeout the C API takes. */
    private static final double TIMEOUT_MAX = 9223372036.0;

    /** A C wait: returns its status after waiting at most {@code seconds}. */
    interface Call {
        int call(double seconds);
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static final ThreadLocal<Interrupter> INTERRUPTER = ThreadLocal.withInitial(Interrupter::new);

    /**
     * Runs {@code call} once, for at most {@code nanos} (negative: no limit); returns its status.
     * Throws InterruptedException if the thread is interrupted before or during the call.
     */
    static int interruptibly(long nanos, Call call) throws InterruptedException {
        if (java.lang.Thread.interrupted()) {
            throw new InterruptedException();
        }
        double seconds = nanos < 0 ? CApi.TIMEOUT_FOREVER : Math.min(seconds(nanos), TIMEOUT_MAX);
        int status = INTERRUPTER.get().during(call, seconds);
        if (status == INTERRUPTED) {
            java.lang.Thread.interrupted();
            throw new InterruptedException();
        }
        return status;
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

    /** A new token, installed for the calling thread's waits; the caller's own reference. */
    static Pointer installToken() {
        PointerByReference out = new PointerByReference();
        WeftException.check(CApi.weft_cancel_new(out));
        Pointer token = out.getValue();
        WeftException.check(CApi.weft_cancel_install(token));
        return token;
    }

    /** One thread's token, and the channel an interrupt closes. */
    private static final class Interrupter {
        private final Pointer token = installToken();
        private Channel channel = new Channel(token);

        Interrupter() {
            Pointer t = token; // the action must not reach `this`
            Handle.CLEANER.register(this, () -> CApi.weft_cancel_free(t));
        }

        int during(Call call, double seconds) {
            Channel c = channel;
            c.enter();
            int status;
            try {
                status = call.call(seconds);
            } finally {
                if (c.exit()) { // closed by an interrupt, which set the token
                    CApi.weft_cancel_reset(token);
                    channel = new Channel(token);
                }
            }
            return status;
        }
    }

    /** A channel that does no I/O: closing it (what an interrupt does) sets a token. */
    private static final class Channel extends AbstractInterruptibleChannel {
        private final Pointer token;

        Channel(Pointer token) {
            this.token = token;
        }

        void enter() {
            begin();
        }

        /** Ends the blocking section; whether an interrupt closed the channel. */
        boolean exit() {
            try {
                end(true);
                return !isOpen();
            } catch (AsynchronousCloseException e) { // ClosedByInterruptException
                return true;
            }
        }

        @Override
        protected void implCloseChannel() {
            CApi.weft_cancel_set(token);
        }
    }
}
