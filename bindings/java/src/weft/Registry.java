package weft;

import com.sun.jna.Pointer;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Java objects that C holds as plain tokens (a thread's body, a queued item, a task): Java
 * objects cannot go into C memory, so C stores the token (an id, as a {@code void *}) and this
 * table maps it back, keeping the object alive until it is taken back.
 */
final class Registry<T> {
    private final ConcurrentHashMap<Long, T> objects = new ConcurrentHashMap<>();
    private final AtomicLong next = new AtomicLong();

    /** Stores {@code object}; its token. */
    Pointer add(T object) {
        long token = next.incrementAndGet();
        objects.put(token, object);
        return new Pointer(token);
    }

    T get(Pointer token) {
        return objects.get(Pointer.nativeValue(token));
    }

    T remove(Pointer token) {
        return objects.remove(Pointer.nativeValue(token));
    }

    Collection<T> values() {
        return objects.values();
    }
}
