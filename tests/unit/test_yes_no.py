"""A message that says only yes or no answers the question before it; anything more
keeps its meaning in the dialogue."""

from __future__ import annotations

import pytest

from bot.language import bare_yes_no


@pytest.mark.parametrize("text", ["ja", "Ja graag", "jawel", "yes please", "Yes.", "sí", "si", "ok", "klopt",
                                  "ja, dank je", "yes thanks"])
def test_a_bare_yes(text):
    assert bare_yes_no(text) is True


@pytest.mark.parametrize("text", ["nee", "Nee, dank je", "no thanks", "nò", "No.", "nope"])
def test_a_bare_no(text):
    assert bare_yes_no(text) is False


@pytest.mark.parametrize("text", ["dank je wel", "Dank je wel!", "oke thanks", "thank you", "danki", "bedankt hoor",
                                  "nee, 650 euro", "ja ik wil huurtoeslag", "Is dat zo?", "ja nee", "hallo",
                                  "I am 30", "ik wil een medewerker", "", "   "])
def test_anything_more_is_not_a_bare_answer(text):
    assert bare_yes_no(text) is None
