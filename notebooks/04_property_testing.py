# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 4. Property-testing derivatives
#
# A derivative rule that is slightly wrong does not crash anything: training just goes
# worse, quietly. So every derivative deserves a check by something that does not share
# its mistakes. This notebook shows three such referees and how to use them on your own
# operations:
#
# * **finite differences**: measure the slope numerically (`gradcheck`, `gradgradcheck`);
# * **symbolic differentiation**: sympy derives the formula exactly;
# * **property-based testing**: Hypothesis invents the inputs, hundreds of them, including
#   the awkward ones you would not think of.

# %%
import math

import sympy
from hypothesis import given, settings
from hypothesis.errors import HypothesisException

from autograd import Value, grad, primitive
from autograd.testing import (
    GradcheckError,
    check_primitive,
    gradcheck,
    gradgradcheck,
    primitive_test,
)
from autograd.testing.strategies import domain_floats, expressions, values

# %% [markdown]
# ## gradcheck
#
# `gradcheck(f, inputs)` computes every derivative of `f` twice: with the engine, and with
# the central difference $\frac{f(x+\varepsilon) - f(x-\varepsilon)}{2\varepsilon}$. It
# returns `True` when they agree within a tolerance, and raises `GradcheckError` with a
# table otherwise.


# %%
def f(x, y):
    return (x * y).tanh() + (x / y).log() * y.sigmoid()


print(gradcheck(f, [Value(1.3, "x"), Value(0.7, "y")]))

# %% [markdown]
# `gradgradcheck` does the same one level up: the derivatives *of the derivatives*, which
# the engine computes by running the derivative rules on `Value`s (notebook 5).

# %%
print(gradgradcheck(f, [Value(1.3, "x"), Value(0.7, "y")]))

# %% [markdown]
# ## A wrong derivative, caught
#
# Let us define our own operation. `squareplus` is a smooth cousin of ReLU,
# $s(x) = \frac{x + \sqrt{x^2 + 4}}{2}$, with derivative
# $s'(x) = \frac12\left(1 + \frac{x}{\sqrt{x^2+4}}\right)$. The `@primitive` decorator turns a
# function on floats plus one derivative rule per argument into an operation on `Value`s.
# We write the rule with arithmetic only, so the same rule works on floats (first order)
# and on `Value`s (higher order).
#
# First a version with a classic slip: the factor ½ forgotten.


# %%
@primitive(derivatives=[lambda x: 1 + x / (x * x + 4) ** 0.5], sample=[(-4.0, 4.0)])
def squareplus_bad(x):
    return (x + math.sqrt(x * x + 4)) / 2


try:
    gradcheck(squareplus_bad, [Value(0.5, "x")])
except GradcheckError as err:
    print(err)
    caught = err
assert not caught.rows[0].ok

# %% [markdown]
# The table names the derivative, both numbers and how far apart they are. The engine's
# answer is twice the measured slope, exactly the forgotten ½. The fixed version passes:


# %%
@primitive(derivatives=[lambda x: (1 + x / (x * x + 4) ** 0.5) / 2], sample=[(-4.0, 4.0)])
def squareplus(x):
    return (x + math.sqrt(x * x + 4)) / 2


print(gradcheck(squareplus, [Value(0.5, "x")]), gradgradcheck(squareplus, [Value(0.5, "x")]))

# %% [markdown]
# ## Checking a whole operation
#
# `check_primitive(op, inputs)` goes further at one point: the value against the forward
# rule (with and without `no_grad`), the recorded graph node, the float derivatives against
# the `Value` derivatives, and first and second derivatives against finite differences.

# %%
print(check_primitive(squareplus, [1.7]))
print(check_primitive("tanh", [0.4]), check_primitive("pow", [2.5], [3.0]))

# %% [markdown]
# ## Letting Hypothesis choose the inputs
#
# One point proves little: a rule can be right at 0.5 and wrong at -3. Hypothesis generates
# inputs from *strategies* and, when a check fails, shrinks the input to a simple failing
# example. `autograd.testing.strategies` knows where each operation is defined:
#
# * `domain_floats(op)`: floats inside the domain (for `log`, only positive numbers);
# * `values(op)`: the same, as leaf `Value`s;
# * `expressions(ops)`: whole random expression graphs with shared sub-expressions.
#
# `settings(derandomize=True)` makes Hypothesis draw the same inputs on every run *of the same
# Hypothesis version* (another version may draw others, so what is printed below depends on
# none of them: only how many passed and what was covered).

# %%
QUICK = settings(max_examples=40, derandomize=True, deadline=None, database=None)


@QUICK
@given(domain_floats("log"))
def test_log_derivative(x):
    v = Value(x, "x")
    v.log().backward()
    assert math.isclose(v.grad, 1 / x, rel_tol=1e-12)


@QUICK
@given(values(squareplus, label="x"))
def test_squareplus(x):
    assert gradcheck(squareplus, [x]) and gradgradcheck(squareplus, [x])


test_log_derivative()
test_squareplus()
print("both properties hold on 40 generated inputs each")

# %% [markdown]
# Now the wrong `squareplus_bad` under the same property. Hypothesis finds a failing input
# at once and then shrinks it to the simplest one, here x = 0; the error it re-raises is the
# gradcheck table for that input.


# %%
@QUICK
@given(values(squareplus_bad, label="x"))
def test_squareplus_bad(x):
    gradcheck(squareplus_bad, [x])


try:
    test_squareplus_bad()
    raise AssertionError("the wrong derivative was not caught")
except GradcheckError as err:
    print(err)

# %% [markdown]
# ### Random expressions against sympy
#
# The strongest check of the engine as a whole: random expression graphs built from many
# operations, with reused nodes, differentiated by the engine and symbolically by sympy.
# Each drawn `Expression` can build itself with the engine (`build`) and as a sympy formula
# (`sympy`).

# %%
OPS = ["add", "mul", "div", "tanh", "exp", "log", "sin", "sigmoid", "pow"]
seen = []


@QUICK
@given(expressions(OPS, inputs=(1, 3), max_ops=6))
def test_engine_matches_sympy(expr):
    leaves = expr.leaves()
    out = expr.build(leaves)
    symbols = sympy.symbols(f"x0:{len(leaves)}", real=True)
    formula = expr.sympy(symbols)
    at = dict(zip(symbols, expr.inputs, strict=True))
    for leaf, s, g in zip(leaves, symbols, grad(out, leaves), strict=True):
        exact = float(sympy.diff(formula, s).evalf(30, subs=at))
        assert math.isclose(g.data, exact, rel_tol=1e-9, abs_tol=1e-9), (str(expr), leaf.label)
    seen.append(expr)


test_engine_matches_sympy()
covered = sorted({node.primitive.name for e in seen for node in e.nodes})
print(f"{len(seen)} random expressions, each depending on its inputs, agree with sympy")
print("operations covered:", ", ".join(covered))
assert len(seen) >= 40 and covered == sorted(OPS)

# %% [markdown]
# ## In your own test suite
#
# The same checks belong in a test file, where they run on every change. `primitive_test`
# writes the whole property test for an operation in one line; pytest collects it like any
# other test:
#
# ```python
# from autograd.testing import primitive_test
#
# test_squareplus = primitive_test(squareplus)
# ```
#
# Here we call it directly, and watch it accept the right rule and reject the wrong one.

# %%
primitive_test(squareplus, settings=QUICK)()
try:
    primitive_test(squareplus_bad, settings=QUICK)()
    raise AssertionError("the wrong derivative was not caught")
except (GradcheckError, HypothesisException) as err:
    print(type(err).__name__, str(err).splitlines()[0])

# %% [markdown]
# ## What to remember
#
# * Never trust a derivative rule you have not compared with an independent oracle.
# * `gradcheck` / `gradgradcheck` compare with finite differences; sympy gives exact answers.
# * Hypothesis tries many inputs, inside each operation's domain, and shrinks failures to a
#   small example. `primitive_test(op)` packages all of it for your own operations.
