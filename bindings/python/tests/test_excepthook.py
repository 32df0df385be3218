"""An exception in a weft thread reaches CPython's threading.excepthook, as it is at the time,
unless weft.excepthook was replaced (issue 15, item 5); weft.__excepthook__, assigned to
weft.excepthook, restores CPython's default handling (as CPython's test_threading does)."""

import contextlib
import io
import sys
import threading
import weakref

import pytest

import weft


def fail():
    raise ValueError("boom")


@pytest.fixture
def threading_hook(monkeypatch):
    seen = []
    monkeypatch.setattr(threading, "excepthook", seen.append)
    return seen


def test_the_default_hook_passes_exceptions_to_threading_excepthook(threading_hook):
    # Before the fix, weft's default printed the exception and the hook never saw it.
    t = weft.Thread(target=fail, name="failing")
    t.start()
    t.join()
    assert len(threading_hook) == 1
    args = threading_hook[0]
    assert isinstance(args, threading.ExceptHookArgs)
    assert args.exc_type is ValueError and str(args.exc_value) == "boom"
    assert args.exc_traceback is not None and args.thread is t


def test_a_hook_set_on_weft_is_used_instead(threading_hook, monkeypatch):
    mine = []
    monkeypatch.setattr(weft, "excepthook", mine.append)
    t = weft.Thread(target=fail)
    t.start()
    t.join()
    assert threading_hook == [] and len(mine) == 1 and mine[0].thread is t


def test_threading_excepthook_set_to_weft_s_prints(capsys, monkeypatch):
    monkeypatch.setattr(threading, "excepthook", weft.excepthook)
    t = weft.Thread(target=fail, name="failing")
    t.start()
    t.join()
    err = capsys.readouterr().err
    assert "Exception in thread failing:" in err and "ValueError: boom" in err


def test_weft_s_original_hook_prints_to_the_current_stderr(threading_hook, monkeypatch):
    # As CPython's test_threading (ExceptHookTests) restores it: a hook on CPython's threading
    # (pytest's, here threading_hook) is then not used, and the exception is printed to the
    # sys.stderr of the time. weft.__excepthook__ used to pass it on to that hook, and nothing
    # was printed.
    monkeypatch.setattr(weft, "excepthook", weft.__excepthook__)
    with contextlib.redirect_stderr(io.StringIO()) as stderr:
        t = weft.Thread(target=fail, name="failing")
        t.start()
        t.join()
        try:
            raise ValueError("called directly")
        except ValueError:
            weft.excepthook(weft.ExceptHookArgs([*sys.exc_info(), None]))
    err = stderr.getvalue()
    assert "Exception in thread failing:" in err and "ValueError: boom" in err
    assert f"Exception in thread {weft.get_ident()}:" in err
    assert "ValueError: called directly" in err
    assert threading_hook == []


def test_weft_s_original_hook_keeps_no_reference_to_a_failed_thread(monkeypatch):
    # A hook on CPython's threading that keeps what it is given (as pytest's does, until the
    # test ends) must not receive the exception once weft.__excepthook__ is restored: the
    # traceback would keep the target (and, through it, the thread) alive, which CPython's
    # test_no_refcycle_through_target checks.
    kept = []
    monkeypatch.setattr(threading, "excepthook", kept.append)
    monkeypatch.setattr(weft, "excepthook", weft.__excepthook__)

    class Target:
        def run(self):
            raise SystemExit  # ignored by the default hook, as in CPython

    target = Target()
    t = weft.Thread(target=target.run)
    t.start()
    t.join()
    gone = weakref.ref(target)
    del target, t
    assert gone() is None and kept == []
