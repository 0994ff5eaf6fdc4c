"""The playground's Python side: what the page's Web Worker calls, run by Pyodide in a browser.

Every answer is plain JSON built by the package's own code: the frames and texts of
:class:`~autograd.viz.BackwardStepper`, expressions parsed by :mod:`autograd.expressions`,
networks from :mod:`autograd.nn`, exercises from :mod:`autograd.exercises`. The page only draws
and shows text; :class:`Session` keeps the state between requests.

>>> from autograd.web import Session
>>> import json
>>> answer = json.loads(Session().handle('{"do": "graph", "expr": "x*y", "values": {"x": 2}}'))
>>> answer["ok"], [leaf["name"] for leaf in answer["leaves"]], answer["grads"]["y"]
(True, ['x', 'y'], 2.0)
"""

from .session import Session

__all__ = ["Session"]
