"""Copies and pickles of Values, graphs and modules.

A copied or unpickled graph is a new graph of the same shape that differentiates like the
original: the MANY and CONST markers and the operations are shared, not copied; nodes shared in
the original are shared in the copy; a chain of any length copies without recursion.
"""

from __future__ import annotations

import copy
import pickle

import pytest
from edge_programs import identical, programs, run_engine
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd import Value, grad, primitive
from autograd.core.graph import topological_order
from autograd.core.op import CONST
from autograd.fused import linear
from autograd.nn import MLP, Layer, Neuron


def _pickled(x):
    return pickle.loads(pickle.dumps(x))


COPIES = {"deepcopy": copy.deepcopy, "pickle": _pickled}


def _shape(root: Value) -> list[tuple]:
    """The graph as plain data: op, params, data, grad, label and input positions."""
    order = topological_order([root])
    index: dict[Value, int] = {}
    rows = []
    for node in order:
        for child in node.inputs:
            if child not in index and child.is_leaf:
                index[child] = len(index)
                rows.append(("leaf", child.op, child.data, child.grad, child.label))
        index[node] = len(index)
        ins = tuple(index[c] for c in node.inputs)
        rows.append((node.op, node.params, node.data, node.grad, node.label, ins))
    return rows


@pytest.mark.parametrize("how", sorted(COPIES))
def test_the_reproduction_copies_an_mlp_output(how: str) -> None:
    out = COPIES[how](MLP(2, [3, 1], seed=0)([1.0, 2.0]))
    out.backward()
    assert out.grad == 1.0


@pytest.mark.parametrize("how", sorted(COPIES))
@given(programs(), st.sampled_from([0.5, -1.0, 2.0, 0.0]), st.sampled_from([1.5, -0.5, 0.0]))
def test_a_copied_graph_differentiates_like_the_original(how, steps, x0, y0) -> None:
    try:
        out = run_engine(steps, Value(x0, "x"), Value(y0, "y"))
    except (ArithmeticError, ValueError):
        assume(False)
    x, y = Value(x0, "x"), Value(y0, "y")
    out = run_engine(steps, x, y) * linear([x, 2.0], [y, x], 1.0)  # a MANY node and constants
    out.grad = 0.25  # state is copied too
    twin, tx, ty = COPIES[how]([out, x, y])
    assert _shape(twin) == _shape(out)
    out.backward()
    twin.backward()
    assert identical(tx.grad, x.grad) and identical(ty.grad, y.grad)
    assert [
        identical(a.data, b.data)
        for a, b in zip(grad(twin, [tx, ty]), grad(out, [x, y]), strict=True)
    ] == [True, True]


def test_markers_and_operations_are_shared_not_copied() -> None:
    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    out = linear([a, b], [c, 2.0], 0.5) ** 2
    for how in COPIES.values():
        twin = how(out)
        (s,) = twin.inputs
        assert twin.operation is out.operation and s.operation is out.inputs[0].operation
        assert s._b is out.inputs[0]._b  # MANY
        assert any(v.operation is CONST for v in s.inputs)
        assert copy.copy(out).operation is out.operation


@pytest.mark.slow
@pytest.mark.parametrize("how", sorted(COPIES))
def test_a_long_chain_copies_without_recursion(how: str) -> None:
    x = Value(0.5)
    y = x
    for _ in range(50_000):
        y = y * 1.0 + 0.0
    twin = COPIES[how](y)
    twin.backward()
    assert twin.data == 0.5 and len(topological_order([twin])) == 100_000


@settings(max_examples=20)
@given(
    st.integers(1, 3),
    st.lists(st.integers(1, 4), min_size=1, max_size=3),
    st.sampled_from(["relu", "tanh", "sigmoid", "linear"]),
    st.sampled_from(["relu", "tanh", "sigmoid", "linear"]),
    st.sampled_from(list(COPIES)),
)
def test_every_module_copies_and_pickles(nin, nouts, act, out_act, how) -> None:
    for module in (
        MLP(nin, nouts, act, out_act, seed=1),
        Layer(nin, nouts[0], act, seed=1),
        Neuron(nin, act, seed=1),
    ):
        twin = COPIES[how](module)
        xs = [0.5 * (i + 1) for i in range(nin)]
        assert repr(twin) == repr(module) and twin.config() == module.config()
        assert twin.state_dict() == module.state_dict()
        a, b = module(xs), twin(xs)
        a_out = a if isinstance(a, Value) else a[0]
        b_out = b if isinstance(b, Value) else b[0]
        assert a_out.data == b_out.data
        b_out.backward()
        assert not any(p.grad for p in module.parameters())  # the copy is independent


def _double(x: Value) -> Value:
    return x * 2


def test_a_module_with_a_module_level_activation_pickles() -> None:
    n = Neuron(2, _double, seed=0)
    assert _pickled(n)([1.0, 2.0]).data == n([1.0, 2.0]).data


@primitive(derivatives=[lambda x: 3 * x**2])
def cube(x):
    return x**3


def test_a_graph_with_a_module_level_primitive_pickles() -> None:
    x = Value(2.0)
    twin = _pickled(cube(x) + 1)
    twin.backward()
    assert twin.inputs[0].op == "cube" and twin.inputs[0].inputs[0].grad == 12.0


def test_a_graph_with_a_local_primitive_refuses_to_pickle_clearly() -> None:
    @primitive(derivatives=[lambda x: 2.0])
    def local(x):
        return 2 * x

    with pytest.raises(pickle.PicklingError, match="top level of a module"):
        pickle.dumps(local(Value(1.0)))
    twin = copy.deepcopy(local(Value(1.0)))  # copying needs no name
    twin.backward()
    assert twin.inputs[0].grad == 2.0


def _local_primitive():
    @primitive(derivatives=[lambda x: 1.0])
    def ident(x):
        return x

    return ident


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 30), st.integers(0, 30))
def test_a_failed_pickle_changes_nothing_for_the_next_one(before, after) -> None:
    """A pickle that fails half-way (an operation that cannot be pickled, somewhere in the
    graph) leaves nothing behind: a long chain still pickles, in the same thread, after it."""
    chain = Value(1.0, "x")
    for _ in range(3000):  # past the recursion limit if a node were saved without its prelude
        chain = chain * 1.0
    bad = Value(2.0)
    for _ in range(before):
        bad = bad + 1.0
    bad = _local_primitive()(bad)
    for _ in range(after):
        bad = bad * 2.0
    with pytest.raises(pickle.PicklingError, match="user primitive"):
        pickle.dumps(bad)
    assert pickle.loads(pickle.dumps(chain)).data == 1.0
