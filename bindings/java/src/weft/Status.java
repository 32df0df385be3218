package weft;

/**
 * The C library's {@code weft_status} values, in value order (append-only in the C ABI). A value
 * this binding does not know yet (from a newer library) is {@link #UNKNOWN}; the exception keeps
 * its number ({@link WeftException#code()}) and the library's message for it.
 */
public enum Status {
    OK, TIMEOUT, NULL_ARGUMENT, WRONG_HANDLE, PANIC, INVALID_ARGUMENT, INVALID_UTF8,
    INVALID_TIMEOUT, TIMEOUT_TOO_LARGE, NONBLOCKING_TIMEOUT, OVERFLOW, RELEASE_UNLOCKED, NOT_OWNER,
    ALREADY_STARTED, NOT_STARTED, JOIN_CURRENT, DAEMON_AFTER_START, CANT_START_THREAD, STACK_SIZE,
    WRONG_STATE, WAIT_UNACQUIRED, NOTIFY_UNACQUIRED, SEMAPHORE_NEGATIVE, RELEASE_COUNT,
    SEMAPHORE_OVER_RELEASE, BROKEN_BARRIER, BARRIER_PARTIES, EMPTY, FULL, SHUT_DOWN,
    TASK_DONE_TOO_MANY, POOL_SHUT_DOWN, POOL_BROKEN, CANCELLED, TASK_FAILED, MAX_WORKERS,
    INTERRUPTED, DEADLOCK, INVALID_STATE_FINISHED, INVALID_STATE_CANCELLED, FORKED,
    /** A status this binding does not know. */
    UNKNOWN;

    private static final Status[] VALUES = values();

    /** The status for a C value. */
    static Status of(int code) {
        return code >= 0 && code < UNKNOWN.ordinal() ? VALUES[code] : UNKNOWN;
    }
}
