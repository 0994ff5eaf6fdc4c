"""A rubric: the checks a class is marked on, their points and visibility, and the kinds of
problem (the judge's root causes) that fail each one.

A problem is charged to the first check whose ``kinds`` hold its kind and whose ``ops`` (when
given) hold its operation (a check with ``ops`` and no ``kinds`` claims every problem about
its operations); one that no check claims goes to the check marked ``rest``. A check
loses its points once however many problems it is charged, and what a problem keeps from being
checked costs nothing: points follow root causes. With ``unchecked = "zero"``, a line of which
nothing could be checked scores nothing (its output names the problem that kept it). The
default rubric ships with the package (``rubric.toml`` beside this module; ``DEFAULT``).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 reads TOML with tomli (the ``grade`` extra)
    import tomli as tomllib  # type: ignore[import-not-found,no-redef,unused-ignore]

__all__ = ["DEFAULT", "Check", "Rubric", "load_rubric"]

DEFAULT = Path(__file__).resolve().parent / "rubric.toml"
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
# What a line scores when a problem charged to another line kept all of it from being checked:
# its points (the problem is charged once, where it is) or none (only what was seen earns).
UNCHECKED = ("credit", "zero")


@dataclass(frozen=True)
class Check:
    """One line of a rubric.

    >>> c = Check("tanh", 5.0, ("wrong local derivative",), ("tanh",))
    >>> c.claims("wrong local derivative", "tanh"), c.claims("wrong local derivative", "exp")
    (True, False)
    """

    name: str
    points: float
    kinds: tuple[str, ...]
    ops: tuple[str, ...] = ()
    visibility: str = "visible"
    rest: bool = False

    def claims(self, kind: str, op: str) -> bool:
        """Whether a problem of ``kind`` about ``op`` is charged here (``rest`` aside).

        >>> Check("any op", 1.0, ("upstream gradient left out",)).claims(
        ...     "upstream gradient left out", "mul")
        True
        >>> Check("dW", 1.0, (), ("W",)).claims("a sign", "W")
        True
        """
        if not self.kinds:  # a line of operations only: every problem about them
            return op in self.ops
        return kind in self.kinds and (not self.ops or op in self.ops)


@dataclass(frozen=True)
class Rubric:
    """The checks, in the order a result lists them.

    >>> rubric = load_rubric()
    >>> rubric.total, rubric.line_for("upstream gradient left out", "mul").name
    (100.0, 'upstream: out.grad multiplied in')
    """

    title: str
    checks: tuple[Check, ...]
    unchecked: str = "credit"  # a line a problem elsewhere kept wholly from being checked

    @property
    def total(self) -> float:
        """The points of all checks.

        >>> Rubric("t", (Check("a", 2.0, ()), Check("b", 3.0, (), rest=True))).total
        5.0
        """
        return float(sum(c.points for c in self.checks))

    def line_for(self, kind: str, op: str) -> Check:
        """The check a problem of ``kind`` about ``op`` is charged to.

        >>> load_rubric().line_for("something new", "").name
        'random graphs'
        """
        for check in self.checks:
            if check.claims(kind, op):
                return check
        return next(c for c in self.checks if c.rest)


def load_rubric(path: str | Path | None = None) -> Rubric:
    """The rubric in the TOML file ``path`` (the default rubric without one); a ValueError
    naming the file and the check when it is malformed.

    >>> len(load_rubric().checks)
    17
    """
    where = Path(path) if path is not None else DEFAULT
    try:
        data = tomllib.loads(where.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ValueError(f"cannot read the rubric {where}: {e}") from e
    return parse_rubric(data, str(where))


def parse_rubric(data: dict[str, Any], where: str = "the rubric") -> Rubric:
    """A rubric from TOML's data: ``title``, optionally ``unchecked`` (``credit`` or ``zero``),
    and a list ``check`` of tables, each with ``name``, ``points``, ``kinds``, and optionally
    ``ops``, ``visibility``, ``rest`` (exactly one).

    >>> parse_rubric({"check": [{"name": "all", "points": 1, "kinds": [], "rest": True}]}).total
    1.0
    >>> parse_rubric({"check": [{"name": "x", "points": -1, "kinds": []}]})
    Traceback (most recent call last):
    ...
    ValueError: the rubric, check 'x': points must be a number >= 0
    """
    raw = data.get("check")
    if not isinstance(raw, list) or not raw:
        raise ValueError(f"{where}: give at least one [[check]]")
    checks = tuple(_check(item, where) for item in raw)
    rests = [c for c in checks if c.rest]
    if len(rests) != 1:
        raise ValueError(f"{where}: exactly one check must have rest = true (has {len(rests)})")
    names = [c.name for c in checks]
    if len(set(names)) != len(names):
        raise ValueError(f"{where}: two checks have the same name")
    title = data.get("title", "autograd engine")
    unchecked = data.get("unchecked", "credit")
    if unchecked not in UNCHECKED:
        raise ValueError(f"{where}: unchecked must be one of {', '.join(UNCHECKED)}")
    return Rubric(str(title), checks, unchecked)


def _check(item: Any, where: str) -> Check:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        raise ValueError(f"{where}: each check needs a name")
    name = item["name"]

    def bad(what: str) -> ValueError:
        return ValueError(f"{where}, check {name!r}: {what}")

    points = item.get("points")
    if isinstance(points, bool) or not isinstance(points, (int, float)) or not points >= 0:
        raise bad("points must be a number >= 0")
    kinds, ops = item.get("kinds", []), item.get("ops", [])
    for field, value in (("kinds", kinds), ("ops", ops)):
        if not _strings(value):
            raise bad(f"{field} must be a list of strings")
    visibility = item.get("visibility", "visible")
    if visibility not in VISIBILITIES:
        raise bad(f"visibility must be one of {', '.join(VISIBILITIES)}")
    unknown = set(item) - {"name", "points", "kinds", "ops", "visibility", "rest"}
    if unknown:
        raise bad(f"unknown field(s) {', '.join(sorted(unknown))}")
    rest = item.get("rest", False)
    if not isinstance(rest, bool):
        raise bad("rest must be true or false")
    return Check(name, float(points), tuple(kinds), tuple(ops), visibility, rest)


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)
