// PyMOTW threading_semaphore: a Semaphore limits how many workers are active at once.
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

public class ThreadingSemaphore {
    static int active = 0;
    static int most = 0;

    public static void main(String[] args) throws InterruptedException {
        weft.Semaphore semaphore = new weft.Semaphore(2);
        weft.Lock lock = new weft.Lock();
        List<weft.Thread> workers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            workers.add(new weft.Thread((Callable<Object>) () -> {
                semaphore.acquire();
                try {
                    lock.lock();
                    most = Math.max(most, ++active);
                    lock.unlock();
                    new weft.Event().await(10, TimeUnit.MILLISECONDS);
                    lock.lock();
                    active--;
                    lock.unlock();
                } finally {
                    semaphore.release();
                }
                return null;
            }).start());
        }
        for (weft.Thread t : workers) {
            t.join();
        }
        System.out.println("most active at once: " + most);
    }
}
