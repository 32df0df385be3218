# Python notes, "Multithreading": waiting for threads to finish before continuing, joining in
# sequence. The notes leave foo() and bar() undefined; here they print. Ported with weft.
import weft as threading

def foo() -> None:
    print("foo done")

def bar() -> None:
    print("bar done")

# prepare threads
foo_thread = threading.Thread(target=foo)
bar_thread = threading.Thread(target=bar)
threads = [foo_thread, bar_thread]

# start threads
for t in threads:
    t.start()

# continue main execution...
print("main continues")

# wait for each thread to finish
for t in threads:
    t.join()

print("all threads joined")
