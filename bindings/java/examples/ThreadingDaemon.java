// PyMOTW threading_daemon: a daemon thread does not keep the program alive. main waits until the
// daemon has started, so that its "Starting" is always printed.
import java.util.concurrent.TimeUnit;

public class ThreadingDaemon {
    public static void main(String[] args) throws InterruptedException {
        weft.Event started = new weft.Event();
        weft.Thread daemon = new weft.Thread("daemon", () -> {
            System.out.println("daemon Starting");
            started.set();
            try {
                new weft.Event().await(500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            System.out.println("daemon Exiting");
        });
        daemon.setDaemon(true);
        daemon.start();
        new weft.Thread("non-daemon", () -> {
            System.out.println("non-daemon Starting");
            System.out.println("non-daemon Exiting");
        }).start().join();
        started.await();
    }
}
