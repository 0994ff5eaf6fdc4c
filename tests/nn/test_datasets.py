"""Datasets: deterministic, the promised geometry and labels, a clean split."""

import math

import pytest

from autograd.nn.datasets import DATASETS, blobs, circles, moons, spirals, train_test_split, xor


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_deterministic_by_seed_and_well_formed(name):
    make = DATASETS[name]
    X, y = make(60, seed=3)
    assert (X, y) == make(60, seed=3)
    assert (X, y) != make(60, seed=4)
    assert len(X) == len(y) == 60
    assert all(len(x) == 2 and all(math.isfinite(v) for v in x) for x in X)
    assert min(y) == 0 and all(isinstance(c, int) for c in y)


def test_moons_shape():
    X, y = moons(200, noise=0.0)
    for (a, b), c in zip(X, y, strict=True):
        if c == 0:  # upper half circle around (0, 0)
            assert math.hypot(a, b) == pytest.approx(1.0) and b >= -1e-12
        else:  # lower half circle around (1, 0.5)
            assert math.hypot(a - 1, b - 0.5) == pytest.approx(1.0) and b <= 0.5 + 1e-12
    assert y.count(0) == y.count(1) == 100


def test_circles_and_xor_and_blobs():
    X, y = circles(40, noise=0.0, factor=0.3)
    assert {round(math.hypot(*x), 9) for x in X} == {1.0, 0.3}
    assert all((math.hypot(*x) > 0.5) == (c == 0) for x, c in zip(X, y, strict=True))
    X, y = xor(40, noise=0.0)
    assert all(
        abs(a) == abs(b) == 1.0 and c == int(a * b < 0) for (a, b), c in zip(X, y, strict=True)
    )
    X, y = blobs(90, k=3, std=0.01, seed=1)
    for c in range(3):
        pts = [x for x, cc in zip(X, y, strict=True) if cc == c]
        cx = sum(p[0] for p in pts) / len(pts)
        assert len(pts) == 30 and all(abs(p[0] - cx) < 0.1 for p in pts)


def test_spirals_classes_and_radius():
    X, y = spirals(100, k=4, noise=0.0)
    assert sorted(set(y)) == [0, 1, 2, 3] and [y.count(c) for c in range(4)] == [25] * 4
    assert max(math.hypot(*x) for x in X) == pytest.approx(1.0)


def test_split_partitions_examples():
    X, y = moons(40)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_fraction=0.25, seed=1)
    assert len(X_te) == 10 and len(X_tr) == 30
    assert sorted(map(tuple, X_tr + X_te)) == sorted(map(tuple, X))
    pairs = dict(zip(map(tuple, X), y, strict=True))
    assert all(pairs[tuple(x)] == c for x, c in zip(X_tr + X_te, y_tr + y_te, strict=True))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: moons(1), "n must be an int >= 2"),
        (lambda: moons(10, noise=-1), "noise"),
        (lambda: circles(10, factor=1.5), "factor"),
        (lambda: spirals(10, k=1), "k must be"),
        (lambda: train_test_split([[0, 0]] * 3, [0, 1]), "3 inputs but 2 labels"),
        (lambda: train_test_split([[0, 0]] * 3, [0] * 3, 1.5), "test_fraction"),
    ],
)
def test_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()
