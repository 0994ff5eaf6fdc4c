"""autograd.viz.chart: SVG plots without matplotlib (what the notebooks draw in the browser)."""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd.nn import MLP
from autograd.viz.chart import LineChart, boundary_chart

NS = "{http://www.w3.org/2000/svg}"


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{NS}text")]


def polyline(svg: str, k: int = 0) -> list[tuple[float, float]]:
    line = list(ET.fromstring(svg).iter(f"{NS}polyline"))[k]
    return [tuple(map(float, p.split(","))) for p in line.get("points", "").split()]


def test_a_falling_loss_is_drawn_falling_and_log_scale_spreads_decades():
    svg = LineChart(log=True).plot([100.0, 10.0, 1.0], label="loss").svg()
    (x0, y0), (x1, y1), (x2, y2) = polyline(svg)
    assert x0 < x1 < x2 and y0 < y1 < y2  # falling values: lower on the page (larger y)
    assert y1 - y0 == pytest.approx(y2 - y1)  # one decade each: equal steps on a log scale
    assert "loss" in texts(svg)


def test_values_a_log_scale_cannot_show_are_left_out_not_drawn_as_nan():
    svg = LineChart(log=True).plot([1.0, 0.0, float("nan"), 0.1]).svg()
    assert len(polyline(svg)) == 2 and "nan" not in svg.lower()


def test_x_and_y_of_different_lengths_are_refused_naming_the_method():
    with pytest.raises(ValueError, match=r"LineChart\.plot: 2 x values but 3 y values"):
        LineChart().plot([1, 2, 3], [0, 1])


def test_an_empty_chart_is_still_an_svg():
    assert ET.fromstring(LineChart(title="nothing yet").svg()).tag == f"{NS}svg"


def test_the_boundary_colours_every_cell_by_the_models_class_and_shows_each_point():
    model = MLP(2, [4, 3], seed=0)
    X, y = [[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]], [0, 1, 2]
    svg = boundary_chart(model, X, y, grid=5)
    root = ET.fromstring(svg)
    assert len([r for r in root.iter(f"{NS}rect") if r.get("class") == "cell"]) == 25
    assert len(list(root.iter(f"{NS}circle"))) == 3
    assert {"class 0", "class 1", "class 2"} <= set(texts(svg))


@given(st.text(max_size=40), st.text(max_size=40), st.text(max_size=40))
def test_titles_and_labels_stay_text_never_markup(title, xlabel, label):
    from autograd.viz.chart import shown_text

    # any text, control characters included (XML cannot hold most of them: they are replaced)
    chart = LineChart(title=title, xlabel=xlabel).plot([1.0, 2.0], label=label or "x")
    svg = chart.svg()
    root = ET.fromstring(svg)  # well-formed whatever the text
    shown = texts(svg)
    for text in (title, xlabel, label or "x"):
        assert shown_text(text) in shown
    # no element or attribute came from the text: the same tags as with plain labels
    plain = ET.fromstring(LineChart(title="t", xlabel="x").plot([1.0, 2.0], label="l").svg())
    assert [e.tag for e in root.iter()] == [e.tag for e in plain.iter()]
    assert chart._repr_svg_() == svg


@given(
    st.floats(-1e6, 1e6, allow_nan=False),
    st.floats(1e-6, 1e6, allow_nan=False),
)
def test_axis_ticks_are_round_evenly_spaced_and_inside_the_range(lo, relative):
    from autograd.viz.chart import nice_ticks

    span = relative * max(abs(lo), 1.0)  # an axis spans more than rounding of its ends
    hi = lo + span
    ticks = nice_ticks(lo, hi)
    assert 2 <= len(ticks) <= 11, ticks
    tol = 1e-9 * max(abs(lo), abs(hi), span)
    assert all(lo - tol <= t <= hi + tol for t in ticks), (lo, hi, ticks)
    steps = [b - a for a, b in itertools.pairwise(ticks)]
    step = steps[0]
    assert all(abs(s - step) <= 1e-6 * step + tol for s in steps)
    mantissa = step / 10 ** math.floor(math.log10(step) + 1e-9)
    assert min(abs(mantissa - m) for m in (1, 2, 5, 10)) < 1e-6, step


def test_a_log_axis_is_marked_at_whole_decades():
    svg = LineChart(log=True).plot([100.0, 10.0, 1.0, 0.05]).svg()
    assert {"100", "10", "1", "0.1"} <= set(texts(svg))


@given(st.text(min_size=1, max_size=60))
def test_the_legend_has_room_for_its_longest_label_and_any_label_is_well_formed(label):
    from autograd.viz.chart import shown_text

    svg = LineChart().plot([1.0, 2.0], label=label).plot([2.0, 1.0], label="b").svg()
    root = ET.fromstring(svg)
    legend = [t for t in root.iter(f"{NS}text") if t.get("text-anchor") == "start"]
    assert legend and legend[0].text == shown_text(label)
    assert float(legend[0].get("x", 0)) + 7 * len(label) <= float(root.get("width", 0))


def test_a_log_axis_over_many_decades_gets_at_most_eight_marks():
    svg = LineChart(log=True).plot([10.0**-k for k in range(18)]).svg()
    marks = [t for t in texts(svg) if t.startswith("1e") or t in ("1", "0.1", "0.01")]
    assert 2 <= len(marks) <= 8, marks


# --- hostile data: finite extremes, labels a model cannot have, empty input ---

extreme_floats = st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from(
    [1e308, -1e308, 1.7976931348623157e308, 5e-324, -5e-324, 0.0, -0.0, 1e-310]
)


def coordinates(svg: str) -> list[float]:
    """Every number that places something in the picture: x, y, width, height, points."""
    out = []
    for element in ET.fromstring(svg).iter():
        for name in ("x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "width", "height"):
            if name in element.attrib:
                out.append(float(element.attrib[name]))
        for point in element.attrib.get("points", "").split():
            out += map(float, point.split(","))
    return out


@given(
    st.lists(st.lists(extreme_floats | st.just(math.inf), min_size=1, max_size=5), max_size=3),
    st.booleans(),
)
def test_any_finite_data_is_drawn_inside_the_picture(curves, log):
    chart = LineChart(log=log)
    for ys in curves:
        chart.plot(ys)
    svg = chart.svg()
    width, height = float(ET.fromstring(svg).get("width")), float(ET.fromstring(svg).get("height"))
    for v in coordinates(svg):
        assert math.isfinite(v) and -1 <= v <= max(width, height) + 1, v
    assert all("nan" not in t and "inf" not in t for t in texts(svg)[3:])  # the tick labels


@pytest.mark.parametrize(
    "ys",
    [
        [-1e308, 1e308],
        [0.0, 5e-324],
        [1.0, 1e300, 1e308, math.inf],
        [1e308, 1e308],
        [-1.5335691802617998e308],  # a single value past 1.2e308: its room once overflowed
    ],
)
def test_the_reported_extremes_draw(ys):
    for log in (False, True):
        assert coordinates(LineChart(log=log).plot(ys).svg())


@given(
    st.lists(st.tuples(extreme_floats, extreme_floats), min_size=1, max_size=4),
    st.data(),
)
def test_any_finite_points_draw_a_boundary_inside_the_picture(points, data):
    labels = data.draw(st.lists(st.integers(0, 1), min_size=len(points), max_size=len(points)))
    svg = boundary_chart(MLP(2, [2, 1], seed=0, activation="tanh"), points, labels, grid=3)
    assert svg.count('class="cell"') == 9 and svg.count("<circle") == len(points)
    assert all(math.isfinite(v) for v in coordinates(svg))


@pytest.mark.parametrize(
    ("outputs", "X", "y", "grid", "says"),
    [
        (1, [[0, 1], [1, 0]], [0, 7], 4, "label 7"),
        (3, [[0, 1], [1, 0]], [0, 3], 4, "label 3"),
        (1, [[0, 1], [1, 0]], [0, 1], 0, "grid"),
        (1, [], [], 4, "0 points"),
        (1, [[0, 1]], [-1], 4, "class numbers"),
    ],
)
def test_what_cannot_be_drawn_is_refused_in_the_callers_terms(outputs, X, y, grid, says):
    with pytest.raises(ValueError, match=says) as info:
        boundary_chart(MLP(2, [2, outputs], seed=0), X, y, grid=grid)
    assert str(info.value).startswith("boundary_chart: ")


def test_one_class_with_a_one_output_model_is_drawn_with_both_classes_it_can_pick():
    svg = boundary_chart(MLP(2, [2, 1], seed=0), [[0, 1], [1, 0]], [0, 0], grid=2)
    assert texts(svg)[-2:] == ["class 0", "class 1"]
