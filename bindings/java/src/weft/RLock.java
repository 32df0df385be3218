package weft;

/**
 * {@code threading.RLock} as a {@link java.util.concurrent.locks.Lock}: reentrant, as
 * {@link java.util.concurrent.locks.ReentrantLock}; released only by its owner, as many times
 * as it was taken.
 */
public final class RLock extends BaseLock {
    private static final Functions C = new Functions(CApi::weft_rlock_acquire, CApi::weft_rlock_release,
            CApi::weft_rlock_locked, CApi::weft_condition_new_with_rlock);

    public RLock() {
        super(C);
        create(CApi::weft_rlock_new, CApi::weft_rlock_free);
    }

    /** Whether the calling thread holds it. */
    public boolean isHeldByCurrentThread() {
        return CApi.weft_rlock_is_owned(pointer()) != 0;
    }
}
