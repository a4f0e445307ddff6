"""The desks that accept codes are data per deployment (knowledge/desks.yml)."""

from __future__ import annotations

import pytest

from bot.desk import DesksError, deployed_desks, desks_for, load_desks


def test_the_deployed_desks_name_known_places(knowledge):
    places = set(knowledge.places)
    desks = load_desks(known_places=frozenset(places))
    assert desks and all(desk.url is None or desk.url.startswith("https://") for desk in desks)


@pytest.mark.parametrize(("place", "expected"), [
    (None, "informatiepunt"), ("bonaire", "bonaire_servicedesk"), ("saba", "saba_servicedesk"),
    ("sint_eustatius", "statia_servicedesk"),
])
def test_a_resident_is_sent_to_the_desks_of_their_place(place, expected):
    assert [desk.key for desk in desks_for(place, deployed_desks())] == [expected]


@pytest.mark.parametrize(("text", "problem"), [
    ("desks: []", "at least one"),
    ("desks:\n- {key: a, places: [mars], name: {nl: a, pap: a, en: a}}", "unknown places"),
    ("desks:\n- {key: a, places: [bonaire], name: {nl: a}}", "name"),
    ("desks:\n- {key: a, places: [bonaire], name: {nl: a, pap: a, en: a}, url: 'http://x'}", "https"),
    ("desks:\n- {key: a, places: [bonaire], name: {nl: a, pap: a, en: a}}\n"
     "- {key: a, places: [saba], name: {nl: a, pap: a, en: a}}", "twice"),
])
def test_a_bad_desks_file_is_named(tmp_path, text, problem):
    path = tmp_path / "desks.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DesksError, match=problem):
        load_desks(path, known_places=frozenset({"bonaire", "saba", "europees_nederland"}))
