package weft;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Each example of bindings/java/examples, run as a program (compiled by the Makefile into the
 * classpath), its output checked as tests/cprog/checks.rs checks the C ones: exact where it is
 * deterministic, as a multiset of lines where only the order varies.
 */
public class ExamplesTest {
    static final Map<String, String> EXACT = new TreeMap<>(Map.of(
            "ThreadingLock", "Counter: 15\n",
            "ThreadingLockReacquire", "first try: true\nsecond try: false\nRLock first try: true\nRLock second try: true\n",
            "ThreadingEvent", "wait_for_event_timeout: event set: false\nmain: setting event\nwait_for_event: event set: true\n",
            "ThreadingSemaphore", "most active at once: 2\n",
            "ThreadingTimer", "Main thread done\nt1 fired\n",
            "BarrierExample", "all arrived\nworkers: [0, 1, 2]\n",
            "NotesPool", "squares: 0 1 4 9 16\n"));
    static final Map<String, List<String>> ANY_ORDER = new TreeMap<>(Map.of(
            "ThreadingSimpleargs", List.of("Worker: 0", "Worker: 1", "Worker: 2", "Worker: 3", "Worker: 4"),
            "NotesProducerConsumer", List.of("all consumed", "consumed item 0", "consumed item 1",
                    "consumed item 2", "consumed item 3", "consumed item 4"),
            "ThreadingDaemon", List.of("daemon Starting", "non-daemon Exiting", "non-daemon Starting"),
            "ThreadingCondition", List.of("c1: resource is available to consumer",
                    "c2: resource is available to consumer", "p: making resource available")));

    static String run(String example) throws Exception {
        ExitTest.Outcome o = ExitTest.java(List.of(example), null);
        Check.equal(example + ": 0 " , example + ": " + o.status + " " + o.err);
        return o.out;
    }

    public void testEveryExampleIsChecked() {
        List<String> checked = new ArrayList<>(EXACT.keySet());
        checked.addAll(ANY_ORDER.keySet());
        checked.sort(null);
        String[] files = new File(System.getProperty("weft.examples")).list((dir, name) -> name.endsWith(".java"));
        List<String> examples = new ArrayList<>();
        for (String f : files) {
            examples.add(f.substring(0, f.length() - ".java".length()));
        }
        examples.sort(null);
        Check.equal(examples, checked);
    }

    public void testExactOutputs() throws Exception {
        for (Map.Entry<String, String> e : EXACT.entrySet()) {
            Check.equal(e.getKey() + ":\n" + e.getValue(), e.getKey() + ":\n" + run(e.getKey()));
        }
    }

    public void testOutputsInAnyOrder() throws Exception {
        for (Map.Entry<String, List<String>> e : ANY_ORDER.entrySet()) {
            String out = run(e.getKey());
            List<String> lines = new ArrayList<>(Arrays.asList(out.split("\n")));
            lines.sort(null);
            Check.equal(e.getKey() + ": " + e.getValue(), e.getKey() + ": " + lines);
        }
        // The condition's consumers print after the producer.
        Check.that(run("ThreadingCondition").startsWith("p: making resource available\n"), "producer first");
    }
}
