// Python notes, a thread pool: futures collected in submission order (try-with-resources shuts
// the pool down and waits, as Python's `with`).
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

public class NotesPool {
    public static void main(String[] args) throws Exception {
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        try (weft.ThreadPoolExecutor pool = new weft.ThreadPoolExecutor(2)) {
            for (int i = 0; i < 5; i++) {
                int n = i;
                futures.add(pool.submit(() -> n * n));
            }
        }
        StringBuilder line = new StringBuilder("squares:");
        for (CompletableFuture<Integer> f : futures) {
            line.append(' ').append(f.get());
        }
        System.out.println(line);
    }
}
