package weft;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import java.util.concurrent.TimeUnit;

/**
 * {@code threading.Barrier}, with the names of {@link java.util.concurrent.CyclicBarrier}. Its
 * action runs in the last thread to arrive; if it throws, the barrier breaks and that thread's
 * {@link #await()} throws the action's exception.
 *
 * <p>An await declares no {@link InterruptedException}, so an interrupt does not end it:
 * {@link #abort()} from another thread does (a timeout breaks a barrier, as an interrupt would).
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
     * Waits for the other parties; returns this thread's index (0 to parties - 1). A
     * {@link WeftException} ({@code BROKEN_BARRIER}) if the barrier breaks.
     */
    public int await() {
        return await(CApi.TIMEOUT_FOREVER);
    }

    /** {@link #await()} for at most {@code time}: the barrier breaks if the time runs out. */
    public int await(long time, TimeUnit unit) {
        return await(Waits.seconds(Waits.nanos(time, unit)));
    }

    private int await(double seconds) {
        LongByReference index = new LongByReference();
        int status = CApi.weft_barrier_wait(pointer(), seconds, index);
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
