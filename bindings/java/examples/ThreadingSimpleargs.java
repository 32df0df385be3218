// PyMOTW threading_simpleargs: passing an argument to each thread's target.
public class ThreadingSimpleargs {
    static void worker(int num) {
        System.out.println("Worker: " + num);
    }

    public static void main(String[] args) {
        for (int i = 0; i < 5; i++) {
            int num = i;
            new weft.Thread(() -> worker(num)).start();
        }
        // No join: the exit waits for the (non-daemon) threads, as Python's does.
    }
}
