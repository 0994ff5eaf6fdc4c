"""Drawings of a gradient graph: DOT text, Graphviz rendering, gradient-flow colouring."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypedDict, cast

from ..core.anomaly import AnomalyError
from ..core.linear import weighted_sum
from ..core.op import CONST
from ..core.value import Value
from ..notation import fmt, forward_order, node_names
from ..ops import OPS, Display
from .expand import expansion, translate
from .groups import collapsed_lines
from .rendering import GraphvizNotFound, drawing_class, render, render_svgs
from .style import (
    HIGHLIGHT,
    KIND_STYLE,
    escape_html_label,
    escape_record,
    escape_string,
    flow_colour,
    text_colour_on,
)

__all__ = [
    "GraphvizNotFound",
    "draw_dot",
    "flow_colour",
    "forward_order",
    "render",
    "render_svgs",
    "to_dot",
]

# Labels the nn layer gives its parameters: L{layer}.N{neuron}.w{i} and L{layer}.N{neuron}.b
PARAM_LABEL = re.compile(r"^L(\d+)\.N(\d+)\.(w\d+|b)$")


def kind(node: Value, root: Value | None = None, params: Iterable[Value] = ()) -> str:
    """What a node is for the drawing: 'output', 'result', 'const', 'param' or 'input'.

    >>> w = Value(0.5, "L0.N0.w0")
    >>> kind(w), kind(Value(1.0, "x")), kind(w * 2, root=None)
    ('param', 'input', 'result')
    """
    if node is root:
        return "output"
    if not node.is_leaf:
        return "result"
    if node.operation is CONST:
        return "const"
    if PARAM_LABEL.match(node.label) or any(node is p for p in params):
        return "param"
    return "input"


def is_activation(node: Value) -> bool:
    """True for a node made by a row marked ``activation`` in the operation table.

    >>> is_activation(Value(1.0).tanh()), is_activation(Value(1.0) * 2)
    (True, False)
    """
    p = OPS.get(node.op)
    return p is not None and p.activation


def _param_group(node: Value) -> str | None:
    for child in node.inputs:
        m = PARAM_LABEL.match(child.label) if child.is_leaf else None
        if m:
            return f"L{m[1]}.N{m[2]}"
    return None


def _is_weight(node: Value) -> bool:
    m = PARAM_LABEL.match(node.label) if node.is_leaf else None
    return m is not None and m[3].startswith("w")


def neuron_groups(order: Sequence[Value]) -> dict[Value, str]:
    """Neuron ('L0.N3') of every node tied to one by the parameter labels (see PARAM_LABEL).

    A node belongs to a neuron when it takes one of its parameters (w*x, b + ..., a fused
    "linear"), when it sums such terms (every non-constant input in the neuron, one of them
    taking a weight), or when it is an activation of the neuron's sum. Whatever consumes an
    activation (the next layer aside) or a finished sum, such as a loss, stays outside.
    """
    groups: dict[Value, str] = {}
    direct: set[Value] = set()
    for node in order:
        if node.is_leaf:
            m = PARAM_LABEL.match(node.label)
            if m:
                groups[node] = f"L{m[1]}.N{m[2]}"
            continue
        g = _param_group(node)
        if g is not None:
            groups[node] = g
            if weighted_sum(node) or any(_is_weight(c) for c in node.inputs):
                direct.add(node)  # a weighted term: what sums of the neuron are made of
            continue
        ins = [c for c in node.inputs if c.operation is not CONST]
        found = {groups.get(c) for c in ins}
        if len(found) != 1:
            continue
        group = found.pop()
        if group is None:
            continue
        activation = is_activation(node) and not is_activation(ins[0])
        if activation or (len(node.inputs) > 1 and any(c in direct for c in ins)):
            groups[node] = group
    return groups


def _op_label(node: Value) -> str:
    name = node.op
    sym = OPS[name].symbol if name in OPS else name
    form = _shown(node).form
    if node.params and "{base}" in form and "{1}" not in form:
        # "^2", not "x^2": a learner's own node may be called x
        return form.format(base="", **{f"p{i}": fmt(k) for i, k in enumerate(node.params)})
    if node.params:
        return f"{sym}({', '.join(fmt(p) for p in node.params)})"
    return sym


_ORDINALS = ("1st", "2nd", "3rd")


def _edge_names(node: Value) -> Sequence[str]:
    """Edge labels where the order of operands matters (``−``, ``÷``, ``max``...): "1st",
    "2nd", which no name can be (the rule's own x and y could be a learner's node names)."""
    p = node.operation.row if node.operation is not None else None
    shown = p.meta.display if p is not None else None
    if p is None or len(p.inputs) < 2 or (shown and shown.infix and shown.associative):
        return ()
    return [_ORDINALS[i] if i < len(_ORDINALS) else f"{i + 1}th" for i in range(len(p.inputs))]


class _Options(TypedDict):
    """The drawing options every node shares (see :func:`to_dot`)."""

    grads: Mapping[Value, float] | None
    highlight: Value | None
    grad_flow: bool
    computed: set[Value] | None
    quantity: str  # what the third field shows: "grad" (reverse mode) or "tangent" (forward)
    path: frozenset[Value]  # an AnomalyError's way from the output down to its node
    given_only: bool  # a node missing from ``grads`` shows no gradient field (not "·")


class _Dot:
    """Collects the lines of one drawing; knows the options that every node shares."""

    def __init__(self, root: Value, opts: _Options) -> None:
        self.root = root
        self.opts = opts
        self.lines: list[str] = []
        self.group_of: Mapping[Value, str] = {}
        self.names: Mapping[Value, str] = {}
        self.seen: set[str] = set()  # what the legend has to explain: kinds, '·', '?'

    def grad(self, node: Value) -> float | None:
        grads = self.opts["grads"]
        return node.grad if grads is None else grads.get(node)

    def value_node(self, node: Value, vid: str, params: Sequence[Value]) -> str:
        k = kind(node, self.root, params)
        style, fill, border = KIND_STYLE[k]
        computed = self.opts["computed"]
        known = computed is None or node in computed
        data = fmt(node.data) if known else "?"
        g = self.grad(node)
        head = "const" if k == "const" and not node.label else self.names.get(node, node.label)
        no_field = g is None and self.opts["given_only"]
        marks = (["?"] if not known else []) + (["·"] if g is None and not no_field else [])
        self.seen.update([k, *marks])
        fields = [escape_record(head)] if head else []
        fields.append(f"data {escape_record(data)}")
        if not no_field:
            shown = escape_record(fmt(g)) if g is not None else "·"
            fields.append(f"{self.opts['quantity']} {shown}")
        if self.opts["grad_flow"] and g is not None and k != "const":
            fill = flow_colour(g)  # the kind still shows in the border colour and style
            if g == 0:  # exactly zero: a dead ReLU, or an input the output does not depend on
                style += ",dashed"
            attrs_extra = [f"fontcolor={text_colour_on(fill)}", "penwidth=2"]
        else:
            attrs_extra = []
        attrs = [f'label="{{{" | ".join(fields)}}}"', "shape=record", f'fillcolor="{fill}"']
        attrs += [f'color="{border}"', *attrs_extra]
        if not known:
            style += ",dotted"
            attrs.append("fontcolor=gray50")
        attrs.append(f'style="{style}"')
        if node is self.opts["highlight"]:
            attrs += [f'color="{HIGHLIGHT}"', "penwidth=4", 'class="current"']
            self.seen.add("current")
        elif node in self.opts["path"]:
            attrs += [f'color="{HIGHLIGHT}"', "penwidth=2"]
        return f"  {vid} [{' '.join(attrs)}];"

    def op_node(self, node: Value, vid: str) -> str:
        label = escape_string(_op_label(node))
        attrs = f'label="{label}" shape=ellipse style=filled fillcolor="#f4f4f4"'
        if node is self.opts["highlight"]:
            attrs += f' color="{HIGHLIGHT}" penwidth=3'
        computed = self.opts["computed"]
        if computed is not None and node not in computed:
            return f"  {vid}_op [{attrs}];"  # its value is still the learner's to work out
        if node.data == 0 and _shown(node).dead_at_zero:
            attrs += ' xlabel="dead" fontcolor="#b00000"'
        return f"  {vid}_op [{attrs}];"


def _cell(text: str, fill: str = "#ffffff", border: str = "#ffffff", style: str = "") -> str:
    """One swatch of the legend: a table cell in an HTML-like label (our text only)."""
    extra = f' STYLE="{style}"' if style else ""
    font = text_colour_on(fill) if fill.startswith("#") else "black"
    return (
        f'<TD BGCOLOR="{fill}" COLOR="{border}"{extra}>'
        f'<FONT POINT-SIZE="9" COLOR="{font}">{text}</FONT></TD>'
    )


def legend_cells(seen: set[str], grad_flow: bool, quantity: str = "grad") -> list[str]:
    """The legend's swatches: only the kinds drawn, then a key to the marks in the drawing.

    With ``grad_flow`` the fill shows ``|grad|``, so a kind is told by its border alone.

    >>> [c.split(">")[2].split("<")[0] for c in legend_cells({"input", "·"}, False)]
    ['input', 'grad · = not computed yet']
    """
    cells = []
    for k, (style, fill, border) in KIND_STYLE.items():
        if k in seen:
            dashed = "dashed" if "dashed" in style else ""
            cells.append(_cell(k, "#ffffff" if grad_flow else fill, border, dashed))
    if grad_flow:
        for e in (-8, -4, 0, 4):
            c = flow_colour(10.0**e)
            cells.append(_cell(f"|grad| 1e{e}", c, c))
        cells.append(_cell("grad 0", "#000000", "#000000", "dashed"))
    if "current" in seen:
        cells.append(_cell("current step", border=HIGHLIGHT))
    if "·" in seen:
        cells.append(_cell(f"{quantity} · = not computed yet", border="#bbbbbb"))
    if "?" in seen:
        cells.append(_cell("data ? = not computed yet", border="#bbbbbb", style="dotted"))
    return cells


def _graph_label(title: str, cells: Sequence[str]) -> list[str]:
    """The title and the legend above the drawing, as one HTML-like label (text escaped)."""
    if not title and not cells:
        return []
    rows = []
    lines = title.split("\n") if title else []
    span = len(cells)
    if cells and lines:
        # Graphviz widens every column of a row shorter than the title: two empty cells at the
        # ends take the room instead (a guess from character counts), so swatches stay small.
        room = max(len(line) for line in lines) * 7.5 - sum(6 + 5.5 * len(c) for c in _texts(cells))
        if room > 20:
            pad = f'<TD BORDER="0" WIDTH="{int(room / 2)}"></TD>'
            cells = [pad, *cells, pad]
            span += 2
    if lines:
        text = "<BR/>".join(escape_html_label(line) for line in lines)
        rows.append(
            f'<TR><TD BORDER="0" COLSPAN="{max(span, 1)}">'
            f'<FONT POINT-SIZE="13">{text}</FONT></TD></TR>'
        )
    if cells:
        rows.append("<TR>" + "".join(cells) + "</TR>")
    table = '<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="3" CELLPADDING="2">'
    return [f"  label=<{table}{''.join(rows)}</TABLE>>; labelloc=t;"]


def _texts(cells: Sequence[str]) -> list[str]:
    return [re.sub(r"<[^>]*>", "", c) for c in cells]


def dot_body(
    root: Value,
    *,
    grads: Mapping[Value, float] | None = None,
    computed: Iterable[Value] | None = None,
    highlight: Value | AnomalyError | None = None,
    grad_flow: bool = False,
    quantity: str = "grad",
    params: Sequence[Value] = (),
    max_nodes: int | None = 150,
    legend: bool = True,
    title: str = "",
    expand: bool = False,
    given_only: bool = False,
) -> list[str]:
    """The lines inside ``digraph { ... }``; see :func:`to_dot` for the options."""
    if not isinstance(root, Value):
        raise TypeError(f"to_dot: root must be a Value, got {type(root).__name__}")
    if not isinstance(title, str):
        raise TypeError(f"to_dot: title must be a str, got {type(title).__name__}")
    path: Sequence[Value] = ()
    if isinstance(highlight, AnomalyError):  # its node outlined, the way to it in red
        path, highlight = highlight.path, highlight.node
    if quantity not in ("grad", "tangent"):
        raise ValueError(f"to_dot: quantity must be 'grad' or 'tangent', got {quantity!r}")
    if expand:
        root, stands_for = expansion(root)
        grads = None if grads is None else translate(grads, stands_for)
        marks = {v: 0.0 for v in computed} if computed is not None else None
        computed = None if marks is None else translate(marks, stands_for)
        highlight = next((n for n, o in reversed(stands_for.items()) if o is highlight), highlight)
    order = forward_order(root)
    opts: _Options = {
        "grads": grads,
        "highlight": cast("Value | None", highlight),
        "grad_flow": grad_flow,
        "computed": None if computed is None else set(computed),
        "quantity": quantity,
        "path": frozenset(path),
        "given_only": given_only and grads is not None,
    }
    d = _Dot(root, opts)
    d.names = node_names(order)
    groups = neuron_groups(order)
    collapse = max_nodes is not None and len(order) > max_nodes and len(set(groups.values())) > 0
    if collapse:
        body = collapsed_lines(d, order, groups, params)
        note = (
            f"{len(order)} nodes > max_nodes={max_nodes}: each neuron drawn as one box "
            "(pass max_nodes=None to draw every node)"
        )
        title = f"{title}\n{note}" if title else note
    else:
        body = _full_lines(d, order, groups, params)
    head = [
        "  compound=true;",
        "  graph [fontname=Helvetica];",
        "  node [fontname=Helvetica fontsize=11];",
        "  edge [color=gray40 arrowsize=0.7 fontname=Helvetica fontsize=9];",
    ]
    cells = legend_cells(d.seen, grad_flow, quantity) if legend else []
    return head + _graph_label(title, cells) + body


def _full_lines(
    d: _Dot, order: Sequence[Value], groups: Mapping[Value, str], params: Sequence[Value]
) -> list[str]:
    ids = {node: f"v{i}" for i, node in enumerate(order)}
    clusters: dict[str, list[str]] = {}
    lines: list[str] = []
    edges: list[str] = []
    for node in order:
        vid = ids[node]
        block = [d.value_node(node, vid, params)]
        if not node.is_leaf:
            block.append(d.op_node(node, vid))
            edges.append(f"  {vid}_op -> {vid};")
            names = _edge_names(node)
            for i, child in enumerate(node.inputs):
                lab = f' [label="{escape_string(names[i])}"]' if names else ""
                edges.append(f"  {ids[child]} -> {vid}_op{lab};")
        g = groups.get(node)
        if g is None:
            lines += block
        else:
            clusters.setdefault(g, []).extend(block)
    for name, block in clusters.items():
        cid = name.replace(".", "_")
        lines += [
            f"  subgraph cluster_{cid} {{",
            f'    label="{name}"; color=gray60;',
            *block,
            "  }",
        ]
    return lines + edges


def to_dot(root: Value, rankdir: str = "LR", **options: Any) -> str:
    """The graph behind ``root`` as Graphviz DOT text; needs no package and no program.

    One record per Value (label, data, grad), one small node per operation, edges in a fixed
    order. Options: ``grad_flow`` colours nodes by ``|grad|`` on a log scale and marks exact zeros;
    ``grads`` shows these gradients instead of ``.grad`` (``quantity="tangent"``: these are
    forward-mode tangents, and the boxes say so); ``highlight`` outlines one node (given an
    ``AnomalyError``, its node, with the path from the output to it in red);
    ``computed`` shows data only for these nodes; ``params`` marks extra leaves as parameters;
    ``max_nodes`` (default 150) draws each neuron of a bigger network as one box, with a note;
    ``given_only`` (with ``grads``) leaves the gradient field out of a node ``grads`` lacks,
    for a drawing that never computes those (rather than "·", "not computed yet").

    >>> x, w = Value(2.0, "x"), Value(-3.0, "w")
    >>> y = x * w
    >>> y.backward()
    >>> text = to_dot(y, legend=False)
    >>> [line.split(" shape")[0] for line in text.splitlines() if line.startswith("  v0 [")]
    ['  v0 [label="{x | data 2 | grad -3}"']
    """
    _check_rankdir(rankdir)
    body = dot_body(root, **options)
    return "\n".join(["digraph autograd {", f"  rankdir={rankdir};", *body, "}"]) + "\n"


def _check_rankdir(rankdir: str) -> None:
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"to_dot: rankdir must be LR, RL, TB or BT, got {rankdir!r}")


def draw_dot(root: Value, rankdir: str = "LR", **options: Any) -> Any:
    """A ``graphviz.Digraph`` of the graph (needs the ``viz`` extra); shows inline in Jupyter.

    Takes the options of :func:`to_dot`. In a notebook without the ``dot`` program the front
    end draws it (the wasm Graphviz of :mod:`autograd.viz.inpage`); ``.render()`` and saving
    SVG or PNG files then raise :class:`GraphvizNotFound`, which says how to install ``dot``.

    >>> x = Value(2.0, "x")
    >>> g = draw_dot(x.tanh())
    >>> g.source == to_dot(x.tanh())
    True
    """
    try:
        import graphviz
    except ImportError as e:
        raise ImportError(
            "draw_dot needs the graphviz package: pip install 'scalar-autograd[viz]'"
        ) from e
    _check_rankdir(rankdir)
    body = [f"  rankdir={rankdir};", *dot_body(root, **options)]
    return drawing_class(graphviz)("autograd", body=[line + "\n" for line in body])


def _shown(node: Value) -> Display:
    """The display column of the node's row (a plain call for a user primitive or a leaf)."""
    op = node.operation
    return op.row.meta.display if op is not None and op.row is not None else Display()
