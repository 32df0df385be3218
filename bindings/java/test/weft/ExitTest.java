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

    /** Runs the scenario; with {@code signal} (TERM, INT, HUP), sends it once it printed "ready". */
    static Outcome run(String scenario, String signal) throws Exception {
        return java(List.of("weft.ExitScenario", scenario), signal);
    }

    /**
     * Runs {@code java CLASS ARGS...} with this JVM's classpath, at most LIMIT_SECONDS (C1 only
     * and the serial GC: a child starts faster); with {@code signal} (TERM, INT, HUP), sends it
     * once it printed "ready".
     */
    static Outcome java(List<String> classAndArgs, String signal) throws Exception {
        List<String> command = new ArrayList<>();
        if (signal != null) {
            // A shell's background job starts with SIGINT ignored, which the child would keep
            // (the JVM then handles no SIGINT): env gives it the default action back.
            command.addAll(List.of("env", "--default-signal=" + signal));
        }
        command.addAll(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path")));
        command.addAll(classAndArgs);
        String scenario = String.join(" ", classAndArgs);
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        InputStream stdout = process.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (signal != null) {
            while (!out.toString(StandardCharsets.UTF_8).contains("ready\n")) {
                int b = stdout.read();
                if (b < 0) {
                    break;
                }
                out.write(b);
            }
            // env has exec'd the JVM: the same pid. The pipes stay open.
            Check.equal(0, new ProcessBuilder("kill", "-s", signal, Long.toString(process.pid())).inheritIO()
                    .start().waitFor());
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

    /** Runs {@code scenario} ({@code signal} once ready, if not null); checks its output and status. */
    static Outcome expect(String scenario, String signal, String out, int status) throws Exception {
        Outcome o = run(scenario, signal);
        Check.equal(scenario + ": " + out + status, scenario + ": " + o.out + o.status);
        return o;
    }

    static final String WAITED = "ready\nthread done\n";

    public void testNaturalEndWaitsForNonDaemon() throws Exception {
        Check.equal("", expect("natural-end", null, WAITED, 0).err);
    }

    public void testSystemExitWaitsForNonDaemon() throws Exception {
        expect("system-exit", null, WAITED, 3);
    }

    public void testUncaughtExceptionWaitsThenFails() throws Exception {
        String err = expect("uncaught", null, WAITED, 1).err;
        Check.that(err.contains("java.lang.IllegalStateException: oops"), err);
    }

    public void testDaemonThreadsAreAbandoned() throws Exception {
        expect("daemons", null, "main\n", 0);
        expect("daemons-exit", null, "main\n", 0);
    }

    /** The non-daemon thread is still sleeping in C (an Event wait) when main halts. */
    public void testHaltDoesNotWaitForJavaBodies() throws Exception {
        expect("halt", null, "ready\nmain\n", 4);
    }

    /**
     * A pool task running Java code when the JVM halts: C's exit does not wait for it (it used
     * to join the pool's worker, which never returned from the halted JVM: a hang).
     */
    public void testHaltWithPoolTaskRunning() throws Exception {
        expect("halt-pool", null, "ready\n", 4);
    }

    /**
     * SIGTERM with a weft thread running and another shutdown hook: that hook runs to its end
     * (the binding used to end the process with _exit from its own hook, cutting it short).
     */
    public void testSigtermLetsOtherHooksFinish() throws Exception {
        expect("sigterm-hook", "TERM", "ready\nother hook\n", 143);
    }

    /**
     * SIGTERM ends the process, with the status of a process killed by it: during the exit-time
     * wait for a thread that never ends, while main blocks in weft, with a pool task running.
     */
    public void testSigtermEndsTheProcess() throws Exception {
        for (String scenario : List.of("sigterm-thread", "sigterm-in-weft", "sigterm-pool")) {
            expect(scenario, "TERM", "ready\n", 143);
        }
    }

    /** SIGINT (Ctrl-C) and SIGHUP end the process as SIGTERM does, with 128 + the signal. */
    public void testSigintAndSighupEndTheProcess() throws Exception {
        for (String scenario : List.of("sigterm-thread", "sigterm-in-weft")) {
            expect(scenario, "INT", "ready\n", 130);
            expect(scenario, "HUP", "ready\n", 129);
        }
    }

    public void testPoolTasksRunBeforeExit() throws Exception {
        expect("pool-tasks", null, "main\ntask 0\ntask 1\ntask 2\n", 0);
    }

    public void testCThreadIsWaitedFor() throws Exception {
        long millis = expect("c-thread", null, "main\n", 0).millis;
        Check.that(millis >= 500, "exited after " + millis + " ms, before the C thread's 500 ms");
    }

    public void testDaemonTimerAfterHaltNeitherHangsNorCrashes() throws Exception {
        Check.equal("", expect("daemon-timer", null, "main\n", 0).err);
    }

    public void testThreadStartedDuringShutdownIsRefused() throws Exception {
        expect("refused", null, "can't start new thread\n", 0);
    }
}
