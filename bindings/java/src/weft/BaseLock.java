package weft;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

/**
 * What {@link Lock} and {@link RLock} share: {@link java.util.concurrent.locks.Lock} over a weft
 * acquire and release.
 */
public abstract class BaseLock extends Handle implements java.util.concurrent.locks.Lock {
    /** The C functions of one kind of lock. */
    static final class Functions {
        interface Acquire {
            int call(Pointer handle, boolean blocking, double timeout);
        }

        interface NewCondition {
            int call(Pointer handle, PointerByReference out);
        }

        final Acquire acquire;
        final ToIntFunction<Pointer> release;
        final ToIntFunction<Pointer> locked;
        /** {@code weft_condition_new_with_lock} or {@code _with_rlock}. */
        final NewCondition newCondition;

        Functions(Acquire acquire, ToIntFunction<Pointer> release, ToIntFunction<Pointer> locked,
                NewCondition newCondition) {
            this.acquire = acquire;
            this.release = release;
            this.locked = locked;
            this.newCondition = newCondition;
        }
    }

    private final Functions c;

    BaseLock(Functions c) {
        this.c = c;
    }

    private int acquire(Pointer handle, boolean blocking, double timeout) {
        return c.acquire.call(handle, blocking, timeout);
    }

    final int newCondition(Pointer handle, PointerByReference out) {
        return c.newCondition.call(handle, out);
    }

    /** Waits, without limit and without being interruptible, until it holds the lock. */
    @Override
    public void lock() {
        WeftException.check(acquire(pointer(), true, CApi.TIMEOUT_FOREVER));
    }

    /** Waits until it holds the lock; an interrupt ends the wait at once ({@link Waits}). */
    @Override
    public void lockInterruptibly() throws InterruptedException {
        tryLock(-1L);
    }

    /** Takes the lock if it is free now. */
    @Override
    public boolean tryLock() {
        return WeftException.outcome(acquire(pointer(), false, CApi.TIMEOUT_FOREVER));
    }

    /**
     * Waits at most {@code time} (0 or less: not at all) until it holds the lock; false if the
     * time ran out. An interrupt ends the wait.
     */
    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return tryLock(Waits.nanos(time, unit));
    }

    /** Waits at most {@code nanos} (negative: no limit) until it holds the lock. */
    private boolean tryLock(long nanos) throws InterruptedException {
        Pointer handle = pointer();
        if (java.lang.Thread.interrupted()) {
            throw new InterruptedException();
        }
        int first = acquire(handle, false, CApi.TIMEOUT_FOREVER); // uncontended: one call
        if (first != Waits.TIMEOUT || nanos == 0) {
            return WeftException.outcome(first);
        }
        return Waits.within(nanos, handle, (h, t) -> acquire(h, true, t));
    }

    /**
     * Releases the lock; an {@link IllegalMonitorStateException} (its cause a {@link WeftException},
     * {@code RELEASE_UNLOCKED} or {@code NOT_OWNER}) if it is not held (or, an RLock, not owned).
     */
    @Override
    public void unlock() {
        WeftException.check(c.release.applyAsInt(pointer()));
    }

    /**
     * A weft {@link Condition} over this lock ({@code weft_condition_new_with_lock}); it keeps
     * the lock alive.
     */
    @Override
    public Condition newCondition() {
        return new Condition(this);
    }

    /** Whether some thread holds the lock. */
    public final boolean isLocked() {
        return c.locked.applyAsInt(pointer()) != 0;
    }
}
