// PyMOTW threading_lock_reacquire: a Lock is not reentrant, an RLock is.
import java.util.concurrent.locks.Lock;

public class ThreadingLockReacquire {
    static void show(String kind, Lock lock) {
        System.out.println(kind + "first try: " + lock.tryLock());
        System.out.println(kind + "second try: " + lock.tryLock());
    }

    public static void main(String[] args) {
        show("", new weft.Lock());
        show("RLock ", new weft.RLock());
    }
}
