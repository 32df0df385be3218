package weft;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Every way out of the JVM, with daemon and non-daemon weft threads running Java code (and one
 * running only C), in a child JVM with a time limit: each ends in bounded time with the
 * documented output and status.
 */
public class ExitTest {
    static final long LIMIT_SECONDS = 20;

    static final class Outcome {
        String out;
        String err;
        int status;
        long millis;
    }

    /** Runs the scenario; with {@code signal}, sends SIGTERM once it printed "ready". */
    static Outcome run(String scenario, boolean signal) throws Exception {
        return java(List.of("weft.ExitScenario", scenario), signal);
    }

    /**
     * Runs {@code java CLASS ARGS...} with this JVM's classpath, at most LIMIT_SECONDS (C1 only
     * and the serial GC: a child starts faster); with {@code signal}, sends SIGTERM once it
     * printed "ready".
     */
    static Outcome java(List<String> classAndArgs, boolean signal) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path")));
        command.addAll(classAndArgs);
        String scenario = String.join(" ", classAndArgs);
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        InputStream stdout = process.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (signal) {
            while (!out.toString(StandardCharsets.UTF_8).contains("ready\n")) {
                int b = stdout.read();
                if (b < 0) {
                    break;
                }
                out.write(b);
            }
            process.toHandle().destroy(); // SIGTERM, leaving the pipes open
        }
        java.lang.Thread drain = new java.lang.Thread(() -> {
            try {
                stdout.transferTo(out);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        drain.start();
        if (!process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(scenario + " hung (killed after " + LIMIT_SECONDS + " s); output: " + out);
        }
        drain.join();
        Outcome outcome = new Outcome();
        outcome.millis = (System.nanoTime() - start) / 1_000_000;
        outcome.out = out.toString(StandardCharsets.UTF_8);
        outcome.err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        outcome.status = process.exitValue();
        return outcome;
    }

    static void waited(Outcome o, int status) {
        Check.equal("ready\nthread done\n", o.out);
        Check.equal(status, o.status);
    }

    public void testNaturalEndWaitsForNonDaemon() throws Exception {
        Outcome o = run("natural-end", false);
        waited(o, 0);
        Check.equal("", o.err);
    }

    public void testSystemExitWaitsForNonDaemon() throws Exception {
        waited(run("system-exit", false), 3);
    }

    public void testUncaughtExceptionWaitsThenFails() throws Exception {
        Outcome o = run("uncaught", false);
        waited(o, 1);
        Check.that(o.err.contains("java.lang.IllegalStateException: oops"), o.err);
    }

    public void testDaemonThreadsAreAbandoned() throws Exception {
        for (String scenario : List.of("daemons", "daemons-exit")) {
            Outcome o = run(scenario, false);
            Check.equal("main\n", o.out);
            Check.equal(0, o.status);
        }
    }

    public void testHaltDoesNotWaitForJavaBodies() throws Exception {
        // The non-daemon thread is still sleeping in C (an Event wait) when main halts.
        Outcome o = run("halt", false);
        Check.equal("ready\nmain\n", o.out);
        Check.equal(4, o.status);
    }

    public void testSigtermEndsTheExitWait() throws Exception {
        Outcome o = run("sigterm-thread", true);
        Check.equal("ready\n", o.out);
        Check.equal(143, o.status);
    }

    public void testSigtermWhileMainBlocksInWeft() throws Exception {
        Outcome o = run("sigterm-in-weft", true);
        Check.equal("ready\n", o.out);
        Check.equal(143, o.status);
    }

    public void testPoolTasksRunBeforeExit() throws Exception {
        Outcome o = run("pool-tasks", false);
        Check.equal("main\ntask 0\ntask 1\ntask 2\n", o.out);
        Check.equal(0, o.status);
    }

    public void testSigtermWithARunningPoolTask() throws Exception {
        Outcome o = run("sigterm-pool", true);
        Check.equal("ready\n", o.out);
        Check.equal(143, o.status);
    }

    public void testCThreadIsWaitedFor() throws Exception {
        Outcome o = run("c-thread", false);
        Check.equal("main\n", o.out);
        Check.equal(0, o.status);
        Check.that(o.millis >= 500, "exited after " + o.millis + " ms, before the C thread's 500 ms");
    }

    public void testDaemonTimerAfterHaltNeitherHangsNorCrashes() throws Exception {
        Outcome o = run("daemon-timer", false);
        Check.equal("main\n", o.out);
        Check.equal("", o.err);
        Check.equal(0, o.status);
    }

    public void testThreadStartedDuringShutdownIsRefused() throws Exception {
        Outcome o = run("refused", false);
        Check.equal("can't start new thread\n", o.out);
        Check.equal(0, o.status);
    }
}
