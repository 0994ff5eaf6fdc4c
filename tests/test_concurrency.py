"""Threads and asyncio tasks (issue 11, section 3): right results, recording by context only.

grad() and backward() from several threads on one shared graph give the single-thread results.
Whether an operation is recorded depends only on the current thread's or task's context: a task
created inside ``no_grad`` does not record (and says so), one ``no_grad`` instance can be open in
overlapping tasks, and another thread's ``no_grad`` changes nothing here.
"""

from __future__ import annotations

import asyncio
import contextvars
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, enable_grad, grad, is_grad_enabled, no_grad


@contextmanager
def switch_often() -> Iterator[None]:
    """Threads switch every microsecond (restored after): races show up within a test."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def _chain(n: int, seed: float) -> tuple[Value, Value]:
    x = Value(seed)
    y = x
    for i in range(n):
        y = (y * (1.0 + i % 3 * 0.01)).tanh() + x * 0.5
    return x, y


def _in_threads(n: int, work) -> list:
    results: list = [None] * n
    start = threading.Barrier(n)

    def run(i: int) -> None:
        start.wait()
        results[i] = work()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@settings(max_examples=8)
@given(st.integers(50, 300), st.floats(-1.0, 1.0), st.integers(2, 4))
def test_grad_from_threads_on_one_graph_is_right(n: int, seed: float, threads: int) -> None:
    x, y = _chain(n, seed)
    want = grad(y, x)[0].data
    with switch_often():
        got = _in_threads(threads, lambda: [grad(y, x)[0].data for _ in range(15)])
    assert all(g == want for per_thread in got for g in per_thread)


@settings(max_examples=8)
@given(st.integers(50, 300), st.floats(-1.0, 1.0), st.integers(2, 4))
def test_backward_from_threads_on_one_graph_accumulates_right(
    n: int, seed: float, threads: int
) -> None:
    x, y = _chain(n, seed)
    y.backward()
    once = x.grad
    x.grad = 0.0
    rounds = 10
    with switch_often():
        _in_threads(threads, lambda: [y.backward() for _ in range(rounds)])
    assert x.grad == pytest.approx(once * rounds * threads, rel=1e-12)
    (again,) = grad(y, x)
    assert again.data == once  # interior state left consistent


def test_another_threads_no_grad_does_not_change_recording_here() -> None:
    inside, release = threading.Event(), threading.Event()

    def hold_no_grad() -> None:
        with no_grad():
            inside.set()
            release.wait(5)

    t = threading.Thread(target=hold_no_grad)
    t.start()
    inside.wait(5)
    try:
        assert is_grad_enabled() and not (Value(1.0) * 2).is_leaf
        ctx = contextvars.copy_context()  # a context that is in no_grad, run in this thread
        with no_grad():
            ctx = contextvars.copy_context()
        assert ctx.run(lambda: ((Value(1.0) * 2).is_leaf, is_grad_enabled())) == (True, False)
    finally:
        release.set()
        t.join()


def test_a_task_created_inside_no_grad_does_not_record_after_the_block() -> None:
    async def inner() -> tuple[bool, bool]:
        await asyncio.sleep(0.001)
        return is_grad_enabled(), (Value(1.0) * 2).is_leaf

    async def main() -> tuple[bool, bool]:
        with no_grad():
            task = asyncio.create_task(inner())
        assert is_grad_enabled()
        return await task

    assert asyncio.run(main()) == (False, True)  # it says off, and it is off


@settings(max_examples=25)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.booleans()), min_size=2, max_size=6)
)
def test_one_no_grad_instance_in_overlapping_tasks(plans) -> None:
    """Tasks enter one shared instance (some nested in enable_grad), sleep different amounts,
    and exit in any order: each records exactly when it says it does, no error."""
    shared = no_grad()

    async def task(before: int, inside: int, nested: bool) -> list[tuple[bool, bool]]:
        seen = []
        await asyncio.sleep(before * 0.001)
        with shared:
            await asyncio.sleep(inside * 0.001)
            seen.append((is_grad_enabled(), not (Value(1.0) * 2).is_leaf))
            if nested:
                with enable_grad():
                    await asyncio.sleep(0)
                    seen.append((is_grad_enabled(), not (Value(1.0) * 2).is_leaf))
            with shared:  # re-entrant
                seen.append((is_grad_enabled(), not (Value(1.0) * 2).is_leaf))
        seen.append((is_grad_enabled(), not (Value(1.0) * 2).is_leaf))
        return seen

    async def main() -> list[list[tuple[bool, bool]]]:
        return await asyncio.gather(*(task(*p) for p in plans))

    for seen, (_, _, nested) in zip(asyncio.run(main()), plans, strict=True):
        assert all(says == records for says, records in seen)
        assert [says for says, _ in seen] == [False, *([True] if nested else []), False, True]


def test_exiting_in_another_task_is_a_clear_error() -> None:
    shared = no_grad()

    async def main() -> None:
        shared.__enter__()
        await asyncio.create_task(_exit_elsewhere(shared))

    async def _exit_elsewhere(block: no_grad) -> None:
        with pytest.raises(RuntimeError, match="different thread, task or order"):
            block.__exit__(None, None, None)

    asyncio.run(main())
