"""User primitives' names never collide with, or become, generated code.

Argument names are local names in the generated functions: any identifier works, including the
names the generated code uses for itself (``real``, ``Value``, ``STATE``, ...). A primitive's
``name`` is display text: whatever it holds, it never reaches source as code, neither in the
engine's generated functions nor in ``autograd.compile``'s.
"""

from __future__ import annotations

import ast
import keyword

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, grad, primitive
from autograd.core.anomaly import describe_node
from autograd.ops import FLOAT_NAMESPACE, HELPER_ROWS, IEEE_NAMESPACE, TABLE, Primitive
from autograd.primitives import RESERVED

GENERATED_NAMES = sorted({*RESERVED, *FLOAT_NAMESPACE, *IEEE_NAMESPACE, "twins"})
identifiers = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True).filter(
    lambda s: not keyword.iskeyword(s)
)
argument_names = st.one_of(st.sampled_from(GENERATED_NAMES), identifiers)


def _make(args: list[str]):
    """f(a, b, ...) = a * 2 + b * 3 + ..., with derivatives 2, 3, ... (constants)."""
    text = ", ".join(args)
    body = " + ".join(f"{a} * {i + 2}" for i, a in enumerate(args))
    ns: dict = {}
    exec(f"def f({text}):\n    return {body}\n", ns)
    rules = [lambda *xs, c=i + 2: float(c) for i in range(len(args))]
    return primitive(derivatives=rules)(ns["f"])


@settings(max_examples=40)
@given(st.lists(argument_names, min_size=1, max_size=3, unique=True))
def test_any_argument_names_work(args: list[str]) -> None:
    f = _make(args)
    xs = [Value(float(i + 1)) for i in range(len(args))]
    y = f(*xs)
    y.backward()
    assert y.data == sum((i + 2) * (i + 1) for i in range(len(args)))
    assert [x.grad for x in xs] == [float(i + 2) for i in range(len(args))]
    assert [g.data for g in grad(y, xs, create_graph=True)] == [x.grad for x in xs]


@pytest.mark.parametrize("name", ["real", "Value", "STATE", "g", "node", "out", "ieee_div"])
def test_the_reproduction_names(name: str) -> None:
    f = _make([name])
    y = f(Value(1.5))
    y.backward()
    assert y.data == 3.0


CODE_FLAG: list[str] = []


@settings(max_examples=60)
@given(
    st.one_of(
        st.text(min_size=1, max_size=30),
        st.sampled_from(
            [
                "x\nCODE_FLAG.append('ran')",
                "x():\n    pass\nCODE_FLAG.append('ran')\ndef y",
                "x  # \n__import__('os')",
                "'''",
                '"',
                "\\",
                "<lambda>",
                "1x",
                "class",
                "a b",
            ]
        ),
    )
)
def test_a_name_is_never_code(name: str) -> None:
    f = primitive(derivatives=[lambda x: 2.0], name=name)(lambda x: 2 * x)
    x = Value(1.0)
    y = f(x) + 1.0
    y.backward()
    assert (y.inputs[0].op, x.grad) == (name, 2.0)
    compiled = autograd.compile(lambda v: f(v) * v, [1.0])
    assert compiled(3.0).grads == (12.0,)
    tree = ast.parse(compiled.source)  # one module of plain function definitions
    assert all(isinstance(node, ast.FunctionDef) for node in tree.body)
    assert all(not _calls(node, "CODE_FLAG") for node in ast.walk(tree))
    assert CODE_FLAG == []


def _calls(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def test_a_table_row_with_a_generated_name_as_input_is_refused() -> None:
    from autograd.primitives import compile_primitive

    with pytest.raises(ValueError, match="cannot name an input"):
        compile_primitive(Primitive("bad", ("node",), "node * 2", ("2",)))
    with pytest.raises(ValueError, match="cannot name an input"):
        compile_primitive(Primitive("bad", ("x y",), "1", ("0",)))


ROW_NAMES = sorted(p.name for p in [*TABLE, *HELPER_ROWS])


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(ROW_NAMES), st.floats(0.5, 3.0))
def test_a_primitive_named_like_a_row_is_not_taken_for_that_row(name: str, x0: float) -> None:
    """The engine tells operations apart by their rows, never by their names: a user primitive
    called ``pow`` compiled like eager (compile once took it for the table's pow and read a
    parameter it has none of), and one called ``recip`` is no step of a derivative in messages."""
    square = primitive(derivatives=[lambda x: 2 * x], name=name)(lambda x: x * x)
    x = Value(x0)
    y = square(x)
    y.backward()
    compiled = autograd.compile(lambda v: square(v), [x0])(x0)
    assert (compiled.value, compiled.grads) == (y.data, (x.grad,))
    assert describe_node(y) == f"a {name} node"
