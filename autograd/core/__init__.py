"""The engine's core: the ``Value`` node and everything a gradient needs, one job per module.

From the ground up: ``numbers`` (what counts as a number), ``op`` (``Op`` and the one registry
of operations), ``modes`` (grad mode and anomaly mode, one scoped implementation), ``anomaly``
(anomaly mode's checks and messages), ``twins`` (rule helpers over Values), ``operations``
(GENERATED from the table by ``make generate``: every row's forward, backward and local
derivatives), ``linear`` (the fused neuron's rules), ``graph`` (topological order), ``hooks``
(gradient hooks), ``sweep`` (the one reverse sweep behind every gradient), ``pickling`` (copies
and pickles without recursion) and ``value`` (the ``Value`` class).
"""
