"""Measured understanding, enforced: language detection and intent F1 per language,
on held-out sets the models never trained on. Reports go to `reports_dir` (reports/
under `make report`). The detector measured is the one the trained model serves."""

from __future__ import annotations

import pytest

from bot import LANGUAGES
from bot.language.detection import LanguageDetector, build_detector_data, project_corpora
from bot.language.examples import all_examples, examples_by_intent
from bot.language.text import fold
from bot.settings import HELD_OUT_NLU_DIR, MODEL_FILE, PROJECT_DIR

LANGUAGE_SET_DIR = PROJECT_DIR / "tests" / "language"
HELD_OUT_DIR = HELD_OUT_NLU_DIR
MODEL = MODEL_FILE
MIN_DETECTION_ACCURACY = 0.98
MIN_MACRO_F1 = {"nl": 0.95, "en": 0.95, "pap": 0.93}
MIN_EXAMPLES_PER_INTENT = 15
MIN_TRAINING_EXAMPLES_PER_INTENT = 25


def language_set(language: str) -> list[str]:
    return [line.strip() for line in (LANGUAGE_SET_DIR / f"{language}.txt").read_text("utf-8").splitlines()
            if line.strip()]


def training_texts() -> set[str]:
    """Everything the intent classifier or the language detector learnt from."""
    texts = {fold(t) for by_intent in all_examples().values() for ts in by_intent.values() for t in ts}
    return texts | {fold(t) for corpus in project_corpora().values() for t in corpus}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_language_set_has_only_three_to_eight_word_messages(language):
    lines = language_set(language)
    assert len(lines) >= 150
    assert all(3 <= len(line.split()) <= 8 for line in lines), [x for x in lines if not 3 <= len(x.split()) <= 8]


def test_held_out_sets_were_never_trained_on():
    trained = training_texts()
    for language in LANGUAGES:
        leaked = [t for ts in examples_by_intent(language, HELD_OUT_DIR, flat=True).values() for t in ts
                  if fold(t) in trained]
        leaked += [t for t in language_set(language) if fold(t) in trained]
        assert not leaked, f"{language}: held-out examples also in training data: {leaked[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_intent_has_enough_training_examples(language):
    thin = {intent: len(examples) for intent, examples in all_examples()[language].items()
            if len(examples) < MIN_TRAINING_EXAMPLES_PER_INTENT}
    assert not thin


@pytest.mark.parametrize("language", LANGUAGES)
def test_held_out_nlu_set_covers_every_intent(language):
    held_out = examples_by_intent(language, HELD_OUT_DIR, flat=True)
    trained = all_examples()[language]
    assert set(held_out) == set(trained)
    assert all(len(examples) >= MIN_EXAMPLES_PER_INTENT for examples in held_out.values())


@pytest.fixture(scope="module")
def served_detector() -> LanguageDetector:
    """The detector inside the trained model, as the running assistant uses it."""
    from bot.rasa_adapters.language_identifier import detector_in_model

    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does)")
    return detector_in_model(MODEL)


@pytest.mark.slow
def test_the_served_detector_is_built_from_this_checkout(served_detector):
    # A stale model (an old corpus, keywords or code) would fail here: the fingerprint
    # of the language component must have made Rasa retrain it.
    assert served_detector.data == build_detector_data()


@pytest.fixture(scope="module")
def detection_errors(served_detector, reports_dir) -> dict[str, tuple[int, list[tuple[str, str | None]]]]:
    """Per language: how many messages, and the ones detected wrongly; written as a report."""
    detector = served_detector
    results = {}
    for language in LANGUAGES:
        lines = language_set(language)
        wrong = [(line, detector.detect(line).language) for line in lines]
        results[language] = (len(lines), [(line, got) for line, got in wrong if got != language])
    rows = [
        f"| {language} | {count} | {1 - len(wrong) / count:.3f} | "
        + "; ".join(f"{line} → {got}" for line, got in wrong).replace("|", "/") + " |"
        for language, (count, wrong) in results.items()
    ]
    (reports_dir / "language_detection.md").write_text(
        "# Language detection on the held-out sets (tests/language, 3 to 8 words)\n\n"
        "| language | messages | accuracy | detected wrongly |\n| --- | --- | --- | --- |\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    return results


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_language_detection_accuracy(detection_errors, language):
    count, wrong = detection_errors[language]
    accuracy = 1 - len(wrong) / count
    assert accuracy >= MIN_DETECTION_ACCURACY, f"{language}: {accuracy:.3f}; wrong: {wrong}"


@pytest.mark.slow
def test_intent_macro_f1_per_language(reports_dir):
    from bot.rasa_adapters.evaluation import evaluate_model

    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does)")
    reports = evaluate_model(MODEL, LANGUAGES)
    for report in reports:
        report.write(reports_dir / "nlu")
    scores = {report.language: round(report.macro_f1, 4) for report in reports}
    failing = {language: f1 for language, f1 in scores.items() if f1 < MIN_MACRO_F1[language]}
    assert not failing, f"macro-F1 below threshold {MIN_MACRO_F1}: {failing}; see {reports_dir / 'nlu'}"
