"""The package's shape stays what the README promises: layers, no import cycles, one table.

The import graph is read from the source with ``ast``, so imports inside functions and under
``if TYPE_CHECKING:`` count as much as those at the top of a module.
"""

from __future__ import annotations

import ast
import inspect
import re
import subprocess
import sys
import textwrap
import traceback
from pathlib import Path

import pytest

import autograd
from autograd import Value, codegen, engine
from autograd.ops import TABLE

PACKAGE = Path(autograd.__file__).parent

# The layers from the ground up; a module may import only from its own layer or below.
LAYERS = [
    {"autograd.ops"},
    {"autograd.mode"},
    {"autograd.engine"},
    {"autograd.codegen"},
    {"autograd.custom", "autograd.functional", "autograd.fused", "autograd.forward"},
    {"autograd.func", "autograd.anomaly"},
    {"autograd.nn"},
    {"autograd.viz", "autograd.testing", "autograd.tracer"},
    # exercises may use the command line's expression parser; only the command line uses it
    {"autograd.cli", "autograd.exercises"},
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports(name: str, path: Path) -> list[tuple[str, list[str]]]:
    """(module imported from, names imported) for every import statement in the file."""
    found = []
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level > 1:
                base = base[: len(base) - (node.level - 1)]
            if not node.level:
                target = node.module or ""
            else:
                target = ".".join(base + ([node.module] if node.module else []))
            found.append((target, [a.name for a in node.names]))
    return found


def internal_edges() -> dict[str, set[str]]:
    """Module -> the package's modules it imports (a name imported from a package counts as
    its submodule when there is one)."""
    mods = modules()
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for m, path in mods.items():
        for target, names in imports(m, path):
            candidates = [f"{target}.{n}" for n in names] + [target]
            for c in candidates:
                while c and c not in mods:
                    c = c.rpartition(".")[0]
                # a module importing its own package's __init__ is the package's business
                if c and c != m and not m.startswith(c + ".") and c != "autograd":
                    edges[m].add(c)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (iterative Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for start in edges:
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            v, children = work[-1]
            for w in children:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(edges[w]))))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    component = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        component.append(w)
                        if w == v:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def layer(name: str) -> int | None:
    for i, group in enumerate(LAYERS):
        if any(name == g or name.startswith(g + ".") for g in group):
            return i
    return None


def test_no_import_cycles() -> None:
    assert cycles(internal_edges()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(edges) == [["a", "b", "c"]]


def test_each_module_imports_only_its_layer_or_below() -> None:
    wrong = []
    for m, targets in internal_edges().items():
        mine = layer(m)
        if mine is None:  # the package itself and __main__ sit on top of everything
            assert m in ("autograd", "autograd.__main__"), f"{m} belongs to no layer"
            continue
        wrong += [f"{m} -> {t}" for t in targets if (layer(t) or 0) > mine]
    assert wrong == []


def test_only_the_command_line_imports_exercises() -> None:
    users = [
        m
        for m, targets in internal_edges().items()
        if any(t.startswith("autograd.exercises") for t in targets)
        and not m.startswith(("autograd.exercises", "autograd.cli"))
    ]
    assert users == []


def test_at_most_ten_modules_at_the_top() -> None:
    top = [p.name for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert len(top) <= 10, top


def test_no_private_name_imported_across_modules() -> None:
    private = []
    for m, path in modules().items():
        for target, names in imports(m, path):
            if target.startswith("autograd"):
                private += [f"{m}: {target}.{n}" for n in names if n.startswith("_")]
    assert private == []


# -- generated code can be read and debugged ---------------------------------------------------


def test_a_traceback_through_a_backward_function_shows_its_generated_line() -> None:
    x = Value(0.5)
    y = x.tanh()
    y.grad = "not a number"  # type: ignore[assignment]  # makes the generated line raise
    with pytest.raises(TypeError) as info:
        y._op.vjp(y)  # type: ignore[union-attr]
    text = "".join(traceback.format_exception(info.value))
    assert "in backward_tanh" in text
    assert "_x.grad += node.grad * (1 - out * out)" in text


def test_a_traceback_through_a_forward_shows_its_generated_line() -> None:
    with pytest.raises(ZeroDivisionError) as info:
        Value(1.0) / 0.0
    text = "".join(traceback.format_exception(info.value))
    assert "in method_div" in text and "raise domain_error(_op, e, (x, y,)) from None" in text


def test_generated_functions_have_source_for_inspect() -> None:
    assert inspect.getsource(Value.tanh).startswith("def method_tanh(_x):")
    op = codegen.OPERATIONS["mul"]
    assert "_y.grad += node.grad * (x)" in inspect.getsource(op.vjp)
    f = autograd.compile(lambda a: a * a + 1.0, [2.0])
    assert inspect.getsource(f._run) == f.source


def test_the_value_module_shows_what_the_template_writes() -> None:
    doc = engine.__doc__ or ""
    for name in ("mul", "tanh"):
        block = re.search(rf"    def backward_{name}\(node\):\n(?:        .*\n)+", doc)
        assert block is not None, name
        assert textwrap.dedent(block.group(0)) in codegen.source(name)
    assert "input.grad += node.grad * local_derivative" in doc


def test_type_declarations_match_the_table() -> None:
    """engine.Value declares the generated methods for type checkers: exactly the table's."""
    tree = ast.parse(Path(engine.__file__).read_text(encoding="utf-8"))
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Value")
    block = next(n for n in cls.body if isinstance(n, ast.If))  # if TYPE_CHECKING:
    declared = {f.name for f in block.body if isinstance(f, ast.FunctionDef)}
    generated = {p.method for p in TABLE if p.method} | {p.reflected for p in TABLE if p.reflected}
    handwritten = {"__pow__", "__rpow__", "__pos__"}  # choose between rows, or are no operation
    assert declared == generated | handwritten


# -- one table drives everything ------------------------------------------------------------

ADD_A_ROW = r"""
import io, os, sys, tempfile
import autograd
from autograd import Value
from autograd.codegen import add_operation, source
from autograd.cli import main
from autograd.cli.expr import functions, parse
from autograd.ops import Primitive, describe
from autograd.testing import check_primitive
from autograd.viz import BackwardStepper, to_dot

row = Primitive(
    "cube", ("x",), "x * x * x", ("3 * x * x",), formula="x**3", sample=(((-2.0, 2.0),),),
    symbol="x³", doc="The cube.\n\n    >>> Value(2.0).cube().data\n    8.0\n",
)
add_operation(row)

x = Value(2.0, "x")
y = x.cube()
y.backward()
assert (y.data, y.op, x.grad) == (8.0, "cube", 12.0)  # the method
assert Value.cube.__doc__ == row.doc  # its docstring
assert "def backward_cube" in source("cube") and "3 * x * x" in describe("cube")
assert "cube" in functions()  # the expression language
assert parse("cube(x) + 1", {"x": 2.0}).data == 9.0
assert "x³" in to_dot(y)  # drawings
steps = BackwardStepper(y)
assert "cube" in steps.describe(steps.steps[0])  # the stepper
f = autograd.compile(lambda v: v.cube() + v, [1.0])  # compile
assert f(3.0).grads == (28.0,), f.source
check_primitive("cube", [1.5])  # the test suite's own checks
out = io.StringIO()
sys.stdout = out
dot_file = os.path.join(tempfile.mkdtemp(), "g.dot")
code = main(["graph", "cube(x)", "--set", "x=2", "--out", dot_file])
sys.stdout = sys.__stdout__
assert code == 0, out.getvalue()
print("every consumer saw the row")
"""


def test_a_new_row_reaches_every_consumer() -> None:
    # In a fresh interpreter: adding a row changes Value for the whole process.
    done = subprocess.run(
        [sys.executable, "-c", ADD_A_ROW], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "every consumer saw the row" in done.stdout
