"""The training tab's live views in Python: a point's graph changes nothing in the training,
the weight table is the optimiser's own state, the network's edges show their weights."""

import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from autograd.web import Session
from autograd.web.live import neuron_grid, point_dot, weight_rows
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
    b1, b2 = t.opt.betas
    for row, p in zip(rows, neuron.parameters(), strict=True):
        state = t.opt.state(p)
        assert (row["value"], row["grad"], row["m"]) == (p.data, p.grad, state["m"])
        assert row["sqrt_v"] == math.sqrt(state["v"])
        # the update Adam made on its third step, from the same m and v
        want = -0.05 * (state["m"] / (1 - b1**3)) / (math.sqrt(state["v"] / (1 - b2**3)) + 1e-8)
        assert math.isclose(row["update"], want, rel_tol=1e-12)


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
