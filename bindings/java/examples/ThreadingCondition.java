// PyMOTW threading_condition: consumers wait until the producer makes the resource available.
import java.util.ArrayList;
import java.util.List;

public class ThreadingCondition {
    static boolean available = false;

    public static void main(String[] args) throws InterruptedException {
        weft.Lock lock = new weft.Lock();
        weft.Condition condition = lock.newCondition();
        List<weft.Thread> consumers = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            consumers.add(new weft.Thread("c" + i, () -> {
                lock.lock();
                try {
                    while (!available) {
                        condition.awaitUninterruptibly();
                    }
                    System.out.println(weft.Thread.current().getName() + ": resource is available to consumer");
                } finally {
                    lock.unlock();
                }
            }).start());
        }
        lock.lock();
        try {
            System.out.println("p: making resource available");
            available = true;
            condition.signalAll();
        } finally {
            lock.unlock();
        }
        for (weft.Thread t : consumers) {
            t.join();
        }
    }
}
