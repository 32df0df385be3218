package weft;

import com.sun.jna.Pointer;

/**
 * {@code threading.Lock} as a {@link java.util.concurrent.locks.Lock}: not reentrant (a thread
 * that takes it twice waits for itself), releasable by any thread.
 */
public final class Lock extends BaseLock {
    private static final Functions C = new Functions(CApi::weft_lock_acquire, CApi::weft_lock_release,
            CApi::weft_lock_locked, CApi::weft_condition_new_with_lock);

    public Lock() {
        super(C);
        create(CApi::weft_lock_new, CApi::weft_lock_free);
    }

    private Lock(Pointer borrowed) {
        super(C);
        adopt(CApi.weft_lock_clone(borrowed), CApi::weft_lock_free);
    }

    /** Another reference to a lock made elsewhere (by C code, say): {@code pointer} is borrowed. */
    public static Lock wrap(Pointer pointer) {
        return new Lock(pointer);
    }
}
