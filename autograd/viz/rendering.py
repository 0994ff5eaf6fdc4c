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


class GraphvizNotFound(RuntimeError):
    """Raised when rendering needs Graphviz's ``dot`` program and it is not installed.

    >>> print(str(GraphvizNotFound(INSTALL_HINT))[:52])
    the Graphviz 'dot' program was not found on PATH. In
    """


def dot_program() -> str:
    """Path of Graphviz's ``dot``, or :class:`GraphvizNotFound` saying how to install it.

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
            if shutil.which("dot") is None:  # drawn by the front end, with the wasm Graphviz
                return {"text/html": drawing_html(self.source), "text/plain": self.source}
            return super()._repr_mimebundle_(include, exclude, **kw)

        def pipe(self, *args: Any, **kw: Any) -> Any:
            dot_program()
            return super().pipe(*args, **kw)

        def render(self, *args: Any, **kw: Any) -> Any:
            dot_program()
            return super().render(*args, **kw)

    _DRAWING.append(Drawing)
    return Drawing
