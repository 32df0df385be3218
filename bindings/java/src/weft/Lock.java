package weft;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * {@code threading.Lock} as a {@link java.util.concurrent.locks.Lock}: not reentrant (a thread
 * that takes it twice waits for itself), releasable by any thread.
 */
public final class Lock extends BaseLock {
    public Lock() {
        create(CApi::weft_lock_new, CApi::weft_lock_free);
    }

    private Lock(Pointer borrowed) {
        adopt(CApi.weft_lock_clone(borrowed), CApi::weft_lock_free);
    }

    /** Another reference to a lock made elsewhere (by C code, say): {@code pointer} is borrowed. */
    public static Lock wrap(Pointer pointer) {
        return new Lock(pointer);
    }

    @Override
    int acquire(Pointer handle, boolean blocking, double timeout) {
        return CApi.weft_lock_acquire(handle, blocking, timeout);
    }

    @Override
    int release(Pointer handle) {
        return CApi.weft_lock_release(handle);
    }

    @Override
    int newCondition(Pointer handle, PointerByReference out) {
        return CApi.weft_condition_new_with_lock(handle, out);
    }

    @Override
    public boolean isLocked() {
        return CApi.weft_lock_locked(pointer()) != 0;
    }
}
