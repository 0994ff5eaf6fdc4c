"""A static file server on 127.0.0.1 for the built site: ``make playground`` and the browser
tests use it. It serves files only, with the types a module Worker and WebAssembly need.
"""

from __future__ import annotations

import argparse
import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".whl": "application/zip",
    ".zip": "application/zip",
}


class _Quiet(SimpleHTTPRequestHandler):
    # the base class's attribute, extended
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **TYPES}  # noqa: RUF012

    def log_message(self, format: str, *args: Any) -> None:
        pass  # a test's output stays readable


def start(root: str | Path, port: int = 0) -> ThreadingHTTPServer:
    """Serve ``root`` on 127.0.0.1 (port 0: any free one) from a daemon thread; call
    ``.shutdown()`` to stop.

    >>> import tempfile, urllib.request
    >>> folder = tempfile.mkdtemp()
    >>> _ = (Path(folder) / "a.mjs").write_text("export {}")
    >>> server = start(folder)
    >>> url = f"http://127.0.0.1:{server.server_port}/a.mjs"
    >>> urllib.request.urlopen(url).headers["Content-Type"]
    'text/javascript'
    >>> server.shutdown()
    """
    handler = functools.partial(_Quiet, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> None:
    """``python -m autograd.web.serve SITE``: serve the built site and print the playground's
    address, until Ctrl-C.

    >>> main(["--help"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    SystemExit: 0
    """
    p = argparse.ArgumentParser(
        prog="python -m autograd.web.serve", description="Serve the built site on 127.0.0.1."
    )
    p.add_argument("site", help="the built site, docs/_build/html")
    p.add_argument("--port", type=int, default=8000)
    args = p.parse_args(argv)
    server = start(args.site, args.port)
    print(f"playground: http://127.0.0.1:{server.server_port}/playground/index.html (Ctrl-C stops)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == "__main__":
    main()
