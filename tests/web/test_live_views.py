"""The training tab's live views in Python: a point's graph changes nothing in the training,
the weight table is the optimiser's own state, the network's edges show their weights."""

import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from autograd.core.value import Value
from autograd.viz.backward_stepper import BackwardStepper
from autograd.web import Session
from autograd.web.live import neuron_grid, point_dot, point_frames, weight_rows
from autograd.web.training import Trainer


@settings(max_examples=8, deadline=None)
@given(points=st.lists(st.integers(0, 15), min_size=1, max_size=3), expanded=st.booleans())
def test_drawing_points_between_epochs_leaves_the_losses_bit_for_bit(points, expanded):
    plain, watched = (Trainer("moons", "4", "tanh", "adam", 0.05, points=16) for _ in range(2))
    for i in points:
        plain.epoch()
        watched.epoch()
        point_dot(watched, i, expanded)
    grads = [p.grad for p in watched.model.parameters()]
    point_dot(watched, points[0], expanded)
    assert [p.grad for p in watched.model.parameters()] == grads  # the table's column too
    plain.epoch()
    watched.epoch()
    assert plain.losses == watched.losses  # == on floats: bit for bit


def test_a_points_graph_is_relabelled_after_an_epoch():
    s = Session()
    s.handle(json.dumps({"do": "train", "dataset": "xor", "hidden": "3"}))
    first = json.loads(s.handle('{"do": "point", "index": 2}'))
    s.handle('{"do": "epoch"}')
    second = json.loads(s.handle('{"do": "point", "index": 2}'))
    assert first["ok"] and second["ok"] and first["dot"] != second["dot"]
    assert "after epoch 1" in first["dot"] and "after epoch 2" in second["dot"]
    refused = json.loads(s.handle('{"do": "point", "index": "<b>9</b>"}'))
    assert refused["ok"] is False and refused["error"].startswith("point:")


def test_the_weight_table_is_adams_state():
    t = Trainer("moons", "4", "relu", "adam", 0.05, points=16)
    for _ in range(3):
        t.epoch()
    neuron = t.model.layers[1].neurons[0]
    rows = weight_rows(t, "L1.N0")
    assert [r["name"] for r in rows] == [p.label for p in neuron.parameters()]
    for row, p in zip(rows, neuron.parameters(), strict=True):
        state = t.opt.state(p)
        assert (row["value"], row["m"]) == (p.data, state["m"])
        assert row["sqrt_v"] == math.sqrt(state["v"])


@settings(max_examples=12, deadline=None)
@given(
    optimiser=st.sampled_from(["adam", "sgd"]),
    epochs=st.integers(1, 4),
    neuron=st.sampled_from(["L0.N0", "L0.N2", "L1.N1", "L2.N0"]),
    added=st.none() | st.tuples(st.floats(-3, 3), st.floats(-3, 3), st.integers(0, 1)),
)
def test_the_tables_next_step_is_the_step_the_next_epoch_takes_bit_for_bit(
    optimiser, epochs, neuron, added
):
    plain, watched = (Trainer("moons", "3, 2", "tanh", optimiser, 0.05, points=12) for _ in "ab")
    for _ in range(epochs):
        plain.epoch()
        weight_rows(watched, neuron)  # looking ahead changes nothing in the training
        watched.epoch()
    if added is not None:  # the learner's point changes the next step: the table follows
        weight_rows(watched, neuron)
        plain.add_point(list(added))
        watched.add_point(list(added))
    rows = weight_rows(watched, neuron)
    plain.epoch()
    watched.epoch()
    assert plain.losses == watched.losses  # == on floats: bit for bit
    layer, index = (int(part[1:]) for part in neuron.split("."))
    params = watched.model.layers[layer].neurons[index].parameters()
    for row, p in zip(rows, params, strict=True):
        assert p.data == row["next"] and row["step"] == row["next"] - row["value"]
        assert p.grad == row["grad"]  # the gradient that step used


def test_a_neurons_zero_line_is_where_its_weighted_sum_changes_sign():
    t = Trainer("xor", "2", "relu", "sgd", 0.1, points=8)
    g = neuron_grid(t, "L0.N0")
    assert all((o > 0) == (s > 0) for s, o in zip(g["sum"], g["out"], strict=True))  # relu


def test_network_edges_carry_sign_and_size_not_by_colour_alone():
    t = Trainer("xor", "3", "tanh", "sgd", 0.1, points=8)
    dot = t.network_dot()
    for j, w in enumerate(t.model.layers[0].neurons[1].w):
        line = next(x for x in dot.splitlines() if f'"x{j}" -> "L0.N1"' in x)
        assert ("style=dashed" in line) == (w.data < 0)


def test_an_added_point_changes_the_next_epochs_loss_and_a_removed_one_too():
    def run(change: dict | None) -> float:
        s = Session()
        s.handle(json.dumps({"do": "train", "dataset": "moons", "hidden": "4"}))
        if change is not None:
            assert json.loads(s.handle(json.dumps({"do": "points", **change})))["ok"]
        return json.loads(s.handle('{"do": "epoch"}'))["loss"]

    plain = run(None)
    assert run({"add": [3.0, -2.0, 1]}) != plain
    assert run({"remove": 0}) != plain


@settings(max_examples=60, deadline=None)
@given(change=st.dictionaries(st.sampled_from(["add", "remove"]), st.from_type(object).filter(
    lambda v: isinstance(v, (int, float, str, list, type(None)))), min_size=1, max_size=1)
    | st.fixed_dictionaries({"add": st.lists(st.floats() | st.integers(-3, 3) | st.text(max_size=3),
                                             max_size=4)}))  # fmt: skip
def test_a_refused_point_changes_nothing(change):
    s = Session()
    s.handle(json.dumps({"do": "train", "dataset": "xor", "hidden": "2"}))
    t = s.trainer
    before = (json.dumps(t.X), list(t.y), t.box)
    answer = json.loads(s.handle(json.dumps({"do": "points", **change}, default=str)))
    if not answer["ok"]:
        assert (json.dumps(t.X), list(t.y), t.box) == before
        assert answer["error"].startswith(("point:", "a request")), answer["error"]


def test_three_classes_train_with_softmax_and_the_grid_names_classes():
    s = Session()
    first = json.loads(s.handle(json.dumps({"do": "train", "dataset": "blobs", "hidden": "8"})))
    assert first["classes"] == 3 and set(first["grid"]) <= {0.0, 1.0, 2.0}
    assert s.trainer.task.loss_name == "softmax cross-entropy"
    added = json.loads(s.handle('{"do": "points", "add": [0, 0, 2]}'))
    assert added["ok"] and added["points"][-1] == [0.0, 0.0, 2]
    drawn = json.loads(s.handle(json.dumps({"do": "point", "index": added["index"]})))
    assert drawn["ok"] and "(class 2)" in drawn["dot"]


def test_a_learning_rate_too_high_diverges_with_the_advice():
    s = Session()
    s.handle(json.dumps({"do": "train", "dataset": "moons", "optimiser": "sgd", "lr": 100}))
    answers = [json.loads(s.handle('{"do": "epoch"}')) for _ in range(5)]
    diverged = next(a for a in answers if not a["ok"])
    assert diverged["diverged"] and "training diverged at epoch" in diverged["error"]
    assert "Try a smaller learning rate" in diverged["error"] and s.trainer is None


def test_a_replayed_training_gives_the_same_loss_bit_for_bit():
    setup = {"do": "train", "dataset": "moons", "hidden": "6", "seed": 7, "lr": 0.05}
    live = Session()
    live.handle(json.dumps(setup))
    for k in range(1, 6):
        if k == 2:
            live.handle('{"do": "points", "add": [1.5, -0.5, 0]}')
        if k == 4:
            live.handle('{"do": "points", "remove": 3}')
        last = json.loads(live.handle('{"do": "epoch"}'))
    edits = [[2, "add", [1.5, -0.5, 0]], [4, "remove", 3]]
    again = json.loads(Session().handle(json.dumps({**setup, "epochs": 6, "edits": edits})))
    assert again["epoch"] == last["epoch"] == 6
    assert again["loss"] == last["loss"] and again["losses"] == live.trainer.losses
    other_seed = json.loads(Session().handle(json.dumps({**setup, "seed": 8, "epochs": 6})))
    assert other_seed["loss"] != last["loss"]


def test_a_refused_link_changes_nothing():
    s = Session()
    s.handle('{"do": "train", "dataset": "xor", "hidden": "2"}')
    kept = s.trainer
    bad_links = [
        {"epochs": "1e9"},
        {"seed": "-1"},
        {"edits": [[1, "add", [1e9, 0, 0]]], "epochs": 2},
        {"edits": "<script>"},
        {"edits": [[1, "remove", 999]], "epochs": 2},
    ]
    for bad in bad_links:
        answer = json.loads(s.handle(json.dumps({"do": "train", "dataset": "xor", **bad})))
        assert answer["ok"] is False and s.trainer is kept, (bad, answer)


@settings(max_examples=10, deadline=None)
@given(
    hidden=st.sampled_from(["16, 16", "12", "8, 8, 8", "2"]),
    activation=st.sampled_from(["relu", "tanh"]),
    dataset=st.sampled_from(["moons", "blobs"]),
    index=st.integers(0, 15),
)
def test_a_points_backward_steps_to_the_engines_gradients_at_any_size(
    hidden, activation, dataset, index
):
    t = Trainer(dataset, hidden, activation, "adam", 0.05, points=16)
    t.epoch()
    kept = [p.grad for p in t.model.parameters()]
    frames = point_frames(t, index)
    assert [p.grad for p in t.model.parameters()] == kept  # the training's gradients untouched
    x = [Value(v) for v in t.X[index]]
    t.model.zero_grad()
    t.task.loss([t.model(x)], [t.y[index]]).backward()
    grads = {p.label: p.grad for p in t.model.parameters()}
    k = len(frames) - 1
    assert frames[-1]["text"].startswith(f"step {k} of {k}")
    if "grads" not in frames[-1]:  # small: a node at a time, as the expression tab
        return
    shown: dict[str, float] = {}
    for frame in frames[1:]:
        assert 'class="current"' in frame["dot"]  # the neuron (or node) of the step outlined
        shown.update(frame["grads"])
    assert shown == grads  # == on floats: what backward() gives, bit for bit
    neurons = sum(layer.nout for layer in t.model.layers)
    nodes_stepped = len(BackwardStepper(t.task.loss([t.model(x)], [t.y[index]])))
    assert neurons < k < nodes_stepped  # a neuron at a time (and the loss's nodes one by one)
    assert frames[-1]["grads"] and all(g.startswith("L0.") for g in frames[-1]["grads"])
