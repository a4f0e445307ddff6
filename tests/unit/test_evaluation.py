"""The evaluation arithmetic, on predictions made up for the purpose; and the held-out
and sealed NLU sets: how they are read, and that they stay apart from the training data."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import LANGUAGES
from bot.language.evaluation import FALLBACK_INTENT, OUT_OF_SCOPE_INTENT, IntentReport, Prediction
from bot.language.text import words
from bot.rasa_adapters.evaluation import (
    SEALED_NLU_DIR,
    file_examples,
    held_out_examples,
    held_out_files,
)
from bot.settings import HELD_OUT_NLU_DIR, NLU_DIR

# The intents residents use most: the conversation intents, rent, DigiD/BSN, BRP and
# the Warmtefonds. The sealed set has at least five examples of each, two of the rest.
FREQUENT_INTENTS = (
    "greet", "thank", "goodbye", "capabilities", "request_human", "out_of_scope", "switch_language",
    "follow_up", "ask_huurtoeslag", "ask_huurverlaging", "ask_cn_huurondersteuning", "ask_digid_mijnoverheid",
    "ask_cn_bsn_digid", "ask_brp", "ask_warmtefonds",
)


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


def test_a_fallback_on_an_out_of_scope_question_is_a_miss():
    # The fallback asks "did you mean ...?"; only the out-of-scope referral
    # (predicting out_of_scope) is the right answer to an out-of-scope question.
    assert (FALLBACK_INTENT, OUT_OF_SCOPE_INTENT) == ("nlu_fallback", "out_of_scope")
    result = report(("out_of_scope", "nlu_fallback"), ("out_of_scope", "out_of_scope"), ("ask_woo", "nlu_fallback"))
    assert result.accuracy == pytest.approx(1 / 3)
    assert [p.text for p in result.misclassified] == ["t0", "t2"]
    assert result.confusion()["out_of_scope"] == {"nlu_fallback": 1, "out_of_scope": 1}
    scores = {score.intent: score for score in result.scores}
    assert scores["out_of_scope"].recall == 0.5 and scores["out_of_scope"].precision == 1.0


def test_reports_are_written(tmp_path):
    report(("a", "a"), ("a", "b"), ("b", "b")).write(tmp_path)
    assert "| a | 1.00 | 0.50 |" in (tmp_path / "nl.md").read_text()
    assert (tmp_path / "nl_confusion.csv").read_text().splitlines()[1] == "a,1,1"
    assert '"macro_f1"' in (tmp_path / "nl.json").read_text()


def _nlu_file(path: Path, intent: str, *examples: str) -> None:
    lines = "".join(f"    - {example}\n" for example in examples)
    path.write_text(f'version: "3.1"\nnlu:\n- intent: {intent}\n  examples: |\n{lines}', encoding="utf-8")


def test_the_held_out_loader_reads_every_file_of_a_language(tmp_path):
    _nlu_file(tmp_path / "nl.yml", "greet", "hallo")
    _nlu_file(tmp_path / "new_topics.nl.yml", "ask_x", "wat is [x](programme)")
    _nlu_file(tmp_path / "directory_cn.nl.yml", "greet", "goedendag")
    _nlu_file(tmp_path / "directory_cn.en.yml", "greet", "hello")
    (tmp_path / "sealed").mkdir()
    _nlu_file(tmp_path / "sealed" / "nl.yml", "greet", "hoi")
    assert [path.name for path in held_out_files("nl", tmp_path)] == [
        "directory_cn.nl.yml", "new_topics.nl.yml", "nl.yml"]
    assert held_out_examples("nl", tmp_path) == {"greet": ["goedendag", "hallo"], "ask_x": ["wat is x"]}
    assert held_out_examples("nl", tmp_path / "sealed") == {"greet": ["hoi"]}


def _key(text: str) -> tuple[str, ...]:
    """Lower case, no punctuation or accents, one Papiamentu spelling: the words in order."""
    return tuple(words(text))


def _overlaps(examples: list[tuple[Path, str]], known: list[tuple[Path, str]]) -> list[str]:
    in_order = {_key(text): (path, text) for path, text in known}
    as_bag = {tuple(sorted(_key(text))): (path, text) for path, text in known}
    found = []
    for path, text in examples:
        match = in_order.get(_key(text)) or as_bag.get(tuple(sorted(_key(text))))
        if match:
            found.append(f"{path}: {text!r} ~ {match[0]}: {match[1]!r}")
    return found


def _examples(paths: list[Path]) -> list[tuple[Path, str]]:
    return [(path, text) for path in paths for _, _, text in file_examples(path) if words(text)]


def test_no_held_out_example_is_a_training_example():
    # Every held-out file (tests/nlu/**, the sealed set too) against everything the model
    # learns from (nlu_data/**: intent examples, synonyms, lookup tables), after
    # normalising: neither the same words in the same order nor the same bag of words.
    held_out = _examples(sorted(HELD_OUT_NLU_DIR.rglob("*.yml")))
    training = _examples(sorted(NLU_DIR.rglob("*.yml")))
    assert held_out and training
    leaked = _overlaps(held_out, training)
    assert not leaked, f"{len(leaked)} held-out examples are (nearly) training examples:\n" + "\n".join(leaked)


def test_the_sealed_set_copies_no_tuning_example():
    sealed = _examples(sorted(SEALED_NLU_DIR.rglob("*.yml")))
    tuning = _examples(sorted(HELD_OUT_NLU_DIR.glob("*.yml")))
    copied = _overlaps(sealed, tuning)
    assert not copied, "sealed examples also in the tuning set:\n" + "\n".join(copied)


def test_the_overlap_check_sees_punctuation_case_and_word_order():
    known = [(Path("train.yml"), "Wat doet de overheid tegen extremisme?")]
    assert _overlaps([(Path("a"), "wat doet de overheid tegen extremisme")], known)
    assert _overlaps([(Path("b"), "tegen extremisme, wat doet de overheid?")], known)
    assert _overlaps([(Path("c"), "Con ta cu bo")], [(Path("t"), "kon ta ku bo")])
    assert not _overlaps([(Path("d"), "wat doet het kabinet tegen extremisme")], known)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sealed_set_covers_every_intent(language):
    sealed = held_out_examples(language, SEALED_NLU_DIR)
    tuning = held_out_examples(language)
    assert set(sealed) == set(tuning), set(sealed) ^ set(tuning)
    thin = {intent: len(examples) for intent, examples in sealed.items()
            if len(examples) < (5 if intent in FREQUENT_INTENTS else 2)}
    assert not thin
