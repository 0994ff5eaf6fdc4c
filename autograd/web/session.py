"""The Worker's one entry point: a JSON request in, a JSON answer out, state kept between.

A request is ``{"do": WHAT, ...}``; the answer always has ``"ok"``, and ``"error"`` (plain text
that the page shows as text, never as HTML) when the request was refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..exercises import Exercise
from ..viz.quiz import js_number
from . import exercise as exercises
from .engine_check import check_source, failure_dot
from .graph import backward_frames
from .live import neuron_grid, point_dot, point_frames, point_index, weight_rows
from .training import MAX_POINTS, POINTS, Trainer, TrainingDiverged

MAX_REQUEST = 200_000  # characters: a pasted engine (at most 60_000, JSON may double it)
DIVERGED_ADVICE = (
    "The steps are too large: learning rate {lr:g} with {optimiser} moved the weights so far "
    "that the loss blew up. Try a smaller learning rate (the page starts at 0.05), and start again."
)
EDITS = ("add", "remove")  # what a link's edit does to the data: a point added or removed
MAX_REPLAY = 2000  # epochs a link may ask to replay
MAX_EDITS = 400  # the learner's point edits a link may carry
MAX_DIGITS = 1000  # of a JSON integer: a float ends near 1e308, and Python reads at most 4300


class Session:
    """What one page has going: the trainer and the exercise, and the hints it was given.

    >>> s = Session()
    >>> json.loads(s.handle('{"do": "train", "dataset": "xor", "hidden": "4"}'))["epoch"]
    1
    >>> print(json.loads(s.handle('{"do": "nothing"}'))["error"])  # doctest: +NORMALIZE_WHITESPACE
    unknown request 'nothing' (known: graph, train, epoch, neuron, exercise, check, hint,
    check_engine, failure_graph, point, neuron_view, points, point_steps)
    """

    def __init__(self) -> None:
        self.trainer: Trainer | None = None
        self.exercise: Exercise | None = None
        self.actions: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "graph": self._graph,
            "train": self._train,
            "epoch": self._epoch,
            "neuron": self._neuron,
            "exercise": self._new_exercise,
            "check": self._check,
            "hint": self._hint,
            "check_engine": self._check_engine,
            "failure_graph": self._failure_graph,
            "point": self._point,
            "neuron_view": self._neuron_view,
            "points": self._points,
            "point_steps": self._point_steps,
        }

    def handle(self, request: str) -> str:
        """Answer one request (JSON text) with JSON text; a refused request changes nothing.

        >>> json.loads(Session().handle("[1"))["ok"]
        False
        """
        try:
            args = read_request(request)
            what = args.get("do")
            if not isinstance(what, str) or what not in self.actions:
                raise ValueError(
                    f"unknown request {str(what)[:40]!r} (known: {', '.join(self.actions)})"
                )
            answer = self.actions[what](args)
        except (ValueError, TypeError, ArithmeticError) as e:
            answer = {"ok": False, "error": str(e)}
        return json.dumps(_strict(answer), allow_nan=False)

    def _graph(self, args: dict[str, Any]) -> dict[str, Any]:
        """Frames, texts and gradients of an expression's backward pass (see
        :func:`autograd.web.graph.backward_frames`)."""
        values = args.get("values") or {}
        if not isinstance(values, dict):
            raise ValueError("values must map names to numbers")
        lang = str(args.get("lang", "en"))
        return backward_frames(str(args.get("expr", "")), values, bool(args.get("quiz")), lang)

    def _train(self, args: dict[str, Any]) -> dict[str, Any]:
        """A new network on a dataset (what the page's form says, and ``seed``), and its first
        epoch; with ``epochs`` and ``edits`` (a link's), the training replayed up to that epoch,
        each edit ``[epoch, "add", [x, y, class]]`` or ``[epoch, "remove", index]`` made after
        its epoch, exactly as the page made them: the same loss, bit for bit."""
        epochs = whole(args.get("epochs", 1), "epochs", 1, MAX_REPLAY)
        edits = read_edits(args.get("edits") or [])
        trainer = Trainer(
            str(args.get("dataset", "moons")),
            args.get("hidden", "16, 16"),
            str(args.get("activation", "relu")),
            str(args.get("optimiser", "adam")),
            args.get("lr", 0.05),
            points=whole(args.get("points", POINTS), "points", 4, MAX_POINTS),
            seed=whole(args.get("seed", 0), "seed", 0, 2**31 - 1),
        )
        before, self.trainer = self.trainer, trainer
        try:
            answer = self._epoch(args)
            for k in range(1, epochs + 1):
                for when, what, point in edits:
                    if when == k:
                        self._points({what: point})
                if k < epochs and answer["ok"]:
                    answer = self._epoch(args)
        except (ValueError, TypeError, ArithmeticError):
            self.trainer = before  # a refused link changes nothing
            raise
        if answer["ok"] and self.trainer is not None:
            points = [[x[0], x[1], c] for x, c in zip(trainer.X, trainer.y, strict=True)]
            # every loss so far, once: a replayed link's curve (each epoch then sends its own)
            answer.update(points=points, box=trainer.box, losses=list(trainer.losses))
        return answer

    def _epoch(self, args: dict[str, Any]) -> dict[str, Any]:
        """One more epoch of the current network."""
        if self.trainer is None:
            raise ValueError("no network yet: start training first")
        try:
            out = self.trainer.epoch()
        except TrainingDiverged as e:  # the engine's advice, as the demo command gives it
            rate, name = self.trainer.opt.lr, type(self.trainer.opt).__name__
            self.trainer = None  # its weights are no longer numbers: start again
            return {
                "ok": False,
                "diverged": True,
                "error": f"{e}. " + DIVERGED_ADVICE.format(lr=rate, optimiser=name),
            }
        network = self.trainer.network_dot()
        return {"ok": True, "neurons": self.trainer.neurons(), "network": network, **out}

    def _neuron(self, args: dict[str, Any]) -> dict[str, Any]:
        """One neuron's drawing with its current gradients, expanded or fused."""
        if self.trainer is None:
            raise ValueError("no network yet: start training first")
        name = str(args.get("name", ""))
        dot = self.trainer.neuron_dot(name, bool(args.get("expanded", True)))
        return {"ok": True, "name": name, "dot": dot}

    def _point(self, args: dict[str, Any]) -> dict[str, Any]:
        """One data point's loss graph now (``index``; ``expanded``: every node drawn)."""
        if self.trainer is None:
            raise ValueError("no network yet: start training first")
        index = point_index(self.trainer, args.get("index"))
        dot, loss = point_dot(self.trainer, index, bool(args.get("expanded")))
        return {
            "ok": True,
            "index": index,
            "dot": dot,
            "loss": loss,
            "epoch": len(self.trainer.losses),
        }

    def _points(self, args: dict[str, Any]) -> dict[str, Any]:
        """The learner's own data: ``add`` a point ``[x, y, class]`` or ``remove`` one by its
        index; the next epoch trains on the new data. Answers with the data as it now is."""
        if self.trainer is None:
            raise ValueError("no network yet: start training first")
        if "add" in args:
            index = self.trainer.add_point(args["add"])
        else:
            index = point_index(self.trainer, args.get("remove"))
            self.trainer.remove_point(index)
        t = self.trainer
        points = [[x[0], x[1], c] for x, c in zip(t.X, t.y, strict=True)]
        return {"ok": True, "index": index, "points": points, "box": t.box}

    def _point_steps(self, args: dict[str, Any]) -> dict[str, Any]:
        """The chosen point's backward pass, frame by frame (a small network's only)."""
        if self.trainer is None:
            raise ValueError("no network yet: start training first")
        index = point_index(self.trainer, args.get("index"))
        lang = str(args.get("lang", "en"))
        return {"ok": True, "index": index, "frames": point_frames(self.trainer, index, lang)}

    def _neuron_view(self, args: dict[str, Any]) -> dict[str, Any]:
        """One neuron's output over the plane and its weights with the optimiser's state."""
        if self.trainer is None:
            raise ValueError("no network yet: start training first")
        name = args.get("name")
        grid = neuron_grid(self.trainer, name)
        return {"ok": True, "name": name, **grid, "weights": weight_rows(self.trainer, name)}

    def _new_exercise(self, args: dict[str, Any]) -> dict[str, Any]:
        """The exercise of a seed and a size; hints start again."""
        self.exercise = exercises.make(args.get("seed", 1), args.get("size", 4))
        return {"ok": True, **exercises.shown(self.exercise)}

    def _check(self, args: dict[str, Any]) -> dict[str, Any]:
        """Mark the learner's answers to the current exercise, with the diagnosis."""
        if self.exercise is None:
            raise ValueError("no exercise yet")
        answers = args.get("answers") or {}
        if not isinstance(answers, dict):
            raise ValueError("answers must map labels to numbers")
        return {"ok": True, **exercises.check(self.exercise, answers)}

    def _hint(self, args: dict[str, Any]) -> dict[str, Any]:
        """The next hint for one question of the current exercise."""
        if self.exercise is None:
            raise ValueError("no exercise yet")
        return {"ok": True, "text": self.exercise.hint(str(args.get("label", "")))}

    def _check_engine(self, args: dict[str, Any]) -> dict[str, Any]:
        """Judge the learner's engine: ``source`` (a module's text) and the class's ``name``;
        the report as text, and each problem's graph as data and drawn (see
        :func:`autograd.web.engine_check.check_source`)."""
        return {"ok": True, **check_source(args.get("source"), args.get("name", "Value"))}

    def _failure_graph(self, args: dict[str, Any]) -> dict[str, Any]:
        """A failing graph drawn from its data (``spec``), the wrong node ``leaf`` marked."""
        return {
            "ok": True,
            "dot": failure_dot(args.get("spec"), args.get("leaf", ""), args.get("got")),
        }


def read_edits(edits: Any) -> list[tuple[int, str, Any]]:
    """A link's point edits, each ``[epoch, "add", [x, y, class]]`` or ``[epoch, "remove",
    index]``, checked in shape (the points themselves when they are made); ValueError else.

    >>> read_edits([[2, "add", [0.5, 1, 0]], [3, "remove", 4]])
    [(2, 'add', [0.5, 1, 0]), (3, 'remove', 4)]
    """
    why = (
        f"edits: a list of at most {MAX_EDITS} [epoch, 'add', [x, y, class]] "
        "or [epoch, 'remove', index]"
    )
    if not isinstance(edits, list) or len(edits) > MAX_EDITS:
        raise ValueError(why)
    out = []
    for edit in edits:
        if not (isinstance(edit, list) and len(edit) == 3 and edit[1] in EDITS):
            raise ValueError(why)
        out.append((whole(edit[0], "an edit's epoch", 1, MAX_REPLAY), str(edit[1]), edit[2]))
    return out


def whole(given: Any, what: str, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high`` (an int, or its digits as text), or ValueError.

    >>> whole("12", "epochs", 1, 2000), whole(0, "seed", 0, 9)
    (12, 0)
    >>> whole("1e3", "epochs", 1, 2000)
    Traceback (most recent call last):
    ...
    ValueError: epochs: '1e3' is not a whole number from 1 to 2000
    """
    text = str(given)[:20]
    ok = not isinstance(given, bool) and isinstance(given, (int, str)) and text.isascii()
    if not (ok and text.isdigit() and low <= int(text) <= high):
        raise ValueError(f"{what}: {text!r} is not a whole number from {low} to {high}")
    return int(text)


def read_request(text: Any) -> dict[str, Any]:
    """A request's JSON object, or ValueError saying in the page's terms what is wrong with it:
    too long, not JSON, nested too deeply, a number too long to read, not an object.

    >>> read_request('{"do": "graph"}')
    {'do': 'graph'}
    >>> read_request("[" * 5000 + "]" * 5000)
    Traceback (most recent call last):
    ...
    ValueError: the request is nested too deeply to be read
    """
    if not isinstance(text, str) or len(text) > MAX_REQUEST:
        raise ValueError(f"a request is a JSON object of at most {MAX_REQUEST} characters")
    try:
        args = json.loads(text, parse_int=_whole_number)
    except RecursionError:  # the decoder recurses once per [ or {
        raise ValueError("the request is nested too deeply to be read") from None
    except json.JSONDecodeError as e:
        raise ValueError(f"the request is not JSON: {e.msg} at character {e.pos}") from None
    if not isinstance(args, dict):
        raise ValueError("a request is a JSON object")
    return args


def _whole_number(digits: str) -> int:
    """A JSON integer; one too long for Python to read (4300 digits) is refused by its length."""
    if len(digits) > MAX_DIGITS:
        raise ValueError(
            f"the request holds a number {len(digits)} digits long (too long: no number "
            "it can mean is beyond about 1e308)"
        )
    return int(digits)


def _strict(data: Any) -> Any:
    """``data`` with every inf and nan as the text JavaScript's ``Number()`` reads ("Infinity",
    "NaN"): JSON has neither, and a gradient at a pole is infinite.

    >>> _strict({"grad": float("inf"), "values": [1.0, float("nan")]})
    {'grad': 'Infinity', 'values': [1.0, 'NaN']}
    """
    if isinstance(data, float):
        return js_number(data)
    if isinstance(data, dict):
        return {k: _strict(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_strict(v) for v in data]
    return data
