"""Build the playground into the built site: the page, Pyodide and the wasm Graphviz (pinned in
web/package-lock.json, installed by `npm ci`), and a wheel of this checkout.

    python docs/_scripts/playground.py docs/_build/html/playground

Nothing is fetched here: the runtime files come from web/node_modules, the wheel from the
checkout. The page then loads everything from the site itself.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
PYODIDE_FILES = [
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
    "package.json",
]
NOTICE = """The files in this folder are from the npm package pyodide {version} (Mozilla Public
License 2.0; source: the pyodide project), unchanged. They contain CPython and its standard
library (Python Software Foundation License).
"""


def installed(name: str) -> Path:
    folder = WEB / "node_modules" / name
    if not folder.is_dir():
        sys.exit(f"playground: {folder} is missing: run `npm ci` in web/ (make docs does)")
    return folder


def wheel_of_checkout(folder: Path) -> Path:
    """A wheel of this checkout (no dependencies), written into ``folder``."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
         "--disable-pip-version-check", "-q", "-w", str(folder)],
        check=True,
    )  # fmt: skip
    (wheel,) = folder.glob("scalar_autograd-*.whl")
    return wheel


def build(dest: Path) -> dict[str, str]:
    """Write the playground into ``dest``; returns the manifest the Worker reads."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(WEB / "playground", dest)
    pyodide, viz = installed("pyodide"), installed("@viz-js/viz")
    (dest / "pyodide").mkdir()
    for name in PYODIDE_FILES:
        shutil.copy2(pyodide / name, dest / "pyodide" / name)
    version = json.loads((pyodide / "package.json").read_text())["version"]
    (dest / "pyodide" / "NOTICE.txt").write_text(NOTICE.format(version=version))
    (dest / "viz").mkdir()
    script = viz / "dist" / "viz-global.js"
    vendored = ROOT / "autograd" / "viz" / "vendor"
    meta = json.loads((vendored / "viz-js.json").read_text())
    if hashlib.sha256(script.read_bytes()).hexdigest() != meta["sha256"]:
        sys.exit("playground: web/node_modules/@viz-js/viz differs from autograd/viz/vendor")
    shutil.copy2(script, dest / "viz" / "viz-global.js")
    shutil.copy2(vendored / "LICENSE-viz-js.txt", dest / "viz" / "LICENSE-viz-js.txt")
    (dest / "wheels").mkdir()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = wheel_of_checkout(Path(tmp))
        shutil.copy2(wheel, dest / "wheels" / wheel.name)
    manifest = {"wheel": wheel.name, "pyodide": version, "viz": meta["version"]}
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


if __name__ == "__main__":
    print("playground:", build(Path(sys.argv[1])))
