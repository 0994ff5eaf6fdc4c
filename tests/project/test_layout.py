"""The package's shape stays what the README promises: layers, no import cycles, one table.

The import graph is read from the source with ``ast``, so imports inside functions and under
``if TYPE_CHECKING:`` count as much as those at the top of a module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import autograd

PACKAGE = Path(autograd.__file__).parent

# The layers from the ground up; a module may import only from its own layer or below.
LAYERS = [
    {"autograd.ops"},
    {"autograd.rule_text", "autograd.generate"},  # rule texts as code; the generator (a tool)
    {"autograd.core.numbers", "autograd.core.locks", "autograd.core.layout"},
    {"autograd.core.source_lines"},  # text compiled from strings, kept for tracebacks
    {"autograd.core.counters", "autograd.core.domain"},
    {"autograd.core.op"},
    {"autograd.core.modes"},
    {"autograd.core.anomaly"},
    {"autograd.core.twins", "autograd.core.linear"},
    {"autograd.core.operations"},  # generated from the table
    {"autograd.core.graph", "autograd.core.reference"},
    {"autograd.core.hooks"},
    {"autograd.core.sweep", "autograd.core.pickling"},
    {"autograd.core.value", "autograd.core"},
    {"autograd.primitives", "autograd.reverse_mode", "autograd.fused"},
    {"autograd.forward_mode"},
    {"autograd.func"},
    {"autograd.nn"},
    {"autograd.expressions"},
    {"autograd.notation"},  # a graph as text (order, names, formulas), for the layers above
    {"autograd.viz", "autograd.testing", "autograd.tracer"},
    {"autograd.exercises"},
    {"autograd.grading"},  # a class's submissions judged and marked (above the judge)
    {"autograd.cli", "autograd.web"},  # the command line, and the playground's Worker side
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
        and not m.startswith(("autograd.exercises", "autograd.cli", "autograd.web"))
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


# -- no module over 600 lines, except the table and generated files --------------------------


def test_no_module_is_over_600_lines() -> None:
    allowed = {"autograd.ops", "autograd.core.operations"}
    long = {
        m: n
        for m, path in modules().items()
        if m not in allowed and (n := len(path.read_text(encoding="utf-8").splitlines())) > 600
    }
    assert long == {}


def test_the_tests_mirror_the_package() -> None:
    """A test module lives in the folder of the part of the package it tests (README, "What is
    where"): no test module at the top of tests/, and no folder that is not a part."""
    tests = Path(__file__).resolve().parents[1]
    parts = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    allowed = parts | {"core", "project"}
    assert not sorted(tests.glob("test_*.py")), "move these into the folder of what they test"
    folders = {p.name for p in tests.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))}
    assert folders <= allowed, folders - allowed


def test_core_op_holds_only_the_op_and_its_registry() -> None:
    """``core/op.py`` does one job: counters, slot marks, domain errors and pickle lookups live
    in the modules named for them (``counters``, ``layout``, ``domain``, ``pickling``)."""
    tree = ast.parse((PACKAGE / "core" / "op.py").read_text(encoding="utf-8"))
    defined = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            defined |= {t.id for t in targets if isinstance(t, ast.Name)}
    public = {name for name in defined if not name.startswith("_")}
    assert public == {"Op", "OPERATIONS", "register", "CONST", "constant", "T", "Terms", "Locals"}


def test_testing_and_exercises_get_graph_order_and_names_from_below_viz() -> None:
    """Graph order, node names, formulas and numbers as text come from ``autograd.notation``,
    the layer below the drawings, the learner checks and the exercises, not from ``viz``."""
    text = {"forward_order", "node_names", "expression", "formula", "full_expression"}
    text |= {"derivative_rule", "fmt", "fmt_product"}
    wrong = []
    for m, path in modules().items():
        if m.startswith(("autograd.testing", "autograd.exercises")):
            for target, names in imports(m, path):
                if target.startswith("autograd.viz"):
                    wrong += [f"{m}: {target}.{n}" for n in names if n in text]
    assert wrong == []
