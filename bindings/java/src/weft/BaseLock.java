package weft;

import com.sun.jna.Pointer;
import java.util.concurrent.TimeUnit;

/**
 * What {@link Lock} and {@link RLock} share: {@link java.util.concurrent.locks.Lock} over a weft
 * acquire and release.
 */
public abstract class BaseLock extends Handle implements java.util.concurrent.locks.Lock {
    BaseLock() {}

    abstract int acquire(Pointer handle, boolean blocking, double timeout);

    abstract int release(Pointer handle);

    /** {@code weft_condition_new_with_lock} or {@code _with_rlock}. */
    abstract int newCondition(Pointer handle, com.sun.jna.ptr.PointerByReference out);

    /** Waits, without limit and without being interruptible, until it holds the lock. */
    @Override
    public void lock() {
        WeftException.check(acquire(pointer(), true, CApi.TIMEOUT_FOREVER));
    }

    /** Waits until it holds the lock; an interrupt ends the wait (within 50 ms: {@link Waits}). */
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
        return WeftException.outcome(Waits.interruptibly(nanos, t -> acquire(handle, true, t)));
    }

    /** Releases the lock; a {@link WeftException} if it is not held (or, an RLock, not owned). */
    @Override
    public void unlock() {
        WeftException.check(release(pointer()));
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
    public abstract boolean isLocked();
}
