"""Threads and asyncio tasks: right results, recording by context only.

grad() and backward() from several threads on one shared graph give the single-thread results.
Whether an operation is recorded depends only on the current thread's or task's context: a task
created inside ``no_grad`` does not record (and says so), one ``no_grad`` instance can be open in
overlapping tasks, and another thread's ``no_grad`` changes nothing here.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import os
import signal
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, detect_anomaly, enable_grad, grad, is_grad_enabled, no_grad


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


@contextmanager
def held_by_another_thread(block: Any) -> Iterator[None]:
    """``block`` entered by another thread, and held there until the ``with`` body ends."""
    inside, release = threading.Event(), threading.Event()

    def hold() -> None:
        with block:
            inside.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    inside.wait(10)
    try:
        yield
    finally:
        release.set()
        t.join()


def test_another_threads_no_grad_does_not_change_recording_here() -> None:
    with held_by_another_thread(no_grad()):
        assert is_grad_enabled() and not (Value(1.0) * 2).is_leaf
        ctx = contextvars.copy_context()  # a context that is in no_grad, run in this thread
        with no_grad():
            ctx = contextvars.copy_context()
        assert ctx.run(lambda: ((Value(1.0) * 2).is_leaf, is_grad_enabled())) == (True, False)


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


@pytest.mark.parametrize("kind", [no_grad, enable_grad, detect_anomaly])
def test_exiting_in_another_task_is_a_clear_error(kind) -> None:
    shared = kind()

    async def main() -> None:
        shared.__enter__()
        await asyncio.create_task(_exit_elsewhere(shared))

    async def _exit_elsewhere(block: no_grad) -> None:
        with pytest.raises(RuntimeError, match="different thread, task or order"):
            block.__exit__(None, None, None)

    asyncio.run(main())


def _records() -> bool:
    return not (Value(1.0) * 2).is_leaf


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(["no_grad", "enable_grad"]),
    st.booleans(),
    st.lists(st.sampled_from(["a", "b", "throw"]), max_size=8),
)
def test_a_decorated_generator_runs_in_its_block_only_while_it_runs(kind, caller_off, steps):
    """Two generators under one decorator, resumed in any order from a caller in either mode:
    the body always records as the decorator says, the caller as it did (torch's decorators)."""
    block = {"no_grad": no_grad, "enable_grad": enable_grad}[kind]
    inside = kind == "enable_grad"

    @block()
    def body(seen):
        while True:
            with contextlib.suppress(KeyError):
                yield
            seen.append((is_grad_enabled(), _records()))

    seen: list[tuple[bool, bool]] = []
    outside = no_grad() if caller_off else enable_grad()
    with outside:
        gens = {"a": body(seen), "b": body(seen)}
        for g in gens.values():
            next(g)
        for step in steps:
            if step == "throw":
                gens["a"].throw(KeyError("caught inside"))
            else:
                next(gens[step])
            assert is_grad_enabled() is not caller_off and _records() is not caller_off
    assert seen == [(inside, inside)] * len(steps)


def test_a_decorated_generator_returns_its_value_and_closes_inside() -> None:
    closed = []

    @no_grad()
    def gen(x):
        try:
            got = yield x * 2
            yield got
        finally:
            closed.append(_records())
        return "done"

    g = gen(Value(1.0))
    assert next(g).is_leaf and g.send(5) == 5 and _records()
    g.close()
    assert closed == [False]

    def outer():
        return (yield from gen(Value(1.0)))

    o = outer()
    next(o)
    o.send(1)
    with pytest.raises(StopIteration) as stop:
        next(o)
    assert stop.value.value == "done"


def test_a_decorated_coroutine_runs_in_its_block_while_awaited() -> None:
    @no_grad()
    async def step(x):
        await asyncio.sleep(0)
        return x * 2, is_grad_enabled()

    async def main():
        y, mode = await step(Value(1.0))
        return y.is_leaf, mode, is_grad_enabled()

    assert asyncio.run(main()) == (True, False, True)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")
def test_a_child_forked_while_another_thread_holds_the_graph_lock_can_differentiate() -> None:
    """Another thread is inside backward (it holds the engine's lock) when this one forks: the
    child has no such thread, and its first backward must not wait for it for ever."""
    from autograd.core.graph import GRAPH_LOCK

    with held_by_another_thread(GRAPH_LOCK):  # that thread is inside backward
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads: on purpose
            pid = os.fork()
        if pid == 0:  # the child: differentiate, or be killed by the alarm after 5 s
            signal.alarm(5)
            x = Value(3.0)
            (x * x).backward()
            os._exit(0 if x.grad == 6.0 else 1)
        _, status = os.waitpid(pid, 0)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
