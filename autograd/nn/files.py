"""Model files: a Module's architecture and parameters as validated JSON (never pickle).

The format (version 1)::

    {"format": "scalar-autograd-model", "version": 1,
     "architecture": {"type": "MLP", "nin": 2, "nouts": [16, 16, 1],
                      "activation": "relu", "output_activation": "linear"},
     "parameters": {"L0.N0.w0": 0.123..., ..., "L2.N0.b": 0.0}}

Floats are written with ``repr`` precision, so they read back bit for bit. Loading checks every
field; anything wrong raises ``ModelFileError`` naming the file and the problem, and leaves the
model in memory as it was.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import os
import secrets
from typing import Any, Protocol

from ..core.value import Value
from .activations import ACTIVATION_FUNCTIONS

__all__ = [
    "FORMAT",
    "VERSION",
    "ModelFileError",
    "load_checked",
    "load_into",
    "parameter_count",
    "read",
    "save",
]

FORMAT = "scalar-autograd-model"
VERSION = 1


class Module(Protocol):
    """What a model file is written from and read into (``autograd.nn.Module`` has it all)."""

    def config(self) -> dict[str, Any]: ...
    def state_dict(self) -> dict[str, float]: ...
    def load_state_dict(self, state: dict[str, float]) -> None: ...
    def named_parameters(self) -> list[tuple[str, Value]]: ...


class ModelFileError(ValueError):
    """A model file that cannot be loaded: unreadable, malformed, wrong version or wrong shape.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "model.json")
    >>> with open(path, "w") as f:
    ...     _ = f.write('{"format": "scalar-autograd-model", "version": 9}')
    >>> try:
    ...     read(path)
    ... except ModelFileError as e:
    ...     print(str(e).split(": ", 1)[1])
    format version 9 is not supported (expected 1)
    """


def save(module: Module, path: str | os.PathLike[str]) -> None:
    """Write ``module`` to ``path`` (replaced atomically, so a crash never leaves half a file).

    >>> import os, tempfile
    >>> from autograd.nn import MLP, load
    >>> model = MLP(2, [3, 1], seed=0)
    >>> path = os.path.join(tempfile.mkdtemp(), "model.json")
    >>> save(model, path)
    >>> load(path).state_dict() == model.state_dict()
    True
    """
    arch = module.config()
    for key in ("activation", "output_activation"):
        if key in arch and arch[key] not in ACTIVATION_FUNCTIONS:
            raise ValueError(
                f"save: activation {arch[key]!r} is a callable and cannot be stored; "
                f"use one of {', '.join(ACTIVATION_FUNCTIONS)}"
            )
    params = module.state_dict()
    bad = [name for name, v in params.items() if not math.isfinite(v)]
    if bad:
        raise ValueError(f"save: parameter {bad[0]} is not finite ({params[bad[0]]!r})")
    doc = {"format": FORMAT, "version": VERSION, "architecture": arch, "parameters": params}
    _write_atomically(os.fspath(path), json.dumps(doc, indent=1, allow_nan=False) + "\n")


def _write_atomically(path: str, text: str) -> None:
    """Write ``text`` to a fresh temp file beside ``path``, fsync it, then rename it over ``path``.

    The temp name is unique (so concurrent saves to one path never share it) and in the same
    folder (so ``os.replace`` is an atomic rename); on any failure it is removed and ``path``
    keeps its old content.
    """
    folder, base = os.path.split(path)
    fd, tmp = _create_unique(os.path.join(folder, f".{base}."))
    try:
        try:
            f = os.fdopen(fd, "w", encoding="utf-8")
        except BaseException:
            os.close(fd)
            raise
        with f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _sync_folder(folder)


def _create_unique(prefix: str) -> tuple[int, str]:
    # os.open with O_EXCL (not tempfile.mkstemp): the file gets the usual 0o666 & ~umask mode
    # rather than mkstemp's 0o600, so a saved model is as readable as any file the user writes.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = f"{prefix}{secrets.token_hex(8)}.tmp"
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:  # a 64-bit name collision: draw again
            continue


def _sync_folder(folder: str) -> None:
    """Make the rename itself durable (POSIX); folders cannot be opened for this on Windows."""
    try:
        fd = os.open(folder or ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise ModelFileError(f"key {_show(k)} appears twice")
        out[k] = v
    return out


def _reject_constant(name: str) -> None:
    raise ModelFileError(f"{name} is not a finite number")


def read(path: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, float]]:
    """Parse and check a model file: ``(architecture, parameters)``, or ``ModelFileError``.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "model.json")
    >>> from autograd.nn import Neuron
    >>> save(Neuron(1, seed=0), path)
    >>> arch, params = read(path)
    >>> arch["type"], sorted(params)
    ('Neuron', ['L0.N0.b', 'L0.N0.w0'])
    """
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise ModelFileError(f"{os.fspath(path)}: cannot read model file: {e}") from None
    try:
        doc = _check_document(text)
    except ModelFileError as e:
        raise ModelFileError(f"{os.fspath(path)}: {e}") from None
    return doc["architecture"], doc["parameters"]


def _show(value: object) -> str:
    """A short repr for error messages (a file may hold a huge list or a very long string)."""
    try:
        text = repr(value)
    except (RecursionError, ValueError):  # nested too deep; an int beyond the str() limit
        return f"a {type(value).__name__}"
    return text if len(text) <= 40 else text[:37] + "..."


def _check_document(text: str) -> dict[str, Any]:
    try:
        doc = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except json.JSONDecodeError as e:
        raise ModelFileError(f"not valid JSON (truncated or corrupted?): {e}") from None
    except RecursionError:
        raise ModelFileError("not a model file: nesting too deep") from None
    except ModelFileError:  # from the hooks: a duplicate key or NaN / Infinity
        raise
    except ValueError as e:  # e.g. an integer longer than int() converts (4300 digits)
        raise ModelFileError(f"not valid JSON: a number cannot be read ({e})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ModelFileError(f'not a model file (no "format": "{FORMAT}")')
    version = doc.get("version")
    if version != VERSION or isinstance(version, bool):
        raise ModelFileError(
            f"format version {_show(version)} is not supported (expected {VERSION})"
        )
    extra = set(doc) - {"format", "version", "architecture", "parameters"}
    if extra:
        raise ModelFileError(f"unexpected fields {_show(sorted(extra))}")
    _check_architecture(doc.get("architecture"))
    params = doc.get("parameters")
    if not isinstance(params, dict):
        raise ModelFileError('"parameters" must be an object of name: number')
    for name, v in params.items():
        if not _finite_number(v):
            raise ModelFileError(f"parameter {_show(name)} is {_show(v)}, not a finite number")
    return doc


def check_parameter_count(
    arch: dict[str, Any], params: dict[str, float], path: str | os.PathLike[str]
) -> None:
    """ModelFileError unless the checked architecture has as many parameters as the file holds
    (before a model is built from sizes that may have thousands of digits).

    >>> huge = {"type": "Layer", "nin": 10**999, "nout": 1}
    >>> check_parameter_count(huge, {}, "m.json")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    autograd.nn.files.ModelFileError: m.json: the file holds 0 parameters, its architecture ...
    """
    needed = parameter_count(arch)
    if needed != len(params):
        raise ModelFileError(
            f"{os.fspath(path)}: the file holds {len(params)} parameters, its architecture "
            f"needs {_count(needed)}"
        )


def _architecture(arch: dict[str, Any]) -> str:
    """A checked architecture as text whose sizes stay short (a file may hold huge ones).

    >>> _architecture({"type": "MLP", "nin": 10**400, "nouts": [3, 1]})
    "{'type': 'MLP', 'nin': a number of 401 digits, 'nouts': [3, 1]}"
    """

    def size(v: Any) -> str:
        if isinstance(v, list):
            return "[" + ", ".join(map(size, v[:8])) + (", ...]" if len(v) > 8 else "]")
        return _count(v) if isinstance(v, int) else repr(v)

    return "{" + ", ".join(f"{k!r}: {size(v)}" for k, v in arch.items()) + "}"


def _count(n: int) -> str:
    """A count for a message: its digits, or how many digits it has when that is too many.

    >>> _count(26), _count(10**400)
    ('26', 'a number of 401 digits')
    """
    if n.bit_length() < 200:  # up to 60 digits
        return str(n)
    if n.bit_length() < 14_000:  # str() reads at most 4300 digits
        return f"a number of {len(str(n))} digits"
    return "a number of over 4000 digits"


def _finite_number(v: object) -> bool:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return False
    try:
        return math.isfinite(float(v))
    except OverflowError:  # an int too large for a float
        return False


_FIELDS = {
    "MLP": {"type", "nin", "nouts", "activation", "output_activation"},
    "Layer": {"type", "nin", "nout", "activation"},
    "Neuron": {"type", "nin", "activation"},
}


def _check_architecture(arch: object) -> None:
    # Every value is type-checked before it is hashed or compared: a file may hold any JSON.
    kind = arch.get("type") if isinstance(arch, dict) else None
    if not isinstance(arch, dict) or not isinstance(kind, str) or kind not in _FIELDS:
        raise ModelFileError(f'"architecture" must be an object with a type in {list(_FIELDS)}')
    if set(arch) != _FIELDS[kind]:
        raise ModelFileError(
            f"{kind} architecture needs exactly the fields {sorted(_FIELDS[kind])}"
        )
    sizes = [("nin", arch["nin"])] + ([("nout", arch["nout"])] if "nout" in arch else [])
    if "nouts" in arch:
        if not isinstance(arch["nouts"], list) or not arch["nouts"]:
            raise ModelFileError('"nouts" must be a non-empty list of layer sizes')
        sizes += [("nouts", n) for n in arch["nouts"]]
    for key, n in sizes:
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ModelFileError(f"architecture {key} must hold positive ints, got {_show(n)}")
    for key in ("activation", "output_activation"):
        name = arch.get(key, "linear")
        if not isinstance(name, str) or name not in ACTIVATION_FUNCTIONS:
            raise ModelFileError(
                f"unknown {key} {_show(name)} (expected one of {', '.join(ACTIVATION_FUNCTIONS)})"
            )


def parameter_count(arch: dict[str, Any]) -> int:
    """How many parameters a checked architecture has (weights and a bias per neuron).

    >>> parameter_count({"type": "MLP", "nin": 2, "nouts": [3, 1]})
    13
    """
    if arch["type"] == "Neuron":
        return arch["nin"] + 1
    if arch["type"] == "Layer":
        return (arch["nin"] + 1) * arch["nout"]
    sizes = [arch["nin"], *arch["nouts"]]
    return sum((a + 1) * b for a, b in itertools.pairwise(sizes))


def load_into(module: Module, path: str | os.PathLike[str]) -> None:
    """Copy the file's parameters into ``module``, whose architecture must match the file's.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "model.json")
    >>> from autograd.nn import Neuron
    >>> save(Neuron(2, seed=0), path)
    >>> load_into(Neuron(3, seed=0), path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    autograd.nn.files.ModelFileError: ...
    """
    arch, params = read(path)
    if arch != module.config():
        raise ModelFileError(
            f"{os.fspath(path)}: file holds {_architecture(arch)}, but the model is "
            f"{module.config()}"
        )
    load_checked(module, params, path)


def load_checked(module: Module, params: dict[str, float], path: str | os.PathLike[str]) -> None:
    """Copy ``params`` into ``module`` if their names are exactly the module's parameter names.

    >>> from autograd.nn import Neuron
    >>> n = Neuron(1, seed=0)
    >>> load_checked(n, {"L0.N0.w0": 0.5, "L0.N0.b": 0.0}, "memory")
    >>> n.w[0].data
    0.5
    """
    expected = [name for name, _ in module.named_parameters()]
    known = set(expected)  # once: a set per name made loading quadratic in the parameters
    missing = [n for n in expected if n not in params]
    extra = [n for n in params if n not in known]
    if missing or extra:
        raise ModelFileError(
            f"{os.fspath(path)}: parameters do not fit the architecture "
            f"(missing {missing[:3]}, unexpected {extra[:3]})"
        )
    module.load_state_dict(params)
