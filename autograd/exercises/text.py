"""Plain-text layout for the reports and sheets."""

from __future__ import annotations


def wrap(text: str, width: int = 100) -> str:
    """Each line of ``text`` wrapped at ``width``; lines that start with a space (arithmetic,
    indented on purpose) are kept as they are.

    >>> print(wrap("one two three four", 9))
    one two
    three
    four
    """
    return "\n".join(
        line if line.startswith(" ") else _wrap_line(line, width) for line in text.splitlines()
    )


def _wrap_line(text: str, width: int) -> str:
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join([*lines, line])
