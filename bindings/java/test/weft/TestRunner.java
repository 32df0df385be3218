package weft;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Runs the public {@code test*} methods of the classes named on the command line, each on a new
 * instance and in a Java thread of its own with a time limit (a hang fails the test rather than
 * the suite: the runner then halts), and prints a line per test and the counts: "N passed, N failed".
 */
public final class TestRunner {
    static final long LIMIT_SECONDS = 60;

    public static void main(String[] args) throws Exception {
        int passed = 0;
        int failed = 0;
        boolean hung = false;
        for (String name : args) {
            Class<?> type = Class.forName(name);
            Method[] methods = type.getMethods();
            Arrays.sort(methods, Comparator.comparing(Method::getName));
            for (Method method : methods) {
                if (!method.getName().startsWith("test") || method.getParameterCount() != 0) {
                    continue;
                }
                Throwable[] error = new Throwable[1];
                long start = System.nanoTime();
                java.lang.Thread runner = new java.lang.Thread(() -> {
                    try {
                        method.invoke(type.getDeclaredConstructor().newInstance());
                    } catch (InvocationTargetException e) {
                        error[0] = e.getCause();
                    } catch (Throwable e) {
                        error[0] = e;
                    }
                }, method.getName());
                runner.start();
                runner.join(LIMIT_SECONDS * 1000);
                if (runner.isAlive()) {
                    error[0] = new AssertionError("hung (more than " + LIMIT_SECONDS + " s)");
                    hung = true;
                }
                long millis = (System.nanoTime() - start) / 1_000_000;
                String test = type.getSimpleName() + "." + method.getName();
                if (error[0] == null) {
                    passed++;
                    System.out.println("ok   " + test + " (" + millis + " ms)");
                } else {
                    failed++;
                    System.out.println("FAIL " + test + " (" + millis + " ms)");
                    error[0].printStackTrace(System.out);
                }
            }
        }
        System.out.println(passed + " passed, " + failed + " failed");
        System.out.flush();
        if (hung) {
            Runtime.getRuntime().halt(1);
        }
        System.exit(failed == 0 && passed > 0 ? 0 : 1);
    }
}
