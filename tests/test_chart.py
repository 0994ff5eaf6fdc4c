"""autograd.viz.chart: SVG plots without matplotlib (what the notebooks draw in the browser)."""

from __future__ import annotations

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
    # XML cannot hold most control characters at all (and reads \r as \n): left out here
    clean = [
        "".join(c for c in s if c in "\t\n" or (c >= " " and c not in "\ufffe\uffff"))
        for s in (title, xlabel, label)
    ]
    chart = LineChart(title=clean[0], xlabel=clean[1]).plot([1.0, 2.0], label=clean[2] or "x")
    svg = chart.svg()
    root = ET.fromstring(svg)  # well-formed whatever the text
    shown = texts(svg)
    for text in (clean[0], clean[1], clean[2] or "x"):
        assert text in shown
    # no element or attribute came from the text: the same tags as with plain labels
    plain = ET.fromstring(LineChart(title="t", xlabel="x").plot([1.0, 2.0], label="l").svg())
    assert [e.tag for e in root.iter()] == [e.tag for e in plain.iter()]
    assert chart._repr_svg_() == svg
