package weft;

import java.util.concurrent.TimeUnit;

/** {@code threading.Event}: a flag threads wait for, as a latch that can be cleared. */
public final class Event extends Handle {
    public Event() {
        create(CApi::weft_event_new, CApi::weft_event_free);
    }

    public void set() {
        WeftException.check(CApi.weft_event_set(pointer()));
    }

    public void clear() {
        WeftException.check(CApi.weft_event_clear(pointer()));
    }

    public boolean isSet() {
        return CApi.weft_event_is_set(pointer()) != 0;
    }

    /** Waits until the flag is set; an interrupt ends the wait. */
    public void await() throws InterruptedException {
        var handle = pointer();
        WeftException.check(Waits.interruptibly(-1, t -> CApi.weft_event_wait(handle, t)));
    }

    /** Waits at most {@code time} until the flag is set; returns the flag. */
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
        var handle = pointer();
        long nanos = Waits.nanos(time, unit);
        return WeftException.outcome(Waits.interruptibly(nanos, t -> CApi.weft_event_wait(handle, t)));
    }
}
