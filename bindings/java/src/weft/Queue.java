package weft;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.AbstractQueue;
import java.util.Collection;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code queue.Queue} (and {@code LifoQueue}, {@code PriorityQueue}, {@code SimpleQueue}: {@link
 * Kind}) as a {@link BlockingQueue}, with Python's {@link #taskDone()}, {@link #join()} and
 * {@link #shutdown(boolean)} beside it.
 *
 * <p>Items are Java objects, which cannot go into C memory: the weft queue holds a token per
 * item, and a table keeps the object until a take hands it back (or weft drops the item, when
 * the queue goes or an immediate shutdown removes it). A queue made by C code and wrapped
 * ({@link #wrap(Pointer)}) holds C's {@code void *} items instead: a {@code Queue<Long>} whose
 * items are the pointers' values, so Java and C exchange items through it.
 *
 * <p>A weft queue has no peek and no iteration (Python's has neither): {@link #peek()},
 * {@link #iterator()} and the {@link Collection} methods built on them ({@code contains},
 * {@code remove(Object)}, {@code toArray}) throw {@link UnsupportedOperationException}.
 */
public final class Queue<E> extends AbstractQueue<E> implements BlockingQueue<E>, AutoCloseable {
    /** The queue's order. */
    public enum Kind {
        /** First in, first out ({@code queue.Queue}). */
        FIFO,
        /** Last in, first out ({@code queue.LifoQueue}). */
        LIFO,
        /** Lowest priority first ({@link #put(Object, long)}), FIFO among equals. */
        PRIORITY,
        /** Unbounded, without task tracking ({@code queue.SimpleQueue}). */
        SIMPLE
    }

    private static final Registry<Object> ITEMS = new Registry<>();
    private static final CApi.VoidFn DROP = CApi.callback((CApi.VoidFn) ITEMS::remove);
    private static final CApi.ItemFn DRAIN = CApi.callback((CApi.ItemFn) (item, arg) -> ITEMS.remove(item));
    private static final int FULL = Status.FULL.ordinal();
    private static final int EMPTY = Status.EMPTY.ordinal();

    private final Handle queue;
    private final boolean raw;
    private final boolean priority;

    /** An unbounded FIFO queue. */
    public Queue() {
        this(Kind.FIFO, 0);
    }

    /** A FIFO queue of at most {@code capacity} items (0: unbounded). */
    public Queue(int capacity) {
        this(Kind.FIFO, capacity);
    }

    public Queue(Kind kind, int capacity) {
        queue = Handle.make(out -> CApi.weft_queue_new(kind.ordinal(), capacity, DROP, out), CApi::weft_queue_free);
        raw = false;
        priority = kind == Kind.PRIORITY;
    }

    private Queue(Pointer borrowed) {
        queue = Handle.of(CApi.weft_queue_clone(borrowed), CApi::weft_queue_free);
        raw = true;
        priority = false;
    }

    /** Another reference to a queue made by C code, whose items are {@code void *}: Longs here. */
    public static Queue<Long> wrap(Pointer pointer) {
        return new Queue<>(pointer);
    }

    /** The C handle, for passing this queue to C code (which takes its own reference). */
    public Pointer pointer() {
        return queue.pointer();
    }

    private Pointer token(E item) {
        Objects.requireNonNull(item);
        return raw ? new Pointer((Long) item) : ITEMS.add(item);
    }

    @SuppressWarnings("unchecked")
    private E item(Pointer token) {
        return raw ? (E) (Long) Pointer.nativeValue(token) : (E) ITEMS.remove(token);
    }

    /** One put: blocking at most {@code seconds}, or not at all. */
    private int put(Pointer handle, Pointer token, long rank, boolean block, double seconds) {
        return priority ? CApi.weft_queue_put_priority(handle, token, rank, block, seconds)
                : CApi.weft_queue_put(handle, token, block, seconds);
    }

    /**
     * Puts {@code item}, waiting at most {@code nanos} (negative: no limit) for room; false if
     * the time ran out.
     */
    private boolean insert(E item, long nanos, long rank) throws InterruptedException {
        Pointer handle = queue.pointer();
        Pointer token = token(item);
        boolean done = false;
        try {
            int status = Waits.interruptibly(nanos, t -> put(handle, token, rank, true, t));
            done = WeftException.outcome(status == FULL ? Waits.TIMEOUT : status);
            return done;
        } finally {
            if (!done && !raw) {
                ITEMS.remove(token);
            }
        }
    }

    /** Waits for room, then puts {@code item}; a WeftException ({@code SHUT_DOWN}) once shut down. */
    @Override
    public void put(E item) throws InterruptedException {
        insert(item, -1, 0);
    }

    /** Puts {@code item} with {@code rank} (a {@link Kind#PRIORITY} queue: lowest first). */
    public void put(E item, long rank) throws InterruptedException {
        insert(item, -1, rank);
    }

    @Override
    public boolean offer(E item, long time, TimeUnit unit) throws InterruptedException {
        return insert(item, Waits.nanos(time, unit), 0);
    }

    /** Puts {@code item} if there is room now. */
    @Override
    public boolean offer(E item) {
        Pointer token = token(item);
        int status = put(queue.pointer(), token, 0, false, CApi.TIMEOUT_FOREVER);
        if (status != 0 && !raw) {
            ITEMS.remove(token);
        }
        return WeftException.outcome(status == FULL ? Waits.TIMEOUT : status);
    }

    /** Takes an item; null if the time ran out, or once the queue is shut down and empty. */
    private E remove(long nanos) throws InterruptedException {
        Pointer handle = queue.pointer();
        PointerByReference out = new PointerByReference();
        int status = Waits.interruptibly(nanos, t -> CApi.weft_queue_get(handle, true, t, out));
        if (status == EMPTY || status == Status.SHUT_DOWN.ordinal()) {
            return null;
        }
        WeftException.check(status);
        return item(out.getValue());
    }

    /** Waits for an item; a WeftException ({@code SHUT_DOWN}) once the queue is shut down and empty. */
    @Override
    public E take() throws InterruptedException {
        Pointer handle = queue.pointer();
        PointerByReference out = new PointerByReference();
        WeftException.check(Waits.interruptibly(-1, t -> CApi.weft_queue_get(handle, true, t, out)));
        return item(out.getValue());
    }

    @Override
    public E poll(long time, TimeUnit unit) throws InterruptedException {
        return remove(Waits.nanos(time, unit));
    }

    /** Takes an item if there is one now. */
    @Override
    public E poll() {
        PointerByReference out = new PointerByReference();
        int status = CApi.weft_queue_get(queue.pointer(), false, CApi.TIMEOUT_FOREVER, out);
        if (status == EMPTY || status == Status.SHUT_DOWN.ordinal()) {
            return null;
        }
        WeftException.check(status);
        return item(out.getValue());
    }

    @Override
    public E peek() {
        throw new UnsupportedOperationException("a weft queue cannot peek");
    }

    @Override
    public Iterator<E> iterator() {
        throw new UnsupportedOperationException("a weft queue cannot be iterated");
    }

    @Override
    public int size() {
        return (int) CApi.weft_queue_qsize(queue.pointer());
    }

    @Override
    public int remainingCapacity() {
        long max = CApi.weft_queue_maxsize(queue.pointer());
        return max == 0 ? Integer.MAX_VALUE : (int) Math.max(0, max - size());
    }

    @Override
    public int drainTo(Collection<? super E> c) {
        return drainTo(c, Integer.MAX_VALUE);
    }

    @Override
    public int drainTo(Collection<? super E> c, int maxElements) {
        Objects.requireNonNull(c);
        if (c == this) {
            throw new IllegalArgumentException("a queue cannot drain into itself");
        }
        int n = 0;
        E item;
        while (n < maxElements && (item = poll()) != null) {
            c.add(item);
            n++;
        }
        return n;
    }

    /** Python's {@code task_done()}: one item taken has been processed. */
    public void taskDone() {
        WeftException.check(CApi.weft_queue_task_done(queue.pointer()));
    }

    /** Python's {@code join()}: waits until every item put has been marked done. */
    public void join() throws InterruptedException {
        Waits.forever(queue.pointer(), CApi::weft_queue_join);
    }

    /**
     * Python 3.13's {@code shutdown}: puts throw from now on; takes get the items left, then
     * throw ({@link #poll} returns null). With {@code immediate}, the items left are dropped now.
     */
    public void shutdown(boolean immediate) {
        WeftException.check(CApi.weft_queue_shutdown(queue.pointer(), immediate, raw ? null : DRAIN, null));
    }

    public boolean isShutdown() {
        return CApi.weft_queue_is_shutdown(queue.pointer()) != 0;
    }

    /** Releases this object's reference to the weft queue. */
    @Override
    public void close() {
        queue.close();
    }

    @Override
    public String toString() {
        return "weft.Queue[size=" + size() + "]";
    }
}
