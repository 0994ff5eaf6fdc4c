"""Files, not code: the Graphviz renderer ``viz-global.js`` of the npm package ``@viz-js/viz``,
its version and sha256 (``viz-js.json``) and its licence, read by ``autograd.viz.inpage``.

A package (this file) so that the wheel's build includes the folder as package data.
"""
