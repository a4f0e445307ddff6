"""The evaluation arithmetic, on predictions made up for the purpose."""

from __future__ import annotations

import pytest

from bot.language.evaluation import IntentReport, Prediction


def report(*rows: tuple[str, str]) -> IntentReport:
    return IntentReport("nl", [Prediction(f"t{i}", expected, predicted, 0.9) for i, (expected, predicted) in
                               enumerate(rows)])


def test_perfect_predictions_score_one():
    result = report(("a", "a"), ("b", "b"))
    assert result.macro_f1 == 1.0 and result.accuracy == 1.0 and result.misclassified == []


def test_precision_recall_and_f1_per_intent():
    result = report(("a", "a"), ("a", "b"), ("b", "b"), ("b", "b"))
    scores = {score.intent: score for score in result.scores}
    assert scores["a"].precision == 1.0 and scores["a"].recall == 0.5
    assert scores["b"].precision == pytest.approx(2 / 3) and scores["b"].recall == 1.0
    assert scores["a"].f1 == pytest.approx(2 / 3)
    assert result.macro_f1 == pytest.approx((2 / 3 + 0.8) / 2)
    assert [p.text for p in result.misclassified] == ["t1"]


def test_fallback_counts_as_right_only_for_out_of_scope():
    result = report(("out_of_scope", "nlu_fallback"), ("ask_woo", "nlu_fallback"))
    assert result.accuracy == 0.5
    assert result.confusion()["ask_woo"]["nlu_fallback"] == 1


def test_reports_are_written(tmp_path):
    report(("a", "a"), ("a", "b"), ("b", "b")).write(tmp_path)
    assert "| a | 1.00 | 0.50 |" in (tmp_path / "nl.md").read_text()
    assert (tmp_path / "nl_confusion.csv").read_text().splitlines()[1] == "a,1,1"
    assert '"macro_f1"' in (tmp_path / "nl.json").read_text()
