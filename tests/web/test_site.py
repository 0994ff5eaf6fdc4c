"""The one-step deploys of the built site: the GitHub Pages workflow builds with the Makefile's
own target and publishes the folder that target writes; ``make site`` writes one folder; the
server's ``--host`` says what it exposes."""

from __future__ import annotations

import re
import subprocess
import urllib.request
from pathlib import Path

import pytest
import yaml

from autograd.web import serve

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


def makefile_recipe(target: str) -> list[str]:
    """The recipe lines of one Makefile target."""
    lines = (ROOT / "Makefile").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(rf"{target}:", line))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def test_the_pages_workflow_builds_with_make_docs_and_publishes_its_output() -> None:
    flow = workflow()
    build = flow["jobs"]["build"]["steps"]
    runs = [s["run"] for s in build if "run" in s]
    makes = [r for r in runs if r.startswith("make")]
    assert makes == ["make docs"], runs  # the site is built by the Makefile, nothing else
    # the other commands only install system tools
    assert all(r.startswith("sudo apt-get") for r in runs if r not in makes), runs
    (upload,) = [s for s in build if s.get("uses", "").startswith("actions/upload-pages-artifact")]
    sphinx = [line for line in makefile_recipe("docs") if "sphinx-build" in line]
    assert sphinx and sphinx[0].split()[-1] == upload["with"]["path"] == "docs/_build/html"
    # the playground and the notebooks are built into the same folder
    assert any("playground.py docs/_build/html/playground" in x for x in makefile_recipe("docs"))
    assert any("lite.py docs/_build/html/lite" in x for x in makefile_recipe("docs"))
    deploy = flow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert any(s.get("uses", "").startswith("actions/deploy-pages") for s in deploy["steps"])
    # yaml reads a bare `on` as True
    triggers = flow.get("on", flow.get(True))
    assert triggers["push"]["branches"] == ["main"] and "workflow_dispatch" in triggers
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_the_workflow_installs_what_make_docs_needs_beyond_python_and_node() -> None:
    build = workflow()["jobs"]["build"]["steps"]
    uses = [s.get("uses", "").split("@")[0] for s in build]
    assert {"actions/checkout", "actions/setup-python", "actions/setup-node"} <= set(uses)
    ci = (ROOT / ".ci" / "run").read_text()
    assert "graphviz" in ci and any("graphviz" in s.get("run", "") for s in build)


def test_make_site_copies_the_built_site_into_one_folder() -> None:
    done = subprocess.run(
        ["make", "-n", "site", "SITE_DIR=/tmp/x-site"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = done.stdout.splitlines()
    assert "cp -r docs/_build/html /tmp/x-site" in lines
    assert "touch /tmp/x-site/.nojekyll" in lines
    # it builds the docs first (the recipe lines of `docs` come before the copy)
    assert lines.index("cp -r docs/_build/html /tmp/x-site") > next(
        i for i, line in enumerate(lines) if "sphinx-build" in line
    )


def test_the_server_listens_where_asked_and_its_help_says_what_is_exposed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text("hello")
    server = serve.start(tmp_path, host="0.0.0.0")
    try:
        assert server.server_address[0] == "0.0.0.0"
        url = f"http://127.0.0.1:{server.server_port}/a.txt"
        assert urllib.request.urlopen(url).read() == b"hello"
    finally:
        server.shutdown()
    with pytest.raises(SystemExit):
        serve.main(["--help"])
    helped = " ".join(capsys.readouterr().out.split())
    assert "--host" in helped and "can read every file under SITE" in helped
    assert "127.0.0.1: this machine only" in helped
    assert "nothing can be uploaded" in serve.EXPOSES


def test_the_default_stays_on_this_machine(tmp_path: Path) -> None:
    server = serve.start(tmp_path)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.shutdown()
