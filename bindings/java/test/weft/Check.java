package weft;

import java.util.Objects;

/** Assertions for the tests. */
final class Check {
    private Check() {}

    interface Body {
        void run() throws Exception;
    }

    static void equal(Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            throw new AssertionError("expected <" + expected + "> but was <" + actual + ">");
        }
    }

    static void that(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }

    /** Runs {@code body}, which must throw a {@code type}; returns it. */
    static <T extends Throwable> T fails(Class<T> type, Body body) {
        try {
            body.run();
        } catch (Throwable e) {
            if (type.isInstance(e)) {
                return type.cast(e);
            }
            throw new AssertionError("expected " + type.getName() + " but got " + e, e);
        }
        throw new AssertionError("expected " + type.getName() + " but nothing was thrown");
    }

    /**
     * Runs {@code body}, which must throw an IllegalMonitorStateException whose cause is a
     * WeftException with {@code status} and the same message; returns the cause.
     */
    static WeftException failsMonitor(Status status, Body body) {
        IllegalMonitorStateException e = fails(IllegalMonitorStateException.class, body);
        that(e.getCause() instanceof WeftException, "the cause: " + e.getCause());
        WeftException cause = (WeftException) e.getCause();
        equal(status, cause.status());
        equal(cause.getMessage(), e.getMessage());
        return cause;
    }

    /** Runs {@code body}, which must throw a WeftException with {@code status}; returns it. */
    static WeftException fails(Status status, Body body) {
        WeftException e = fails(WeftException.class, body);
        equal(status, e.status());
        return e;
    }
}
