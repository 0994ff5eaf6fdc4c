"""The README's code blocks run as written."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


def test_readme_has_examples():
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_block_runs(index, capsys):
    namespace: dict = {}
    exec(compile(BLOCKS[index], f"README.md block {index}", "exec"), namespace)
    if "loss" in namespace and "w" in namespace:  # the ten-line example: check its numbers
        assert namespace["w"].grad == pytest.approx(-0.2191505119414, rel=1e-9)
        assert namespace["d2"].data == pytest.approx(-0.0436707277672, rel=1e-9)
    if "opt" in namespace:  # the training example: the loss went down
        assert namespace["loss"].data < 0.5
