"""``tribune triage train`` and the lexicons it takes from published packages.

Training runs for real (scikit-learn, korcen: the ``train`` extra) on a few
rows written here, through the command a maintainer runs; the models it
writes are scored through ``tribune triage evaluate --models``.
"""

import csv
import io
import json
from importlib import resources

import pytest
from django.core.management import CommandError, call_command

from tribune.triage.classifier import model_load

INSULTS = ["이 병신 같은 놈아", "ㅅㅂ 진짜 짜증나네", "개새끼들 다 꺼져라", "미친년 아니냐",
           "씨발 기사 꼴 좋다", "이 새끼는 왜 이래", "닥쳐 이 병 신아", "지랄하고 있네"]
CIVIL = ["버스 시간표가 바뀌었나요", "오늘 날씨가 참 좋네요", "학교 급식이 좋아졌어요",
         "기사 잘 읽었습니다 감사합니다", "시장 선거 투표율이 궁금합니다",
         "병원 예약은 어떻게 하나요", "주말에 비가 온다고 하네요", "도서관이 새로 생겼어요"]
# Political words and names that korcen lists and Tribune must never hold.
POLITICAL = ["문재앙", "박정희", "빨갱이", "대깨문", "닭근혜", "매국노"]


def run(*args) -> str:
    out = io.StringIO()
    call_command("triage", *args, stdout=out)
    return out.getvalue()


def write_korean_sources(folder):
    """Tiny stand-ins for ko_beep_train.csv and ko_kmhas_valid.csv (same
    columns and labels), 48 rows each: enough for 5-fold cross-validation."""
    for name, positive, negative in (("ko_beep_train.csv", "hate", "none"),
                                     ("ko_kmhas_valid.csv", "hate", "none")):
        with open(folder / name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["text", "label"])
            for number in range(3):
                for text in INSULTS:
                    writer.writerow([f"{text} {'ㅋ' * number}", positive])
                for text in CIVIL:
                    writer.writerow([f"{text} {'.' * number}", negative])


def test_train_writes_a_calibrated_model_with_its_lexicon_and_evaluate_scores_it(tmp_path):
    data, out = tmp_path / "data", tmp_path / "models"
    data.mkdir()
    write_korean_sources(data)
    printed = run("train", "--data", str(data), "--out", str(out), "--model", "ko_toxicity")
    assert "ko_toxicity: wrote C=" in printed
    meta = json.loads((out / "ko_toxicity.json").read_text(encoding="utf-8"))
    assert "korcen" in meta["lexicon"]
    assert meta["lexicon_weight"] > 0  # the insults here are in korcen's lists
    lexicon = json.loads((out / "ko_toxicity.lexicon.json").read_text(encoding="utf-8"))
    assert lexicon["kind"] == "substrings" and "병신" in lexicon["terms"]
    for word in POLITICAL:
        assert not any(word in term for term in lexicon["terms"]), word

    # The same data gives the same files (fixed seeds, deterministic solvers).
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    run("train", "--data", str(data), "--out", str(out), "--model", "ko_toxicity")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first

    rows = tmp_path / "rows.csv"
    rows.write_text("text,label\n씨 발 꺼져 이 새끼야,1\n내일 버스 운행하나요,0\n"
                    "ㅂㅅ 같은 기사,1\n비 소식이 있네요,0\n", encoding="utf-8")
    lines = run("evaluate", str(rows), "--lang", "ko", "--models", str(out)).splitlines()
    assert lines[-1] == "ROC AUC: 1.000"

    # Without the lexicons: no lexicon file is left beside the model.
    run("train", "--data", str(data), "--out", str(out), "--model", "ko_toxicity",
        "--no-priors")
    assert not (out / "ko_toxicity.lexicon.json").exists()
    assert "lexicon_weight" not in json.loads((out / "ko_toxicity.json").read_text("utf-8"))


def test_train_refuses_a_missing_data_folder(tmp_path):
    with pytest.raises(CommandError, match="There is no folder"):
        run("train", "--data", str(tmp_path / "none"), "--out", str(tmp_path / "m"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(CommandError, match="Training data not found"):
        run("train", "--data", str(tmp_path / "empty"), "--out", str(tmp_path / "m"),
            "--model", "spam")


def test_shipped_lexicons_hold_no_political_words_and_see_through_spacing():
    shipped = resources.files("tribune.triage.models_data")
    korean = json.loads((shipped / "ko_toxicity.lexicon.json").read_text(encoding="utf-8"))
    for word in POLITICAL:
        assert not any(word in term for term in korean["terms"]), word
    english = json.loads((shipped / "en_toxicity.lexicon.json").read_text(encoding="utf-8"))
    assert english["kind"] == "word_prior" and "alt-profanity-check" in english["source"]
    # The data taken from each package ships with the package's licence.
    assert english["licence"] == "MIT" and "Victor Zhou" in english["licence_text"]
    assert korean["licence"] == "Apache-2.0" and "Apache License" in korean["licence_text"]

    model = model_load("ko_toxicity")
    assert model.lexicon_weight > 0
    # Spaces, case and look-alike signs do not hide a listed insult …
    for text in ("이 병 신 같은", "ㅅ ㅂ 진짜", "씨8 뭐냐"):
        assert model.lexicon.value([], text) == 1.0, text
    # … and a listed harmless word that contains one is not taken for it.
    assert model.lexicon.value([], "시발점이 어디인가요") == 0.0
    assert model.lexicon.value([], "버스가 늦게 와요") == 0.0
