package weft;

import com.sun.jna.Pointer;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code threading.Timer}: a {@link Thread} that runs its body after a delay unless
 * {@link #cancel()}ed first. Start it with {@link #start()}.
 */
public final class Timer extends Thread {
    public Timer(long delay, TimeUnit unit, Runnable function) {
        this(delay, unit, () -> {
            function.run();
            return null;
        }, true);
    }

    public Timer(long delay, TimeUnit unit, Callable<?> function) {
        this(delay, unit, function, false);
    }

    private Timer(long delay, TimeUnit unit, Callable<?> function, boolean report) {
        super(new Body(function, true, report));
        Pointer t = token();
        double seconds = Waits.seconds(Waits.nanos(delay, unit));
        try {
            create(out -> CApi.weft_timer_new(seconds, RUN, t, FORGET, out), CApi::weft_thread_free);
        } catch (RuntimeException e) {
            BODIES.remove(t);
            throw e;
        }
        inheritDaemon();
    }

    /** Stops the timer if it has not fired yet; its body then never runs. */
    public void cancel() {
        WeftException.check(CApi.weft_timer_cancel(pointer()));
    }
}
