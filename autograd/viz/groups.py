"""Big-graph drawing: each neuron of a network collapsed into one box, grouped by layer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..core.op import CONST
from ..core.value import Value
from ..notation import fmt
from .style import HIGHLIGHT, escape_record, flow_colour


def absorb_constants(order: Sequence[Value], groups: Mapping[Value, str]) -> dict[Value, str]:
    """Groups extended with the constant leaves that only one neuron reads.

    A constant read by several neurons (an input point, which ``nn`` lifts to constants) stays
    outside, drawn once, with an edge to each neuron that reads it.

    >>> from autograd import Value
    >>> w = Value(1.0, "L0.N0.w0")
    >>> y = w * 2
    >>> from autograd.viz.dot import forward_order, neuron_groups
    >>> order = forward_order(y)
    >>> sorted(absorb_constants(order, neuron_groups(order)).values())
    ['L0.N0', 'L0.N0', 'L0.N0']
    """
    readers: dict[Value, set[str | None]] = {}
    for node in order:
        for child in node.inputs:
            if child.operation is CONST and child not in groups:
                readers.setdefault(child, set()).add(groups.get(node))
    out = dict(groups)
    for const, who in readers.items():
        if len(who) == 1 and None not in who:
            out[const] = next(iter(who))  # type: ignore[assignment]  # None was excluded
    return out


def _summary(
    members: list[Value], order_index: Mapping[Value, int], names: Mapping[Value, str]
) -> dict[str, Any]:
    params = [v for v in members if v.is_leaf and v.operation is not CONST]
    interior = sorted((v for v in members if not v.is_leaf), key=order_index.__getitem__)
    last = interior[-1] if interior else members[-1]
    shown = name_ranges([names[v] for v in interior if v in names])
    return {"params": params, "n": len(members), "out": last, "names": shown}


def name_ranges(names: Sequence[str]) -> str:
    """Node names as the step texts use them, runs of numbers as ranges: what a box holds.

    >>> name_ranges(["n3", "n4", "n5", "n9", "y"])
    'n3–n5, n9, y'
    """
    parts: list[str] = []
    run: list[int] = []

    def close_run() -> None:
        if run:
            parts.append(f"n{run[0]}" if len(run) == 1 else f"n{run[0]}–n{run[-1]}")
            run.clear()

    for name in names:
        k = int(name[1:]) if name[:1] == "n" and name[1:].isdigit() else None
        if k is not None and (not run or k == run[-1] + 1):
            run.append(k)
            continue
        close_run()
        if k is not None:
            run.append(k)
        else:
            parts.append(name)
    close_run()
    return ", ".join(parts)


def collapsed_lines(
    d: Any, order: Sequence[Value], groups: Mapping[Value, str], params: Sequence[Value]
) -> list[str]:
    """DOT lines with one box per neuron (in one cluster per layer) and every other node as is.

    An edge between two boxes stands for all the edges between their members; its label counts
    them when there is more than one. A box shows the neuron's last value (its activation for
    the data point drawn last), how many nodes it holds, and its parameters' largest ``|grad|``.

    >>> from autograd.nn.modules import MLP
    >>> from autograd.viz.dot import to_dot
    >>> model = MLP(2, [4, 1], seed=0)
    >>> text = to_dot(model([0.5, -1.0]), max_nodes=5, params=model.parameters())
    >>> [line.strip() for line in text.splitlines() if "subgraph cluster_L" in line]
    ['subgraph cluster_L0 {', 'subgraph cluster_L1 {']
    """
    groups = d.group_of = absorb_constants(order, groups)
    index = {node: i for i, node in enumerate(order)}
    members: dict[str, list[Value]] = {}
    for node in order:
        if node in groups:
            members.setdefault(groups[node], []).append(node)
    ids: dict[Value, str] = {}
    lines: list[str] = []
    edges: dict[tuple[str, str], int] = {}  # (tail, head) -> how many graph edges
    for i, node in enumerate(order):
        if node in groups:
            ids[node] = "g_" + groups[node].replace(".", "_")
            continue
        vid = ids[node] = f"v{i}"
        lines.append(d.value_node(node, vid, params))
        if not node.is_leaf:
            lines.append(d.op_node(node, vid))
            edges[(f"{vid}_op", vid)] = 1
    layers: dict[str, list[str]] = {}
    for name, group in members.items():
        summary = _summary(group, index, d.names)
        layers.setdefault(name.split(".")[0], []).append(_box(d, name, summary))
    for layer, boxes in layers.items():
        lines += [f"  subgraph cluster_{layer} {{", f'    label="layer {layer}"; color=gray60;']
        lines += [f"  {b}" for b in boxes] + ["  }"]
    pairs: dict[tuple[str, str], int] = {}
    for node in order:
        if node.is_leaf:
            continue
        target = ids[node] if node in groups else f"{ids[node]}_op"
        for child in node.inputs:
            if ids[child] != ids[node]:
                key = (ids[child], target)
                pairs[key] = pairs.get(key, 0) + 1
    edges.update(pairs)
    lines += _bundled_edges(edges)
    return lines


def _box(d: Any, name: str, s: dict[str, Any]) -> str:
    out, params = s["out"], s["params"]
    grads = [d.grad(p) for p in params]
    known = [abs(g) for g in grads if g is not None]
    top = max(known) if known else None
    og = d.grad(out)
    shown = og is not None
    fields = [
        escape_record(name),
        *([escape_record(s["names"])] if s["names"] else []),  # as the step texts name them
        f"{s['n']} nodes, {len(params)} params",
        f"last out {escape_record(fmt(out.data))} grad {escape_record(fmt(og)) if shown else '·'}",
        f"max\\ \\|param\\ grad\\| {escape_record(fmt(top)) if top is not None else '·'}",
    ]
    style, fill = "filled", "#ffe4a8"
    extra = ""
    if d.opts["grad_flow"] and top is not None:
        fill = flow_colour(top)
        extra = " fontcolor=white" if top < 1e-4 else ""
        if top == 0:  # every parameter gradient exactly zero: a dead neuron
            style, extra = "filled,dashed,bold", ' fontcolor=white color="#ff3b30"'
    hl = d.opts["highlight"]
    if hl is not None and d.group_of.get(hl) == name:
        extra += f' color="{HIGHLIGHT}" penwidth=4 class="current"'
    gid = "g_" + name.replace(".", "_")
    label = " | ".join(fields)  # stacked: a narrow box, so many neurons fit across a page
    return f'  {gid} [label="{label}" shape=record style="{style}" fillcolor="{fill}"{extra}];'


def _layer(node_id: str) -> str | None:
    return node_id[2:].split("_")[0] if node_id.startswith("g_") else None


def _bundled_edges(edges: Mapping[tuple[str, str], int]) -> list[str]:
    """Edges, with those between one end and many boxes of a layer drawn once to the layer.

    Dense layers connect every neuron to every neuron; drawn one by one they hide the picture.
    An edge ending (or starting) at a layer's frame stands for all of them, labelled with the
    number of connections it replaces.
    """
    ends: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for a, b in edges:
        la, lb = _layer(a), _layer(b)
        key = (f"cluster_{la}" if la else a, f"cluster_{lb}" if lb else b)
        ends.setdefault(key, []).append((a, b))
    lines = []
    for (ta, tb), group in ends.items():
        if len(group) < 3:
            for a, b in group:
                n = edges[(a, b)]
                lines.append(f"  {a} -> {b}" + (f' [label="×{n}"];' if n > 1 else ";"))
            continue
        a, b = group[0]
        attrs = [f'label="{sum(edges[e] for e in group)} edges"', "penwidth=2"]
        if ta.startswith("cluster_"):
            attrs.append(f"ltail={ta}")
        if tb.startswith("cluster_"):
            attrs.append(f"lhead={tb}")
        lines.append(f"  {a} -> {b} [{' '.join(attrs)}];")
    return lines
