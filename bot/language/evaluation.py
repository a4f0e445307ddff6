"""Intent evaluation per language: precision, recall, F1, confusion, misclassified.

Plain Python over (text, expected, predicted) triples, so it is tested on its own;
`bot.rasa_adapters.evaluation` fills in the predictions from a trained model. Modelled on
GOV.UK Chat's per-component evaluation reports.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

# A message the classifier was unsure of goes to the fallback (nlu_fallback), which
# asks "did you mean ...?" and then to rephrase: it is not the out-of-scope referral
# (utter_out_of_scope, which points to the Informatiepunt). So for an out-of-scope
# question a fallback is a miss, like any other wrong intent.
FALLBACK_INTENT = "nlu_fallback"
OUT_OF_SCOPE_INTENT = "out_of_scope"


@dataclass(frozen=True)
class Prediction:
    text: str
    expected: str
    predicted: str
    confidence: float


@dataclass(frozen=True)
class IntentScore:
    intent: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class IntentReport:
    language: str
    predictions: list[Prediction]
    scores: list[IntentScore] = field(init=False)

    def __post_init__(self) -> None:
        outcomes = [(p.expected, _effective(p)) for p in self.predictions]
        intents = sorted({expected for expected, _ in outcomes})
        true_positive = Counter(expected for expected, predicted in outcomes if expected == predicted)
        predicted_count = Counter(predicted for _, predicted in outcomes)
        support = Counter(expected for expected, _ in outcomes)
        self.scores = []
        for intent in intents:
            precision = _ratio(true_positive[intent], predicted_count[intent])
            recall = _ratio(true_positive[intent], support[intent])
            f1 = _ratio(2 * precision * recall, precision + recall)
            self.scores.append(IntentScore(intent, precision, recall, f1, support[intent]))

    @property
    def macro_f1(self) -> float:
        return _ratio(sum(score.f1 for score in self.scores), len(self.scores))

    @property
    def accuracy(self) -> float:
        correct = sum(p.expected == _effective(p) for p in self.predictions)
        return _ratio(correct, len(self.predictions))

    @property
    def misclassified(self) -> list[Prediction]:
        return [p for p in self.predictions if p.expected != _effective(p)]

    def confusion(self) -> dict[str, Counter[str]]:
        matrix: dict[str, Counter[str]] = defaultdict(Counter)
        for p in self.predictions:
            matrix[p.expected][_effective(p)] += 1
        return matrix

    def summary(self) -> dict[str, object]:
        return {
            "language": self.language,
            "examples": len(self.predictions),
            "intents": len(self.scores),
            "macro_f1": round(self.macro_f1, 4),
            "accuracy": round(self.accuracy, 4),
        }

    def write(self, directory: Path) -> None:
        """<language>.md (scores and errors), .json (summary and scores), _confusion.csv."""
        directory.mkdir(parents=True, exist_ok=True)
        data = {**self.summary(), "scores": [score.__dict__ for score in self.scores]}
        (directory / f"{self.language}.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
        intents = [score.intent for score in self.scores]
        predicted = sorted({_effective(p) for p in self.predictions} | set(intents))
        with (directory / f"{self.language}_confusion.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["expected \\ predicted", *predicted])
            matrix = self.confusion()
            for intent in intents:
                writer.writerow([intent, *(matrix[intent][column] for column in predicted)])
        (directory / f"{self.language}.md").write_text(self.markdown(), encoding="utf-8")

    def markdown(self) -> str:
        lines = [
            f"# Intent evaluation: {self.language}",
            "",
            f"{len(self.predictions)} held-out examples, {len(self.scores)} intents. "
            f"Macro-F1 **{self.macro_f1:.3f}**, accuracy {self.accuracy:.3f}.",
            "",
            "| intent | precision | recall | F1 | support |",
            "| --- | --- | --- | --- | --- |",
        ]
        for s in sorted(self.scores, key=lambda score: (score.f1, score.intent)):
            lines.append(f"| {s.intent} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} | {s.support} |")
        lines += ["", f"## Misclassified ({len(self.misclassified)})", "",
                  "| text | expected | predicted | confidence |", "| --- | --- | --- | --- |"]
        for p in self.misclassified:
            text = p.text.replace("|", "\\|")
            lines.append(f"| {text} | {p.expected} | {p.predicted} | {p.confidence:.2f} |")
        lines += ["", f"Confusion matrix: `{self.language}_confusion.csv`.", ""]
        return "\n".join(lines)


def _effective(prediction: Prediction) -> str:
    """The intent a prediction is scored as: the one predicted. FALLBACK_INTENT is
    never right, not even for an OUT_OF_SCOPE_INTENT question (see above)."""
    return prediction.predicted


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0
