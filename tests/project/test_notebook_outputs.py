"""The notebooks run top to bottom, and what they show saved is what a fresh run shows.

Each notebook is executed anew (nbclient, its own kernel, from notebooks/) and its outputs are
compared with the saved ones, after setting aside what differs between any two runs: times,
widget ids, a kernel's temporary file names, the bytes of a PNG. A saved output that went stale
(once: notebook 03's 111-node drawings and a repr naming a module that no longer exists) fails
here; `make notebooks-outputs` saves fresh ones.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

# Text that two runs never share: (pattern, what it becomes).
VARYING = [
    (re.compile(r" *\b\d+(\.\d+)?(e-?\d+)? ?(ms|µs|s)\b"), " <time>"),  # timings, padded
    (re.compile(r"/tmp/ipykernel_\d+/\d+\.py:\d+"), "<cell>"),  # where a cell's code ran
    (re.compile(r"\b0x[0-9a-f]+\b"), "<address>"),
    (re.compile(r'"model_id": "[0-9a-f]+"'), '"model_id": "<id>"'),
]


def normalised(text: str) -> str:
    for pattern, replacement in VARYING:
        text = pattern.sub(replacement, text)
    return text


def shown(notebook: Any) -> list[tuple[int, str, str]]:
    """(cell, kind, text) for each output a reader sees; consecutive prints joined."""
    found: list[tuple[int, str, str]] = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                if out.name == "stderr":  # progress bars and warnings: not part of the lesson
                    continue
                text = normalised("".join(out.text))
                if found and found[-1][:2] == (index, "stdout"):
                    found[-1] = (index, "stdout", found[-1][2] + text)
                else:
                    found.append((index, "stdout", text))
            elif out.output_type in ("display_data", "execute_result"):
                for kind, data in sorted(out.data.items()):
                    if kind == "image/png":
                        found.append((index, kind, "<png>"))  # its bytes vary with the renderer
                    else:
                        text = data if isinstance(data, str) else json.dumps(data, sort_keys=True)
                        found.append((index, kind, normalised(text)))
            else:
                found.append((index, out.output_type, out.get("ename", "")))
    return found


# Under `make test`'s two workers the notebooks run one after another on one of them (kernels
# started on both workers at once stalled more often).
@pytest.mark.xdist_group("jupyter-kernels")
@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_a_fresh_run_shows_what_the_notebook_has_saved(path: Path) -> None:
    saved = nbformat.read(path, as_version=4)
    fresh = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        fresh, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    # The cells one by one in the client's kernel, without the kernel_info request that
    # client.execute() sends first: under make test's two workers its reply was sometimes lost,
    # and nbclient then waited out the whole timeout (five minutes) before going on.
    with client.setup_kernel():
        for index, cell in enumerate(fresh.cells):
            client.execute_cell(cell, index)
    before, after = shown(saved), shown(fresh)
    for old, new in zip(before, after, strict=False):
        assert old == new, (
            f"{path.name}, cell {old[0]}: the saved {old[1]} output is not what a fresh run "
            f"shows (run `make notebooks-outputs`):\n"
            f"saved: {old[2][:300]!r}\nfresh: {new[2][:300]!r}"
        )
    assert len(before) == len(after), f"{path.name}: {len(before)} outputs saved, {len(after)} now"
