"""``tribune triage`` commands, run through Django's command runner."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from tribune.triage.evaluation import roc_auc
from tribune.triage.models import Policy, Term


def run(*args) -> str:
    out = io.StringIO()
    call_command("triage", *args, stdout=out)
    return out.getvalue()


def test_roc_auc_counts_ties_as_half():
    assert roc_auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == 0.75
    assert roc_auc([0.5, 0.5], [0, 1]) == 0.5


def test_evaluate_prints_precision_recall_and_roc_auc_last(tmp_path):
    path = tmp_path / "rows.csv"
    rows = [
        ("Subscribe to my channel for FREE gift cards http://example.com now!!!", 1),
        ("Check out my new video and subscribe, link in my profile", 1),
        ("Make money fast from home, visit www.example.net today", 1),
        ("This song reminds me of the summer we spent by the lake", 0),
        ("My daughter dances to this every morning before school", 0),
        ("The drummer is brilliant in the second half", 0),
    ]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    lines = run("evaluate", str(path), "--lang", "spam").strip().splitlines()
    assert lines[-1].startswith("ROC AUC: 0.") or lines[-1] == "ROC AUC: 1.000"
    assert float(lines[-1].split(": ")[1]) >= 0.9
    assert any(line.startswith("threshold flag 0.50: precision") for line in lines)
    assert any("recall" in line for line in lines)


def test_evaluate_refuses_bad_files_clearly(tmp_path):
    missing = tmp_path / "none.csv"
    with pytest.raises(CommandError, match="Cannot read"):
        run("evaluate", str(missing))
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("text,label\nhello,maybe\n", encoding="utf-8")
    with pytest.raises(CommandError, match="label must be 0 or 1"):
        run("evaluate", str(wrong))
    one_sided = tmp_path / "one.csv"
    one_sided.write_text("text,label\nhello,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="both labels"):
        run("evaluate", str(one_sided))
    with pytest.raises(CommandError, match="No model"):
        run("evaluate", str(one_sided), "--lang", "xx")
    with pytest.raises(CommandError, match="Cannot load the model from"):
        run("evaluate", str(one_sided), "--models", str(tmp_path / "no-models"))


def test_evaluate_scores_with_a_folder_of_models(tmp_path):
    """``--models DIR``: the models ``tribune triage train --out DIR`` wrote
    (here, copies of the shipped ones) are the ones scored with."""
    from importlib import resources

    folder = tmp_path / "models"
    folder.mkdir()
    shipped = resources.files("tribune.triage.models_data")
    for suffix in (".json", ".f32", ".idf.f32"):
        (folder / f"spam{suffix}").write_bytes((shipped / f"spam{suffix}").read_bytes())
    path = tmp_path / "rows.csv"
    path.write_text("text,label\nFREE gift cards at www.example.com subscribe now,1\n"
                    "The chorus makes my father smile every time,0\n", encoding="utf-8")
    out = run("evaluate", str(path), "--lang", "spam", "--models", str(folder))
    assert out.strip().splitlines()[-1] == "ROC AUC: 1.000"
    (folder / "spam.f32").write_bytes(bytes(12))  # a truncated model is refused clearly
    with pytest.raises(CommandError, match="weights: 3 values where 262144 were expected"):
        run("evaluate", str(path), "--lang", "spam", "--models", str(folder))


def test_word_lists_and_policy(site):
    assert run("words", "en", "add", "zorblat", "quibbler").split() == [
        "quibbler", "zorblat"]
    assert run("words", "en", "remove", "quibbler").split() == ["zorblat"]
    assert Term.objects.filter(desk__code="en").count() == 1
    with pytest.raises(CommandError, match="no desk"):
        run("words", "nope", "add", "x")
    out = run("policy", str(site.pk), "--hold", "70", "--reject", "95", "--clause", "3")
    assert "hold from 70" in out and "reject from 95" in out
    assert Policy.objects.get(site=site).reject_clause == 3
    with pytest.raises(CommandError, match="needs a clause"):
        run("policy", str(site.pk), "--reject", "95")
