// PyMOTW threading_lock: a Lock around a counter.
import java.util.ArrayList;
import java.util.List;

public class ThreadingLock {
    static int counter = 0;

    public static void main(String[] args) throws InterruptedException {
        weft.Lock lock = new weft.Lock();
        List<weft.Thread> threads = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            threads.add(new weft.Thread(() -> {
                for (int j = 0; j < 3; j++) {
                    lock.lock();
                    try {
                        counter++;
                    } finally {
                        lock.unlock();
                    }
                }
            }).start());
        }
        for (weft.Thread t : threads) {
            t.join();
        }
        System.out.println("Counter: " + counter);
    }
}
