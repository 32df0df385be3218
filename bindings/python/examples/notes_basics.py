# Python notes, "Multithreading", basics: start a thread, then start it again, which raises
# RuntimeError. Ported to Python 3 with weft.
import weft as threading

def foo() -> None:
    print("Hello threading!")

my_thread = threading.Thread(target=foo)

my_thread.start() # prints 'Hello threading!'

# Now that my_thread has run and terminated, calling start again will produce a RuntimeError.
my_thread.join()
my_thread.start()
