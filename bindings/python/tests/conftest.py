"""Makes the tests run from a source checkout after `cargo capi`: `import weft` finds this
directory's package, and the library is the most recently built of target/release and
target/debug (unless WEFT_LIBRARY names one). Subprocesses inherit both settings."""

import os
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
