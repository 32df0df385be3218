package weft;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * {@code threading.RLock} as a {@link java.util.concurrent.locks.Lock}: reentrant, as
 * {@link java.util.concurrent.locks.ReentrantLock}; released only by its owner, as many times
 * as it was taken.
 */
public final class RLock extends BaseLock {
    public RLock() {
        create(CApi::weft_rlock_new, CApi::weft_rlock_free);
    }

    @Override
    int acquire(Pointer handle, boolean blocking, double timeout) {
        return CApi.weft_rlock_acquire(handle, blocking, timeout);
    }

    @Override
    int release(Pointer handle) {
        return CApi.weft_rlock_release(handle);
    }

    @Override
    int newCondition(Pointer handle, PointerByReference out) {
        return CApi.weft_condition_new_with_rlock(handle, out);
    }

    @Override
    public boolean isLocked() {
        return CApi.weft_rlock_locked(pointer()) != 0;
    }

    /** Whether the calling thread holds it. */
    public boolean isHeldByCurrentThread() {
        return CApi.weft_rlock_is_owned(pointer()) != 0;
    }
}
