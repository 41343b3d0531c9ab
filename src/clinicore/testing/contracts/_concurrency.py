"""Running the same step in several threads at once, for the concurrency checks."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def run_together(count: int, step: Callable[[int], T]) -> list[T | BaseException]:
    """Run ``step(i)`` in ``count`` threads released together; return results or errors."""
    barrier = threading.Barrier(count)
    results: list[T | BaseException] = [RuntimeError("thread did not finish")] * count

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = step(index)
        except BaseException as error:
            results[index] = error

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
