"""A static file server for the built site: ``make playground`` and the browser tests use it on
127.0.0.1; ``--host 0.0.0.0`` serves a classroom's network. It serves files only (read-only, with
the types a module Worker and WebAssembly need): the Python runs in each visitor's browser.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import socket
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


def start(root: str | Path, port: int = 0, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """Serve ``root`` on ``host`` (127.0.0.1: this machine only; port 0: any free one) from a
    daemon thread; call ``.shutdown()`` to stop.

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
    server = ThreadingHTTPServer((host, port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


EXPOSES = (
    "serving {site} to every machine that can reach this one on port {port}: anyone on the "
    "network can read every file under that folder (directory listings included); nothing "
    "else is served, nothing can be uploaded, and no code runs here (the Python runs in "
    "each visitor's browser)."
)


def main(argv: list[str] | None = None) -> None:
    """``python -m autograd.web.serve SITE``: serve the built site and print the playground's
    address, until Ctrl-C. ``--host 0.0.0.0`` serves a classroom's network (it says what that
    exposes).

    >>> main(["--help"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    SystemExit: 0
    """
    p = argparse.ArgumentParser(
        prog="python -m autograd.web.serve",
        description="Serve the built site (static files, read-only) on 127.0.0.1, or with "
        "--host on a classroom's network.",
    )
    p.add_argument("site", help="the built site, docs/_build/html")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on (default 127.0.0.1: this machine only). 0.0.0.0 "
        "listens on every network this machine is on: anyone who can reach it can read every "
        "file under SITE (and list its folders); nothing else is served, nothing is uploaded, "
        "no code runs on this machine.",
    )
    args = p.parse_args(argv)
    server = start(args.site, args.port, args.host)
    port = server.server_port
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(EXPOSES.format(site=Path(args.site).resolve(), port=port))
        for address in addresses(args.host):
            print(f"playground: http://{address}:{port}/playground/index.html")
    else:
        print(f"playground: http://127.0.0.1:{port}/playground/index.html")
    print("Ctrl-C stops.")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()


def addresses(host: str) -> list[str]:
    """The addresses others can open: ``host`` itself, or for 0.0.0.0 this machine's own.

    >>> addresses("192.168.1.20")
    ['192.168.1.20']
    """
    if host not in ("0.0.0.0", "", "::"):
        return [host]
    found = set()
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("192.0.2.1", 9))  # no packet is sent: this picks the outgoing address
        found.add(s.getsockname()[0])
    with contextlib.suppress(OSError):
        found.update(socket.gethostbyname_ex(socket.gethostname())[2])
    return sorted(a for a in found if not a.startswith("127.")) or ["<this machine's address>"]


if __name__ == "__main__":
    main()
