package weft;

/**
 * A status from the C library that is not an outcome: a misuse ("release unlocked lock"), a
 * broken barrier or pool, a shut-down queue. It carries the status ({@link #status()}, and the C
 * value, {@link #code()}) and the library's message for it, which is CPython's where CPython
 * raises for the same misuse. Unchecked, as {@link IllegalStateException} is: the
 * {@code java.util.concurrent} interfaces this binding implements allow such exceptions for a
 * misuse (a {@link Lock#unlock()} of a lock not held).
 */
public class WeftException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int code;

    WeftException(int code) {
        super(CApi.weft_status_str(code));
        this.code = code;
    }

    /** The status. */
    public Status status() {
        return Status.of(code);
    }

    /** The C value of the status ({@code weft_status}). */
    public int code() {
        return code;
    }

    /** Throws the exception for {@code code} unless it is {@code OK}. */
    static void check(int code) {
        if (code != 0) {
            throw new WeftException(code);
        }
    }

    /** A call's outcome: false for TIMEOUT (Python's False), true for OK; throws otherwise. */
    static boolean outcome(int code) {
        if (code == Status.TIMEOUT.ordinal()) {
            return false;
        }
        check(code);
        return true;
    }
}
