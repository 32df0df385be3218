package weft;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code concurrent.futures.ThreadPoolExecutor} as an {@link java.util.concurrent.ExecutorService}:
 * each task runs on a worker of a weft pool, and its future is a {@link CompletableFuture} that
 * the weft future completes (through a done callback): its value, the exception the task threw,
 * or cancelled. Cancelling succeeds while the task is queued (weft's rule, Python's), not once it
 * runs. Close it (try-with-resources) to shut it down and wait for its tasks.
 */
public final class ThreadPoolExecutor extends AbstractExecutorService implements AutoCloseable {
    /** Tasks submitted from Java and not done, by the token C holds (waited for at exit). */
    static final Registry<Task<?>> TASKS = new Registry<>();
    /** Pools alive, shut down at exit ({@link Exit}). */
    static final Set<ThreadPoolExecutor> LIVE = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    private static final CApi.TaskFn RUN = CApi.callback((CApi.TaskFn) (token, resultOut) -> TASKS.get(token).run());
    private static final CApi.FutureFn DONE = CApi.callback((CApi.FutureFn) (future, token) -> TASKS.remove(token).settle());

    private final Handle pool;
    private volatile boolean shutdown;

    /** A pool of at most {@code maxWorkers} threads (0: weft's default, min(32, CPUs + 4)). */
    public ThreadPoolExecutor(int maxWorkers) {
        this(maxWorkers, null);
    }

    /** ... whose workers are named {@code threadNamePrefix_N} (null: ThreadPoolExecutor-M_N). */
    public ThreadPoolExecutor(int maxWorkers, String threadNamePrefix) {
        pool = Handle.make(out ->
                CApi.weft_pool_new(maxWorkers, threadNamePrefix, null, null, null, out), CApi::weft_pool_free);
        LIVE.add(this);
    }

    public int maxWorkers() {
        return (int) CApi.weft_pool_max_workers(pool.pointer());
    }

    /** A task and its future. */
    static final class Task<T> extends CompletableFuture<T> {
        final ThreadPoolExecutor executor;
        private final Callable<T> callable;
        private volatile Handle future;
        private volatile T value;
        private volatile Throwable error;
        private volatile java.lang.Thread runner;

        Task(ThreadPoolExecutor executor, Callable<T> callable) {
            this.executor = executor;
            this.callable = callable;
        }

        /** On a worker: 0 for success, 1 if the task threw. */
        int run() {
            runner = java.lang.Thread.currentThread();
            Thread.DAEMON_BODY.set(false);
            try {
                value = callable.call();
                return 0;
            } catch (Throwable e) {
                error = e;
                return 1;
            } finally {
                Thread.DAEMON_BODY.remove();
                runner = null;
                java.lang.Thread.interrupted(); // an interrupt from shutdownNow ends with the task
            }
        }

        /** Once the weft future is done (its done callback): completes this future as it ended. */
        void settle() {
            int status = CApi.weft_future_result(future.pointer(), 0.0, new PointerByReference());
            if (status == 0) {
                super.complete(value);
            } else if (status == Status.CANCELLED.ordinal()) {
                super.cancel(false);
            } else if (status == Status.TASK_FAILED.ordinal()) {
                super.completeExceptionally(error);
            } else {
                super.completeExceptionally(new WeftException(status));
            }
        }

        /** Cancels the task if it has not started (weft's rule): true if it is cancelled. */
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (CApi.weft_future_cancel(future.pointer()) != 0) {
                super.cancel(false); // the done callback may still be under way in another thread
            }
            return isCancelled();
        }

        /** The weft future decides how the task ends: completing it from outside is refused. */
        @Override
        public boolean complete(T value) {
            throw new UnsupportedOperationException("a weft task's future is completed by its task");
        }

        @Override
        public boolean completeExceptionally(Throwable ex) {
            throw new UnsupportedOperationException("a weft task's future is completed by its task");
        }

        /** The weft future, or null while {@link #submit} is still making it. */
        Pointer futureHandle() {
            Handle f = future;
            return f == null ? null : f.pointer();
        }

        /** Waits at most {@code nanos} (negative: no limit) until the task is done. */
        boolean awaitDone(long nanos) throws InterruptedException {
            Pointer handle = future.pointer();
            PointerByReference out = new PointerByReference();
            return Waits.interruptibly(nanos, t -> CApi.weft_future_result(handle, t, out)) != Waits.TIMEOUT;
        }
    }

    /** Schedules {@code task}; its future. RejectedExecutionException once the pool is shut down. */
    @Override
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        if (Exit.shuttingDown) {
            throw new RejectedExecutionException("cannot schedule new futures after JVM shutdown");
        }
        Task<T> t = new Task<>(this, task);
        Pointer token = TASKS.add(t);
        PointerByReference out = new PointerByReference();
        int status = CApi.weft_pool_submit(pool.pointer(), RUN, token, null, out);
        if (status != 0) {
            TASKS.remove(token);
            throw new RejectedExecutionException(new WeftException(status));
        }
        t.future = Handle.of(out.getValue(), CApi::weft_future_free);
        WeftException.check(CApi.weft_future_add_done_callback(out.getValue(), DONE, token));
        return t;
    }

    @Override
    public CompletableFuture<?> submit(Runnable task) {
        return submit(() -> {
            task.run();
            return null;
        });
    }

    @Override
    public <T> CompletableFuture<T> submit(Runnable task, T result) {
        return submit(() -> {
            task.run();
            return result;
        });
    }

    @Override
    public void execute(Runnable command) {
        submit(command);
    }

    /** Python's {@code shutdown(wait=False)}: no new tasks; queued ones still run. */
    @Override
    public void shutdown() {
        shutdown = true;
        WeftException.check(CApi.weft_pool_shutdown(pool.pointer(), false, false));
    }

    /**
     * Python's {@code shutdown(wait=False, cancel_futures=True)}: the queued tasks are cancelled
     * (their futures say so), the running ones interrupted. Returns an empty list: a cancelled
     * task is reached through its future.
     */
    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        WeftException.check(CApi.weft_pool_shutdown(pool.pointer(), false, true));
        for (Task<?> task : mine()) {
            java.lang.Thread runner = task.runner;
            if (runner != null) {
                runner.interrupt();
            }
        }
        return new ArrayList<>();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown && mine().isEmpty();
    }

    /** Waits at most {@code timeout} until every task of this pool is done. */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + Waits.nanos(timeout, unit);
        for (Task<?> task : mine()) {
            if (!task.awaitDone(Math.max(0, deadline - System.nanoTime()))) {
                return false;
            }
        }
        return shutdown;
    }

    /** Shuts the pool down, waits for every task (Python's {@code with}), and frees it. */
    @Override
    public void close() {
        if (!pool.isClosed()) {
            shutdown = true;
            WeftException.check(CApi.weft_pool_shutdown(pool.pointer(), true, false));
            LIVE.remove(this);
            pool.close();
        }
    }

    private List<Task<?>> mine() {
        List<Task<?>> tasks = new ArrayList<>();
        for (Task<?> task : TASKS.values()) {
            if (task.executor == this) {
                tasks.add(task);
            }
        }
        return tasks;
    }

    /** For the exit: shuts down every live pool, cancelling the queued tasks or not. */
    static void shutDownAll(boolean cancel) {
        List<ThreadPoolExecutor> pools;
        synchronized (LIVE) {
            pools = new ArrayList<>(LIVE);
        }
        for (ThreadPoolExecutor pool : pools) {
            if (!pool.pool.isClosed()) {
                pool.shutdown = true;
                CApi.weft_pool_shutdown(pool.pool.pointer(), false, cancel);
            }
        }
    }
}
