package weft;

import java.util.concurrent.TimeUnit;

/**
 * {@code threading.Semaphore} (and {@code BoundedSemaphore}: {@link #bounded(long)}), with the
 * names of {@link java.util.concurrent.Semaphore}.
 */
public final class Semaphore extends Handle {
    /** A counting semaphore of {@code value} permits. */
    public Semaphore(long value) {
        this(out -> CApi.weft_semaphore_new(value, out));
    }

    private Semaphore(Constructor constructor) {
        create(constructor, CApi::weft_semaphore_free);
    }

    /** A bounded semaphore: releasing above {@code value} permits throws a WeftException. */
    public static Semaphore bounded(long value) {
        return new Semaphore(out -> CApi.weft_bounded_semaphore_new(value, out));
    }

    /** Waits for a permit; an interrupt ends the wait. */
    public void acquire() throws InterruptedException {
        tryAcquire(-1);
    }

    /** Waits for a permit without being interruptible. */
    public void acquireUninterruptibly() {
        WeftException.check(CApi.weft_semaphore_acquire(pointer(), true, CApi.TIMEOUT_FOREVER));
    }

    /** Takes a permit if one is free now. */
    public boolean tryAcquire() {
        return WeftException.outcome(CApi.weft_semaphore_acquire(pointer(), false, CApi.TIMEOUT_FOREVER));
    }

    /** Waits at most {@code time} for a permit; false if the time ran out. */
    public boolean tryAcquire(long time, TimeUnit unit) throws InterruptedException {
        return tryAcquire(Waits.nanos(time, unit));
    }

    private boolean tryAcquire(long nanos) throws InterruptedException {
        return Waits.within(nanos, pointer(), (handle, t) -> CApi.weft_semaphore_acquire(handle, true, t));
    }

    public void release() {
        release(1);
    }

    public void release(long permits) {
        WeftException.check(CApi.weft_semaphore_release(pointer(), permits));
    }
}
