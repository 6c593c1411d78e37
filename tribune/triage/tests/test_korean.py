"""The Korean model: Kiwi morphemes, the morpheme table and its loader.

The sentences are written for these tests, not taken from any training data.
"""

import csv
import io
import json
from importlib import resources

import pytest
from django.core.management import call_command

from tribune.triage.classifier import MODELS_PACKAGE, model_for, model_from_files
from tribune.triage.features import MORPHEME_CHARS, clean, morphemes

RUDE = [
    "이 멍청한 놈아 입 닥치고 꺼져라",
    "진짜 역겹다 저런 인간은 방송에 나오지 마라",
    "머리가 나쁘면 가만히나 있어 바보야",
    "얼굴도 못생긴 게 나대지 좀 마 짜증나",
]
CIVIL = [
    "오늘 공연 정말 감동적이었어요 고맙습니다",
    "다음 앨범도 기대하고 있을게요 응원합니다",
    "기사 잘 읽었습니다 좋은 정보 감사해요",
    "배우님 항상 건강하시고 좋은 작품 부탁드려요",
]


def test_morphemes_are_kiwi_analyses_of_the_cleaned_text():
    found = morphemes(clean("기사 잘 읽었습니다"))
    assert [form for form, _tag, _id in found][:2] == ["기사", "잘"]
    assert all(isinstance(ident, int) for _f, _t, ident in found)
    # Only the first MORPHEME_CHARS characters are analysed.
    long = morphemes("가" * (MORPHEME_CHARS * 3))
    assert sum(len(form) for form, _t, _i in long) <= MORPHEME_CHARS


def test_korean_model_reads_morphemes_and_their_scores():
    model = model_for("ko")
    assert model.morpheme_table is not None
    found = model.counts(CIVIL[0])
    assert found.morpheme_score != 0.0
    plain = model.score_counts(dict(found))  # the same counts without the morpheme share
    assert model.score(CIVIL[0]) == pytest.approx(model.score_counts(found))
    assert model.score(CIVIL[0]) != plain


def test_evaluate_korean_through_the_command(tmp_path):
    path = tmp_path / "ko.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows([(text, 1) for text in RUDE] + [(text, 0) for text in CIVIL])
    out = io.StringIO()
    call_command("triage", "evaluate", str(path), "--lang", "ko", stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    assert last.startswith("ROC AUC: ")
    assert float(last.split(": ")[1]) >= 0.75


def _shipped(name: str = "ko_toxicity"):
    folder = resources.files(MODELS_PACKAGE)
    return (json.loads((folder / f"{name}.json").read_text(encoding="utf-8")),
            (folder / f"{name}.f32").read_bytes(),
            (folder / f"{name}.idf.f32").read_bytes(),
            (folder / f"{name}.morph.f32").read_bytes())


def test_loader_refuses_another_kiwi_model_or_a_missing_table():
    meta, weights, idf, table = _shipped()
    assert model_from_files(json.dumps(meta), weights, idf, table).morpheme_table
    other = dict(meta, morphemes=dict(meta["morphemes"], kiwipiepy_model="0.0.1"))
    with pytest.raises(ValueError, match="kiwipiepy_model 0.0.1"):
        model_from_files(json.dumps(other), weights, idf, table)
    with pytest.raises(ValueError, match="morph.f32 is missing"):
        model_from_files(json.dumps(meta), weights, idf, None)
    with pytest.raises(ValueError, match="morpheme table"):
        model_from_files(json.dumps(meta), weights, idf, table[:-4])
