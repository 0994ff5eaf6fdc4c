"""Plots as SVG without matplotlib: loss curves and decision boundaries where matplotlib is not
available, as in the notebooks' JupyterLite site (Pyodide's matplotlib is on neither PyPI nor
npm, so that site does not serve it).

Both show inline in Jupyter (``_repr_svg_``). Every text given (titles, labels) is escaped: it
is shown as text and never becomes markup.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from html import escape

from ..core.modes import no_grad
from ..nn.modules import MLP
from ..nn.training import class_labels

COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")
LEFT, RIGHT, TOP, BOTTOM = 64, 130, 30, 44  # margins around the plotting area, in px
LOG10_MAX = math.log10(sys.float_info.max)  # 308.25: the highest tick a log axis can mark


class Svg(str):
    """SVG text that Jupyter shows as a picture.

    >>> Svg("<svg></svg>")._repr_svg_()
    '<svg></svg>'
    """

    def _repr_svg_(self) -> str:
        return str(self)


def shown_text(text: str) -> str:
    r"""``text`` as SVG can hold it: line breaks and tabs become spaces, and the characters XML
    forbids (other control characters, lone surrogates) become U+FFFD, so that no label can
    make the picture unreadable. Escaping (``&``, ``<``) comes after.

    >>> shown_text("loss\nper epoch\x1f") == "loss per epoch\ufffd"
    True
    """
    return "".join(
        " "
        if c in "\t\n\r"
        else "\ufffd"
        if c < " " or "\ud800" <= c <= "\udfff" or c in "\ufffe\uffff"
        else c
        for c in text
    )


def _text(x: float, y: float, text: str, anchor: str = "middle", extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="12"{extra}>'
        f"{escape(shown_text(text))}</text>"
    )


def _frame(
    width: int, height: int, title: str, xlabel: str, ylabel: str, right: int = RIGHT
) -> list[str]:
    w, h = width - LEFT - right, height - TOP - BOTTOM
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="white"/>',
        _text(LEFT + w / 2, 18, title, extra=' font-weight="bold"'),
        _text(LEFT + w / 2, height - 8, xlabel),
        _text(16, TOP + h / 2, ylabel, extra=f' transform="rotate(-90 16 {TOP + h / 2:.1f})"'),
        f'<rect x="{LEFT}" y="{TOP}" width="{w}" height="{h}" fill="none" stroke="#444"/>',
    ]


def axis_range(lo: float, hi: float, room: float | None = None) -> tuple[float, float]:
    """The range an axis shows for finite data from ``lo`` to ``hi``: the data's own, or, when
    it is a single value, that value with ``room`` on each side (by default half its size, at
    least 0.5), never past the largest float.

    >>> axis_range(1.0, 3.0), axis_range(2.0, 2.0), axis_range(1e308, 1e308)
    ((1.0, 3.0), (1.0, 3.0), (5e+307, 1.5e+308))
    >>> axis_range(-1.5e308, -1.5e308)
    (-1.7976931348623157e+308, -7.5e+307)
    """
    if hi > lo:
        return lo, hi
    room = max(1.0, abs(lo)) / 2 if room is None else room
    most = sys.float_info.max  # past ±1.2e308 the room would overflow: stop at the largest float
    return max(lo - room, -most), min(lo + room, most)


def fraction(v: float, lo: float, hi: float) -> float:
    """Where ``v`` lies from ``lo`` (0) to ``hi`` (1), for any finite ``lo < hi``: from
    -1e308 to 1e308 (whose difference overflows) as from 0 to 5e-324 (a subnormal step).

    >>> fraction(0.0, -1e308, 1e308), fraction(5e-324, 0.0, 5e-324), fraction(2.0, 1.0, 5.0)
    (0.5, 1.0, 0.25)
    """
    if math.isfinite(hi - lo):
        return (v - lo) / (hi - lo)
    return (v / 2 - lo / 2) / (hi / 2 - lo / 2)  # halves: no difference exceeds the floats


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """About ``count`` round values (1, 2 or 5 times a power of ten apart) from ``lo`` to
    ``hi``, as a reader would mark an axis; the two ends when the range is too narrow for a
    power of ten (subnormal floats).

    >>> nice_ticks(1, 50)
    [10.0, 20.0, 30.0, 40.0, 50.0]
    >>> nice_ticks(-0.3, 1.0)
    [0.0, 0.5, 1.0]
    >>> nice_ticks(-1e308, 1e308)
    [-1e+308, -5e+307, 0.0, 5e+307, 1e+308]
    """
    if not hi > lo:
        return [lo]
    rough = hi / count - lo / count  # not (hi - lo) / count: that overflows from -1e308 to 1e308
    if rough < sys.float_info.min:  # a power of ten this small is not a float
        return [lo, hi]
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    first = math.ceil(lo / step - 1e-9)
    ticks = [k * step for k in range(first, math.floor(hi / step + 1e-9) + 1)]
    return [round(t, 12) + 0.0 for t in ticks]  # no 0.30000000000000004, no -0.0


class LineChart:
    """Lines over a shared x axis, y on a linear or log scale, with a legend; ``plot`` returns
    the chart, so calls chain.

    >>> chart = LineChart(title="loss", xlabel="epoch", log=True)
    >>> svg = chart.plot([1.0, 0.5, 0.1], label="SGD").plot([1.0, 0.2, 0.01], label="Adam").svg()
    >>> svg.count("<polyline"), "SGD" in svg and "Adam" in svg
    (2, True)
    """

    def __init__(
        self,
        title: str = "",
        xlabel: str = "",
        ylabel: str = "",
        log: bool = False,
        width: int = 560,
        height: int = 320,
    ) -> None:
        self.title, self.xlabel, self.ylabel, self.log = title, xlabel, ylabel, log
        self.width, self.height = width, height
        self.lines: list[tuple[list[float], list[float], str]] = []

    def plot(
        self, ys: Sequence[float], xs: Sequence[float] | None = None, label: str = ""
    ) -> LineChart:
        """Add a line through ``(xs[i], ys[i])`` (``xs`` defaults to 0, 1, 2, ...).

        >>> chart = LineChart().plot([3.0, 1.0], label="loss").plot([0.5, 0.2], [1, 2])
        >>> [(xs, label) for xs, _, label in chart.lines]
        [([0.0, 1.0], 'loss'), ([1.0, 2.0], '')]
        """
        xs = list(range(len(ys))) if xs is None else list(xs)
        if len(xs) != len(ys):
            raise ValueError(f"LineChart.plot: {len(xs)} x values but {len(ys)} y values")
        self.lines.append(([float(x) for x in xs], [float(y) for y in ys], str(label)))
        return self

    def _y(self, y: float) -> float | None:
        if not math.isfinite(y) or (self.log and y <= 0):
            return None  # not drawable on this scale: left out, as matplotlib masks it
        return math.log10(y) if self.log else y

    def svg(self) -> Svg:
        """The chart as SVG text.

        >>> svg = LineChart(title="loss").plot([2.0, 1.0]).svg()
        >>> svg.startswith("<svg") and svg.count("<polyline")
        1
        """
        points = [
            [(x, self._y(y)) for x, y in zip(xs, ys, strict=True)] for xs, ys, _ in self.lines
        ]
        shown = [(x, y) for line in points for x, y in line if y is not None and math.isfinite(x)]
        # the legend's room: the longest label at about 7 px a character, after its line
        right = max(RIGHT, 40 + 7 * max((len(label) for *_, label in self.lines), default=0))
        width = self.width - RIGHT + right  # the plotting area keeps its size
        out = _frame(width, self.height, self.title, self.xlabel, self.ylabel, right)
        if not shown:
            return Svg("\n".join([*out, "</svg>"]))
        x0, x1 = axis_range(min(p[0] for p in shown), max(p[0] for p in shown))
        # on a log scale y is a power of ten: one value gets half a decade on each side
        y0, y1 = axis_range(
            min(p[1] for p in shown), max(p[1] for p in shown), 0.5 if self.log else None
        )
        w, h = self.width - LEFT - RIGHT, self.height - TOP - BOTTOM

        def px(x: float) -> float:
            return LEFT + fraction(x, x0, x1) * w

        def py(y: float) -> float:
            return TOP + h - fraction(y, y0, y1) * h

        def at(x: float, y: float) -> str:
            return f"{px(x):.1f},{py(y):.1f}"

        for tx in nice_ticks(x0, x1):
            out.append(_text(px(tx), TOP + h + 16, f"{tx:.4g}"))
        # a log scale is marked at whole decades when it spans two or more of them
        # (only the decades of floats: 1e-323 to 1e308)
        decades = list(range(max(-323, math.ceil(y0)), min(308, math.floor(y1)) + 1))
        decades = decades if self.log else []
        decades = decades[:: math.ceil(len(decades) / 8)] if decades else []  # 8 at most
        for ty in decades if len(decades) >= 2 else nice_ticks(y0, y1):
            if self.log and ty > LOG10_MAX:
                continue  # a tick above the largest float, in the room around 1e308
            value = 10.0**ty if self.log else ty
            out.append(_text(LEFT - 6, py(ty) + 4, f"{value:.3g}", anchor="end"))
        for i, (line, (_, _, label)) in enumerate(zip(points, self.lines, strict=True)):
            colour = COLOURS[i % len(COLOURS)]
            coords = " ".join(at(x, y) for x, y in line if y is not None and math.isfinite(x))
            out.append(
                f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
            if label:
                ly = TOP + 12 + 18 * i
                out.append(
                    f'<line x1="{LEFT + w + 10}" y1="{ly - 4}" x2="{LEFT + w + 28}" '
                    f'y2="{ly - 4}" stroke="{colour}" stroke-width="2"/>'
                )
                out.append(_text(LEFT + w + 32, ly, label, anchor="start"))
        return Svg("\n".join([*out, "</svg>"]))

    def _repr_svg_(self) -> str:
        return str(self.svg())


def boundary_chart(
    model: MLP,
    X: Sequence[Sequence[float]],
    y: Sequence[int],
    *,
    grid: int = 30,
    title: str = "decision boundary",
    size: int = 340,
) -> Svg:
    """The plane coloured by the class ``model`` picks (one output: its sign; several: the
    largest) on a ``grid`` x ``grid`` lattice, with the points of ``X`` coloured by ``y``.

    >>> from autograd.nn import MLP
    >>> svg = boundary_chart(MLP(2, [4, 1], seed=0), [[0, 1], [1, 0]], [0, 1], grid=4)
    >>> svg.count("<circle"), svg.count('class="cell"')
    (2, 16)
    """
    classes = _check_boundary_input(model, X, y, grid)
    xs, ys = [float(p[0]) for p in X], [float(p[1]) for p in X]
    lo_x, hi_x = _padded(min(xs), max(xs))
    lo_y, hi_y = _padded(min(ys), max(ys))
    width, height = size + LEFT + RIGHT, size + TOP + BOTTOM
    out = _frame(width, height, title, "input x0", "input x1")
    cell = size / grid
    out.append('<g opacity="0.3">')  # one opacity for all cells: no darker seams where they meet
    with no_grad():  # looking only: no graph
        for i in range(grid):
            for j in range(grid):
                a = _between(lo_x, hi_x, (i + 0.5) / grid)
                b = _between(lo_y, hi_y, (j + 0.5) / grid)
                colour = COLOURS[_predicted(model([a, b])) % len(COLOURS)]
                out.append(
                    f'<rect x="{LEFT + i * cell:.1f}" y="{TOP + size - (j + 1) * cell:.1f}" '
                    f'width="{cell + 0.5:.1f}" height="{cell + 0.5:.1f}" fill="{colour}" '
                    'class="cell"/>'
                )
    out.append("</g>")
    for a, b, label in zip(xs, ys, y, strict=True):
        px = LEFT + fraction(a, lo_x, hi_x) * size
        py = TOP + size - fraction(b, lo_y, hi_y) * size
        out.append(
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{COLOURS[label % len(COLOURS)]}" '
            f'stroke="black" stroke-width="0.6"/>'
        )
    for c in range(classes):
        ly = TOP + 12 + 18 * c
        out.append(
            f'<rect x="{LEFT + size + 10}" y="{ly - 10}" width="12" height="12" '
            f'fill="{COLOURS[c % len(COLOURS)]}" stroke="black"/>'
        )
        out.append(_text(LEFT + size + 28, ly, f"class {c}", anchor="start"))
    return Svg("\n".join([*out, "</svg>"]))


def _check_boundary_input(
    model: MLP, X: Sequence[Sequence[float]], y: Sequence[int], grid: object
) -> int:
    """The number of classes ``model`` tells apart (a single output: 2, by its sign); a
    ValueError in the caller's terms for what cannot be drawn."""
    if isinstance(grid, bool) or not isinstance(grid, int) or grid < 1:
        raise ValueError(f"boundary_chart: grid must be a whole number of cells >= 1, got {grid!r}")
    if len(X) == 0 or len(X) != len(y):
        raise ValueError(f"boundary_chart: {len(X)} points but {len(y)} labels (at least one each)")
    if any(len(p) != 2 or not all(math.isfinite(v) for v in p) for p in X):
        raise ValueError("boundary_chart: every point must be two finite numbers (x0, x1)")
    labels = class_labels(y, "boundary_chart")
    outputs = model.layers[-1].nout
    classes = 2 if outputs == 1 else outputs
    if max(labels) >= classes:
        told = "one output, whose sign picks class 0 or 1" if outputs == 1 else f"{outputs} outputs"
        raise ValueError(
            f"boundary_chart: label {max(labels)} is not a class the model can pick: it has {told}"
        )
    return classes


def _padded(lo: float, hi: float) -> tuple[float, float]:
    """The data's range with half a unit of room on each side, or room in proportion where a
    half is lost in rounding (at 1e17 and beyond)."""
    room = max(0.5, (abs(lo) + abs(hi)) * 1e-3)
    return max(lo - room, -sys.float_info.max), min(hi + room, sys.float_info.max)


def _between(lo: float, hi: float, t: float) -> float:
    """The point a fraction ``t`` of the way from ``lo`` to ``hi`` (both finite, any size)."""
    return lo + (hi - lo) * t if math.isfinite(hi - lo) else lo * (1 - t) + hi * t


def _predicted(out: object) -> int:
    """The class a model's output picks: the sign of one score, or the largest of several."""
    if isinstance(out, list):
        return max(range(len(out)), key=lambda k: out[k].data)
    return int(out.data > 0)  # type: ignore[attr-defined]
