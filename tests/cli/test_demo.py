"""The training demo: files written, options checked, and the promised accuracy."""

import argparse
import io
import math
import re
import shutil
import sys
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value
from autograd.cli import demo
from autograd.cli.main import main
from autograd.nn import MLP, load, training
from autograd.nn.training import TrainingDiverged


def test_writes_every_output(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["demo", "--epochs", "3", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    for name in ("decision_boundary.png", "loss_curve.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    model = load(out / "model.json")
    assert isinstance(model, MLP) and model.nouts == [16, 16, 1] and model.num_parameters() == 337
    if shutil.which("dot"):
        svg = (out / "neuron.svg").read_text()
        assert "<svg" in svg and "L0.N0.w0" in svg  # the expanded view: products, no fused node
        assert "×" in svg and ">linear<" not in svg
    else:
        assert "Graphviz" in text
    assert "training accuracy" in text and "held-out accuracy" in text


def test_reaches_97_percent_on_moons(tmp_path):
    parser = argparse.ArgumentParser()
    demo.add_arguments(parser)
    args = parser.parse_args(["--out", str(tmp_path)])
    result = demo.train(args, io.StringIO())
    assert len(result["X"]) == 100
    assert result["train_accuracy"] >= 0.97
    assert result["test_accuracy"] >= 0.9
    assert result["history"].total[-1] < 0.2 * result["history"].total[0]


def test_works_without_tqdm_matplotlib_or_graphviz(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    parser = argparse.ArgumentParser()
    demo.add_arguments(parser)
    args = parser.parse_args(["--epochs", "10", "--dataset", "spirals", "--out", str(tmp_path)])
    buf = io.StringIO()
    assert demo.run(args, buf) == 0
    text = buf.getvalue()
    assert "epoch   10  loss" in text
    assert "matplotlib is not installed" in text and "Graphviz" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]
    assert load(tmp_path / "model.json").nouts == [16, 16, 3]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--optimizer", "rmsprop"], "invalid choice: 'rmsprop'"),
        (["--epochs", "0"], "expected a positive int"),
        (["--lr", "nan"], "expected a positive float"),
        (["--hidden", "16,x"], "comma-separated positive layer sizes"),
        (["--dataset", "mnist"], "invalid choice: 'mnist'"),
        (["--activation", "linear"], "invalid choice"),
    ],
)
def test_bad_options_exit_2(argv, message, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["demo", *argv])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_no_subcommand_still_explains(capsys):
    assert main([]) == 0
    assert "One neuron" in capsys.readouterr().out


def parse(*argv):
    parser = argparse.ArgumentParser()
    demo.add_arguments(parser)
    return parser.parse_args(list(argv))


def test_a_diverging_run_stops_with_advice_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["demo", "--lr", "1e300", "--epochs", "5", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "training diverged at epoch" in err and "try a smaller --lr" in err
    assert "Traceback" not in err and list(out.iterdir()) == []


@given(lr=st.floats(1e3, 1e308), optimizer=st.sampled_from(["sgd", "adam"]))
@settings(max_examples=5, deadline=None)
def test_any_huge_learning_rate_diverges_cleanly_or_trains(lr, optimizer):
    args = parse("--lr", repr(lr), "--optimizer", optimizer, "--epochs", "4", "--points", "10")
    try:
        result = demo.train(args, io.StringIO())
    except TrainingDiverged as e:
        assert "training diverged at epoch" in str(e)
    else:  # Adam's steps are bounded by lr; whatever survives is finite
        assert all(math.isfinite(v) for v in result["history"].total)


def test_history_keeps_the_data_loss_and_the_l2_term_apart():
    result = demo.train(parse("--epochs", "3", "--points", "20", "--hidden", "4"), io.StringIO())
    h = result["history"]
    assert h.loss_name == "hinge loss" and len(h) == 3 == len(h.accuracy)
    model = result["model"]
    penalty = demo.L2 * sum(p.data**2 for p in model.parameters())
    assert h.l2[-1] > 0 and math.isclose(h.l2[-1], penalty, rel_tol=0.5)  # one step earlier
    assert h.total == [d + r for d, r in zip(h.data_loss, h.l2, strict=True)]


def test_spirals_defaults_learn_and_sgd_gets_settings_that_work():
    assert demo.settings(parse("--dataset", "spirals")).optimizer == "adam"
    chosen = demo.settings(parse("--dataset", "spirals", "--optimizer", "sgd"))
    assert (chosen.epochs, chosen.lr) == demo.DATASET_STEADY["spirals"]
    given_lr = demo.settings(parse("--dataset", "spirals", "--optimizer", "sgd", "--lr", "0.3"))
    assert given_lr.lr == 0.3 and given_lr.epochs == 400


@pytest.mark.long
def test_spirals_with_tanh_and_sgd_learns_with_the_defaults():
    # The example: 41% on three classes with the old defaults.
    args = parse("--dataset", "spirals", "--activation", "tanh", "--optimizer", "sgd")
    result = demo.train(args, io.StringIO())
    assert result["train_accuracy"] >= 0.9 and result["test_accuracy"] >= 0.85


def test_accuracy_near_chance_gets_a_note():
    out = io.StringIO()
    args = parse("--dataset", "spirals", "--optimizer", "sgd", "--lr", "0.3", "--epochs", "3")
    result = demo.train(args, out)
    assert result["train_accuracy"] < 0.5
    assert "near chance (33% for 3 classes)" in out.getvalue()
    assert "--optimizer adam" in out.getvalue()


def test_the_first_epoch_does_not_drive_the_time_estimate(monkeypatch):
    pytest.importorskip("tqdm")
    real = training._epoch
    calls = []

    def slow_first(*args):  # a first epoch that pays a one-off cost, as compiling does
        calls.append(1)
        if len(calls) == 1:
            time.sleep(1.5)
        return real(*args)

    monkeypatch.setattr(training, "_epoch", slow_first)
    out = io.StringIO()
    demo.train(parse("--epochs", "30", "--points", "10", "--hidden", "2"), out)
    remaining = re.findall(r"<(\d\d):(\d\d)", out.getvalue())
    assert remaining and all(int(m) * 60 + int(s) < 1 for m, s in remaining), remaining


@pytest.mark.slow
def test_plots_label_axes_classes_and_both_loss_terms(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    result = demo.train(
        parse("--dataset", "blobs", "--epochs", "2", "--points", "30"), io.StringIO()
    )
    fig = demo.plot_boundary(result, plt)
    ax = fig.axes[0]
    assert ax.get_xlabel() and ax.get_ylabel()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["class 0", "class 1", "class 2", "training point", "held-out point"]
    fig.canvas.draw()  # every label inside the figure: nothing cut off at the edges
    for text in [ax.xaxis.label, ax.yaxis.label, *ax.get_yticklabels(), ax.title]:
        box = text.get_window_extent()
        assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= fig.bbox.width
    plt.close(fig)
    fig = demo.plot_loss(result, plt)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("softmax cross-entropy" in t for t in labels) and any("L2" in t for t in labels)
    fig.canvas.draw()
    for text in [ax.yaxis.label, *ax.get_yticklabels()]:
        if text.get_text():
            assert text.get_window_extent().x0 >= 0, text.get_text()
    plt.close(fig)


@pytest.mark.slow
def test_a_learning_rate_that_climbs_without_overflowing_is_called_divergence(tmp_path, capsys):
    # lr 500 climbs to a loss of 1e74 and never reaches inf: a millionfold rise is divergence
    out = tmp_path / "out"
    assert main(["demo", "--lr", "500", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "over a millionfold" in err and "try a smaller --lr" in err
    assert list(out.iterdir()) == []


@given(
    losses=st.lists(st.floats(1e-3, 1e3), min_size=1, max_size=20),
    jump=st.floats(1e6, 1e300),
)
@settings(max_examples=40, deadline=None)
def test_fit_stops_exactly_when_the_loss_grows_a_millionfold(losses, jump):
    """Any loss curve that stays within a millionfold of its start trains on; the epoch whose
    loss passes that (however it got there) stops training, naming the epoch."""
    curve = [*losses, losses[0] * jump * 1.0001]
    history = training.History("loss")
    for epoch, loss in enumerate(curve):
        if epoch < len(losses):
            training._check_growth(history, loss, epoch)  # no error: within the bound
            history.append(loss, 0.0, 0.5)
        else:
            with pytest.raises(TrainingDiverged, match=f"epoch {epoch + 1}: the loss grew"):
                training._check_growth(history, loss, epoch)


@pytest.mark.parametrize("taken", demo.OUTPUT_FILES)
def test_a_folder_in_the_way_of_an_output_file_exits_2_before_training(tmp_path, taken, capsys):
    (tmp_path / taken).mkdir()
    assert main(["demo", "--epochs", "1", "--points", "10", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "a directory of that name is in the way" in err and "Traceback" not in err


def test_the_training_time_leaves_out_compiling_and_says_how_long_that_took(monkeypatch):
    """The demo once said "trained 100 epochs in 3.8 s" with the compiling inside the 3.8 s."""
    real = demo._compiled_step

    def slow_compile(*args):  # compiling that takes a noticeable time
        time.sleep(1.0)
        return real(*args)

    monkeypatch.setattr(demo, "_compiled_step", slow_compile)
    out = io.StringIO()
    demo.train(
        parse("--epochs", str(demo.COMPILE_MIN_EPOCHS), "--points", "10", "--hidden", "2"), out
    )
    (line,) = re.findall(
        r"trained \d+ epochs in ([\d.]+) s \(after ([\d.]+) s compiling", out.getvalue()
    )
    training, compiling = map(float, line)
    assert compiling >= 1.0 and training < 1.0


def test_every_registered_optimizer_is_offered_and_an_unknown_one_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Adding an optimiser is one registry entry: the demo offers it and builds it (it once
    fell through to AdamW); a name that is not registered is refused, never defaulted."""
    from autograd.nn import optim

    class Halving(optim.SGD):
        pass

    monkeypatch.setitem(optim.OPTIMIZERS, "halving", optim.OptimizerChoice(Halving, 0.5))
    args = parse("--optimizer", "halving", "--epochs", "3")
    opt, schedule = demo.make_optimizer([Value(1.0)], demo.settings(args))
    assert type(opt) is Halving and opt.lr == 0.5 and schedule is None
    for name in optim.OPTIMIZERS:
        args = parse("--optimizer", name, "--epochs", "3")
        opt, _ = demo.make_optimizer([Value(1.0)], demo.settings(args))
        assert type(opt) is optim.OPTIMIZERS[name].make
    with pytest.raises(ValueError, match="unknown optimizer 'rmsprop': choose one of sgd"):
        demo.make_optimizer(
            [Value(1.0)], argparse.Namespace(optimizer="rmsprop", lr=None, epochs=1)
        )
