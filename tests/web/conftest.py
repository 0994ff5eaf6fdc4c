"""What the browser tests of the built site share: the site served on 127.0.0.1 (nothing from
elsewhere), and one headless Chromium per test module."""

from __future__ import annotations

import pytest
from cdp import SITE, Browser

from autograd.web.serve import start


@pytest.fixture(scope="module")
def host():
    """The built site's root URL, served by a server of this module's own."""
    s = start(SITE)
    yield f"http://127.0.0.1:{s.server_port}/"
    s.shutdown()


@pytest.fixture(scope="module")
def playground(host):
    """The playground page's URL."""
    return host + "playground/index.html"


@pytest.fixture(scope="module")
def browser():
    with Browser() as b:
        yield b
