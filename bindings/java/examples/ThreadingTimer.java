// PyMOTW threading_timer: a cancelled Timer never runs; a non-daemon one runs after main ends.
import java.util.concurrent.TimeUnit;

public class ThreadingTimer {
    public static void main(String[] args) {
        weft.Timer t1 = new weft.Timer(100, TimeUnit.MILLISECONDS, () -> System.out.println("t1 fired"));
        weft.Timer t2 = new weft.Timer(100, TimeUnit.MILLISECONDS, () -> System.out.println("t2 fired"));
        t1.start();
        t2.start();
        t2.cancel();
        System.out.println("Main thread done");
    }
}
