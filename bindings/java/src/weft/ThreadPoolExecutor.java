package weft;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code concurrent.futures.ThreadPoolExecutor} as an {@link java.util.concurrent.ExecutorService}:
 * each task runs on a worker of a weft pool, and its future is a {@link CompletableFuture} that
 * the weft future completes (through a done callback): its value, the exception the task threw,
 * or cancelled. {@code cancel(false)} succeeds while the task is queued (weft's rule, Python's),
 * not once it runs; {@code cancel(true)} also cancels a running task as
 * {@link java.util.concurrent.FutureTask} does: it interrupts the task's thread and the future
 * is cancelled at once (what the task then returns is dropped). {@code invokeAll} and
 * {@code invokeAny} return and wait on these futures, and cancel so the tasks they leave
 * unfinished. As any {@code CompletableFuture}, a task's future may be completed from outside
 * ({@code complete}, {@code orTimeout}, {@code completeOnTimeout}): the first completion wins,
 * and the task, if it runs, runs to its end with its outcome dropped. Close it
 * (try-with-resources) to shut it down and wait for its tasks.
 */
public final class ThreadPoolExecutor extends AbstractExecutorService implements AutoCloseable {
    /** Tasks submitted from Java and not done, by the token C holds (waited for at exit). */
    static final Registry<Task<?>> TASKS = new Registry<>();
    /** Pools alive, shut down at exit ({@link Exit}). */
    static final Set<ThreadPoolExecutor> LIVE = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    private static final CApi.TaskFn RUN = CApi.callback((CApi.TaskFn) (token, resultOut) -> TASKS.get(token).runOnWorker());
    private static final CApi.FutureFn DONE = CApi.callback((CApi.FutureFn) (future, token) -> TASKS.remove(token).settle());

    private final Handle pool;
    private volatile boolean shutdown;
    /** Guards {@link #pending}; {@link #awaitTermination} waits on it. */
    private final Object termination = new Object();
    /** Tasks submitted whose weft future is not done yet. */
    private int pending;

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
        int runOnWorker() {
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
                synchronized (this) { // no interrupt of this task lands after the clear below
                    runner = null;
                }
                java.lang.Thread.interrupted(); // an interrupt from cancel(true) or shutdownNow ends with the task
            }
        }

        /** Interrupts the task's thread if the task is running. */
        synchronized void interrupt() {
            if (runner != null) {
                runner.interrupt();
            }
        }

        /** Once the weft future is done (its done callback): completes this future as it ended. */
        void settle() {
            executor.taskEnded();
            int status = CApi.weft_future_result(future.pointer(), 0.0, new PointerByReference());
            if (status == 0) {
                complete(value);
            } else if (status == Status.CANCELLED.ordinal()) {
                super.cancel(false);
            } else if (status == Status.TASK_FAILED.ordinal()) {
                completeExceptionally(error);
            } else {
                completeExceptionally(new WeftException(status));
            }
        }

        /**
         * Cancels the task if it has not started (weft's rule); with {@code mayInterruptIfRunning},
         * also a running one, as {@link java.util.concurrent.FutureTask#cancel} does: its thread
         * is interrupted and this future is cancelled now. True if this future is cancelled.
         */
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            Pointer handle = future.pointer();
            if (CApi.weft_future_cancel(handle) != 0) {
                super.cancel(false); // the done callback may still be under way in another thread
            } else if (mayInterruptIfRunning && CApi.weft_future_done(handle) == 0) {
                super.cancel(true); // first, so that what the interrupted task returns is dropped
                interrupt();
            }
            return isCancelled();
        }

        /** The weft future, or null while {@link #submit} is still making it. */
        Pointer futureHandle() {
            Handle f = future;
            return f == null ? null : f.pointer();
        }

        /** The task's body, run in the calling thread (what {@link #shutdownNow} hands back). */
        void runBody() {
            try {
                callable.call();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }
    }

    /** Schedules {@code task}; its future. RejectedExecutionException once the pool is shut down. */
    @Override
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        Objects.requireNonNull(task);
        if (Exit.shuttingDown) {
            throw new RejectedExecutionException("cannot schedule new futures after JVM shutdown");
        }
        Task<T> t = new Task<>(this, task);
        Pointer token = TASKS.add(t);
        PointerByReference out = new PointerByReference();
        synchronized (termination) {
            pending++;
        }
        int status = CApi.weft_pool_submit(pool.pointer(), RUN, token, null, out);
        if (status != 0) {
            TASKS.remove(token);
            taskEnded();
            throw new RejectedExecutionException(new WeftException(status));
        }
        t.future = Handle.of(out.getValue(), CApi::weft_future_free);
        WeftException.check(CApi.weft_future_add_done_callback(out.getValue(), DONE, token));
        return t;
    }

    @Override
    public CompletableFuture<?> submit(Runnable task) {
        Objects.requireNonNull(task);
        return submit(() -> {
            task.run();
            return null;
        });
    }

    @Override
    public <T> CompletableFuture<T> submit(Runnable task, T result) {
        Objects.requireNonNull(task);
        return submit(() -> {
            task.run();
            return result;
        });
    }

    @Override
    public void execute(Runnable command) {
        submit(command);
    }

    /**
     * Runs every task and returns their futures, all done, in the order of {@code tasks}; if
     * the wait is interrupted, the tasks not done are cancelled ({@code cancel(true)}).
     */
    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        return invokeAll(tasks, -1);
    }

    /** ... waiting at most {@code timeout}: the tasks not done by then are cancelled. */
    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException {
        return invokeAll(tasks, Waits.nanos(timeout, unit));
    }

    /** {@link #invokeAll}, waiting at most {@code nanos} (negative: no limit). */
    private <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long nanos)
            throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        List<Future<T>> futures = new ArrayList<>(tasks.size());
        try {
            for (Callable<T> task : tasks) {
                futures.add(submit(task));
            }
            for (Future<T> future : futures) {
                try {
                    if (nanos < 0) {
                        future.get();
                    } else {
                        future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    }
                } catch (ExecutionException | CancellationException e) {
                    // the future says so
                } catch (TimeoutException e) {
                    break;
                }
            }
        } finally {
            cancelAll(futures);
        }
        return futures;
    }

    /**
     * Runs the tasks; returns the value of one that completed without throwing, once one has,
     * and cancels the others ({@code cancel(true)}). {@link ExecutionException} with the last
     * task's exception if none did.
     */
    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try {
            return invokeAny(tasks, -1);
        } catch (TimeoutException e) {
            throw new AssertionError(e); // no limit
        }
    }

    /** ... waiting at most {@code timeout} ({@link TimeoutException}). */
    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        return invokeAny(tasks, Waits.nanos(timeout, unit));
    }

    /** {@link #invokeAny}, waiting at most {@code nanos} (negative: no limit). */
    private <T> T invokeAny(Collection<? extends Callable<T>> tasks, long nanos)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("no tasks");
        }
        CompletableFuture<T> first = new CompletableFuture<>();
        AtomicInteger failures = new AtomicInteger(tasks.size());
        List<CompletableFuture<T>> futures = new ArrayList<>(tasks.size());
        try {
            for (Callable<T> task : tasks) {
                CompletableFuture<T> future = submit(task);
                futures.add(future);
                future.whenComplete((value, error) -> {
                    if (error == null) {
                        first.complete(value);
                    } else if (failures.decrementAndGet() == 0) {
                        first.completeExceptionally(error);
                    }
                });
            }
            return nanos < 0 ? first.get() : first.get(nanos, TimeUnit.NANOSECONDS);
        } finally {
            cancelAll(futures);
        }
    }

    /**
     * Cancels the tasks not done: first those still queued, so that no worker the interrupts
     * free starts one of them, then the running ones ({@code cancel(true)}).
     */
    private static void cancelAll(List<? extends Future<?>> futures) {
        for (Future<?> future : futures) {
            future.cancel(false);
        }
        for (Future<?> future : futures) {
            future.cancel(true);
        }
    }

    /** Python's {@code shutdown(wait=False)}: no new tasks; queued ones still run. */
    @Override
    public void shutdown() {
        WeftException.check(CApi.weft_pool_shutdown(pool.pointer(), false, false));
        shutDown();
    }

    /**
     * Python's {@code shutdown(wait=False, cancel_futures=True)}: the queued tasks are cancelled
     * (their futures say so), the running ones interrupted. Returns the tasks it cancelled,
     * which never ran: their futures, as {@link Runnable}s that run the task's body (in the
     * calling thread) without completing the cancelled future.
     */
    @Override
    public List<Runnable> shutdownNow() {
        List<Task<?>> tasks = mine();
        WeftException.check(CApi.weft_pool_shutdown(pool.pointer(), false, true));
        shutDown();
        List<Runnable> cancelled = new ArrayList<>();
        for (Task<?> task : tasks) {
            Pointer handle = task.futureHandle();
            if (handle != null && task.isCancelled()) {
                cancelled.add(task::runBody);
            } else {
                task.interrupt();
            }
        }
        return cancelled;
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    /** Whether the pool is shut down and every task submitted is done. */
    @Override
    public boolean isTerminated() {
        synchronized (termination) {
            return shutdown && pending == 0;
        }
    }

    /**
     * Waits at most {@code timeout} until the pool is shut down and every task submitted is
     * done; false if the time ran out first. An interrupt ends the wait.
     */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + Waits.nanos(timeout, unit);
        synchronized (termination) {
            while (!(shutdown && pending == 0)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(termination, left);
            }
            return true;
        }
    }

    /** Marks the pool shut down, for {@link #awaitTermination}. */
    private void shutDown() {
        synchronized (termination) {
            shutdown = true;
            termination.notifyAll();
        }
    }

    /** A task's weft future is done (or its submit failed). */
    private void taskEnded() {
        synchronized (termination) {
            pending--;
            termination.notifyAll();
        }
    }

    /** Shuts the pool down, waits for every task (Python's {@code with}), and frees it. */
    @Override
    public void close() {
        if (!pool.isClosed()) {
            shutDown();
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
                CApi.weft_pool_shutdown(pool.pool.pointer(), false, cancel);
                pool.shutDown();
            }
        }
    }
}
