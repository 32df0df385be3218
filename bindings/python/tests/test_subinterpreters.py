"""weft in a subinterpreter (issue 15, item 8): importing it there raises ImportError, since its
threads and callbacks would run the subinterpreter's code in the main interpreter (3.13
crashed, "double free or corruption"); the main interpreter's weft is unaffected."""

import sys

import pytest

from helpers import run_python


def test_importing_weft_in_a_subinterpreter_raises_importerror():
    pytest.importorskip("_interpreters" if sys.version_info >= (3, 13) else "_xxsubinterpreters")
    result = run_python("""
        try:
            import _interpreters as interpreters
        except ImportError:
            import _xxsubinterpreters as interpreters
        import weft

        interpreter = interpreters.create()
        interpreters.run_string(interpreter, '''if 1:
            try:
                import weft.futures
            except ImportError as e:
                print("ImportError:", e, flush=True)
            else:
                weft.Thread(target=print, args=("ran",)).start()
            ''')
        interpreters.destroy(interpreter)
        thread = weft.Thread(target=print, args=("main interpreter's thread",))
        thread.start()
        thread.join()
    """)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        "ImportError: weft cannot be used in a subinterpreter: its threads and callbacks would "
        "run Python code in the main interpreter\nmain interpreter's thread\n")
