"""The engine's core: the ``Value`` node and everything a gradient needs, one job per module.

Read ``reference`` first: the topological walk and the chain-rule sweep in a few lines each
(``input.grad += node.grad * local``), as in micrograd. ``graph.walk``/``graph.walk_zeroing``
and ``sweep.apply_rules``/``sweep.backward_pass`` are their optimisations, tested to agree with
them bit for bit.

From the ground up: ``numbers`` (what counts as a number), ``locks``, ``layout`` (how a node's
input slots are laid out: ``MANY``, ``WEIGHTED``), ``counters`` (live user primitives and hooks,
which decide the fast walk), ``domain`` (the error a forward rule's failure becomes), ``op``
(``Op`` and the one registry of operations), ``modes`` (grad mode and anomaly mode, one scoped
implementation), ``anomaly`` (anomaly mode's checks and messages), ``twins`` (rule helpers over
Values), ``operations`` (GENERATED from the table by ``make generate``: every row's forward,
backward and local derivatives), ``linear`` (the fused neuron's rules), ``graph`` (topological
order) with ``reference`` (the plain walk and sweep), ``hooks`` (gradient hooks), ``sweep`` (the
one reverse sweep behind every gradient), ``pickling`` (copies and pickles without recursion; how a
pickle names an operation) and ``value`` (the ``Value`` class).
"""
