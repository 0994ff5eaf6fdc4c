"""``python -m autograd exercises mark``: a class's answers to an exercise sheet marked against
the JSON answer key, with the diagnosis of each wrong answer, in the grader's formats."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from autograd.cli.main import main
from autograd.cli.sheet_marking import mark_answers, mark_sheets
from autograd.exercises.answers import Answers
from autograd.exercises.key import load_key
from autograd.exercises.sheet import KEY_SCHEMA, KEY_VERSION, Sheet
from autograd.ops import OPS

GRADESCOPE_TOP = {"score", "execution_time", "output", "tests"}
GRADESCOPE_TEST = {"name", "score", "max_score", "status", "output", "visibility"}


def make_sheet(tmp_path: Path, seed: int = 3, count: int = 2) -> Path:
    """The sheet written by the command; the path of its key.json."""
    out = tmp_path / "sheet"
    assert main(["exercises", "--seed", str(seed), "--count", str(count), "--out", str(out)]) == 0
    return out / "key.json"


def key_rows(key: Path) -> list[tuple[int, str, float | str]]:
    data = json.loads(key.read_text(encoding="utf-8"))
    return [
        (ex["number"], q["name"], q["exact"]) for ex in data["exercises"] for q in ex["questions"]
    ]


def write_csv(path: Path, rows, header=("exercise", "question", "answer")) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_the_key_is_versioned_json_and_its_own_answers_score_full(tmp_path, capsys):
    key = make_sheet(tmp_path)
    data = json.loads(key.read_text(encoding="utf-8"))
    assert data["schema"] == KEY_SCHEMA and data["version"] == KEY_VERSION == 1
    assert data["seed"] == 3 and data["options"]["count"] == 2 and data["options"]["reuse"]
    assert data["tolerance"]["rtol"] > 0 and data["tolerance"]["atol"] > 0
    sheet = Sheet(seed=3, count=2, draw=False)
    for ex, entry in zip(sheet.exercises, data["exercises"], strict=True):
        assert {q["name"]: q["exact"] for q in entry["questions"]} == ex.key()
        grads = [q for q in entry["questions"] if q["kind"] == "gradient"]
        assert {q["name"] for q in grads} == {q for q in ex.questions() if q.endswith(".grad")}
    answers = tmp_path / "answers"
    answers.mkdir()
    write_csv(answers / "ada.csv", key_rows(key))
    by_exercise: dict[str, dict[str, object]] = {}
    for k, q, x in key_rows(key):
        by_exercise.setdefault(str(k), {})[q] = x
    (answers / "bo.json").write_text(json.dumps({"seed": 3, "answers": by_exercise}))
    out = tmp_path / "results"
    args = ["exercises", "mark", str(answers), "--key", str(key), "--out", str(out)]
    assert main(args) == 0
    summary = json.loads((out / "summary.json").read_text())
    full = float(len(key_rows(key)))
    assert summary["scores"] == {"ada": full, "bo": full} and summary["max_score"] == full
    assert summary["zeros"] == {} and summary["mistakes"] == []
    assert "2 answer sheets marked" in capsys.readouterr().out


def test_the_key_can_be_written_where_the_teacher_wants_and_the_sheet_is_unchanged(tmp_path):
    away = tmp_path / "private" / "key.json"
    base = ["exercises", "--seed", "4", "--count", "1"]
    assert main([*base, "--out", str(tmp_path / "a"), "--key", str(away)]) == 0
    assert main([*base, "--out", str(tmp_path / "b")]) == 0
    assert not (tmp_path / "a" / "key.json").exists()
    assert away.read_bytes() == (tmp_path / "b" / "key.json").read_bytes()
    for name in ("sheet.md", "sheet.html", "key.md", "key.html"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert load_key(away).seed == 4


def test_a_key_that_does_not_match_its_sheet_is_refused(tmp_path, capsys):
    key = make_sheet(tmp_path)
    write_csv(tmp_path / "ada.csv", key_rows(key))
    data = json.loads(key.read_text())
    data["exercises"][0]["questions"][1]["exact"] = 1234.5
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    newer = dict(data, version=99)
    (tmp_path / "newer.json").write_text(json.dumps(newer))
    out = tmp_path / "r"
    for path, words in [(bad, "1234.5 in the key"), (tmp_path / "newer.json", "version 99")]:
        args = ["exercises", "mark", str(tmp_path / "ada.csv"), "--key", str(path)]
        assert main([*args, "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert words in err and str(path) in err
    assert not out.exists()


def _plant_sign(sheet: Sheet, data: st.DataObject):
    ex = sheet.exercises[0]
    asked = [
        q
        for q in ex.questions()
        if q.endswith(".grad")
        and ex.parse_label(q)[0] is not ex.root
        and len(ex.uses[ex.parse_label(q)[0]]) == 1
        and abs(ex.exact(q)) > 0.01
    ]
    assume(asked)
    q = data.draw(st.sampled_from(asked))
    return q, -ex.exact(q), "sign"


def _plant_missing_share(sheet: Sheet, data: st.DataObject):
    ex = sheet.exercises[0]
    reused = [
        q for q in ex.questions() if q.endswith(".grad") and len(ex.uses[ex.nodes[q[:-5]]]) > 1
    ]
    assume(reused)
    q = data.draw(st.sampled_from(reused))
    node = ex.nodes[q[:-5]]
    shares = [ex.grads[c] * ex.local(c, i) for c, i in ex.uses[node]]
    j = data.draw(st.integers(0, len(shares) - 1))
    planted = sum(shares) - shares[j]
    assume(not ex.close(planted, ex.exact(q)))
    return q, planted, "missing share"


def _plant_wrong_operand(sheet: Sheet, data: st.DataObject):
    """The rule of a product's input is the other operand (the table row says so): plant the
    input's own value instead."""
    ex = sheet.exercises[0]
    found = []
    for q in ex.questions():
        node, is_grad = ex.parse_label(q)
        if not is_grad or node is ex.root or len(ex.uses[node]) != 1:
            continue
        (c, i) = ex.uses[node][0]
        row = OPS[c.op]
        if len(row.inputs) == 2 and row.derivatives[i] == row.inputs[1 - i]:
            planted = ex.grads[c] * node.data
            exact = ex.exact(q)
            if not ex.close(planted, exact) and not ex.close(planted, -exact):
                found.append((q, planted))
    assume(found)
    q, planted = data.draw(st.sampled_from(found))
    return q, planted, "local derivative"


@pytest.mark.parametrize("plant", [_plant_sign, _plant_missing_share, _plant_wrong_operand])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(seed=st.integers(0, 5000), data=st.data())
def test_a_planted_mistake_is_named_in_the_mark(plant, seed, data):
    sheet = Sheet(seed=seed, count=1, size=4, draw=False)
    q, planted, mistake = plant(sheet, data)
    marked = mark_answers(Answers("ada", Path("ada.csv"), {1: {q: planted}}), sheet)
    (check,) = [c for c in marked.checks if c.name == f"exercise 1: {q}"]
    assert check.status == "failed" and check.score == 0.0
    assert f"Mistake: {mistake}." in check.output, check.output
    assert marked.causes == [{"kind": mistake, "question": f"exercise 1: {q}"}]
    others = [c for c in marked.checks if c is not check]
    assert all(c.output == "not answered" and c.score == 0 for c in others)


def test_the_diagnosis_reaches_every_format_and_the_class_summary(tmp_path):
    sheet = Sheet(seed=2, count=1, draw=False)
    key = tmp_path / "key.json"
    key.write_text(sheet.key_json())
    answers = tmp_path / "answers"
    answers.mkdir()
    # x0 is used twice (x0 − x1 and n3 × x0): 25 leaves out the share 5 through n1
    write_csv(answers / "ada.csv", [(1, "n1", "3.5"), (1, "x0.grad", "25")])
    write_csv(answers / "bo.csv", [(1, "n1", "3.5"), (1, "x0.grad", "30")])
    out = tmp_path / "out"
    summary = mark_sheets(answers, key, out)
    assert summary["scores"] == {"ada": 1.0, "bo": 2.0}
    assert summary["mistakes"] == [
        {
            "mistake": "missing share",
            "students": 1,
            "share": 0.5,
            "answers": 1,
            "example": "ada, exercise 1: x0.grad",
        }
    ]
    result = json.loads((out / "ada" / "results.json").read_text())
    assert set(result) >= GRADESCOPE_TOP and result["score"] == 1.0
    assert isinstance(result["execution_time"], float) and "seed 2" in result["output"]
    assert len(result["tests"]) == len(sheet.exercises[0].questions())
    for t in result["tests"]:
        assert set(t) == GRADESCOPE_TEST and t["max_score"] == 1.0
        assert t["status"] in ("passed", "failed") and t["visibility"] == "visible"
    wrong = next(t for t in result["tests"] if t["name"] == "exercise 1: x0.grad")
    assert wrong["status"] == "failed" and "Mistake: missing share." in wrong["output"]
    suite = ET.parse(out / "ada" / "junit.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == str(len(result["tests"]))
    assert suite.get("failures") == str(len(result["tests"]) - 1)
    case = next(c for c in suite.iter("testcase") if c.get("name") == "exercise 1: x0.grad")
    failure = case.find("failure")
    assert failure is not None and "missing share" in (failure.text or "")
    rows = {r["student"]: r for r in csv.DictReader((out / "class.csv").open())}
    assert rows["ada"]["total"] == "1" and rows["ada"]["exercise 1: x0.grad"] == "0"
    assert rows["bo"]["exercise 1: x0.grad"] == "1"


MALFORMED = {
    "columns.csv": ("exercise,answer\n1,3\n", "row 1: the column(s) question are missing"),
    "empty.csv": ("", "row 1: no header row"),
    "number.csv": ("exercise,question,answer\n1,n1,3.5\n1,n2,lots\n", "row 3: the answer 'lots'"),
    "exercise.csv": ("exercise,question,answer\n7,n1,3\n", "row 2: there is no exercise '7'"),
    "question.csv": ("exercise,question,answer\n1,zz,3\n", "row 2: exercise 1 asks no 'zz'"),
    "twice.csv": (
        "exercise,question,answer\n1,n1,3.5\n1,n1,3.5\n",
        "row 3: exercise 1's n1 is answered twice (first at row 2)",
    ),
    "seed.csv": (
        "exercise,question,answer,seed\n1,n1,3.5,9\n",
        "row 2: these answers are for seed 9, but the key is for seed 2",
    ),
    "seed.json": (
        '{"seed": 9, "answers": {"1": {"n1": 3.5}}}',
        '"seed": these answers are for seed 9',
    ),
    "broken.json": ('{"answers": ', "line 1: not JSON"),
    "shape.json": ("[1, 2]", "the top level: expected"),
    "value.json": ('{"answers": {"1": {"n1": [3.5]}}}', "exercise '1', 'n1': the answer"),
}


def test_malformed_answer_files_score_zero_with_file_and_row_and_the_batch_goes_on(
    tmp_path, capsys
):
    sheet = Sheet(seed=2, count=1, draw=False)
    key = tmp_path / "key.json"
    key.write_text(sheet.key_json())
    answers = tmp_path / "answers"
    answers.mkdir()
    for name, (text, _) in MALFORMED.items():
        (answers / name).write_text(text, encoding="utf-8")
    (answers / "binary.csv").write_bytes(b"\xff\xfe\x00\x81exercise")
    good = [(1, q, x) for q, x in sheet.exercises[0].key().items()]
    write_csv(answers / "good.csv", good)
    out = tmp_path / "out"
    assert main(["exercises", "mark", str(answers), "--key", str(key), "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    student = {name: name.rsplit(".", 1)[0] for name in MALFORMED}
    student["seed.csv"], student["seed.json"] = "seed.csv", "seed.json"  # two files, one stem
    assert summary["scores"]["good"] == float(len(good))
    for name, (_, words) in MALFORMED.items():
        who = student[name]
        assert summary["scores"][who] == 0.0, name
        assert f"{answers / name}: {words}" in summary["zeros"][who], summary["zeros"][who]
        result = json.loads((out / who / "results.json").read_text())
        assert result["score"] == 0 and all(t["score"] == 0 for t in result["tests"])
        assert words in result["output"]
    assert "cannot be read" in summary["zeros"]["binary"]
    assert "could not be marked" in capsys.readouterr().out


def test_a_partly_right_file_with_one_bad_row_gives_no_points():
    sheet = Sheet(seed=2, count=1, draw=False)
    from autograd.exercises.answers import read_answers

    path = Path(__file__).parent / "__no_such_dir__" / "x.csv"
    got = read_answers(path, sheet)
    assert not got.ok and "cannot be read" in got.problems[0] and str(path) in got.problems[0]
    marked = mark_answers(Answers("x", path, {1: {"n1": 3.5}}, ["x.csv: row 3: bad"]), sheet)
    assert marked.score == 0.0 and marked.fatal == "x.csv: row 3: bad"


def test_the_generation_command_is_unchanged_and_mark_needs_its_arguments(tmp_path, capsys):
    assert main(["exercises", "--out", str(tmp_path / "x")]) == 2
    assert "--seed and --out are required" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
    with pytest.raises(SystemExit):
        main(["exercises", "mark", "answers.csv"])
    assert "--key" in capsys.readouterr().err
    key = make_sheet(tmp_path)
    capsys.readouterr()
    empty = tmp_path / "empty"
    empty.mkdir()
    out = tmp_path / "o"
    assert main(["exercises", "mark", str(empty), "--key", str(key), "--out", str(out)]) == 2
    assert "holds no answer files" in capsys.readouterr().err and not out.exists()
    assert main(["exercises", "mark", str(empty), "--key", str(tmp_path / "k"), "--out", "o"]) == 2
    assert "cannot read the key" in capsys.readouterr().err
