// PyMOTW threading_event: waiting for an Event, with and without a timeout.
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

public class ThreadingEvent {
    public static void main(String[] args) throws Exception {
        weft.Event event = new weft.Event();
        weft.Thread blocking = new weft.Thread((Callable<Object>) () -> {
            event.await();
            System.out.println("wait_for_event: event set: " + event.isSet());
            return null;
        }).start();
        weft.Thread nonblocking = new weft.Thread((Callable<Object>) () -> {
            System.out.println("wait_for_event_timeout: event set: " + event.await(50, TimeUnit.MILLISECONDS));
            return null;
        }).start();
        nonblocking.join();
        System.out.println("main: setting event");
        event.set();
        blocking.join();
    }
}
