"""weft runs only in the main interpreter: importing it in a subinterpreter raises ImportError.

A C callback into Python (a thread's body, a task, a barrier's action) takes the GIL state of
its thread, which belongs to the main interpreter, so a subinterpreter's threads would run its
code in the main one (Python 3.13 then crashes; 3.12's ctypes refuses to load there)."""

try:
    import _interpreters as _interpreters  # Python 3.13+
except ImportError:
    try:
        import _xxsubinterpreters as _interpreters
    except ImportError:  # a Python without subinterpreters
        _interpreters = None

if _interpreters is not None and _interpreters.get_current() != _interpreters.get_main():
    raise ImportError("weft cannot be used in a subinterpreter: its threads and callbacks "
                      "would run Python code in the main interpreter")
