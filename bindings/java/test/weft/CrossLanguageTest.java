package weft;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.ptr.PointerByReference;
import java.io.File;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** C makes a lock and a queue; Java uses the same handles; each sees the other's effects. */
public class CrossLanguageTest {
    /** Builds test/cross_language.c into a shared library against the library the binding loaded. */
    static NativeLibrary shared() throws Exception {
        File dir = Files.createTempDirectory("weft-java").toFile();
        File library = new File(dir, "libshared.so");
        File weft = new File(CApi.PATH).getAbsoluteFile();
        String test = System.getProperty("weft.test");
        Process cc = new ProcessBuilder("cc", "-shared", "-fPIC", "-o", library.getPath(),
                test + "/cross_language.c", "-I", test + "/../../../include", weft.getPath(),
                "-Wl,-rpath," + weft.getParent()).inheritIO().start();
        Check.equal(0, cc.waitFor());
        return NativeLibrary.getInstance(library.getPath());
    }

    public void testCAndJavaShareALockAndAQueue() throws Exception {
        NativeLibrary c = shared();
        Function lockFreeNow = c.getFunction("java_shared_lock_free_now");
        PointerByReference lockOut = new PointerByReference();
        PointerByReference queueOut = new PointerByReference();
        Check.equal(0, c.getFunction("java_shared_new").invokeInt(new Object[] {lockOut, queueOut}));
        try (Lock lock = Lock.wrap(lockOut.getValue()); Queue<Long> queue = Queue.wrap(queueOut.getValue())) {
            lock.lock();
            Check.equal(0, lockFreeNow.invokeInt(new Object[0]));      // C sees Java's lock held
            queue.put(7L);
            Check.equal(7L, c.getFunction("java_shared_get").invokeLong(new Object[0])); // C gets what Java put

            PointerByReference threadOut = new PointerByReference();
            Check.equal(0, c.getFunction("java_shared_start").invokeInt(new Object[] {threadOut}));
            Thread producer = new Thread(threadOut.getValue(), true);
            Check.equal(null, queue.poll(50, TimeUnit.MILLISECONDS)); // C waits for the lock Java holds
            lock.unlock();
            Check.equal(List.of(1L, 2L, 3L), List.of(queue.take(), queue.take(), queue.take()));
            Check.that(producer.join(5, TimeUnit.SECONDS), "the C thread ended");
            Check.equal(1, lockFreeNow.invokeInt(new Object[0]));
            producer.close();
        }
        c.getFunction("java_shared_free").invokeVoid(new Object[0]);
    }
}
