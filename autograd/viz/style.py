"""How drawings look: number format, node colours, the gradient-flow scale, label escaping."""

from __future__ import annotations

import html
import math
import re

from ..notation import fmt as fmt  # numbers in labels, written as everywhere else
from ..notation import fmt_product as fmt_product

KIND_STYLE = {  # (style, fill, border): inputs, parameters, constants and results differ
    "input": ("filled", "#cfe8ff", "#1f5fa8"),
    "param": ("filled", "#ffe4a8", "#b07800"),
    "const": ("filled,dashed", "#eeeeee", "#888888"),
    "result": ("filled", "#ffffff", "#333333"),
    "output": ("filled,bold", "#d9f2d0", "#1e7b1e"),
}
HIGHLIGHT = "#ff3b30"


# Red-yellow-blue, reversed: small gradients cold (blue), large ones hot (red).
_SCALE = ["#313695", "#4575b4", "#74add1", "#abd9e9", "#fee090", "#fdae61", "#f46d43", "#a50026"]


def flow_colour(g: float) -> str:
    """Fill colour for ``|grad|`` on a log scale: blue (1e-8, vanishing) to red (1e4, exploding).

    Exact zeros are black and non-finite gradients magenta, so neither hides in the scale.

    >>> flow_colour(1e-8), flow_colour(1e4), flow_colour(0.0), flow_colour(float("nan"))
    ('#313695', '#a50026', '#000000', '#ff00ff')
    """
    if g == 0:
        return "#000000"
    if not math.isfinite(g):
        return "#ff00ff"
    t = min(max((math.log10(abs(g)) + 8.0) / 12.0, 0.0), 1.0) * (len(_SCALE) - 1)
    i = min(int(t), len(_SCALE) - 2)
    a, b, f = _SCALE[i], _SCALE[i + 1], t - i
    rgb = [round(int(a[k : k + 2], 16) * (1 - f) + int(b[k : k + 2], 16) * f) for k in (1, 3, 5)]
    return "#" + "".join(f"{c:02x}" for c in rgb)


def text_colour_on(fill: str) -> str:
    """Black or white, whichever reads better on the ``#rrggbb`` fill.

    >>> text_colour_on("#000000"), text_colour_on("#ffffff")
    ('white', 'black')
    """
    r, g, b = (int(fill[k : k + 2], 16) for k in (1, 3, 5))
    return "white" if 0.299 * r + 0.587 * g + 0.114 * b < 140 else "black"


def printable(text: str) -> str:
    r"""Text with what Graphviz cannot take safely replaced: tabs and carriage returns become
    spaces, other control characters and lone surrogates U+FFFD; newlines stay.

    >>> printable("a\tb\x00c\ud800") == "a b\ufffdc\ufffd"
    True
    """
    return _UNPRINTABLE.sub(lambda m: " " if m[0] in "\t\r" else "\ufffd", text)


_UNPRINTABLE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def escape_html_label(text: str) -> str:
    """Text for Graphviz's HTML-like labels: XML-escaped, and brackets as character references
    (its parser rejects a text of a lone ``]``, which plain XML escaping leaves as it is).

    >>> escape_html_label("a < b ] [c]")
    'a &lt; b &#93; &#91;c&#93;'
    """
    return html.escape(printable(text)).replace("[", "&#91;").replace("]", "&#93;")


def escape_record(text: str) -> str:
    """Escape text for a record label: braces, bars, angle brackets, quotes, backslashes and
    spaces (which records would otherwise trim), ``&`` (which Graphviz reads as an entity);
    a newline becomes a line break.

    >>> print(escape_record('a|b {c} "d"'))
    a\\|b\\ \\{c\\}\\ \\"d\\"
    >>> print(escape_record("ends in \\\\"), escape_record("&lt;"))
    ends\\ in\\ \\\\ &amp;lt;
    """
    text = re.sub(r'([{}|<>"\\ ])', lambda m: "\\ " if m[1] == " " else "\\" + m[1], text)
    return printable(text).replace("&", "&amp;").replace("\n", "\\n")


def escape_string(text: str) -> str:
    """Escape text for a quoted DOT string outside records (a title, an operation's label):
    quotes and backslashes, ``&``; a newline becomes a line break.

    >>> print(escape_string('say "hi" \\\\'))
    say \\"hi\\" \\\\
    """
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return printable(text).replace("&", "&amp;").replace("\n", "\\n")
