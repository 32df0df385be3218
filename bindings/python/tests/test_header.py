"""The binding's view of the C ABI (weft/_capi.py) checked against the header it was written from
(include/weft.h and the headers it includes): every prototype's return and argument types, the
callback types, the status values and names, and the constants. The header is generated from the
library's sources, so a change to the C API that the binding missed fails here, not at run time."""

import ctypes
import re
from pathlib import Path

import pytest

from weft import _capi

INCLUDE = Path(__file__).resolve().parents[3] / "include"
pytestmark = pytest.mark.skipif(not (INCLUDE / "weft.h").is_file(), reason="no source checkout")

# C base types (without const, struct, enum) and the ctypes type each is passed as.
SCALARS = {
    "void": None,
    "bool": ctypes.c_bool,
    "double": ctypes.c_double,
    "int": ctypes.c_int,
    "size_t": ctypes.c_size_t,
    "int64_t": ctypes.c_int64,
    "uint32_t": ctypes.c_uint32,
    "uint64_t": ctypes.c_uint64,
    "weft_status": ctypes.c_int,
    "weft_queue_kind": ctypes.c_int,
    "weft_return_when": ctypes.c_int,
}


def header_text(directives=True):
    """Every header of the C API, comments (and preprocessor lines unless `directives`) removed,
    one declaration per line."""
    text = "\n".join(path.read_text() for path in sorted(INCLUDE.rglob("*.h")))
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    if not directives:
        text = re.sub(r"(?m)^\s*#.*$", " ", text).replace('extern "C" {', " ")
    return re.sub(r"\s+", " ", text).replace(";", ";\n").replace("{", "{\n").replace("}", "}\n")


def parse_type(text):
    """('base', stars) for a C type such as 'const struct weft_lock *const *'."""
    stars = text.count("*")
    words = [w for w in re.findall(r"\w+", text) if w not in {"const", "struct", "enum"}]
    assert len(words) == 1, f"unparsed C type: {text!r}"
    return words[0], stars


def parse_params(text):
    text = text.strip()
    if text in ("", "void"):
        return []
    # Each parameter is its type followed by its name.
    return [parse_type(re.sub(r"\w+\s*$", "", param)) for param in text.split(",")]


def declarations():
    """Functions {name: (return type, [parameter types])} and callback typedefs, by name."""
    functions, callbacks = {}, {}
    for line in header_text(directives=False).splitlines():
        line = line.replace("WEFT_NODISCARD", "").strip()
        typedef = re.fullmatch(r"typedef (.+?)\(\s*\*\s*(weft_\w+)\)\s*\((.*)\);", line)
        if typedef:
            ret, name, params = typedef.groups()
            callbacks[name] = (parse_type(ret), parse_params(params))
            continue
        function = re.fullmatch(r"([\w\s*]+?)\b(weft_\w+)\s*\((.*)\);", line)
        if function and not line.startswith("typedef"):
            ret, name, params = function.groups()
            functions[name] = (parse_type(ret), parse_params(params))
    return functions, callbacks


FUNCTIONS, CALLBACKS = declarations()


def matches(py, c):
    """Whether the ctypes type `py` passes the C type `c` = (base, stars) correctly."""
    base, stars = c
    if py is ctypes.c_void_p:  # any pointer, including a callback passed as a plain pointer
        return stars > 0 or base in CALLBACKS
    if py is ctypes.c_char_p:
        return (base, stars) == ("char", 1)
    if isinstance(py, type) and issubclass(py, ctypes._Pointer):
        return stars > 0 and matches(py._type_, (base, stars - 1))
    if isinstance(py, type) and issubclass(py, ctypes._CFuncPtr):
        if stars or base not in CALLBACKS:
            return False
        ret, params = CALLBACKS[base]
        return (matches(py._restype_, ret) and len(py._argtypes_) == len(params)
                and all(map(matches, py._argtypes_, params)))
    if base == "void" and stars == 0:
        return py is None
    return stars == 0 and base in SCALARS and SCALARS[base] is py


def test_the_header_was_parsed():
    assert len(FUNCTIONS) > 100
    assert {"weft_thread_fn", "weft_task_fn", "weft_free_fn"} <= set(CALLBACKS)


@pytest.mark.parametrize("name", sorted(_capi._PROTOTYPES))
def test_prototype_matches_the_header(name):
    restype, argtypes, _ = _capi._PROTOTYPES[name]
    assert name in FUNCTIONS, f"{name} is not in the header"
    ret, params = FUNCTIONS[name]
    assert matches(restype, ret), f"{name} returns {ret}, the binding says {restype}"
    assert len(argtypes) == len(params), f"{name} takes {len(params)} arguments"
    for i, (py, c) in enumerate(zip(argtypes, params)):
        assert matches(py, c), f"{name}: argument {i} is {c}, the binding says {py}"


@pytest.mark.parametrize("name", sorted(_capi._HOT))
def test_hot_function_without_argtypes_returns_what_the_header_says(name):
    # The same functions called without argtypes (see _capi._HOT): one with no result type set
    # returns the C int as it is (ctypes's default), so it must be one that returns an int.
    views = [_capi.raw] + ([_capi.raw_blocking] if _capi._PROTOTYPES[name][2] else [])
    for view in views:
        function = getattr(view, name)
        assert function.argtypes is None
        restype = function.restype or ctypes.c_int
        assert matches(restype, FUNCTIONS[name][0]), f"{name} returns {FUNCTIONS[name][0]}"


def test_status_values_and_names_match_the_header():
    statuses = dict((name, int(value)) for name, value in
                    re.findall(r"\bWEFT_STATUS_(\w+) = (\d+)", header_text()))
    count = len(statuses)
    assert statuses and sorted(statuses.values()) == list(range(count))
    assert _capi.STATUS_COUNT == count
    for name, value in statuses.items():
        assert getattr(_capi, name) == value, name
    # Every status but the two outcomes has the exception CPython raises for it.
    assert set(_capi._EXCEPTIONS) == set(statuses.values()) - {_capi.OK, _capi.TIMEOUT}


def test_constants_match_the_header():
    defines = dict(re.findall(r"#define (WEFT_\w+) \(?(-?[\d.]+)\)?", header_text()))
    assert float(defines["WEFT_TIMEOUT_FOREVER"]) == _capi.TIMEOUT_FOREVER
    assert float(defines["WEFT_TIMEOUT_MAX"]) == _capi.TIMEOUT_MAX
    assert int(defines["WEFT_VERSION_NUMBER"]) == _capi.VERSION_NUMBER
    for kind in ("FIFO", "LIFO", "PRIORITY", "SIMPLE"):
        assert int(defines[f"WEFT_QUEUE_{kind}"]) == getattr(_capi, f"QUEUE_{kind}")
