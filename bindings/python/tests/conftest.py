"""Makes the tests run from a source checkout after `cargo capi`: `import weft` finds this
directory's package, and the library is the most recently built of target/release and
target/debug (unless WEFT_LIBRARY names one). Subprocesses inherit both settings."""

import os
import signal
import sys
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # bindings/python
REPOSITORY = PACKAGE_ROOT.parent.parent


def _freshest_library():
    built = [REPOSITORY / "target" / profile / "libweft.so" for profile in ("release", "debug")]
    built = [path for path in built if path.is_file()]
    return max(built, key=lambda path: path.stat().st_mtime) if built else None


if "WEFT_LIBRARY" not in os.environ and _freshest_library() is not None:
    os.environ["WEFT_LIBRARY"] = str(_freshest_library())
sys.path.insert(0, str(PACKAGE_ROOT))
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(PACKAGE_ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])

# A test run started in the background by a non-interactive shell (`make test &`, a CI runner's
# script) inherits SIGINT ignored, and so would every program the tests start, which ignore
# the SIGINT the Ctrl-C tests send them. A handled signal is reset to its default at exec: give
# SIGINT its usual handler here, as an interactive run has it.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
