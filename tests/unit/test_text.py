from bot.language.text import fold, words


def test_both_papiamentu_spellings_fold_together():
    assert fold("informashon") == fold("informacion")
    assert fold("kuantu") == fold("cuanto")
    assert fold("haña") == fold("haya")
    assert fold("hür") == fold("hur")


def test_words_are_folded_and_split():
    assert words("Kuantu subsidio di hür?") == ["kuantu", "subsidiu", "di", "hur"]
    assert words("") == []
