# Types of weft.futures: CPython's `concurrent.futures` thread pool (the names of its typeshed
# stubs, with the same types); pools and futures are also weft handles C code can share (`handle`).
from builtins import TimeoutError as TimeoutError
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import BrokenExecutor as BrokenExecutor
from concurrent.futures import CancelledError as CancelledError
from concurrent.futures import Executor as Executor
from concurrent.futures import Future as _StdFuture
from concurrent.futures import InvalidStateError as InvalidStateError
from concurrent.futures import ThreadPoolExecutor as _StdThreadPoolExecutor
from concurrent.futures._base import DoneAndNotDoneFutures as DoneAndNotDoneFutures
from concurrent.futures.thread import BrokenThreadPool as BrokenThreadPool
from typing import Any, Final, ParamSpec, TypeVar

__all__ = [
    "FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED", "CancelledError", "TimeoutError",
    "InvalidStateError", "BrokenExecutor", "BrokenThreadPool", "Future", "Executor", "wait",
    "as_completed", "ThreadPoolExecutor",
]

_T = TypeVar("_T")
_P = ParamSpec("_P")

FIRST_COMPLETED: Final = "FIRST_COMPLETED"
FIRST_EXCEPTION: Final = "FIRST_EXCEPTION"
ALL_COMPLETED: Final = "ALL_COMPLETED"

class Future(_StdFuture[_T]):
    # A future no task completes (weft_future_new): set_result(), set_exception() and
    # set_running_or_notify_cancel() are the caller's, as for CPython's Future().
    def __init__(self) -> None: ...
    def set_running_or_notify_cancel(self) -> bool: ...
    def set_result(self, result: _T) -> None: ...
    def set_exception(self, exception: BaseException | None) -> None: ...
    # weft's: Java's cancel(True) for a running task (weft_future_interrupt).
    def interrupt(self) -> bool: ...
    @property
    def handle(self) -> int: ...

def interrupted() -> bool: ...
def wait(
    fs: Iterable[_StdFuture[_T]], timeout: float | None = None, return_when: str = "ALL_COMPLETED"
) -> DoneAndNotDoneFutures[_T]: ...
def as_completed(fs: Iterable[_StdFuture[_T]], timeout: float | None = None) -> Iterator[_StdFuture[_T]]: ...

class ThreadPoolExecutor(_StdThreadPoolExecutor):
    def __init__(
        self,
        max_workers: int | None = None,
        thread_name_prefix: str = "",
        initializer: Callable[..., object] | None = None,
        initargs: tuple[Any, ...] = (),
    ) -> None: ...
    @property
    def handle(self) -> int: ...
    @property
    def _max_workers(self) -> int: ...
    @property
    def max_workers(self) -> int: ...
    @max_workers.setter
    def max_workers(self, value: int | None) -> None: ...
    @property
    def max_pending(self) -> int: ...
    @max_pending.setter
    def max_pending(self, value: int) -> None: ...
    @property
    def pending(self) -> int: ...
    @property
    def active(self) -> int: ...
    @property
    def idle(self) -> int: ...
    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]: ...
