"""Rendering DOT text with Graphviz's ``dot`` program, and the clear error when it is missing."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .inpage import drawing_html

INSTALL_HINT = (
    "the Graphviz 'dot' program was not found on PATH. Install Graphviz: "
    "'apt-get install graphviz' (Debian/Ubuntu), 'brew install graphviz' (macOS), "
    "'conda install graphviz' or https://graphviz.org/download/; "
    "to_dot() needs nothing and returns the DOT text. Saving .svg, .png or .pdf files needs "
    "dot; notebooks and stepper pages draw without it, in the browser."
)


BROKEN_HINT = (
    "Reinstall Graphviz; a half-finished install often only needs 'dot -c' run as root (it "
    "registers the output formats). Saving .svg, .png or .pdf files needs a working dot; "
    "notebooks and stepper pages draw without it, in the browser."
)


class GraphvizNotFound(RuntimeError):
    """Raised when rendering needs Graphviz's ``dot`` program and it is not installed, or is
    installed but cannot draw (then the message says what it answered).

    >>> print(str(GraphvizNotFound(INSTALL_HINT))[:52])
    the Graphviz 'dot' program was not found on PATH. In
    """


# dot's path -> None when it drew a test graph, else what it answered: asked once per path.
_TRIED: dict[str, str | None] = {}


def _problem(path: str) -> str | None:
    """None when the ``dot`` at ``path`` turns a one-node graph into SVG, else why not."""
    if path not in _TRIED:
        try:
            done = subprocess.run(
                [path, "-Tsvg"], input=b"digraph { a }", capture_output=True, timeout=60
            )
            said = done.stderr.decode(errors="replace").strip().splitlines()
            ok = done.returncode == 0 and b"<svg" in done.stdout
            _TRIED[path] = None if ok else (said[0] if said else f"exit status {done.returncode}")
        except (OSError, subprocess.SubprocessError) as e:
            _TRIED[path] = str(e)
    return _TRIED[path]


def dot_program() -> str:
    """Path of a working Graphviz ``dot``, or :class:`GraphvizNotFound` saying how to install
    it (or, for a ``dot`` that is present but cannot draw, what it answered).

    >>> import os
    >>> try:
    ...     name = os.path.basename(dot_program())
    ... except GraphvizNotFound as e:  # not installed: the message says how to install it
    ...     name = "dot" if "graphviz" in str(e).lower() else str(e)
    >>> name
    'dot'
    """
    path = shutil.which("dot")
    if path is None:
        raise GraphvizNotFound(INSTALL_HINT)
    problem = _problem(path)
    if problem is not None:
        raise GraphvizNotFound(
            f"the Graphviz 'dot' program at {path} is installed but cannot draw "
            f"(it answered: {problem}). {BROKEN_HINT}"
        )
    return path


def render(dot: str | Sequence[str], format: str = "svg") -> bytes:
    """Run ``dot`` on DOT text (several graphs are rendered by one process); returns the output.

    >>> svg = render("digraph { a -> b }")  # doctest: +SKIP
    """
    if format not in ("svg", "png", "pdf"):
        raise ValueError(f"render: format must be svg, png or pdf, got {format!r}")
    text = dot if isinstance(dot, str) else "\n".join(dot)
    proc = subprocess.run(
        [dot_program(), f"-T{format}"], input=text.encode(), capture_output=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"render: dot failed: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


def render_svgs(dots: Sequence[str]) -> list[str]:
    """Several DOT graphs to SVG strings (no XML header) with one run of ``dot``.

    >>> try:
    ...     svgs = render_svgs(["digraph { a -> b }", "digraph { c }"])
    ... except GraphvizNotFound:  # no `dot` here: the error says how to install it
    ...     svgs = ["<svg>a b</svg>", "<svg>c</svg>"]
    >>> len(svgs), all(s.startswith("<svg") and s.endswith("</svg>") for s in svgs)
    (2, True)
    """
    out = render(list(dots), "svg").decode()
    parts = [p[p.index("<svg") :] + "</svg>" for p in out.split("</svg>") if "<svg" in p]
    if len(parts) != len(dots):
        raise RuntimeError(f"render_svgs: {len(dots)} graphs in but {len(parts)} SVGs out")
    return parts


_DRAWING: list[type] = []

# What this process (a notebook's kernel) has sent its front end: the in-page renderer goes with
# the first drawing only, and later drawings use it (see autograd.viz.inpage.drawing_html).
FRONT_END = {"renderer sent": False}


def drawing_class(graphviz: Any) -> type:
    """A ``graphviz.Digraph`` subclass that draws in the browser where ``dot`` is missing.

    >>> import graphviz  # the `viz` extra
    >>> Drawing = drawing_class(graphviz)
    >>> issubclass(Drawing, graphviz.Digraph), drawing_class(graphviz) is Drawing
    (True, True)
    """
    if _DRAWING:
        return _DRAWING[0]

    class Drawing(graphviz.Digraph):
        """A Digraph that, where ``dot`` is missing, is drawn in the notebook's front end by the
        embedded wasm Graphviz; prints what it shows, and saves to a file whose name says the
        format."""

        def __repr__(self) -> str:
            values = self.source.count("shape=record")
            ops = self.source.count("_op [")
            return (
                f"<autograd drawing: {values} values, {ops} operations; "
                ".save('graph.svg') writes it (.svg .png .pdf .dot .gv), .source is the DOT text>"
            )

        def save(
            self,
            filename: str | os.PathLike[str] | None = None,
            directory: str | os.PathLike[str] | None = None,
            **kw: Any,
        ) -> str:
            """Write the picture: ``.svg``, ``.png`` or ``.pdf`` (rendered by ``dot``), or the
            DOT text for ``.dot``, ``.gv`` or no name (as ``graphviz.Digraph.save``)."""
            if filename is None:
                return str(super().save(filename, directory, **kw))
            path = Path(directory or "") / filename
            fmt = path.suffix.lower().lstrip(".")
            if fmt in ("dot", "gv"):
                path.write_text(self.source, encoding="utf-8")
            elif fmt in ("svg", "png", "pdf"):
                path.write_bytes(render(self.source, fmt))  # rendered first: no half file
            else:
                raise ValueError(
                    f"save: {str(path)!r}: the name must end in .svg, .png, .pdf, .dot or .gv"
                )
            return str(path)

        def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kw: Any) -> Any:
            try:
                dot_program()
            except GraphvizNotFound:  # missing or broken: the front end draws, in wasm
                carry = not FRONT_END["renderer sent"]  # the renderer goes with the first only
                FRONT_END["renderer sent"] = True
                return {"text/html": drawing_html(self.source, carry), "text/plain": self.source}
            return super()._repr_mimebundle_(include, exclude, **kw)

        def pipe(self, *args: Any, **kw: Any) -> Any:
            dot_program()
            return super().pipe(*args, **kw)

        def render(self, *args: Any, **kw: Any) -> Any:
            dot_program()
            return super().render(*args, **kw)

    _DRAWING.append(Drawing)
    return Drawing
