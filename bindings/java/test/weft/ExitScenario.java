package weft;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.concurrent.TimeUnit;

/** The programs ExitTest runs, one per exit path: {@code java weft.ExitScenario NAME}. */
public final class ExitScenario {
    private ExitScenario() {}

    static void sleep(long millis) {
        try (Event never = new Event()) {
            never.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A non-daemon weft thread still running when main ends: it prints after main. */
    static void nonDaemon() {
        new Thread(() -> {
            sleep(300);
            System.out.println("thread done");
        }).start();
        ready();
    }

    /** Daemon threads still running: one that would print, one that never ends. */
    static void daemons() {
        Thread printing = new Thread(() -> {
            sleep(300);
            System.out.println("daemon done");
        });
        printing.setDaemon(true);
        printing.start();
        Thread forever = new Thread(() -> {
            while (true) {
                sleep(10);
            }
        });
        forever.setDaemon(true);
        forever.start();
        System.out.println("main");
    }

    static void forever() {
        new Thread(() -> {
            while (true) {
                sleep(10);
            }
        }).start();
    }

    /** A pool task that never ends, running (in Java code) when this returns. */
    static void poolTaskRunning() throws InterruptedException {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1);
        Semaphore started = new Semaphore(0);
        pool.submit(() -> {
            started.release();
            while (true) {
                sleep(10);
            }
        });
        started.acquire();
    }

    static void ready() {
        System.out.println("ready");
        System.out.flush();
    }

    /** A weft thread of C's own, not a daemon, whose body is libc's usleep(micros): no Java. */
    static void cThread(long micros) {
        PointerByReference out = new PointerByReference();
        int status = CApi.function(CApi.PATH, "weft_thread_new_named").invokeInt(new Object[] {
            CApi.function("c", "usleep"), new Pointer(micros), null, "sleeper", out});
        WeftException.check(status);
        CApi.weft_thread_set_daemon(out.getValue(), false);
        WeftException.check(CApi.weft_thread_start(out.getValue()));
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "natural-end":
                nonDaemon();
                return;
            case "system-exit":
                nonDaemon();
                System.exit(3);
                return;
            case "uncaught":
                nonDaemon();
                throw new IllegalStateException("oops");
            case "daemons":
                daemons();
                return;
            case "daemons-exit":
                daemons();
                System.exit(0);
                return;
            case "halt":
                nonDaemon();
                daemons();
                System.out.flush();
                Runtime.getRuntime().halt(4);
                return;
            case "sigterm-thread":
                forever();
                ready();
                return;
            case "sigterm-in-weft":
                forever();
                ready();
                new Event().await();
                return;
            case "pool-tasks": {
                ThreadPoolExecutor pool = new ThreadPoolExecutor(1);
                for (int i = 0; i < 3; i++) {
                    int n = i;
                    pool.submit(() -> {
                        sleep(50);
                        System.out.println("task " + n);
                    });
                }
                System.out.println("main");
                return;
            }
            case "sigterm-pool":
                poolTaskRunning();
                ready();
                return;
            case "c-thread":
                cThread(500_000);
                System.out.println("main");
                return;
            case "daemon-timer": {
                // The exit's wait for the C thread outlasts the Timer's delay: the exit cancelled
                // the timer, which never calls into the halted JVM.
                cThread(500_000);
                Timer timer = new Timer(200, TimeUnit.MILLISECONDS, () -> System.out.println("too late"));
                timer.setDaemon(true);
                timer.start();
                System.out.println("main");
                return;
            }
            case "refused": {
                new Lock().close(); // loads the binding, whose hook is registered then
                Runtime.getRuntime().addShutdownHook(new java.lang.Thread(() -> {
                    sleep(100); // let weft's hook begin
                    try {
                        new Thread(() -> {}).start();
                    } catch (RuntimeException e) {
                        System.out.println(e.getMessage());
                    }
                }));
                return;
            }
            case "halt-pool":
                // The task runs Java code when the JVM halts: C's exit must not wait for it.
                poolTaskRunning();
                ready();
                Runtime.getRuntime().halt(4);
                return;
            case "sigterm-hook":
                // Another shutdown hook, slower than weft's, runs to its end.
                forever();
                Runtime.getRuntime().addShutdownHook(new java.lang.Thread(() -> {
                    try {
                        java.lang.Thread.sleep(300);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    System.out.println("other hook");
                }));
                ready();
                new Event().await();
                return;
            default:
                throw new IllegalArgumentException(args[0]);
        }
    }
}
