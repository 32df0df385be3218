"""An exception in a weft thread reaches CPython's threading.excepthook, as it is at the time,
unless weft.excepthook was replaced (issue 15, item 5)."""

import threading

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
    assert weft.excepthook is weft.__excepthook__
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
