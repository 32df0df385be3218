package weft;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code threading.Thread}: a weft thread running a {@link Runnable} or a {@link Callable}.
 *
 * <p>The body runs on the weft thread itself, which JNA attaches to the JVM (as a daemon Java
 * thread: which weft threads the exit waits for is the binding's rule, {@link Exit}). An
 * exception that ends a Runnable body is printed as Java prints an uncaught one; {@link #result()}
 * throws the exception that ended either kind of body, wrapped in an {@link ExecutionException}.
 *
 * <p>A thread is a daemon if {@link #setDaemon(boolean)} says so before {@link #start()}, else if
 * the thread that made it is: a weft.Thread's body that is a daemon, or a Java thread that is a
 * daemon (the JVM's main thread is not), as {@link java.lang.Thread} inherits it.
 */
public class Thread extends Handle {
    /** A body's state; C holds its token, weft drops it (FORGET) once the body has run. */
    static final class Body {
        final Callable<?> target;
        final boolean timer;
        /** A Runnable's exception is printed; a Callable's is its result's. */
        final boolean report;
        volatile boolean daemon;
        volatile Object result;
        volatile Throwable error;
        /** A started thread's own reference, for the exit to join it or cancel it ({@link Exit}). */
        private Pointer handle;
        /** For {@link Thread#current()} in the body; weak, so that an unstarted Thread can go. */
        volatile java.lang.ref.WeakReference<Thread> owner;

        Body(Callable<?> target, boolean timer, boolean report) {
            this.target = target;
            this.timer = timer;
            this.report = report;
        }

        /** A new reference to the started thread, or null once its body has run. */
        synchronized Pointer handle() {
            return handle == null ? null : CApi.weft_thread_clone(handle);
        }

        /** Whether the thread has started and its body not yet run to the end. */
        synchronized boolean running() {
            return handle != null;
        }

        /** Takes a reference to a thread about to start; false if it holds one already. */
        synchronized boolean keepHandle(Pointer thread) {
            if (handle != null) {
                return false;
            }
            handle = CApi.weft_thread_clone(thread);
            return true;
        }

        synchronized void dropHandle() {
            CApi.weft_thread_free(handle); // NULL is ignored
            handle = null;
        }
    }

    /** The bodies weft may still run, for the exit (Exit cancels daemon Timers not fired). */
    static final Registry<Body> BODIES = new Registry<>();
    /** Whether the code running is a daemon weft thread's body (null: not a weft body). */
    static final ThreadLocal<Boolean> DAEMON_BODY = new ThreadLocal<>();
    private static final ThreadLocal<Thread> CURRENT = new ThreadLocal<>();

    static final CApi.ThreadFn RUN = CApi.callback((CApi.ThreadFn) token -> {
        Body body = BODIES.get(token);
        DAEMON_BODY.set(body.daemon);
        Thread owner = body.owner.get();
        if (owner != null) {
            CURRENT.set(owner);
        }
        try {
            body.result = body.target.call();
        } catch (Throwable e) {
            body.error = e;
            if (body.report) {
                System.err.print("Exception in weft thread \"" + java.lang.Thread.currentThread().getName() + "\" ");
                e.printStackTrace();
            }
        } finally {
            DAEMON_BODY.remove();
            CURRENT.remove();
        }
        return null;
    });
    /** weft drops a body's token: after it ran, after its Timer was cancelled, or never started. */
    static final CApi.VoidFn FORGET = CApi.callback((CApi.VoidFn) token -> BODIES.remove(token).dropHandle());

    final Body body;
    private final Pointer token;

    public Thread(Runnable target) {
        this(null, target);
    }

    public Thread(String name, Runnable target) {
        this(name, () -> {
            target.run();
            return null;
        }, true);
    }

    public Thread(Callable<?> target) {
        this(null, target);
    }

    /** A thread named {@code name} (null: weft's {@code Thread-N}) that will call {@code target}. */
    public Thread(String name, Callable<?> target) {
        this(name, target, false);
    }

    private Thread(String name, Callable<?> target, boolean report) {
        this(new Body(target, false, report));
        Pointer t = token;
        try {
            create(out -> CApi.weft_thread_new_named(RUN, t, FORGET, name, out), CApi::weft_thread_free);
        } catch (RuntimeException e) {
            BODIES.remove(token);
            throw e;
        }
        inheritDaemon();
    }

    /** For Timer, which makes its handle itself. */
    Thread(Body body) {
        this.body = body;
        this.token = BODIES.add(body);
        body.owner = new java.lang.ref.WeakReference<>(this);
    }

    /** A thread made elsewhere: {@code pointer} is a reference this object owns, or borrows. */
    Thread(Pointer borrowedOrOwned, boolean owned) {
        this.body = null;
        this.token = null;
        adopt(owned ? borrowedOrOwned : CApi.weft_thread_clone(borrowedOrOwned), CApi::weft_thread_free);
    }

    /** Sets the weft daemon flag from the creating thread (see the class comment). */
    final void inheritDaemon() {
        Boolean inBody = DAEMON_BODY.get();
        setDaemon(inBody != null ? inBody : java.lang.Thread.currentThread().isDaemon());
    }

    /** The token C holds as the body's argument. */
    final Pointer token() {
        return token;
    }

    /** Another reference to a thread made by C code: {@code pointer} is borrowed. */
    public static Thread wrap(Pointer pointer) {
        return new Thread(pointer, false);
    }

    /** The weft.Thread running this code, or weft's stand-in for it (MainThread, Dummy-N). */
    public static Thread current() {
        Thread current = CURRENT.get();
        return current != null ? current : new Thread(CApi.weft_current_thread(), true);
    }

    /** weft's main thread: the process's initial thread, which runs the JVM's launcher. */
    public static Thread main() {
        return new Thread(CApi.weft_main_thread(), true);
    }

    /** How many weft threads are alive (Python's {@code threading.active_count()}). */
    public static long activeCount() {
        return CApi.weft_active_count();
    }

    /** Starts the thread; a WeftException ({@code ALREADY_STARTED}) the second time. */
    public Thread start() {
        Exit.refuseAtShutdown();
        Pointer handle = pointer();
        boolean kept = body != null && body.keepHandle(handle);
        int status = CApi.weft_thread_start(handle);
        if (status != 0 && kept) {
            body.dropHandle();
        }
        WeftException.check(status);
        return this;
    }

    /** Waits until the thread has finished; an interrupt ends the wait. */
    public void join() throws InterruptedException {
        Waits.forever(pointer(), CApi::weft_thread_join);
    }

    /** Waits at most {@code time}; true if the thread has finished. */
    public boolean join(long time, TimeUnit unit) throws InterruptedException {
        return Waits.within(Waits.nanos(time, unit), pointer(), CApi::weft_thread_join);
    }

    /**
     * Waits for the thread, then returns what its Callable returned (null for a Runnable);
     * an {@link ExecutionException} with the exception that ended it.
     */
    public Object result() throws InterruptedException, ExecutionException {
        join();
        if (body == null) {
            return null;
        }
        if (body.error != null) {
            throw new ExecutionException(body.error);
        }
        return body.result;
    }

    public boolean isAlive() {
        return CApi.weft_thread_is_alive(pointer()) != 0;
    }

    public String getName() {
        Pointer handle = pointer();
        LongByReference length = new LongByReference();
        WeftException.check(CApi.weft_thread_get_name(handle, null, 0, length));
        byte[] buffer = new byte[(int) length.getValue() + 1];
        WeftException.check(CApi.weft_thread_get_name(handle, buffer, buffer.length, null));
        return new String(buffer, 0, buffer.length - 1, StandardCharsets.UTF_8);
    }

    public void setName(String name) {
        WeftException.check(CApi.weft_thread_set_name(pointer(), name));
    }

    /** Whether the exit leaves this thread running rather than waiting for it. */
    public boolean isDaemon() {
        return body != null ? body.daemon : CApi.weft_thread_is_daemon(pointer()) != 0;
    }

    /**
     * Only before {@link #start()}: a WeftException ({@code DAEMON_AFTER_START}) after. The flag
     * is the binding's: to weft's C library every thread running Java code is a daemon, so that
     * its own exit-time wait, which runs once the JVM has halted, never waits for Java code
     * ({@link Exit} waits for the non-daemon ones before).
     */
    public void setDaemon(boolean daemon) {
        if (body == null) {
            WeftException.check(CApi.weft_thread_set_daemon(pointer(), daemon));
            return;
        }
        WeftException.check(CApi.weft_thread_set_daemon(pointer(), true));
        body.daemon = daemon;
    }

    /** Python's {@code ident}: 0 until started. */
    public long ident() {
        return CApi.weft_thread_ident(pointer());
    }

    /** The OS thread id (Linux's TID), waiting until the thread has one. */
    public long nativeId() {
        return CApi.weft_thread_native_id(pointer());
    }

    /** Whether both objects are the same weft thread (Python's {@code is}). */
    public boolean is(Thread other) {
        return CApi.weft_thread_is(pointer(), other.pointer()) != 0;
    }

    @Override
    public String toString() {
        return "weft.Thread[" + getName() + (isAlive() ? ", alive" : "") + (isDaemon() ? ", daemon" : "") + "]";
    }
}
