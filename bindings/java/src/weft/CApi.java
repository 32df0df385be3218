package weft;

import com.sun.jna.Callback;
import com.sun.jna.CallbackThreadInitializer;
import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.List;

/**
 * The C ABI of libweft ({@code include/weft/*.h}) through JNA's direct mapping: finding and
 * checking the library, and one {@code native} method per C function the binding calls.
 *
 * <p>Types: a handle or {@code void *} is a {@link Pointer}; {@code size_t} a {@code long} (the
 * binding needs a 64-bit platform, as every platform weft builds for is); a returned C
 * {@code bool} is read as a {@code byte} (only its low byte is defined), a {@code bool} argument
 * passed as a {@code boolean}. A blocking call blocks the calling Java thread in C: the binding
 * makes its waits interruptible with weft's cancellation tokens ({@link Waits}).
 */
final class CApi {
    private CApi() {}

    /** The library version this binding is written against (include/weft/base.h). */
    static final int VERSION_MAJOR = 0;
    static final int VERSION_NUMBER = 100;
    static final double TIMEOUT_FOREVER = -1.0;

    static final int QUEUE_FIFO = 0;
    static final int QUEUE_LIFO = 1;
    static final int QUEUE_PRIORITY = 2;
    static final int QUEUE_SIMPLE = 3;

    /** {@code weft_thread_fn}: a weft thread's body, and a Timer's function. */
    interface ThreadFn extends Callback {
        Pointer invoke(Pointer arg);
    }

    /** {@code weft_barrier_action_fn}, {@code weft_free_fn}: a function of one argument. */
    interface VoidFn extends Callback {
        void invoke(Pointer arg);
    }

    /** {@code weft_task_fn}: a pool task. */
    interface TaskFn extends Callback {
        int invoke(Pointer arg, Pointer resultOut);
    }

    /** {@code weft_queue_item_fn}: receives each item an immediate queue shutdown removes. */
    interface ItemFn extends Callback {
        void invoke(Pointer item, Pointer arg);
    }

    /** {@code weft_future_callback}. */
    interface FutureFn extends Callback {
        void invoke(Pointer future, Pointer arg);
    }

    /** The library's path, and why each other place was refused. */
    static final String PATH;

    static {
        if (Native.POINTER_SIZE != 8 || Native.SIZE_T_SIZE != 8) {
            throw new UnsatisfiedLinkError("weft: the Java binding needs a 64-bit JVM");
        }
        PATH = find();
        Native.register(CApi.class, NativeLibrary.getInstance(PATH));
        int got = weft_version_number();
        if (got / 10000 != VERSION_MAJOR || got < VERSION_NUMBER) {
            throw new UnsatisfiedLinkError("weft: " + PATH + " is version " + weft_version_string()
                    + ", but this binding needs " + VERSION_MAJOR + ".x.y at least 0.1.0");
        }
        Exit.install();
    }

    /**
     * WEFT_LIBRARY (an environment variable) or the system property {@code weft.library}, alone
     * when set; else the system's {@code libweft.so.0} ({@code make install}).
     */
    private static String find() {
        List<String> tried = new ArrayList<>();
        String explicit = System.getenv("WEFT_LIBRARY");
        String where = "WEFT_LIBRARY";
        if (explicit == null || explicit.isEmpty()) {
            tried.add("WEFT_LIBRARY: not set");
            explicit = System.getProperty("weft.library");
            where = "-Dweft.library";
        }
        if (explicit == null || explicit.isEmpty()) {
            tried.add("-Dweft.library: not set");
            explicit = "libweft.so.0";
            where = "the system";
        }
        try {
            NativeLibrary library = NativeLibrary.getInstance(explicit);
            library.getFunction("weft_version_number");
            return explicit;
        } catch (UnsatisfiedLinkError e) {
            tried.add(where + ": " + explicit + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
        throw new UnsatisfiedLinkError("weft: no usable libweft.so. Looked for:\n  "
                + String.join("\n  ", tried) + "\nBuild it with `cargo capi --release` in the weft "
                + "repository, install it (`make install`), or set WEFT_LIBRARY to its path.");
    }

    /**
     * Keeps {@code callback} reachable for ever (C may call it at any time) and has JNA attach
     * the weft threads that call it to the JVM as daemon threads, left attached between calls:
     * the binding, not the JVM, decides which of them the exit waits for ({@link Exit}).
     */
    static <T extends Callback> T callback(T callback) {
        Native.setCallbackThreadInitializer(callback, new CallbackThreadInitializer(true, false));
        KEPT.add(callback);
        return callback;
    }

    private static final List<Callback> KEPT = new ArrayList<>();

    /** A C function of another library (libc's, a test's helper). */
    static Function function(String library, String name) {
        return NativeLibrary.getInstance(library).getFunction(name);
    }

    static native String weft_status_str(int status);
    static native int weft_version_number();
    static native String weft_version_string();

    static native int weft_lock_new(PointerByReference out);
    static native Pointer weft_lock_clone(Pointer lock);
    static native void weft_lock_free(Pointer lock);
    static native int weft_lock_acquire(Pointer lock, boolean blocking, double timeout);
    static native int weft_lock_release(Pointer lock);
    static native byte weft_lock_locked(Pointer lock);

    static native int weft_rlock_new(PointerByReference out);
    static native void weft_rlock_free(Pointer rlock);
    static native int weft_rlock_acquire(Pointer rlock, boolean blocking, double timeout);
    static native int weft_rlock_release(Pointer rlock);
    static native byte weft_rlock_locked(Pointer rlock);
    static native byte weft_rlock_is_owned(Pointer rlock);

    static native int weft_condition_new_with_lock(Pointer lock, PointerByReference out);
    static native int weft_condition_new_with_rlock(Pointer rlock, PointerByReference out);
    static native void weft_condition_free(Pointer condition);
    static native int weft_condition_wait(Pointer condition, double timeout);
    static native int weft_condition_notify(Pointer condition, long n);
    static native int weft_condition_notify_all(Pointer condition);

    static native int weft_event_new(PointerByReference out);
    static native void weft_event_free(Pointer event);
    static native int weft_event_set(Pointer event);
    static native int weft_event_clear(Pointer event);
    static native byte weft_event_is_set(Pointer event);
    static native int weft_event_wait(Pointer event, double timeout);

    static native int weft_semaphore_new(long value, PointerByReference out);
    static native int weft_bounded_semaphore_new(long value, PointerByReference out);
    static native void weft_semaphore_free(Pointer semaphore);
    static native int weft_semaphore_acquire(Pointer semaphore, boolean blocking, double timeout);
    static native int weft_semaphore_release(Pointer semaphore, long n);

    static native int weft_barrier_new(long parties, VoidFn action, Pointer arg, VoidFn argFree,
            double timeout, PointerByReference out);
    static native void weft_barrier_free(Pointer barrier);
    static native int weft_barrier_wait(Pointer barrier, double timeout, LongByReference index);
    static native int weft_barrier_reset(Pointer barrier);
    static native int weft_barrier_abort(Pointer barrier);
    static native byte weft_barrier_broken(Pointer barrier);
    static native long weft_barrier_n_waiting(Pointer barrier);
    static native long weft_barrier_parties(Pointer barrier);

    static native int weft_thread_new_named(ThreadFn target, Pointer arg, VoidFn argFree,
            String name, PointerByReference out);
    static native Pointer weft_thread_clone(Pointer thread);
    static native void weft_thread_free(Pointer thread);
    static native int weft_thread_start(Pointer thread);
    static native int weft_thread_join(Pointer thread, double timeout);
    static native byte weft_thread_is(Pointer a, Pointer b);
    static native byte weft_thread_is_alive(Pointer thread);
    static native int weft_thread_get_name(Pointer thread, byte[] buf, long size, LongByReference len);
    static native int weft_thread_set_name(Pointer thread, String name);
    static native byte weft_thread_is_daemon(Pointer thread);
    static native int weft_thread_set_daemon(Pointer thread, boolean daemon);
    static native long weft_thread_ident(Pointer thread);
    static native long weft_thread_native_id(Pointer thread);
    static native Pointer weft_current_thread();
    static native Pointer weft_main_thread();
    static native long weft_active_count();
    static native int weft_shutdown(double timeout, LongByReference remaining);
    static native void weft_set_exit_wait(boolean wait);
    static native int weft_timer_new(double interval, ThreadFn function, Pointer arg, VoidFn argFree,
            PointerByReference out);
    static native int weft_timer_cancel(Pointer timer);

    static native int weft_cancel_new(PointerByReference out);
    static native void weft_cancel_free(Pointer cancel);
    static native int weft_cancel_set(Pointer cancel);
    static native int weft_cancel_reset(Pointer cancel);
    static native int weft_cancel_install(Pointer cancel);

    static native int weft_queue_new(int kind, long maxsize, VoidFn itemFree, PointerByReference out);
    static native Pointer weft_queue_clone(Pointer queue);
    static native void weft_queue_free(Pointer queue);
    static native int weft_queue_put(Pointer queue, Pointer item, boolean block, double timeout);
    static native int weft_queue_put_priority(Pointer queue, Pointer item, long priority,
            boolean block, double timeout);
    static native int weft_queue_get(Pointer queue, boolean block, double timeout, PointerByReference item);
    static native int weft_queue_task_done(Pointer queue);
    static native int weft_queue_join(Pointer queue, double timeout);
    static native int weft_queue_shutdown(Pointer queue, boolean immediate, ItemFn drain, Pointer arg);
    static native byte weft_queue_is_shutdown(Pointer queue);
    static native long weft_queue_qsize(Pointer queue);
    static native long weft_queue_maxsize(Pointer queue);

    static native int weft_pool_new(long maxWorkers, String prefix, Pointer init, Pointer initArg,
            Pointer initArgFree, PointerByReference out);
    static native void weft_pool_free(Pointer pool);
    static native int weft_pool_submit(Pointer pool, TaskFn task, Pointer arg, VoidFn argFree,
            PointerByReference future);
    static native int weft_pool_shutdown(Pointer pool, boolean wait, boolean cancelFutures);
    static native long weft_pool_max_workers(Pointer pool);
    static native void weft_future_free(Pointer future);
    static native int weft_future_result(Pointer future, double timeout, PointerByReference result);
    static native byte weft_future_cancel(Pointer future);
    static native byte weft_future_running(Pointer future);
    static native byte weft_future_done(Pointer future);
    static native int weft_future_add_done_callback(Pointer future, FutureFn callback, Pointer arg);
}
