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
        Waits.forever(pointer(), CApi::weft_event_wait);
    }

    /** Waits at most {@code time} until the flag is set; returns the flag. */
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
        return Waits.within(Waits.nanos(time, unit), pointer(), CApi::weft_event_wait);
    }
}
