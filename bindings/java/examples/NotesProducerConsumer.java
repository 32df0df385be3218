// Python notes, producer/consumer: a bounded Queue, taskDone and join.
public class NotesProducerConsumer {
    public static void main(String[] args) throws InterruptedException {
        weft.Queue<String> queue = new weft.Queue<>(2);
        weft.Thread consumer = new weft.Thread(() -> {
            while (true) {
                try {
                    System.out.println("consumed " + queue.take());
                } catch (InterruptedException e) {
                    return;
                }
                queue.taskDone();
            }
        });
        consumer.setDaemon(true);
        consumer.start();
        for (int i = 0; i < 5; i++) {
            queue.put("item " + i);
        }
        queue.join();
        System.out.println("all consumed");
    }
}
