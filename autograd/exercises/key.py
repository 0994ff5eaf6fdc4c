"""Reading an answer key (``key.json``, written by :meth:`Sheet.key_data`) back into its sheet.

The key holds the seed and the options, so the sheet is made again from them and every exact
answer in the file is compared with the one made now: a key edited by hand, or written by a
version of the generator that made other exercises from the same seed, is refused with the
first difference rather than used to mark answers it does not belong to.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .sheet import KEY_SCHEMA, KEY_VERSION, Sheet

__all__ = ["load_key", "sheet_from_key"]

LARGEST_KEY = 10_000_000  # bytes: a key of 100 exercises of 30 operations is far below


def load_key(path: str | Path) -> Sheet:
    """The sheet an answer key (``key.json``) belongs to; a ValueError naming the file and
    what is wrong with it (not JSON, another schema or version, answers that differ).

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "key.json"
    >>> _ = path.write_text(Sheet(seed=3, count=2, draw=False).key_json(), encoding="utf-8")
    >>> sheet = load_key(path)
    >>> sheet.seed, len(sheet.exercises)
    (3, 2)
    """
    where = Path(path)
    try:
        if where.stat().st_size > LARGEST_KEY:
            raise ValueError(f"the key {where} is larger than {LARGEST_KEY} bytes")
        data = json.loads(where.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"cannot read the key {where}: {e}") from e
    return sheet_from_key(data, str(where))


def sheet_from_key(data: Any, where: str = "the key") -> Sheet:
    """The sheet made again from a key's data, checked against every answer in it.

    >>> key = Sheet(seed=3, count=1, draw=False).key_data()
    >>> sheet_from_key(key).seed
    3
    >>> key["exercises"][0]["questions"][0]["exact"] = 99.0
    >>> sheet_from_key(key)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: the key: exercise 1's n1 is 99 in the key, 3.5 in the sheet made from seed 3 (...
    """
    if not isinstance(data, dict) or data.get("schema") != KEY_SCHEMA:
        raise ValueError(f"{where} is not an answer key (its schema is not {KEY_SCHEMA!r})")
    if data.get("version") != KEY_VERSION:
        raise ValueError(
            f"{where}: key version {data.get('version')!r}; this autograd reads version "
            f"{KEY_VERSION}"
        )
    options = data.get("options")
    seed = data.get("seed")
    if not isinstance(options, dict) or isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"{where}: the key needs an integer seed and its options")
    try:
        sheet = Sheet(
            seed,
            options["count"],
            options["size"],
            list(options["ops"]),
            bool(options["reuse"]),
            draw=False,
        )
    except (KeyError, TypeError, ValueError) as e:
        raise ValueError(f"{where}: its options do not make a sheet: {e}") from e
    made = sheet.key_data()
    if data.get("exercises") != made["exercises"]:
        raise ValueError(f"{where}: {_first_difference(data.get('exercises'), made)}")
    return sheet


def _first_difference(given: Any, made: dict[str, Any]) -> str:
    """The first answer (or part) where a key's exercises differ from the sheet made now."""
    why = "(a key edited by hand, or made by another version of autograd)"
    if not isinstance(given, list) or len(given) != len(made["exercises"]):
        return f"its exercises are not those of the sheet made from seed {made['seed']} {why}"
    for k, (mine, theirs) in enumerate(zip(given, made["exercises"], strict=True), 1):
        questions = mine.get("questions") if isinstance(mine, dict) else None
        if isinstance(questions, list) and len(questions) == len(theirs["questions"]):
            for q, t in zip(questions, theirs["questions"], strict=True):
                if q != t and isinstance(q, dict) and q.get("name") == t["name"]:
                    return (
                        f"exercise {k}'s {t['name']} is {_shown(q.get('exact'))} in the key, "
                        f"{_shown(t['exact'])} in the sheet made from seed {made['seed']} {why}"
                    )
        if mine != theirs:
            return f"exercise {k} is not the one made from seed {made['seed']} {why}"
    return f"its exercises differ from the sheet made from seed {made['seed']} {why}"


def _shown(x: Any) -> str:
    return f"{x:g}" if isinstance(x, float) else repr(x)
