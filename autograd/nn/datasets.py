"""Small 2-D classification datasets in pure Python, deterministic for a given seed.

Every generator returns ``(X, y)``: ``X`` a list of ``[x1, x2]`` float pairs and ``y`` a list of
int class labels ``0 .. k-1``. For a ±1 loss such as hinge use ``[2 * c - 1 for c in y]``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
Data = tuple[list[list[float]], list[int]]


def _check(n: object, noise: object, where: str) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"{where}: n must be an int >= 2, got {n!r}")
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not noise >= 0:
        raise ValueError(f"{where}: noise must be a number >= 0, got {noise!r}")


def _finish(points: list[tuple[float, float, int]], noise: float, rng: random.Random) -> Data:
    rng.shuffle(points)
    X = [[a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)] for a, b, _ in points]
    return X, [c for _, _, c in points]


def moons(n: int = 100, noise: float = 0.1, seed: int = 0) -> Data:
    """Two interleaving half circles: class 0 the upper one, class 1 the lower one.

    >>> X, y = moons(10, seed=1)
    >>> len(X), sorted(set(y)), y.count(0)
    (10, [0, 1], 5)
    """
    _check(n, noise, "moons")
    rng = random.Random(seed)
    n0 = n // 2
    pts = []
    for i in range(n0):
        t = math.pi * i / max(n0 - 1, 1)
        pts.append((math.cos(t), math.sin(t), 0))
    for i in range(n - n0):
        t = math.pi * i / max(n - n0 - 1, 1)
        pts.append((1.0 - math.cos(t), 0.5 - math.sin(t), 1))
    return _finish(pts, noise, rng)


def circles(n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: int = 0) -> Data:
    """Two concentric circles: class 0 of radius 1, class 1 of radius ``factor``.

    >>> X, y = circles(8, noise=0.0)
    >>> sorted(round(math.hypot(*x), 6) for x, c in zip(X, y) if c == 1)
    [0.5, 0.5, 0.5, 0.5]
    """
    _check(n, noise, "circles")
    if not 0.0 < factor < 1.0:
        raise ValueError(f"circles: factor must lie in (0, 1), got {factor!r}")
    rng = random.Random(seed)
    n0 = n // 2
    pts = []
    for i in range(n0):
        t = 2 * math.pi * i / n0
        pts.append((math.cos(t), math.sin(t), 0))
    for i in range(n - n0):
        t = 2 * math.pi * i / (n - n0)
        pts.append((factor * math.cos(t), factor * math.sin(t), 1))
    return _finish(pts, noise, rng)


def spirals(n: int = 150, k: int = 3, noise: float = 0.2, seed: int = 0) -> Data:
    """``k`` interleaved spiral arms, one class each: radius 0 to 1 over one turn, noisy angle.

    >>> X, y = spirals(30, k=3)
    >>> len(X), sorted(set(y))
    (30, [0, 1, 2])
    """
    _check(n, noise, "spirals")
    if isinstance(k, bool) or not isinstance(k, int) or k < 2:
        raise ValueError(f"spirals: k must be an int >= 2, got {k!r}")
    rng = random.Random(seed)
    pts = []
    for c in range(k):
        m = n // k + (1 if c < n % k else 0)
        for i in range(m):
            r = i / max(m - 1, 1)
            t = 2 * math.pi * (c / k + r) + rng.gauss(0.0, noise)
            pts.append((r * math.sin(t), r * math.cos(t), c))
    return _finish(pts, 0.0, rng)


def xor(n: int = 100, noise: float = 0.1, seed: int = 0) -> Data:
    """Points around the four corners (±1, ±1); class 1 where exactly one coordinate is positive.

    >>> X, y = xor(8, noise=0.0)
    >>> all(c == int((a > 0) != (b > 0)) for (a, b), c in zip(X, y))
    True
    """
    _check(n, noise, "xor")
    rng = random.Random(seed)
    corners = [(-1.0, -1.0), (-1.0, 1.0), (1.0, -1.0), (1.0, 1.0)]
    pts = []
    for i in range(n):
        a, b = corners[i % 4]
        pts.append((a, b, int((a > 0) != (b > 0))))
    return _finish(pts, noise, rng)


def blobs(n: int = 100, k: int = 3, std: float = 0.5, seed: int = 0) -> Data:
    """``k`` Gaussian clusters with standard deviation ``std``, centres drawn in [-4, 4]^2.

    >>> X, y = blobs(9, k=3, seed=2)
    >>> len(X), [y.count(c) for c in range(3)]
    (9, [3, 3, 3])
    """
    _check(n, std, "blobs")
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"blobs: k must be a positive int, got {k!r}")
    rng = random.Random(seed)
    centres = [(rng.uniform(-4.0, 4.0), rng.uniform(-4.0, 4.0)) for _ in range(k)]
    pts = [(*centres[i % k], i % k) for i in range(n)]
    return _finish(pts, std, rng)


DATASETS: dict[str, Callable[..., Data]] = {
    "moons": moons,
    "circles": circles,
    "spirals": spirals,
    "xor": xor,
    "blobs": blobs,
}


def train_test_split(
    X: Sequence[T], y: Sequence[int], test_fraction: float = 0.25, seed: int = 0
) -> tuple[list[T], list[T], list[int], list[int]]:
    """Shuffle, hold out ``test_fraction``: returns ``X_train, X_test, y_train, y_test``.

    >>> X, y = moons(20)
    >>> X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_fraction=0.25)
    >>> len(X_tr), len(X_te), len(y_tr), len(y_te)
    (15, 5, 15, 5)
    """
    if len(X) != len(y):
        raise ValueError(f"train_test_split: {len(X)} inputs but {len(y)} labels")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(
            f"train_test_split: test_fraction must lie in (0, 1), got {test_fraction!r}"
        )
    n_test = round(len(X) * test_fraction)
    if not 0 < n_test < len(X):
        raise ValueError(f"train_test_split: {len(X)} examples are too few to split")
    order = list(range(len(X)))
    random.Random(seed).shuffle(order)
    test, train = order[:n_test], order[n_test:]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]
