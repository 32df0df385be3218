package weft;

/**
 * A status from the C library that is not an outcome: a misuse ("release unlocked lock"), a
 * broken barrier or pool, a shut-down queue. It carries the status ({@link #status()}, and the C
 * value, {@link #code()}) and the library's message for it, which is CPython's where CPython
 * raises for the same misuse. Unchecked, as {@link IllegalStateException} is: the
 * {@code java.util.concurrent} interfaces this binding implements allow such exceptions for a
 * misuse. A lock or condition used by a thread that does not hold it (a {@link Lock#unlock()}
 * of a free lock) is an {@link IllegalMonitorStateException} whose cause is the WeftException,
 * as {@code ReentrantLock} throws.
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

    /** Throws the exception for {@code code} unless it is {@code OK} ({@link #of}). */
    static void check(int code) {
        if (code != 0) {
            throw of(code);
        }
    }

    /**
     * The exception for a status: a WeftException, except for a lock or condition used by a
     * thread that does not hold it ({@code RELEASE_UNLOCKED}, {@code NOT_OWNER},
     * {@code WAIT_UNACQUIRED}, {@code NOTIFY_UNACQUIRED}), which is what
     * {@link java.util.concurrent.locks.ReentrantLock} and its conditions throw for it: an
     * {@link IllegalMonitorStateException}, with the same message and the WeftException as its
     * cause.
     */
    static RuntimeException of(int code) {
        WeftException e = new WeftException(code);
        switch (e.status()) {
            case RELEASE_UNLOCKED:
            case NOT_OWNER:
            case WAIT_UNACQUIRED:
            case NOTIFY_UNACQUIRED:
                IllegalMonitorStateException monitor = new IllegalMonitorStateException(e.getMessage());
                monitor.initCause(e);
                return monitor;
            default:
                return e;
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
