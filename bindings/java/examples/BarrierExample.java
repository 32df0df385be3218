// A Barrier: three workers meet; the action runs once, when the last one arrives.
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;

public class BarrierExample {
    public static void main(String[] args) throws Exception {
        weft.Barrier barrier = new weft.Barrier(3, () -> System.out.println("all arrived"));
        List<weft.Thread> workers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            workers.add(new weft.Thread((Callable<Integer>) barrier::await).start());
        }
        List<Integer> indexes = new ArrayList<>();
        for (weft.Thread t : workers) {
            indexes.add((Integer) t.result());
        }
        Collections.sort(indexes);
        System.out.println("workers: " + indexes);
    }
}
