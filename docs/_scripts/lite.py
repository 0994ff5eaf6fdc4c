"""Build the notebooks' JupyterLite site into the built docs: notebooks 00-07 run in the browser.

    python docs/_scripts/lite.py docs/_build/html/lite

What the site holds, all served from itself (no CDN, the fallback to PyPI off):

- JupyterLab and Notebook 7's pages and the Pyodide kernel: the pinned ``jupyterlite-core`` and
  ``jupyterlite-pyodide-kernel`` of the ``docs`` extra (setup.cfg);
- the Pyodide runtime of the playground (web/package.json), whose version must be the one the
  kernel was made for: the build stops when they differ;
- a ``pyodide-lock.json`` of its own listing only the wheels served next to it: the kernel's own
  (from the kernel package), a wheel of this checkout, and the pure-Python wheels of
  web/lite/requirements.txt, fetched from PyPI by ``pip download --require-hashes``;
- the notebooks, outputs cleared, and in ``student/`` the student versions of notebooks 00 and
  07 (their solution cells stubbed out, ``autograd.grading.student``).
"""

from __future__ import annotations

import email.parser
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from playground import NOTICE, PYODIDE_FILES, ROOT, WEB, installed, wheel_of_checkout

from autograd.grading.student import write_student_notebooks

REQUIREMENTS = WEB / "lite" / "requirements.txt"
CONFIG = WEB / "lite" / "jupyter-lite.json"
CACHE = ROOT / "docs" / "_build" / "lite-wheels"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0[0-7]_*.ipynb"))
# the notebooks whose solution cells are tagged: their student versions are served in student/
STUDENT = ("00_build_it_yourself.ipynb", "07_exercises.ipynb")
KERNEL_EXTENSION = "@jupyterlite/pyodide-kernel-extension"
KERNEL_WHEELS = ("piplite", "pyodide_kernel", "ipykernel")
# Pyodide in the browser: how the wheels' dependency markers are read.
BROWSER = {**default_environment(), "sys_platform": "emscripten", "platform_system": "Emscripten"}
BROWSER.update(python_version="3.14", python_full_version="3.14.2", platform_machine="wasm32")
# Dependencies the browser does without (see web/lite/requirements.txt).
NOT_SERVED = {"jupyterlab-widgets", "widgetsnbextension"}


def fetch_wheels() -> list[Path]:
    """The wheels of web/lite/requirements.txt, each checked against its recorded sha256 by pip."""
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "-q",
         "--no-deps", "--only-binary=:all:", "--require-hashes", "--python-version", "3.14",
         "--implementation", "py", "--abi", "none", "--platform", "any",
         "-r", str(REQUIREMENTS), "-d", str(CACHE)],
        check=True,
    )  # fmt: skip
    pinned = {}
    for line in REQUIREMENTS.read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split()[0].split("==")
            pinned[canonicalize_name(name)] = version
    wheels = [w for w in CACHE.glob("*.whl") if pinned.get(metadata(w)[0]) == metadata(w)[1]]
    if len(wheels) != len(pinned):
        sys.exit(f"lite: {len(pinned)} wheels pinned in {REQUIREMENTS}, {len(wheels)} fetched")
    return wheels


def metadata(wheel: Path) -> tuple[str, str, list[str], list[str]]:
    """(name, version, dependencies in the browser, top-level import names) of a wheel."""
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        info = next(n for n in names if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
        meta = email.parser.Parser().parsestr(z.read(info).decode())
    depends = []
    for text in meta.get_all("Requires-Dist") or []:
        req = Requirement(text)
        if req.marker is None or req.marker.evaluate({**BROWSER, "extra": ""}):
            depends.append(canonicalize_name(req.name))
    tops = set()
    for n in names:
        head = n.split("/")[0]
        if head.endswith((".dist-info", ".data")):
            continue
        if "/" in n and n.endswith("/__init__.py") and n.count("/") == 1:
            tops.add(head)
        elif "/" not in n and n.endswith(".py"):
            tops.add(n[:-3])
    return canonicalize_name(meta["Name"]), meta["Version"], depends, sorted(tops)


def pyodide_lock(wheels: list[Path], info: dict[str, str]) -> dict[str, object]:
    """A pyodide-lock.json for exactly these wheels; stops on a dependency that is not served."""
    packages = {}
    for wheel in wheels:
        name, version, depends, imports = metadata(wheel)
        packages[name] = {
            "name": name,
            "version": version,
            "file_name": wheel.name,
            "install_dir": "site",
            "sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(),
            "package_type": "package",
            "imports": imports,
            "depends": [d for d in depends if d not in NOT_SERVED],
            "unvendored_tests": False,
            "shared_library": False,
        }
    for name, entry in packages.items():
        missing = [d for d in entry["depends"] if d not in packages]
        if missing:
            sys.exit(f"lite: {name} needs {missing}: add them to {REQUIREMENTS}")
    return {"info": info, "packages": dict(sorted(packages.items()))}


def kernel_wheels() -> tuple[str, list[Path]]:
    """(the kernel's Pyodide version, its own wheels), from the installed kernel package."""
    from jupyterlite_pyodide_kernel.constants import PYODIDE_VERSION

    static = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / KERNEL_EXTENSION
    wheels = [
        w for w in (static / "static" / "pypi").glob("*.whl") if w.name.startswith(KERNEL_WHEELS)
    ]
    if len(wheels) != len(KERNEL_WHEELS):
        sys.exit(f"lite: the kernel's wheels {KERNEL_WHEELS} not found under {static}")
    return PYODIDE_VERSION, wheels


def notebook_copy(source: Path, dest: Path) -> None:
    """The notebook without its saved outputs: in the browser they are made by running it."""
    nb = json.loads(source.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    dest.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


# Opened from disk (file://), JupyterLite stays blank (its service worker and kernel need a
# server): each page says so, and how to open it instead.
DISK_NOTICE = """<div id="autograd-from-disk" role="alert" hidden style="position: fixed; inset: 0;
 z-index: 10000; overflow: auto; background: #fff; color: #1b1b1b; padding: 1em 2em;
 font: 16px/1.5 system-ui, sans-serif"><h1 style="font-size: 1.4em">Open the notebooks through a
 web server</h1><p>This page was opened from a file on disk (its address starts with
 <code>file://</code>). JupyterLite runs Python in the browser only when a web server serves it,
 so it stays blank this way. Instead:</p><ul><li>in a copy of the repository, run
 <code>make playground</code> and open <code>http://127.0.0.1:8000/lite/tree/index.html</code>
 (the address it prints, with <code>lite/tree/index.html</code> in place of
 <code>playground/index.html</code>), or</li><li>open the hosted copy of the site, if one is
 published (the README says where: <code>https://&lt;owner&gt;.github.io/&lt;repository&gt;/lite/tree/index.html</code>
 once its GitHub Pages workflow has run).</li></ul></div>
<script>if (location.protocol === "file:") {
  document.getElementById("autograd-from-disk").hidden = false;
  document.body.dataset.fromDisk = "1";
}
// Two accessibility faults of JupyterLite 0.8's own pages (found by axe-core, WCAG 2.2 AA),
// mended as its widgets appear: a toolbar button's aria-pressed="false" on an element with no
// role that allows it, and the logo's link with no text.
new MutationObserver(() => {
  for (const b of document.querySelectorAll("jp-button[aria-pressed]:not([role])")) {
    b.removeAttribute("aria-pressed");
  }
  const logo = document.getElementById("jp-NotebookLogo");
  if (logo && !logo.hasAttribute("aria-label")) {
    logo.setAttribute("aria-label", "Jupyter: the file list");
  }
}).observe(document.body, {childList: true, subtree: true, attributes: true,
  attributeFilter: ["aria-pressed"]});
</script>
"""


def with_disk_notice(page: str) -> str:
    """A JupyterLite page with the notice shown when it is opened from disk, first in its body.

    >>> "autograd-from-disk" in with_disk_notice("<html><body><p>x</p></body></html>")
    True
    >>> with_disk_notice("<html></html>")
    '<html></html>'
    """
    start = page.find("<body")
    if start < 0:
        return page
    end = page.index(">", start) + 1
    return page[:end] + "\n" + DISK_NOTICE + page[end:]


def build(dest: Path) -> dict[str, object]:
    """Write the site into ``dest``; returns what it holds (also written to lite-manifest.json)."""
    pyodide = installed("pyodide")
    runtime = json.loads((pyodide / "package.json").read_text())["version"]
    expected, own = kernel_wheels()
    if runtime != expected:
        sys.exit(f"lite: web/ pins pyodide {runtime}, the Pyodide kernel needs {expected}")
    with tempfile.TemporaryDirectory() as tmp:
        lite = Path(tmp)
        static = lite / "static" / "pyodide"
        static.mkdir(parents=True)
        for name in PYODIDE_FILES:
            if name != "pyodide-lock.json":
                shutil.copy2(pyodide / name, static / name)
        (static / "NOTICE.txt").write_text(NOTICE.format(version=runtime))
        (lite / "_wheel").mkdir()
        wheels = [*fetch_wheels(), *own, wheel_of_checkout(lite / "_wheel")]
        for wheel in wheels:
            shutil.copy2(wheel, static / wheel.name)
        info = json.loads((pyodide / "pyodide-lock.json").read_text())["info"]
        lock = pyodide_lock([static / w.name for w in wheels], info)
        (static / "pyodide-lock.json").write_text(json.dumps(lock, indent=1) + "\n")
        (lite / "files").mkdir()
        for nb in NOTEBOOKS:
            notebook_copy(nb, lite / "files" / nb.name)
        student = [ROOT / "notebooks" / name for name in STUDENT]
        write_student_notebooks(student, lite / "files" / "student")
        shutil.copy2(CONFIG, lite / "jupyter-lite.json")
        if dest.exists():
            shutil.rmtree(dest)
        done = subprocess.run(
            [Path(sys.executable).parent / "jupyter", "lite", "build", "--lite-dir", str(lite),
             "--output-dir", str(dest.resolve()), "--no-sourcemaps", "--no-unused-shared-packages",
             "--apps", "lab", "--apps", "notebooks", "--apps", "tree"],
            cwd=tmp, capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode:
            sys.exit(
                f"lite: jupyter lite build failed:\n{done.stdout[-4000:]}{done.stderr[-4000:]}"
            )
    for page in dest.rglob("*.html"):  # JupyterLite's pages do not say what language they are
        text = page.read_text(encoding="utf-8").replace("<html>", '<html lang="en">', 1)
        page.write_text(with_disk_notice(text), encoding="utf-8")
    packages = lock["packages"]
    assert isinstance(packages, dict)
    manifest = {
        "pyodide": runtime,
        "notebooks": [nb.name for nb in NOTEBOOKS],
        "student": [f"student/{name}" for name in STUDENT],
        "wheels": {k: [v["version"], v["sha256"]] for k, v in packages.items()},
    }
    (dest / "lite-manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


if __name__ == "__main__":
    built = build(Path(sys.argv[1]))
    print(f"lite: {len(built['notebooks'])} notebooks, {len(built['wheels'])} wheels")
