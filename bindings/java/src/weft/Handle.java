package weft;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.lang.ref.Cleaner;
import java.util.function.Consumer;

/**
 * An object holding one reference to a weft handle. {@link #close()} (try-with-resources)
 * releases it, once: later calls do nothing, and a closed object throws
 * {@link IllegalStateException} when used. A {@link Cleaner} releases it if the object becomes
 * unreachable first, as a safety net.
 */
public abstract class Handle implements AutoCloseable {
    static final Cleaner CLEANER = Cleaner.create();

    private volatile Pointer pointer;
    private Cleaner.Cleanable cleanable;

    /** Adopts {@code pointer}, a reference this object owns, released by {@code free}. */
    final void adopt(Pointer pointer, Consumer<Pointer> free) {
        this.pointer = pointer;
        // The action must not reach `this`: it captures only the pointer and the function.
        this.cleanable = CLEANER.register(this, () -> free.accept(pointer));
    }

    /** Calls a {@code weft_<type>_new}-like {@code constructor} and adopts the new handle. */
    final void create(Constructor constructor, Consumer<Pointer> free) {
        PointerByReference out = new PointerByReference();
        WeftException.check(constructor.call(out));
        adopt(out.getValue(), free);
    }

    /** A handle object of no type of its own (a pool's, a future's), owning {@code pointer}. */
    static Handle of(Pointer pointer, Consumer<Pointer> free) {
        Handle handle = new Handle() {};
        handle.adopt(pointer, free);
        return handle;
    }

    /** A handle object of no type of its own, made by {@code constructor}. */
    static Handle make(Constructor constructor, Consumer<Pointer> free) {
        Handle handle = new Handle() {};
        handle.create(constructor, free);
        return handle;
    }

    interface Constructor {
        int call(PointerByReference out);
    }

    /**
     * The C handle, for passing this object to C code, which takes its own reference
     * ({@code weft_<type>_clone}) to keep it beyond this object's life.
     */
    public final Pointer pointer() {
        Pointer p = pointer;
        if (p == null) {
            throw new IllegalStateException(getClass().getName() + " is closed");
        }
        return p;
    }

    public final boolean isClosed() {
        return pointer == null;
    }

    /** Releases this object's reference (the weft object goes when its last one does). */
    @Override
    public void close() {
        if (pointer != null) {
            pointer = null;
            cleanable.clean();
        }
    }
}
