package weft;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

public class PrimitivesTest {
    /** Starts a Java thread running {@code body}; what it threw (or null) once joined. */
    static final class Waiter {
        final java.lang.Thread thread;
        volatile Throwable thrown;

        Waiter(Check.Body body) {
            thread = new java.lang.Thread(() -> {
                try {
                    body.run();
                } catch (Throwable e) {
                    thrown = e;
                }
            });
            thread.start();
        }

        /** Waits until the thread is blocked in the C function {@code name}, then interrupts it. */
        Throwable interruptIn(String name) throws InterruptedException {
            while (!inC(name)) {
                java.lang.Thread.onSpinWait();
            }
            thread.interrupt();
            thread.join(5000);
            Check.that(!thread.isAlive(), "the interrupt did not end the wait");
            return thrown;
        }

        private boolean inC(String name) {
            StackTraceElement[] stack = thread.getStackTrace();
            return stack.length > 0 && stack[0].getMethodName().equals(name);
        }
    }

    /** A started weft Thread that waits until {@code gate} is set. */
    static Thread waitingFor(Event gate) {
        return new Thread(() -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }).start();
    }

    public void testLock() throws Exception {
        try (Lock lock = new Lock()) {
            Check.that(lock.tryLock(), "a free lock is taken");
            Check.that(lock.isLocked(), "locked");
            Check.that(!lock.tryLock(), "not reentrant");
            Check.that(!lock.tryLock(20, TimeUnit.MILLISECONDS), "a timed try times out");
            Thread other = new Thread((Callable<Boolean>) lock::tryLock).start();
            Check.equal(false, other.result());
            lock.unlock();
            WeftException e = Check.failsMonitor(Status.RELEASE_UNLOCKED, lock::unlock);
            Check.equal("release unlocked lock", e.getMessage());
            Check.equal(11, e.code());
        }
    }

    public void testLockCountsUnderContention() throws Exception {
        Lock lock = new Lock();
        int[] count = {0};
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            threads.add(new Thread(() -> {
                for (int j = 0; j < 2000; j++) {
                    lock.lock();
                    try {
                        count[0]++;
                    } finally {
                        lock.unlock();
                    }
                }
            }).start());
        }
        for (Thread t : threads) {
            t.join();
        }
        Check.equal(8000, count[0]);
    }

    public void testLockInterruptibly() throws Exception {
        Lock lock = new Lock();
        lock.lock();
        Waiter waiter = new Waiter(lock::lockInterruptibly);
        Check.that(waiter.interruptIn("weft_lock_acquire") instanceof InterruptedException, "interrupted");
        Waiter timed = new Waiter(() -> lock.tryLock(1, TimeUnit.HOURS));
        Check.that(timed.interruptIn("weft_lock_acquire") instanceof InterruptedException, "interrupted");
        java.lang.Thread.currentThread().interrupt();
        Check.fails(InterruptedException.class, lock::lockInterruptibly);
        lock.unlock();
    }

    /**
     * Every other wait an interrupt must end (as BlockingQueue, Semaphore and Thread.join
     * promise), and what it leaves: nothing taken, nothing put.
     */
    public void testEveryInterruptibleWaitEnds() throws Exception {
        RLock rlock = new RLock();
        rlock.lock();
        Check.that(new Waiter(rlock::lockInterruptibly).interruptIn("weft_rlock_acquire") instanceof InterruptedException,
                "RLock.lockInterruptibly");
        rlock.unlock();

        Semaphore sem = new Semaphore(0);
        Check.that(new Waiter(sem::acquire).interruptIn("weft_semaphore_acquire") instanceof InterruptedException,
                "Semaphore.acquire");
        Check.that(new Waiter(() -> sem.tryAcquire(1, TimeUnit.HOURS)).interruptIn("weft_semaphore_acquire")
                instanceof InterruptedException, "Semaphore.tryAcquire(time)");
        sem.release();
        Check.that(sem.tryAcquire() && !sem.tryAcquire(), "no permit taken by the interrupted waits");

        Queue<String> full = new Queue<>(1);
        full.put("first");
        Check.that(new Waiter(() -> full.put("second")).interruptIn("weft_queue_put") instanceof InterruptedException,
                "BlockingQueue.put");
        Check.that(new Waiter(() -> full.offer("third", 1, TimeUnit.HOURS)).interruptIn("weft_queue_put")
                instanceof InterruptedException, "BlockingQueue.offer(time)");
        Check.that(new Waiter(full::join).interruptIn("weft_queue_join") instanceof InterruptedException, "Queue.join");
        Check.equal(1, full.size());
        Check.equal("first", full.take());

        Queue<String> empty = new Queue<>();
        Check.that(new Waiter(() -> empty.poll(1, TimeUnit.HOURS)).interruptIn("weft_queue_get")
                instanceof InterruptedException, "BlockingQueue.poll(time)");

        Event gate = new Event();
        Thread sleeper = waitingFor(gate);
        Check.that(new Waiter(sleeper::join).interruptIn("weft_thread_join") instanceof InterruptedException,
                "Thread.join");
        Check.that(new Waiter(sleeper::result).interruptIn("weft_thread_join") instanceof InterruptedException,
                "Thread.result");
        gate.set();
        sleeper.join();
    }

    public void testRLock() throws Exception {
        RLock rlock = new RLock();
        rlock.lock();
        Check.that(rlock.tryLock(), "reentrant");
        Check.that(rlock.isHeldByCurrentThread(), "owned");
        Thread other = new Thread((Callable<Object>) () -> {
            rlock.unlock();
            return null;
        }).start();
        ExecutionException e = Check.fails(ExecutionException.class, other::result);
        Check.that(e.getCause() instanceof IllegalMonitorStateException, "as ReentrantLock's: " + e.getCause());
        Check.equal(Status.NOT_OWNER, ((WeftException) e.getCause().getCause()).status());
        rlock.unlock();
        rlock.unlock();
        Check.that(!rlock.isLocked(), "released as often as taken");
    }

    public void testCondition() throws Exception {
        Lock lock = new Lock();
        Condition ready = lock.newCondition();
        List<String> items = Collections.synchronizedList(new ArrayList<>());
        Thread consumer = new Thread((Callable<String>) () -> {
            lock.lock();
            try {
                while (items.isEmpty()) {
                    ready.await();
                }
                return items.get(0);
            } finally {
                lock.unlock();
            }
        }).start();
        lock.lock();
        try {
            items.add("item");
            ready.signalAll();
        } finally {
            lock.unlock();
        }
        Check.equal("item", consumer.result());
        lock.lock();
        Check.that(!ready.await(20, TimeUnit.MILLISECONDS), "times out");
        Check.that(ready.awaitNanos(1_000_000) <= 0, "awaitNanos times out");
        lock.unlock();
        Check.failsMonitor(Status.WAIT_UNACQUIRED, () -> ready.await(0, TimeUnit.SECONDS));
        Check.failsMonitor(Status.NOTIFY_UNACQUIRED, ready::signal);
        Waiter waiter = new Waiter(() -> {
            lock.lock();
            try {
                ready.await();
            } finally {
                lock.unlock();
            }
        });
        Check.that(waiter.interruptIn("weft_condition_wait") instanceof InterruptedException, "interrupted");
        Check.that(!lock.isLocked(), "the interrupted await took the lock back, then released it");
    }

    /** The other Condition awaits: awaitUntil, awaitNanos's time left, awaitUninterruptibly. */
    public void testConditionAwaitVariants() throws Exception {
        Lock lock = new Lock();
        Condition cond = lock.newCondition();
        Runnable signal = () -> {
            lock.lock(); // waits until the await has released it: the signal is not lost
            cond.signal();
            lock.unlock();
        };
        lock.lock();
        Check.that(!cond.awaitUntil(new java.util.Date(System.currentTimeMillis() - 1000)), "a past deadline");
        new Timer(10, TimeUnit.MILLISECONDS, signal).start();
        Check.that(cond.awaitUntil(new java.util.Date(System.currentTimeMillis() + 5000)), "signalled before the deadline");
        new Timer(10, TimeUnit.MILLISECONDS, signal).start();
        long left = cond.awaitNanos(TimeUnit.SECONDS.toNanos(5));
        Check.that(left > 0 && left <= TimeUnit.SECONDS.toNanos(5), "signalled: the time left, " + left);
        new Timer(10, TimeUnit.MILLISECONDS, signal).start();
        java.lang.Thread.currentThread().interrupt();
        cond.awaitUninterruptibly(); // an interrupt does not end it
        Check.that(java.lang.Thread.interrupted(), "the interrupt status is kept");
        Check.that(lock.isLocked(), "held again");
        lock.unlock();
        Timer timer = new Timer(1, TimeUnit.MILLISECONDS, (Callable<String>) () -> "fired");
        timer.start();
        Check.equal("fired", timer.result());
    }

    public void testConditionOverRLock() throws Exception {
        RLock rlock = new RLock();
        Condition cond = rlock.newCondition();
        rlock.lock();
        rlock.lock();
        // The await releases every level of the RLock, so another thread can signal.
        new Timer(10, TimeUnit.MILLISECONDS, () -> {
            rlock.lock();
            cond.signal();
            rlock.unlock();
        }).start();
        Check.that(cond.await(5, TimeUnit.SECONDS), "signalled");
        rlock.unlock();
        Check.that(rlock.isHeldByCurrentThread(), "one level left");
        rlock.unlock();
    }

    /**
     * An interrupt ends a wait at once (its token wakes the C wait: with the 50 ms slices used
     * before tokens, an interrupt made early in a wait was seen some 45 ms later), clears the
     * interrupt status, and leaves no set token behind: the thread's next wait waits.
     */
    public void testInterruptEndsAWaitAtOnceAndOnlyOnce() throws Exception {
        Event event = new Event();
        Semaphore none = new Semaphore(0);
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            boolean[] after = new boolean[2];
            Waiter waiter = new Waiter(() -> {
                try {
                    event.await();
                } catch (InterruptedException e) {
                    after[0] = java.lang.Thread.currentThread().isInterrupted();
                    // Not an Event wait: the loop below watches for the thread to leave those.
                    after[1] = none.tryAcquire(30, TimeUnit.MILLISECONDS);
                    throw e;
                }
            });
            while (!waiter.inC("weft_event_wait")) {
                java.lang.Thread.onSpinWait();
            }
            long start = System.nanoTime();
            waiter.thread.interrupt();
            while (waiter.inC("weft_event_wait")) {
                java.lang.Thread.onSpinWait();
            }
            best = Math.min(best, System.nanoTime() - start);
            waiter.thread.join();
            Check.that(waiter.thrown instanceof InterruptedException, "interrupted: " + waiter.thrown);
            Check.that(!after[0], "the interrupt status is cleared by the throw");
            Check.that(!after[1], "the next wait timed out (not set, not interrupted)");
        }
        Check.that(best < TimeUnit.MILLISECONDS.toNanos(25), "an interrupt ended a wait " + best / 1000 + " µs later at best");
    }

    public void testEventAndSemaphore() throws Exception {
        Event event = new Event();
        Check.that(!event.await(10, TimeUnit.MILLISECONDS), "not set");
        new Timer(10, TimeUnit.MILLISECONDS, event::set).start();
        Check.that(event.await(5, TimeUnit.SECONDS), "set by the timer");
        Check.that(event.isSet(), "set");
        event.clear();
        Check.that(new Waiter(event::await).interruptIn("weft_event_wait") instanceof InterruptedException, "interrupted");

        Semaphore sem = Semaphore.bounded(2);
        sem.acquire();
        Check.that(sem.tryAcquire(), "second permit");
        Check.that(!sem.tryAcquire(), "none left");
        Check.that(!sem.tryAcquire(10, TimeUnit.MILLISECONDS), "times out");
        sem.release(2);
        Check.fails(Status.SEMAPHORE_OVER_RELEASE, sem::release);
        Check.fails(Status.SEMAPHORE_NEGATIVE, () -> new Semaphore(-1));
    }

    public void testBarrier() throws Exception {
        Queue<String> ran = new Queue<>();
        Barrier barrier = new Barrier(3, () -> ran.add("action"));
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            threads.add(new Thread((Callable<Integer>) barrier::await).start());
        }
        List<Object> indexes = new ArrayList<>();
        for (Thread t : threads) {
            indexes.add(t.result());
        }
        Collections.sort(indexes, (a, b) -> (Integer) a - (Integer) b);
        Check.equal(List.of(0, 1, 2), indexes);
        Check.equal("action", ran.poll());
        Check.equal(3, barrier.getParties());
        Check.fails(TimeoutException.class, () -> barrier.await(10, TimeUnit.MILLISECONDS));
        Check.that(barrier.isBroken(), "a timeout breaks it");
        Check.fails(BrokenBarrierException.class, barrier::await);
        barrier.reset();
        Check.that(!barrier.isBroken(), "reset");
        Barrier failing = new Barrier(1, () -> {
            throw new ArithmeticException("from the action");
        });
        Check.fails(ArithmeticException.class, failing::await);
        Check.that(failing.isBroken(), "a failing action breaks it");
    }

    /**
     * CyclicBarrier's contract: an interrupt ends a party's wait with InterruptedException and
     * breaks the barrier, so the other parties get BrokenBarrierException; so does an interrupt
     * before the wait; a reset while parties wait breaks their wait too.
     */
    public void testBarrierInterruptBreaksIt() throws Exception {
        Barrier barrier = new Barrier(3);
        Waiter other = new Waiter(barrier::await);
        Waiter interrupted = new Waiter(barrier::await);
        while (barrier.getNumberWaiting() < 2) {
            java.lang.Thread.onSpinWait();
        }
        Check.that(interrupted.interruptIn("weft_barrier_wait") instanceof InterruptedException,
                "interrupted: " + interrupted.thrown);
        other.thread.join(5000);
        Check.that(other.thrown instanceof BrokenBarrierException, "the other party: " + other.thrown);
        Check.that(barrier.isBroken(), "an interrupt breaks the barrier");

        barrier.reset();
        java.lang.Thread.currentThread().interrupt();
        Check.fails(InterruptedException.class, barrier::await);
        Check.that(!java.lang.Thread.currentThread().isInterrupted(), "the interrupt status is cleared");
        Check.that(barrier.isBroken(), "an interrupt before the wait breaks it too");

        barrier.reset();
        Waiter waiting = new Waiter(() -> barrier.await(1, TimeUnit.MINUTES));
        while (barrier.getNumberWaiting() < 1) {
            java.lang.Thread.onSpinWait();
        }
        barrier.reset();
        waiting.thread.join(5000);
        Check.that(waiting.thrown instanceof BrokenBarrierException, "reset while waiting: " + waiting.thrown);
        Check.that(!barrier.isBroken(), "a reset leaves it usable");
    }

    public void testThread() throws Exception {
        Thread thread = new Thread("worker", (Callable<String>) () -> Thread.current().getName());
        Check.that(!thread.isAlive(), "not started");
        Check.fails(Status.NOT_STARTED, thread::join);
        thread.start();
        Check.fails(Status.ALREADY_STARTED, thread::start);
        Check.equal("worker", thread.result());
        Check.that(!thread.isDaemon(), "made by main: not a daemon");
        Thread daemon = new Thread((Callable<Boolean>) () -> new Thread(() -> {}).isDaemon());
        daemon.setDaemon(true);
        Check.equal(true, daemon.start().result());
        Event gate = new Event();
        Thread slow = waitingFor(gate);
        Check.that(!slow.join(10, TimeUnit.MILLISECONDS), "a timed join times out");
        Check.that(slow.isAlive(), "alive");
        gate.set();
        slow.join();
        Thread failing = new Thread((Callable<Object>) () -> {
            throw new java.io.IOException("in the thread");
        }).start();
        ExecutionException e = Check.fails(ExecutionException.class, failing::result);
        Check.that(e.getCause() instanceof java.io.IOException, "the body's exception");
        Check.that(Thread.main().is(Thread.main()), "one main thread");
        Timer timer = new Timer(1, TimeUnit.HOURS, () -> {});
        timer.start();
        timer.cancel();
        timer.join();
        Check.equal(null, timer.result());
    }

    public void testQueue() throws Exception {
        Queue<Object> queue = new Queue<>(2);
        Object item = new Object();
        queue.put(item);
        queue.put("two");
        Check.equal(0, queue.remainingCapacity());
        Check.that(!queue.offer(3), "full");
        Check.that(!queue.offer(3, 10, TimeUnit.MILLISECONDS), "full, timed");
        Check.fails(IllegalStateException.class, () -> queue.add(3));
        Check.that(queue.take() == item, "the same object back");
        Check.equal("two", queue.poll());
        Check.equal(null, queue.poll());
        Check.equal(null, queue.poll(10, TimeUnit.MILLISECONDS));
        Thread producer = new Thread(() -> {
            for (int i = 0; i < 200; i++) {
                try {
                    queue.put(List.of(i));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        }).start();
        for (int i = 0; i < 200; i++) {
            Check.equal(List.of(i), queue.take());
        }
        producer.join();
        Check.that(new Waiter(queue::take).interruptIn("weft_queue_get") instanceof InterruptedException, "interrupted");
        queue.put("last");
        queue.shutdown(false);
        Check.fails(Status.SHUT_DOWN, () -> queue.put(1));
        Check.equal("last", queue.take());
        Check.fails(Status.SHUT_DOWN, queue::take);
        Check.equal(null, queue.poll());
        Check.fails(UnsupportedOperationException.class, queue::peek);

        Queue<Integer> lifo = new Queue<>(Queue.Kind.LIFO, 0);
        lifo.addAll(List.of(1, 2, 3));
        List<Integer> out = new ArrayList<>();
        Check.equal(3, lifo.drainTo(out));
        Check.equal(List.of(3, 2, 1), out);
        Check.fails(IllegalArgumentException.class, () -> lifo.drainTo(lifo));
        Check.fails(NullPointerException.class, () -> lifo.offer(null));
        Queue<String> prio = new Queue<>(Queue.Kind.PRIORITY, 0);
        prio.put("low", 5);
        prio.put("high", -1);
        Check.equal("high", prio.take());
        Check.equal("low", prio.take());

        Queue<Integer> tasks = new Queue<>();
        tasks.put(1);
        tasks.take();
        tasks.taskDone();
        tasks.join();
        Check.fails(Status.TASK_DONE_TOO_MANY, tasks::taskDone);
    }

    public void testPool() throws Exception {
        try (ThreadPoolExecutor pool = new ThreadPoolExecutor(2, "java")) {
            Check.equal(2, pool.maxWorkers());
            List<CompletableFuture<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                futures.add(pool.submit(() -> n * n));
            }
            for (int i = 0; i < 20; i++) {
                Check.equal(i * i, futures.get(i).get());
            }
            Check.equal(5, pool.submit(() -> 2).thenApply(x -> x + 3).get());
            Future<?> failing = pool.submit(() -> {
                throw new IllegalArgumentException("task");
            });
            ExecutionException e = Check.fails(ExecutionException.class, failing::get);
            Check.that(e.getCause() instanceof IllegalArgumentException, "the task's exception");
            Check.that(Thread.current().getName().startsWith("java") == false, "main is not a worker");
            Check.that(pool.submit(() -> Thread.current().getName()).get().startsWith("java_"), "a worker's name");
            // Block both workers, queue a third task, cancel it: it never runs.
            Event gate = new Event();
            Event started = new Event();
            Semaphore running = new Semaphore(0);
            List<CompletableFuture<Boolean>> busy = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                busy.add(pool.submit(() -> {
                    running.release();
                    return gate.await(5, TimeUnit.SECONDS);
                }));
            }
            running.acquire();
            running.acquire();
            CompletableFuture<String> queued = pool.submit(() -> {
                started.set();
                return "ran";
            });
            Check.that(!busy.get(0).cancel(false), "a running task cannot be cancelled");
            Check.that(queued.cancel(false), "a queued task can");
            Check.that(queued.isCancelled(), "cancelled");
            Check.fails(CancellationException.class, queued::get);
            Check.fails(TimeoutException.class, () -> busy.get(0).get(10, TimeUnit.MILLISECONDS));
            // Completed from outside, as any CompletableFuture (orTimeout's way): that wins.
            Check.that(busy.get(1).complete(false), "completed from outside");
            ExecutionException late = Check.fails(ExecutionException.class,
                    () -> pool.submit(() -> gate.await(5, TimeUnit.SECONDS)).orTimeout(10, TimeUnit.MILLISECONDS)
                            .get(5, TimeUnit.SECONDS));
            Check.that(late.getCause() instanceof TimeoutException, "orTimeout: " + late.getCause());
            gate.set();
            Check.equal(true, busy.get(0).get());
            Check.equal(false, busy.get(1).get());
            Check.equal(List.of(1, 2), collect(pool.invokeAll(List.of(() -> 1, () -> 2))));
            pool.shutdown();
            Check.that(pool.awaitTermination(5, TimeUnit.SECONDS), "terminated");
            Check.fails(RejectedExecutionException.class, () -> pool.submit(() -> 1));
            Check.that(!started.isSet(), "the cancelled task never ran");
        }
    }

    /**
     * The ExecutorService contracts: invokeAll's futures (CompletableFutures) are all done when
     * it returns, a timed one cancelling and interrupting what is left; invokeAny gives the first
     * success and cancels the rest; cancel(true) cancels a running task and interrupts it;
     * shutdownNow returns the queued tasks it cancelled; awaitTermination waits for the shutdown.
     */
    public void testPoolExecutorServiceContracts() throws Exception {
        try (ThreadPoolExecutor pool = new ThreadPoolExecutor(1)) {
            long start = System.nanoTime();
            Check.that(!pool.awaitTermination(30, TimeUnit.MILLISECONDS), "not shut down: not terminated");
            Check.that(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(30), "waited the timeout");

            List<Future<Integer>> all = pool.invokeAll(List.of(() -> 1, () -> {
                throw new IllegalStateException("second");
            }));
            for (Future<Integer> f : all) {
                Check.that(f instanceof CompletableFuture && f.isDone(), "done CompletableFutures: " + f);
            }
            Check.equal(1, all.get(0).get());
            Check.fails(ExecutionException.class, all.get(1)::get);

            // One worker: the first task runs until interrupted, the second stays queued.
            Event interrupted = new Event();
            Event started = new Event();
            Callable<Integer> blocking = () -> {
                started.set();
                try {
                    new Event().await();
                } catch (InterruptedException e) {
                    interrupted.set();
                }
                return 0;
            };
            List<Future<Integer>> timed = pool.invokeAll(List.of(blocking, () -> 2), 50, TimeUnit.MILLISECONDS);
            Check.that(timed.get(0).isCancelled() && timed.get(1).isCancelled(), "what was left is cancelled");
            Check.that(interrupted.await(5, TimeUnit.SECONDS), "the running task was interrupted");

            Check.equal("ok", pool.invokeAny(List.of(() -> {
                throw new IllegalStateException("fails");
            }, () -> "ok")));
            ExecutionException failed = Check.fails(ExecutionException.class, () -> pool.invokeAny(List.of(() -> {
                throw new ArithmeticException("only");
            })));
            Check.that(failed.getCause() instanceof ArithmeticException, "the task's exception: " + failed.getCause());
            interrupted.clear();
            started.clear();
            Check.fails(TimeoutException.class, () -> pool.invokeAny(List.of(blocking), 20, TimeUnit.MILLISECONDS));
            Check.that(interrupted.await(5, TimeUnit.SECONDS), "invokeAny cancelled the task left");

            interrupted.clear();
            started.clear();
            CompletableFuture<Integer> running = pool.submit(blocking);
            Check.that(started.await(5, TimeUnit.SECONDS), "started");
            Check.that(running.cancel(true), "cancel(true) cancels a running task");
            Check.that(running.isCancelled() && running.isDone(), "cancelled");
            Check.fails(CancellationException.class, running::get);
            Check.that(interrupted.await(5, TimeUnit.SECONDS), "and interrupts it");

            interrupted.clear();
            started.clear();
            CompletableFuture<Integer> busy = pool.submit(blocking);
            Check.that(started.await(5, TimeUnit.SECONDS), "started");
            Event ran = new Event();
            CompletableFuture<?> queued1 = pool.submit(ran::set);
            CompletableFuture<?> queued2 = pool.submit(ran::set);
            List<Runnable> never = pool.shutdownNow();
            Check.equal(2, never.size());
            Check.that(queued1.isCancelled() && queued2.isCancelled(), "the queued tasks are cancelled");
            Check.that(interrupted.await(5, TimeUnit.SECONDS), "the running one is interrupted");
            Check.equal(0, busy.get());
            Check.that(pool.awaitTermination(5, TimeUnit.SECONDS) && pool.isTerminated(), "terminated");
            Check.that(!ran.isSet(), "the queued tasks never ran");
            never.get(0).run();
            Check.that(ran.isSet(), "a task handed back runs its body");
        }
    }

    private static List<Object> collect(List<? extends Future<?>> futures) throws Exception {
        List<Object> values = new ArrayList<>();
        for (Future<?> f : futures) {
            values.add(f.get());
        }
        return values;
    }

    public void testClosedHandle() {
        Lock lock = new Lock();
        lock.close();
        Check.that(lock.isClosed(), "closed");
        Check.fails(IllegalStateException.class, lock::lock);
        lock.close(); // twice: nothing
    }
}
