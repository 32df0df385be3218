package weft;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code threading.Barrier}, with the names and exceptions of
 * {@link java.util.concurrent.CyclicBarrier}. Its action runs in the last thread to arrive; if it
 * throws, the barrier breaks and that thread's {@link #await()} throws the action's exception.
 *
 * <p>A broken barrier (by a timeout, an interrupt, {@link #abort()}, a failed action, or a
 * {@link #reset()} while threads wait) is a {@link BrokenBarrierException} to the parties, as
 * in {@code CyclicBarrier}; the party whose time ran out gets {@link TimeoutException}, and an
 * interrupted one {@link InterruptedException} ({@link Waits}: the interrupt ends the C wait).
 */
public final class Barrier extends Handle {
    /** An action and the barrier's handle, for the action to abort it (never the Barrier itself). */
    private static final class Action {
        final Runnable run;
        volatile Pointer handle;

        Action(Runnable run) {
            this.run = run;
        }
    }

    private static final Registry<Action> ACTIONS = new Registry<>();
    private static final ThreadLocal<Throwable> ACTION_ERROR = new ThreadLocal<>();
    private static final CApi.VoidFn ACTION = CApi.callback((CApi.VoidFn) token -> {
        Action action = ACTIONS.get(token);
        try {
            action.run.run();
        } catch (Throwable e) {
            ACTION_ERROR.set(e);
            CApi.weft_barrier_abort(action.handle);
        }
    });
    private static final int BROKEN = Status.BROKEN_BARRIER.ordinal();
    private static final CApi.VoidFn FORGET = CApi.callback((CApi.VoidFn) ACTIONS::remove);

    public Barrier(int parties) {
        this(parties, null);
    }

    /** A barrier for {@code parties} threads; {@code action} (may be null) runs at each trip. */
    public Barrier(int parties, Runnable action) {
        if (action == null) {
            create(out -> CApi.weft_barrier_new(parties, null, null, null, CApi.TIMEOUT_FOREVER, out),
                    CApi::weft_barrier_free);
        } else {
            // The table holds the action until weft drops its argument (FORGET), when the barrier
            // goes: the Barrier object itself stays collectable.
            Action entry = new Action(action);
            Pointer token = ACTIONS.add(entry);
            try {
                create(out -> CApi.weft_barrier_new(parties, ACTION, token, FORGET, CApi.TIMEOUT_FOREVER, out),
                        CApi::weft_barrier_free);
            } catch (RuntimeException e) {
                ACTIONS.remove(token);
                throw e;
            }
            entry.handle = pointer();
        }
    }

    /**
     * Waits for the other parties; returns this thread's arrival index (0 to parties - 1), as
     * {@link java.util.concurrent.CyclicBarrier#await()} does. {@link BrokenBarrierException}
     * if the barrier is broken on entry, or is broken, reset or aborted while this thread waits;
     * {@link InterruptedException} if this thread is interrupted before or while it waits, which
     * breaks the barrier for the other parties (they get {@code BrokenBarrierException}).
     * An interrupt that comes as the barrier trips leaves the interrupt status set and returns
     * the index. If the action throws, the thread that ran it throws its exception.
     */
    public int await() throws InterruptedException, BrokenBarrierException {
        return await(-1);
    }

    /**
     * {@link #await()} for at most {@code time}: if it runs out, the barrier breaks (for every
     * party) and this thread gets {@link TimeoutException}, as with
     * {@link java.util.concurrent.CyclicBarrier#await(long, TimeUnit)}.
     */
    public int await(long time, TimeUnit unit)
            throws InterruptedException, BrokenBarrierException, TimeoutException {
        long nanos = Waits.nanos(time, unit);
        long start = System.nanoTime();
        try {
            return await(nanos);
        } catch (BrokenBarrierException e) {
            // weft breaks a barrier whose wait timed out and says BROKEN_BARRIER to every party,
            // the one whose time ran out included: that one is this thread if its time is up.
            if (System.nanoTime() - start >= nanos) {
                throw new TimeoutException();
            }
            throw e;
        }
    }

    /** Waits at most {@code nanos} (negative: no limit). */
    private int await(long nanos) throws InterruptedException, BrokenBarrierException {
        if (isBroken()) {
            throw new BrokenBarrierException();
        }
        if (java.lang.Thread.interrupted()) {
            abort(); // CyclicBarrier's rule: an interrupted party breaks the barrier
            throw new InterruptedException();
        }
        Pointer handle = pointer();
        LongByReference index = new LongByReference();
        // An interrupt ends the C wait (weft then breaks the barrier itself).
        int status = Waits.interruptibly(nanos, t -> CApi.weft_barrier_wait(handle, t, index));
        Throwable error = ACTION_ERROR.get();
        if (error != null) {
            ACTION_ERROR.remove();
            if (error instanceof RuntimeException) {
                throw (RuntimeException) error;
            }
            if (error instanceof Error) {
                throw (Error) error;
            }
            throw new IllegalStateException("the barrier's action failed", error);
        }
        if (status == BROKEN) {
            throw new BrokenBarrierException();
        }
        WeftException.check(status);
        return (int) index.getValue();
    }

    public void reset() {
        WeftException.check(CApi.weft_barrier_reset(pointer()));
    }

    /** Breaks the barrier: every waiting thread, and every later one, gets BROKEN_BARRIER. */
    public void abort() {
        WeftException.check(CApi.weft_barrier_abort(pointer()));
    }

    public boolean isBroken() {
        return CApi.weft_barrier_broken(pointer()) != 0;
    }

    public int getNumberWaiting() {
        return (int) CApi.weft_barrier_n_waiting(pointer());
    }

    public int getParties() {
        return (int) CApi.weft_barrier_parties(pointer());
    }
}
