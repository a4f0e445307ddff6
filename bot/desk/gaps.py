"""Grouping "Wat Loket niet wist": the questions Loket could not answer, by similar wording.

Staff see "37x parkeervergunning aanvragen" instead of 37 rows. The questions are already
redacted; a placeholder such as `[BSN]` or `[e-mail]` is noise and never counts as a word.

How (plain Python, no models; the word lists are data, in `gap_words.yml`):

1. Words: lowercase, accents off, `[...]` placeholders, punctuation and numbers out. Function
   words of Dutch, Papiamentu (both spellings) and English are dropped and synonyms map to
   one word. Each word is compared by a key that forgives the usual variation: "ij"/"y" ->
   "i", Aruba's Papiamentu spelling onto Curaçao's ("con"/"kon", "cedula"/"sedula",
   "-o"/"-u"), "z" -> "s", doubled letters once ("aanvraag" -> "anvrag").
2. Two words are the same when their keys are equal, differ only in an ending ("aanvraag"/
   "aanvragen"), or are the same but for a Dutch particle ("vraag ... aan"/"aanvragen");
   nearly the same when one typo apart. A word that is a part of the other's compound
   matches in part ("vergunning"/"parkeervergunning"); a compound whose parts both occur in
   the other question matches in full ("parkeervergunning"/"vergunning om te parkeren").
3. Two questions' similarity: how much of each question's words the other matches, by
   weight, multiplied. A product, so two questions that each have something the other lacks
   ("paspoort aanvragen", "paspoort kwijt": same thing, different request) are far apart.
   Generic words ("nieuw", "nodig") weigh less. When grouping, a rare word beside a word that
   other questions have too is a detail ("... voor bewoners") and does not count: rare is no
   other question having it, or in a big input at most 0.2% of the questions. What is asked
   ("aanvragen", "kwijt", "verlengen") always counts.
4. Grouping: questions with the same words (details aside) are one unit; units that share a
   topic word (or a form, typo or part of one) are compared; then average-link agglomeration
   with a threshold, so a chain of loosely similar questions does not merge unrelated
   requests. A few thousand questions take well under a second (about two in contrived worst
   cases: in a block of more than _BLOCK units sharing a word, each is compared with the
   block's most frequent units only).
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import yaml

WORDS_FILE = Path(__file__).with_name("gap_words.yml")

# Average similarity two groups need to become one. Two two-word questions that share only
# what is asked ("paspoort kwijt", "rijbewijs kwijt") score 0.25: keep clear of that.
THRESHOLD = 0.3
# Pairs less similar than this are left out of the linkage (counted as 0).
_EDGE_FLOOR = 0.05
# How much a word counts when it is only a part of the other question's compound.
_PART = 0.4
# How much a word counts when it is one typo away from the other question's word.
_TYPO = 0.9
# Joints in Dutch compounds: "hond-en-belasting", "geluid-s-overlast".
_JOINTS = frozenset(("", "s", "e", "en", "n", "es"))
# In a bigger block of units sharing a word, each unit is compared with this many of its most
# frequent units only, so that the work stays bounded however the input looks.
_BLOCK = 50
# A word beside a topic word is a detail when it occurs in at most this share of the distinct
# questions (and at least when no other question has it).
_DETAIL_SHARE = 0.002
# Up to 5 example texts per group.
_EXAMPLES = 5


@dataclass(frozen=True)
class Question:
    id: int
    text: str
    language: str  # nl, pap, en
    at: float  # unix time


@dataclass(frozen=True)
class Group:
    label: str  # a representative question of the group (the most typical member, as written)
    ids: tuple[int, ...]  # every member's id
    count: int
    languages: dict[str, int]  # {"nl": 3, "en": 1}
    weeks: dict[str, int]  # ISO weeks {"2026-W48": 2, ...}, UTC
    examples: tuple[str, ...]  # up to 5 distinct member texts, most recent first


# --- words ---------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\[[^\[\]]*\]")
_APOSTROPHE = re.compile(r"['\u2018\u2019`\u00b4]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_DOUBLED = re.compile(r"(.)\1+")
_SOFT_C = re.compile(r"c(?=[ei])")


def _fold(text: str) -> str:
    """Lowercase without accents or apostrophes ("Gobièrnu" -> "gobiernu", "don't" -> "dont")."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _APOSTROPHE.sub("", text)


def _words(text: str) -> list[str]:
    """The text's words, folded, without placeholders, punctuation or numbers."""
    text = _fold(_PLACEHOLDER.sub(" ", text))
    return [w for w in _NON_WORD.split(text) if w and not w.isdigit()]


def _key(word: str) -> str:
    """The spelling a word is compared by: forgives ij/y, Aruba/Curaçao spelling, z/s, doubled letters."""
    w = word.replace("ij", "i").replace("y", "i")
    w = w.replace("ch", "\x01").replace("qu", "k")
    w = _SOFT_C.sub("s", w).replace("c", "k").replace("\x01", "ch")
    w = w.replace("z", "s")
    w = _DOUBLED.sub(r"\1", w)
    if len(w) > 3 and w.endswith("u"):
        w = w[:-1] + "o"
    return w


class _Words:
    """gap_words.yml, folded and keyed."""

    def __init__(self, data: dict) -> None:
        lists = [*data["stopwords"].values(), data["light"], data["kinds"], data["particles"], *data["synonyms"]]
        odd = [w for words in lists for w in words if not isinstance(w, str)]
        if odd:
            raise ValueError(f"{WORDS_FILE.name}: not a word (quote it): {odd!r}")
        self.stop_words = {_fold(w) for words in data["stopwords"].values() for w in words}
        self.stop_keys = {_key(w) for w in self.stop_words}
        self.particles = tuple(sorted({_key(_fold(p)) for p in data["particles"]}, key=len, reverse=True))
        self.suffixes = frozenset(_key(_fold(s)) for s in data["suffixes"])
        self.longest_suffix = max(len(s) for s in self.suffixes)
        # A synonym also stands for its forms: "vernieuw" is "vernieuwen" is "verlengen".
        self.synonyms: dict[str, str] = {}
        rows = [[_key(_fold(w)) for w in row] for row in data["synonyms"]]
        for keys in rows:
            for key in keys[1:]:
                self.synonyms[key] = keys[0]
        for keys in rows:
            for key in keys:
                for stem in self.stems(key):
                    if len(stem) >= 4:
                        self.synonyms.setdefault(stem, keys[0])
        self.light = {self.canonical(_key(_fold(w))) for w in data["light"]}
        self.light_weight = float(data["light_weight"])
        self.kinds = {self.canonical(_key(_fold(w))) for w in data["kinds"]}

    def stems(self, key: str) -> list[str]:
        """The key without each ending it has, longest stem first (at least 3 letters left)."""
        return [key[:-n] for n in range(1, min(self.longest_suffix, len(key) - 3) + 1) if key[-n:] in self.suffixes]

    def canonical(self, key: str) -> str:
        found = self.synonyms.get(key)
        if found is None:
            for stem in self.stems(key):
                found = self.synonyms.get(stem)
                if found is not None:
                    break
        return key if found is None else found

    @lru_cache(maxsize=65536)  # noqa: B019 - one instance, kept for the process's life
    def content(self, text: str) -> tuple[str, ...]:
        """The question's content words as keys: sorted, distinct. All its words if it has no content words."""
        words = _words(text)
        keys = [_key(w) for w in words]
        content = [k for w, k in zip(words, keys, strict=True) if w not in self.stop_words and k not in self.stop_keys]
        return tuple(sorted({self.canonical(k) for k in (content or keys)}))

    def weight(self, key: str) -> float:
        return self.light_weight if key in self.light else 1.0

    def plain(self, key: str) -> bool:
        """A word that says what the question is about: not a generic word, not what is asked."""
        return key not in self.light and key not in self.kinds


@lru_cache(maxsize=1)
def _load_words() -> _Words:
    with WORDS_FILE.open(encoding="utf-8") as f:
        return _Words(yaml.safe_load(f))


# --- how alike two words are ---------------------------------------------------------------


def _within(a: str, b: str, limit: int) -> bool:
    """Whether a and b are at most `limit` edits apart (Damerau: a swap is one edit)."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return False
        previous2, previous = previous, current
    return previous[-1] <= limit


def _variants(key: str, words: _Words) -> list[str]:
    """The key, its stems and the key without a particle: what index blocks are made of."""
    variants = [key, *words.stems(key)]
    for particle in words.particles:
        if key.startswith(particle) and len(key) - len(particle) >= 4:
            variants.append(key[len(particle) :])
            break
    return variants


class _Vocabulary:
    """The words of a set of questions and how they relate: same word, typo, part of a compound.

    With document frequencies (when grouping), two words that are both common in the input
    are two words, not a typo of each other ("verlopen"/"verloren").
    """

    def __init__(self, words: _Words, keys: Iterable[str], df: Counter[str] | None = None) -> None:
        self.words = words
        self.df = df
        self.keys = sorted(set(keys))
        self.related: dict[str, dict[str, float]] = {key: {} for key in self.keys}
        self.parts: dict[str, list[tuple[str, str]]] = {}
        self._relate()
        self._compose()

    # Word pairs.

    def _inflected(self, a: str, b: str) -> bool:
        """Same word, another ending: a shared beginning of 4+ letters and only endings after it."""
        n = 0
        limit = min(len(a), len(b))
        while n < limit and a[n] == b[n]:
            n += 1
        suffixes = self.words.suffixes
        longest = self.words.longest_suffix
        for k in range(n, 3, -1):
            if a[k:] in suffixes and b[k:] in suffixes:
                return True
            if len(a) - k > longest and len(b) - k > longest:
                return False
        return False

    def _typo_allowed(self, a: str, b: str) -> bool:
        if self.df is None:
            return True
        low, high = sorted((self.df[a], self.df[b]))
        return low <= 1 or high >= 3 * low

    def _same(self, a: str, b: str) -> float:
        """1 for the same word, _TYPO for a typo, else 0."""
        if a == b or self._inflected(a, b):
            return 1.0
        shortest = min(len(a), len(b))
        if shortest >= 5 and _within(a, b, 2 if shortest >= 9 else 1) and self._typo_allowed(a, b):
            return _TYPO
        return 0.0

    def _part_of(self, short: str, long: str) -> bool:
        """Whether `short` (or its stem) begins or ends the compound `long`."""
        for stem in (short, *self.words.stems(short)):
            if len(stem) >= 4 and len(long) - len(stem) >= 3 and (long.startswith(stem) or long.endswith(stem)):
                return True
        return False

    def score(self, a: str, b: str) -> float:
        """How alike two words are: 1 the same, _TYPO a typo apart, _PART one a part of the other, else 0."""
        if a == b:
            return 1.0
        score = self._same(a, b)
        if score < 1.0:
            for x, y in ((a, b), (b, a)):
                for particle in self.words.particles:
                    if x.startswith(particle) and len(x) - len(particle) >= 3 and not y.startswith(particle):
                        score = max(score, self._same(x[len(particle) :], y))
                        break
        if score == 0.0 and (self._part_of(a, b) or self._part_of(b, a)):
            score = _PART
        return score

    def _relate(self) -> None:
        """Score the word pairs that can be alike: sharing a beginning or an ending, or one deletion apart."""
        words = self.words
        blocks: dict[str, list[str]] = defaultdict(list)
        for key in self.keys:
            found: set[str] = set()
            for variant in _variants(key, words):
                if len(variant) >= 4:
                    found.add("<" + variant[:4])
                    found.add(">" + variant[-4:])
            if len(key) >= 5:
                found.add("-" + key)
                found.update("-" + key[:i] + key[i + 1 :] for i in range(len(key)))
            for block in found:
                blocks[block].append(key)
        pairs: set[tuple[str, str]] = set()
        for members in blocks.values():
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    pairs.add((a, b) if a < b else (b, a))
        for a, b in sorted(pairs):
            score = self.score(a, b)
            if score > 0.0:
                self.related[a][b] = self.related[b][a] = score

    def _compose(self) -> None:
        """Compounds of two other words of the vocabulary: "parkeervergunning" = "parkeren" + "vergunning"."""
        by_stem: dict[str, list[str]] = defaultdict(list)
        for key in self.keys:
            for stem in {key, *self.words.stems(key)}:
                if len(stem) >= 3:
                    by_stem[stem].append(key)
        for key in self.keys:
            if len(key) < 7:
                continue
            heads = [(k, other) for k in range(3, len(key) - 2) for other in by_stem.get(key[:k], ()) if other != key]
            tails = [(k, other) for k in range(3, len(key) - 2) for other in by_stem.get(key[-k:], ()) if other != key]
            found = []
            for head_length, head in heads:
                for tail_length, tail in tails:
                    if head != tail and head_length + tail_length <= len(key):
                        if key[head_length : len(key) - tail_length] in _JOINTS:
                            found.append((head, tail))
            if found:
                self.parts[key] = sorted(set(found))

    def shared(self) -> Counter[str]:
        """In how many units each word occurs, counting its other forms and typos."""
        assert self.df is not None
        df = self.df
        return Counter(
            {key: df[key] + sum(df[o] for o, s in self.related[key].items() if s >= _TYPO) for key in self.keys}
        )

    # Question pairs.

    def _matched(self, mine: tuple[str, ...], theirs: frozenset[str]) -> list[float]:
        matched = []
        for key in mine:
            if key in theirs:
                matched.append(1.0)
                continue
            related = self.related[key]
            best = 0.0
            if related:
                for other in theirs:
                    score = related.get(other)
                    if score is not None and score > best:
                        best = score
            matched.append(best)
        return matched

    def similarity(
        self,
        a: tuple[str, ...],
        b: tuple[str, ...],
        weights_a: tuple[float, ...],
        weights_b: tuple[float, ...],
        set_a: frozenset[str] | None = None,
        set_b: frozenset[str] | None = None,
    ) -> float:
        """How much of each question the other covers, multiplied; symmetric, 0..1.

        Each word counts, by its weight, with how well the other question matches it.
        """
        if not a or not b:
            return 0.0
        if a == b:
            return 1.0
        set_a = frozenset(a) if set_a is None else set_a
        set_b = frozenset(b) if set_b is None else set_b
        matched_a = self._matched(a, set_b)
        matched_b = self._matched(b, set_a)
        for mine, theirs, set_theirs, matched_mine, matched_theirs in (
            (a, b, set_b, matched_a, matched_b),
            (b, a, set_a, matched_b, matched_a),
        ):
            for i, key in enumerate(mine):
                if matched_mine[i] < 1.0 and key in self.parts:
                    for head, tail in self.parts[key]:
                        if head in set_theirs and tail in set_theirs:
                            matched_mine[i] = 1.0
                            matched_theirs[theirs.index(head)] = 1.0
                            matched_theirs[theirs.index(tail)] = 1.0
                            break
        coverage = 1.0
        for weights, matched in ((weights_a, matched_a), (weights_b, matched_b)):
            total = sum(weights)
            if not total:
                return 0.0
            coverage *= sum(w * m for w, m in zip(weights, matched, strict=True)) / total
        return min(1.0, coverage)


class _Unit:
    """Questions with the same words (details aside), ready for comparing."""

    __slots__ = ("keys", "set", "weights", "total", "full", "light", "near", "light_weight")

    def __init__(self, keys: tuple[str, ...], vocabulary: _Vocabulary, bits: dict[str, int]) -> None:
        words = vocabulary.words
        self.keys = keys
        self.set = frozenset(keys)
        self.weights = tuple(words.weight(key) for key in keys)
        self.total = sum(self.weights)
        self.light_weight = words.light_weight
        self.full = self.light = self.near = 0
        for key in keys:
            if key in words.light:
                self.light |= bits[key]
            else:
                self.full |= bits[key]
            # Words that can match one of these other than by being equal.
            for other in vocabulary.related[key]:
                self.near |= bits[other]
            for head, tail in vocabulary.parts.get(key, ()):
                self.near |= bits[head] | bits[tail]

    def similarity(self, other: _Unit, vocabulary: _Vocabulary) -> float:
        if self.near & (other.full | other.light) or other.near & (self.full | self.light):
            return vocabulary.similarity(self.keys, other.keys, self.weights, other.weights, self.set, other.set)
        # Only equal words match: the same weight on both sides.
        shared = (self.full & other.full).bit_count() + self.light_weight * (self.light & other.light).bit_count()
        if not shared:
            return 0.0
        return min(1.0, shared * shared / (self.total * other.total))


def similarity(a: str, b: str) -> float:
    """How alike two questions are worded, 0..1, symmetric.

    On their own, every content word counts (generic words less); `group_questions` also
    leaves out details, rare words beside words that other questions in its input have.
    """
    words = _load_words()
    keys_a, keys_b = words.content(a), words.content(b)
    vocabulary = _Vocabulary(words, keys_a + keys_b)
    return vocabulary.similarity(
        keys_a, keys_b, tuple(words.weight(k) for k in keys_a), tuple(words.weight(k) for k in keys_b)
    )


# --- grouping ------------------------------------------------------------------------------


def _iso_week(at: float) -> str:
    year, week, _ = datetime.fromtimestamp(at, timezone.utc).isocalendar()
    return f"{year}-W{week:02d}"


def _link(sizes: list[int], edges: dict[tuple[int, int], float], threshold: float) -> list[list[int]]:
    """Average-link agglomeration of weighted units; missing edges count as 0. Clusters as lists of units."""
    members: dict[int, list[int]] = {unit: [unit] for unit in range(len(sizes))}
    size = dict(enumerate(sizes))
    links: dict[int, dict[int, float]] = defaultdict(dict)
    heap: list[tuple[float, int, int]] = []
    for (u, v), score in edges.items():
        links[u][v] = links[v][u] = score * sizes[u] * sizes[v]
        if score >= threshold:
            heap.append((-score, u, v))
    heapq.heapify(heap)
    next_id = len(sizes)
    while heap:
        _, c, d = heapq.heappop(heap)
        if c not in members or d not in members:
            continue
        e = next_id
        next_id += 1
        members[e] = members.pop(c) + members.pop(d)
        size[e] = size.pop(c) + size.pop(d)
        merged: dict[int, float] = defaultdict(float)
        for old in (c, d):
            for other, total in links.pop(old, {}).items():
                if other not in (c, d):
                    merged[other] += total
                    del links[other][old]
        links[e] = dict(merged)
        for other, total in sorted(merged.items()):
            links[other][e] = total
            average = total / (size[e] * size[other])
            if average >= threshold:
                heapq.heappush(heap, (-average, min(e, other), max(e, other)))
    return [sorted(units) for _, units in sorted(members.items())]


def _candidates(unit_keys: list[tuple[str, ...]], sizes: list[int], vocabulary: _Vocabulary) -> set[tuple[int, int]]:
    """Pairs of units worth comparing: sharing a topic word (or a form, typo or part of one)."""
    words = vocabulary.words
    blocks: dict[str, list[int]] = defaultdict(list)
    for unit, keys in enumerate(unit_keys):
        topics = [key for key in keys if words.plain(key)]
        entries: set[str] = set()
        for key in topics:
            entries.add(key)
            entries.update(vocabulary.related[key])
            for head, tail in vocabulary.parts.get(key, ()):
                entries.update((head, tail))
        if not topics:  # only generic words: compared with the like
            entries = {"~" + key for key in keys}
        for entry in entries:
            blocks[entry].append(unit)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) <= _BLOCK:
            leaders = members
        else:
            leaders = sorted(members, key=lambda unit: (-sizes[unit], unit))[:_BLOCK]
        for u in members:
            for v in leaders:
                if u != v:
                    pairs.add((u, v) if u < v else (v, u))
    return pairs


def group_questions(questions: Iterable[Question], threshold: float = THRESHOLD) -> list[Group]:
    """Questions grouped by similar wording: biggest groups first, then the most recent.

    The same questions in any order give the same groups.
    """
    words = _load_words()
    ordered = sorted(questions, key=lambda q: (q.id, q.at, q.language, q.text))
    if not ordered:
        return []

    contents = [words.content(q.text) for q in ordered]
    distinct = sorted(set(contents))
    df: Counter[str] = Counter(key for keys in distinct for key in keys)
    vocabulary = _Vocabulary(words, df, df)
    shared = vocabulary.shared()
    rare = max(1, round(_DETAIL_SHARE * len(distinct)))

    def signature(keys: tuple[str, ...]) -> tuple[str, ...]:
        # A rare word beside a word that others have too is a detail.
        plain = [key for key in keys if words.plain(key)]
        if any(shared[key] > rare for key in plain):
            return tuple(key for key in keys if not (words.plain(key) and shared[key] <= rare))
        return keys

    # Units: questions with the same words, details aside (or, without any words, the same text).
    unit_of: dict[tuple[str, ...], int] = {}
    unit_keys: list[tuple[str, ...]] = []
    unit_questions: list[list[Question]] = []
    for question, keys in zip(ordered, contents, strict=True):
        own = signature(keys)
        marker = own if own else ("\x00" + " ".join(question.text.lower().split()),)
        unit = unit_of.get(marker)
        if unit is None:
            unit = unit_of[marker] = len(unit_keys)
            unit_keys.append(own)
            unit_questions.append([])
        unit_questions[unit].append(question)

    sizes = [len(members) for members in unit_questions]
    bits = {key: 1 << n for n, key in enumerate(vocabulary.keys)}
    units = [_Unit(keys, vocabulary, bits) for keys in unit_keys]
    edges: dict[tuple[int, int], float] = {}
    for u, v in sorted(_candidates(unit_keys, sizes, vocabulary)):
        score = units[u].similarity(units[v], vocabulary)
        if score >= _EDGE_FLOOR:
            edges[(u, v)] = score

    clusters = _link(sizes, edges, threshold)
    # How alike each unit's questions are to the rest of their group, summed (for the label).
    cluster_of = {unit: n for n, cluster in enumerate(clusters) for unit in cluster}
    typicality = [float(size - 1) for size in sizes]
    for (u, v), score in edges.items():
        if cluster_of[u] == cluster_of[v]:
            typicality[u] += score * sizes[v]
            typicality[v] += score * sizes[u]

    groups = [_group(cluster, unit_keys, unit_questions, typicality, words) for cluster in clusters]
    groups.sort(key=lambda g: (-g[0].count, -g[1], g[0].label, g[0].ids))
    return [group for group, _ in groups]


def _group(
    units: list[int],
    unit_keys: list[tuple[str, ...]],
    unit_questions: list[list[Question]],
    typicality: list[float],
    words: _Words,
) -> tuple[Group, float]:
    members = sorted((q for unit in units for q in unit_questions[unit]), key=lambda q: (-q.at, -q.id))

    # The label: from the most typical unit, its most frequent text, the one with the fewest
    # details, then the most recent.
    best = min(units, key=lambda unit: (-typicality[unit], -len(unit_questions[unit]), unit))
    texts = Counter(q.text for q in unit_questions[best])
    latest: dict[str, tuple[float, int]] = {}
    for q in unit_questions[best]:
        latest[q.text] = max(latest.get(q.text, (q.at, q.id)), (q.at, q.id))
    own = len(unit_keys[best])
    label = min(
        texts,
        key=lambda text: (-texts[text], len(words.content(text)) - own, -latest[text][0], -latest[text][1], text),
    )

    languages = Counter(q.language for q in members)
    weeks = Counter(_iso_week(q.at) for q in members)
    examples: list[str] = []
    for question in members:
        if question.text not in examples:
            examples.append(question.text)
            if len(examples) == _EXAMPLES:
                break
    group = Group(
        label=label,
        ids=tuple(sorted(q.id for q in members)),
        count=len(members),
        languages=dict(sorted(languages.items(), key=lambda item: (-item[1], item[0]))),
        weeks=dict(sorted(weeks.items())),
        examples=tuple(examples),
    )
    return group, members[0].at
