package weft;

import com.sun.jna.Pointer;
import java.util.Date;
import java.util.concurrent.TimeUnit;

/**
 * {@code threading.Condition} as a {@link java.util.concurrent.locks.Condition}, made by
 * {@link BaseLock#newCondition()} over that lock. Awaiting and signalling need the lock held
 * (otherwise an {@link IllegalMonitorStateException} whose cause is the {@link WeftException},
 * {@code WAIT_UNACQUIRED} or {@code NOTIFY_UNACQUIRED}).
 *
 * <p>An interrupted await ({@link Waits}) holds the lock again when it throws.
 */
public final class Condition extends Handle implements java.util.concurrent.locks.Condition {
    private final BaseLock lock; // kept alive as long as the condition

    Condition(BaseLock lock) {
        this.lock = lock;
        Pointer handle = lock.pointer();
        create(out -> lock.newCondition(handle, out), CApi::weft_condition_free);
    }

    /** The lock this condition is over. */
    public BaseLock lock() {
        return lock;
    }

    /** Waits at most {@code nanos} (negative: no limit); the nanoseconds left (0 or less: none). */
    private long awaitAtMost(long nanos) throws InterruptedException {
        Pointer handle = pointer();
        long start = System.nanoTime();
        int status = Waits.interruptibly(nanos, t -> CApi.weft_condition_wait(handle, t));
        return WeftException.outcome(status) ? Math.max(1, nanos - (System.nanoTime() - start)) : 0;
    }

    @Override
    public void await() throws InterruptedException {
        awaitAtMost(-1);
    }

    @Override
    public void awaitUninterruptibly() {
        WeftException.check(CApi.weft_condition_wait(pointer(), CApi.TIMEOUT_FOREVER));
    }

    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
        return awaitAtMost(Math.max(0, nanosTimeout));
    }

    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
        return awaitAtMost(Waits.nanos(time, unit)) > 0;
    }

    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
        long millis = deadline.getTime() - System.currentTimeMillis();
        return awaitAtMost(Waits.nanos(millis, TimeUnit.MILLISECONDS)) > 0;
    }

    /** Wakes one waiting thread (Python's {@code notify()}). */
    @Override
    public void signal() {
        WeftException.check(CApi.weft_condition_notify(pointer(), 1));
    }

    /** Wakes every waiting thread (Python's {@code notify_all()}). */
    @Override
    public void signalAll() {
        WeftException.check(CApi.weft_condition_notify_all(pointer()));
    }
}
