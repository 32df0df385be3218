"""weft.RWLock: shared reads, exclusive writes, holds owned by their thread, no upgrade, and the
read()/write() context managers."""
import threading

import pytest

import weft


def in_thread(f):
    result = []
    t = threading.Thread(target=lambda: result.append(f()))
    t.start()
    t.join()
    return result[0]


def test_readers_share_and_exclude_writers():
    lock = weft.RWLock()
    with lock.read():
        assert lock.acquire_read(False)  # a reader reads again
        lock.release_read()
        assert in_thread(lambda: lock.acquire_read(False) and (lock.release_read() or True))
        assert in_thread(lambda: lock.acquire_write(timeout=0.01)) is False
        with pytest.raises(RuntimeError, match="resource deadlock avoided"):
            lock.acquire_write()
    with lock.write():
        assert in_thread(lambda: lock.acquire_read(False)) is False
        assert in_thread(lambda: lock.acquire_write(False)) is False
        with pytest.raises(RuntimeError, match="resource deadlock avoided"):
            lock.acquire_read()
    assert in_thread(lambda: lock.acquire_write(False) and (lock.release_write() or True))


def test_releases_need_a_hold():
    lock = weft.RWLock()
    with pytest.raises(RuntimeError, match="cannot release un-acquired lock"):
        lock.release_read()
    with pytest.raises(RuntimeError, match="cannot release un-acquired lock"):
        lock.release_write()
    lock.acquire_write()
    errors = []

    def other():
        try:
            lock.release_write()
        except RuntimeError as e:
            errors.append(str(e))
    in_thread(other)
    assert errors == ["cannot release un-acquired lock"]
    lock.release_write()
    with pytest.raises(ValueError):
        lock.acquire_read(False, 1.0)


def test_writers_exclude_each_other():
    lock = weft.RWLock()
    counter = [0]

    def work():
        for _ in range(500):
            with lock.write():
                value = counter[0]
                counter[0] = value + 1
    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counter[0] == 2000
