"""Disclosure flagging: what a child might write, in each language, and what must not raise a flag."""

import json
import re
import tomllib
from pathlib import Path

import pytest

from service.safeguarding import CATEGORIES, Flag, flag, flagging, normalise
from service.safeguarding.flagging import (
    INDICATORS,
    _build,
    _combination,
    _concept_spans,
    _concepts,
    _found,
    _indicator,
    _load,
    _matches,
    _spellings,
    _union,
    available_languages,
    compile_pattern,
)

EVAL = Path(__file__).resolve().parents[2] / "infra" / "eval"


def _word_starts(text: str) -> list[int]:
    """Where each word of a normalised text starts, found apart from flagging's own `_words_at`."""
    return [match.start() for match in re.finditer(r"(?<= )\S", text)]


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("my dad hits me when he's drunk", "harm"),
        ("he held me down and sat on me", "harm"),
        ("i have marks on my back from the belt", "harm"),
        ("whats the point in being alive", "suicide"),
        ("i've saved up tablets", "suicide"),
        ("he makes me touch him", "sexual_abuse"),
        ("they gave me a burner phone", "exploitation"),
        ("the police had to find me again last night", "missing"),
        ("please dont tell my dad i wrote this", "unsafe"),
        ("we go to the food bank but mum spends it on drink", "neglect"),
        ("my stepdad punched me in the face", "harm"),
        ("he said he would kill me if i told", "harm"),
        ("i cut myself again last night", "self_harm"),
        ("ive been self harming", "self_harm"),
        ("i want to kill myself", "suicide"),
        ("i dont want to be alive anymore", "suicide"),
        ("my uncle touches me in my private parts", "sexual_abuse"),
        ("he comes into my bed at night", "sexual_abuse"),
        ("the olders make me sell drugs", "exploitation"),
        ("a man on snapchat keeps asking me for pics", "exploitation"),
        ("im doing county lines", "exploitation"),
        ("im going to run away tonight", "missing"),
        ("i dont feel safe at home", "unsafe"),
        ("im scared of my dad", "unsafe"),
        ("theres no food in the house", "neglect"),
        ("mum leaves us home alone for days", "neglect"),
    ],
)
def test_flag_english_disclosure_names_its_category(text, category):
    result = flag(text, "en")

    assert result is not None
    assert category in result.categories
    assert all(indicator.startswith("en.") for indicator in result.indicators)


@pytest.mark.parametrize(
    "text",
    [
        "i wanna die",  # text-speak
        "kms",
        "i just wanna unalive myself",
        "my step dad hurrrrts me",  # stretched letters
        "i want to kil myself",  # misspelling
        "I DON'T FEEL SAFE AT HOME",  # capitals and apostrophe
        "dont feel safe",  # no apostrophe
        "u know my dad beats me",
        "he's been hitting me",  # inflection
        "i'm thinking about suicide",
        "suicidal thoughts every day",
    ],
)
def test_flag_tolerates_text_speak_misspellings_and_inflections(text):
    assert flag(text, "en") is not None


@pytest.mark.parametrize(
    "text",
    [
        "I feel safe now with my foster carers",
        "Nobody hurts me at my new home",
        "nobody at home hits me",
        "he doesn't hit me any more",
        "I'm not scared of my dad anymore",
        "she hit the nail on the head",
        "the worker hit it off with my son",
        "my brother is killing it at football",
        "I was dying to see my mum",
        "the food here is to die for",
        "my grandad was hit by a car last year",
        "I was scared at first but the worker was kind",
        "the worker pushed me to try harder at school",
        "I cut my hair myself lol",
        "she was dead helpful",
        "The worker was kind and listened to everything I said",
        "The meeting was too long and boring",
        "I never got a call back, very frustrating",
        "my worker helped me with my little brother",
        "my little sister kicked the ball at me and we laughed",
        "the worker asked if anyone hurts me and nobody does",
        "I was scared of my new school but now I like it",
    ],
)
def test_flag_ignores_negations_idioms_and_ordinary_feedback(text):
    assert flag(text, "en") is None


def test_flag_keeps_a_disclosure_when_but_or_stop_breaks_the_negation():
    assert flag("he never stops hitting me", "en") is not None
    assert flag("i'm not allowed to say but he hits me", "en") is not None


def test_flag_negation_before_a_match_is_not_broken_by_words_inside_it():
    assert flag("I'm never scared when my foster mum is around", "en") is None


@pytest.mark.parametrize(
    ("language", "disclosure", "not_a_disclosure"),
    [
        ("cy", "Mae dad yn fy nharo i", "Does neb yn fy nharo i yma"),
        ("cy", "dwi ddim yn teimlo'n saff adra", "Dw i'n teimlo'n ddiogel nawr"),
        ("pl", "Tata mnie bije", "Nikt mnie nie bije"),
        ("pl", "nie czuję się bezpiecznie w domu", "Teraz czuję się bezpiecznie"),
        ("ar", "أبي يضربني كل يوم", "لا أحد يضربني"),
        ("ar", "لا أشعر بالأمان في البيت", "أشعر بالأمان الآن"),
        ("ur", "میرا باپ مجھے مارتا ہے", "مجھے کوئی نہیں مارتا"),
        ("ur", "میں گھر میں محفوظ محسوس نہیں کرتی", "اب میں محفوظ محسوس کرتا ہوں"),
        ("uk", "Вітчим мене б'є", "Ніхто мене не б'є"),
        ("uk", "я не почуваюся в безпеці вдома", "Тепер я почуваюся в безпеці"),
        ("es", "mi padrastro me pega", "nadie me pega"),
        ("pt", "meu pai me bate", "ninguém me bate"),
        ("ro", "tata mă bate", "nimeni nu mă bate"),
        ("fa", "پدرم مرا کتک می‌زند", "هیچکس مرا کتک نمی‌زند"),
        ("fa", "می‌خواهم بمیرم", "الهی بمیرم برات"),
        ("bn", "বাবা আমাকে মারে", "কেউ আমাকে মারে না"),  # negation after the verb
        ("bn", "আমি বাড়িতে নিরাপদ বোধ করি না", "এখন আমি নিরাপদ বোধ করি"),
        ("so", "aabbahay wuu i garaacaa", "qofna ima garaaco"),
        ("ps", "پلار مې ما وهي", "هیڅوک ما نه وهي"),
        ("ckb", "باوکم لێم دەدات", "کەس لێم نادات"),
        ("ti", "ኣቦይ ይወቕዓኒ", "ኣቦይ ኣይወቕዓንን"),  # Tigrinya negates inside the verb
    ],
)
def test_flag_each_language_flags_disclosures_and_not_their_negation(language, disclosure, not_a_disclosure):
    result = flag(disclosure, language)

    assert result is not None
    assert any(indicator.startswith(f"{language}.") for indicator in result.indicators)
    assert flag(not_a_disclosure, language) is None


@pytest.mark.parametrize(
    ("language", "without_accents", "with_marks"),
    [
        ("pl", "tne sie zyletka", "tnę się żyletką"),
        ("ro", "vreau sa mor", "vreau să mor"),
        ("pt", "nao me sinto seguro em casa", "não me sinto seguro em casa"),
        ("ar", "ابي يضربني", "أَبِي يَضْرِبُـــنِي"),  # harakat and tatweel
        ("fa", "ميخواهم خودکشي کنم", "می‌خواهم خودکشی کنم"),  # Arabic yeh, no zero-width non-joiner
    ],
)
def test_flag_ignores_missing_accents_diacritics_and_letter_variants(language, without_accents, with_marks):
    plain, marked = flag(without_accents, language), flag(with_marks, language)

    assert plain is not None
    assert plain == marked


def test_flag_checks_english_whatever_the_language():
    result = flag("Tata jest ok but my uncle hits me", "pl")

    assert result is not None
    assert "en.harm.violence_to_me" in result.indicators


def test_flag_language_tags_and_unknown_languages():
    assert flag("Tata mnie bije", "pl-PL") is not None
    assert flag("my dad hits me", "en-GB") is not None
    assert flag("my dad hits me", "zz") is not None  # no list: English still applies
    assert flag("Tata mnie bije", "zz") is None
    assert flag("my dad hits me", "../../pyproject") is not None  # never a path


def test_flag_reports_every_category_and_indicator_that_matched():
    result = flag("my dad hits me and i cut myself", "en")

    assert isinstance(result, Flag)
    assert result.categories == frozenset({"harm", "self_harm"})
    assert result.indicators[:2] == ("en.harm.violence_to_me", "en.self_harm.cutting")  # phrases first
    assert len(set(result.indicators)) == len(result.indicators)


def test_normalise_strips_accents_case_apostrophes_and_repeats():
    assert normalise("I DON'T féél SAFE!!!") == " i dont fel safe "
    assert normalise("Żółć") == " zolc "
    assert normalise("أَبـــي") == " ابي "
    assert normalise("Вітчим мене б'є") == " вітчим мене бє "


def test_compile_pattern_gap_optional_and_prefix():
    def matches(pattern, text):
        import re

        return re.search(compile_pattern(pattern), normalise(text)) is not None

    assert matches("want .. die", "i want to just die")
    assert not matches("want .. die", "i want to go out with friends and not die")  # more than three words between
    assert matches("kill(s|ed)? (myself|my self)", "killed myself")
    assert matches("(take|took) (all )?(my )?pills", "took pills")
    assert matches("self ?harm*", "selfharming")
    assert not matches("hit(s)?", "hitman")
    assert matches("*ضربني", "بيضربني")
    assert matches("isnt (a|really a)? safe place", "isnt really a safe place")  # every alternative keeps its space
    assert matches("isnt (a|really a)? ?safe place", "isnt a safe place")
    assert matches("isnt (a|really a)? safe place", "isnt safe place")


def test_indicator_that_contains_its_own_negator_must_say_so():
    entry = {"id": "xx.unsafe.not_safe", "category": "unsafe", "patterns": ["not safe"]}

    with pytest.raises(ValueError, match="negatable"):
        _indicator(entry, frozenset({"not"}))
    assert _indicator({**entry, "negatable": False}, frozenset({"not"})).negatable is False


def test_indicator_with_unknown_category_is_refused():
    with pytest.raises(ValueError, match="unknown category"):
        _indicator({"id": "xx.bad", "category": "sadness", "patterns": ["sad"]}, frozenset())


@pytest.mark.parametrize(
    "language", ["en", "cy", "pl", "ar", "ur", "uk", "es", "pt", "ro", "fa", "bn", "so", "ps", "ckb", "ti"]
)
def test_indicator_list_is_marked_draft_and_covers_every_category(language):
    path = INDICATORS / f"{language}.toml"
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    ids = [entry["id"] for entry in data["indicator"]]

    assert "DRAFT" in text and "safeguarding professionals" in text and "fluent speakers" in text
    assert {entry["category"] for entry in data["indicator"]} == CATEGORIES
    assert len(ids) == len(set(ids))
    assert all(indicator.startswith(f"{language}.") for indicator in ids)
    assert language in available_languages()


def _eval_rows(name):
    lines = (EVAL / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.mark.parametrize(
    "name",
    [
        "flagging_dev.jsonl",
        "flagging_dev2.jsonl",
        *(f"flagging_heldout{n}.jsonl" for n in ("", "2", "3", "4", "5", "6")),
    ],
)
def test_flag_keeps_catching_what_the_tuned_sets_hold(name):
    """A regression guard, not a measure: these sets were tuned on. How the flagger does on text nobody
    tuned it on is what infra/eval/safeguarding.py prints for the sealed sets (infra/eval/README.md)."""
    rows = _eval_rows(name)
    flagged = [(flag(row["text"], row["language"]) is not None, row["label"] == "disclosure") for row in rows]
    true_positives = sum(1 for hit, real in flagged if hit and real)

    recall = true_positives / sum(1 for _, real in flagged if real)
    precision = true_positives / sum(1 for hit, _ in flagged if hit)

    assert recall >= 0.95
    assert precision >= 0.80


def test_labelled_flagging_sets_are_big_and_varied_enough():
    """The project's own sets; sealed sets are committed as their writers made them, in their own categories."""
    paths = [path for path in sorted(EVAL.glob("flagging_*.jsonl")) if "sealed" not in path.name]
    rows = [row for path in paths for row in _eval_rows(path.name)]

    assert len(rows) >= 300
    assert len({row["language"] for row in rows}) >= 6
    assert {row["label"] for row in rows} == {"disclosure", "none"}
    assert {row["category"] for row in rows if row["label"] == "disclosure"} == CATEGORIES
    assert sum(1 for row in rows if row["category"] == "tricky") >= 40


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("my step dad gave me a fat lip", "harm"),  # an injury near a carer, no violence word
        ("i just want to go to sleep and not wake up", "suicide"),
        ("he puts his willy near me", "sexual_abuse"),
        ("they drive me to places i dont know and i stay in a flat for days", "exploitation"),
        ("my boyfriend checks my phone and wont let me see my friends", "unsafe"),
        ("my mum sleeps all day since she started taking stuff", "neglect"),
        ("i hurt my own arms when i get sad", "self_harm"),
        ("i get a bad feeling in my tummy when hes home", "unsafe"),
    ],
)
def test_flag_compositional_layer_catches_what_no_phrase_lists(text, category):
    result = flag(text, "en")

    assert result is not None
    assert category in result.categories
    assert all(".combination." in indicator for indicator in result.indicators)  # no phrase pattern matched


@pytest.mark.parametrize(
    "text",
    [
        "my dad doesn't hit me",  # negator inside the combination
        "nobody at home hurts me",
        "I'm never scared when my foster mum is around",  # "when" after the fear word does not undo "never"
        "I was scared before the meeting but she was kind",  # reassurance cancels fear
        "I feel safe at home now",
        "my little brother hit his head on the table but he's fine now",
        "I miss my dad, he died last year",
    ],
)
def test_flag_compositional_layer_respects_negation_and_reassurance(text):
    assert flag(text, "en") is None


@pytest.mark.parametrize(
    "text",
    [
        "killing it at school",
        "I cut myself a slice of cake",
        "I got hit by a ball in PE",
        "we had a fight with water balloons",
        "my brother and I play fight all the time haha",
        "My mum drinks too much coffee lol",
        "we went to the seaside on the train and stayed in a hotel, it was amazing",
        "I want to go home now the meeting is over",
    ],
)
def test_flag_compositional_layer_ignores_idioms_games_and_outings(text):
    assert flag(text, "en") is None


def test_flag_reads_young_childrens_spelling():
    result = flag("mummy smaks me wen i am bad", "en")

    assert result is not None
    assert "harm" in result.categories
    assert flag("i hav a bump on my hed from wen dad pushed me", "en") is not None


def test_flag_combination_still_breaks_negation_with_but():
    assert flag("i'm not allowed to say but my step dad gave me a fat lip", "en") is not None


def test_combination_window_counts_a_long_term_as_one_word():
    assert flag("dad put his hands round my neck last night", "en") is not None


def test_concepts_and_combinations_refuse_mistakes():
    with pytest.raises(ValueError, match="unknown concepts"):
        _combination(
            {"id": "xx.combination.a", "category": "harm", "all": ["violence", "nobody"]}, {"violence": ["hit"]}
        )
    with pytest.raises(ValueError, match="unknown category"):
        _combination({"id": "xx.combination.a", "category": "sadness", "all": ["violence"]}, {"violence": ["hit"]})
    with pytest.raises(ValueError, match="indicator patterns"):
        _concepts({"violence": ["hit .. me"]})
    with pytest.raises(ValueError, match="lowercase"):
        _concepts({"Violence": ["hit"]})
    with pytest.raises(ValueError, match="one word"):
        _spellings({"wen ever": "whenever"})


@pytest.mark.parametrize("language", ["en", "pl", "ar", "uk", "bn"])
def test_first_word_index_finds_what_trying_every_word_finds(language):
    """Indicators are tried only where their first word occurs; on every labelled text that gives the same answer."""
    lang = _load(language)
    assert lang is not None and not lang.always
    # the reference: every idiom in one alternation, tried at every word
    listed = tomllib.loads((INDICATORS / f"{language}.toml").read_text(encoding="utf-8")).get("idioms", [])
    idioms = _union(listed) if listed else None
    for path in sorted(EVAL.glob("flagging_*.jsonl")):
        for number, row in enumerate(_eval_rows(path.name), 1):
            text = normalise(row["text"])
            indexed = [found.id for found in _matches(lang, text) if ".combination." not in found.id]
            if lang.spellings:
                text = " " + " ".join(lang.spellings.get(word, word) for word in text.split()) + " "
            blanked = text
            if idioms is not None:
                end = 0
                for start in _word_starts(blanked):
                    match = idioms.match(blanked, start) if start >= end else None
                    if match:
                        end = match.end()
                        blanked = blanked[:start] + " " * (end - start) + blanked[end:]
            starts = _word_starts(blanked)
            every_word = [ind for ind in lang.indicators if _found(ind, lang, blanked, starts)]
            where = _concept_spans(lang.concepts, blanked.split()) if lang.concepts is not None else {}
            every_word_ids = [ind.id for ind in every_word if not any(name in where for name in ind.unless)]
            assert indexed == every_word_ids, (path.name, number)  # no text: some sets are sealed


def test_an_idiom_must_start_with_a_plain_word(tmp_path, monkeypatch):
    """Idioms are tried only where their first word is: one whose first word cannot be worked out would never be
    blanked out, so a list with one is refused when it loads, naming it."""
    (tmp_path / "xx.toml").write_text('idioms = ["beat around the bush", "he*lo world"]\n', encoding="utf-8")
    monkeypatch.setattr(flagging, "INDICATORS", tmp_path)
    with pytest.raises(ValueError, match=r"he\*lo world"):
        _build("xx")
    (tmp_path / "xx.toml").write_text('idioms = ["beat around the bush"]\n', encoding="utf-8")
    lang = _build("xx")
    assert lang is not None and lang.idiom_patterns[0].match(normalise("we beat around the bush"), 4)


@pytest.mark.parametrize("language", ["en", "ar", "fa", "pl", "uk"])
def test_word_lookup_stops_early_but_finds_every_key_a_word_begins_or_ends_with(language):
    """The tries give up on a word once no longer key begins (ends) like it; the keys found are those of a full scan."""
    lang = _load(language)
    assert lang is not None
    words = {
        word
        for path in sorted(EVAL.glob("flagging_*.jsonl"))
        for row in _eval_rows(path.name)
        for word in normalise(row["text"]).split()
    }
    roots = [lang.first_words, lang.idiom_first_words, *([lang.concepts] if lang.concepts else [])]
    # the roots, and the nodes below them that have keys of their own beginning or ending a word
    nodes = [*roots, *(child for root in roots for child in [*root.exact.values(), *root.prefix.values()])]
    nodes = [node for node in nodes if node.prefix or node.suffix]
    checked = 0
    for node in nodes:
        for word in words:
            every = [node.exact.get(word)]
            every += [child for key, child in node.prefix.items() if word.startswith(key)]
            every += [child for key, child in node.suffix.items() if word.endswith(key)]
            assert {id(child) for child in node.children(word)} == {id(child) for child in every if child}, word
            checked += bool(node.children(word))
    assert checked >= 20  # words that do begin (end) like keys were among them


@pytest.mark.parametrize("language", available_languages())
def test_spelling_table_never_rewrites_a_word_the_lists_rely_on(language):
    """A variant the lists spell out ("ur self") must find its usual spelling in the same pattern ("your self")."""
    data = tomllib.loads((INDICATORS / f"{language}.toml").read_text(encoding="utf-8"))
    spellings = _spellings(data.get("spellings", {}))
    patterns = [p for entry in data["indicator"] for p in entry["patterns"]]
    patterns += [p for terms in data.get("concepts", {}).values() for p in terms] + data.get("idioms", [])
    for pattern in patterns:
        words = {normalise(word).strip() for word in re.split(r"[\s()|*]+", pattern) if "?" not in word}
        spelled_out = set(normalise(re.sub(r"[()|?*]", " ", pattern)).split())
        for word in words & spellings.keys():
            assert set(spellings[word].split()) <= spelled_out, (word, pattern)


@pytest.mark.parametrize(
    ("text", "language", "category"),
    [
        ("ive got a bag packed under my bed in case it gets bad", "en", "unsafe"),
        ("we hide in the wardrobe till its quiet", "en", "unsafe"),
        ("been kipping at different mates houses", "en", "missing"),
        ("i sleep on the night bus most nights", "en", "missing"),
        ("mum kept me off school till the bruises went", "en", "harm"),
        ("the baby was in the same nappy all day", "en", "neglect"),
        ("i gave my games away, i wont be needing them", "en", "suicide"),
        ("i dont see myself making it to christmas", "en", "suicide"),
        ("took extra tablets just to see what would happen", "en", "self_harm"),
        ("i have to keep my phone on all night in case they need me for a drop", "en", "exploitation"),
        ("he hides my car keys so i cant go out", "en", "harm"),
        ("he says if i tell the social worker hell get the kids taken off me", "en", "harm"),
        ("my heart pounds when i hear his key in the door", "en", "unsafe"),
        ("they posted my address in the group chat", "en", "unsafe"),
        ("my unkel tuches my privat bits and ses its a secrit", "en", "sexual_abuse"),
        ("nu mai vreau sa ma duc acasa, dorm la prieteni", "ro", "missing"),
        ("всім було б краще без мене", "uk", "suicide"),
        ("ma fi akl bel bet", "ar", "neglect"),
        ("jeene ka koi faida nahi", "ur", "suicide"),
        ("dige nemikham zende basham", "fa", "suicide"),
        ("baba amake mare", "bn", "harm"),
    ],
)
def test_flag_catches_circumstances_without_a_harm_word(text, language, category):
    """Round 13: the kinds the sealed sets missed (no harm word at all), and romanised Arabic, Urdu, Farsi, Bengali."""
    result = flag(text, language)
    assert result is not None and category in result.categories, result


@pytest.mark.parametrize(
    "text",
    [
        "i died like 50 times in fortnite",
        "ran off screaming from a wasp haha",
        "please dont tell my mum i got a detention",
        "my sister bashed me with her teddy lol",
        "my brother punched me in a play fight, we were messing about",
        "my mum hurt her back lifting the shopping",
        "we played hide and seek and i hid in the wardrobe",
        "we went camping and slept in a tent it was fun",
        "mum wont let me see my friends this weekend cos i was rude",
        "i took some calpol for my headache",
        "i gave my old toys to the charity shop",
    ],
)
def test_flag_ignores_games_jokes_detentions_and_minor_injuries(text):
    assert flag(text, "en") is None


def test_indicator_unless_cancels_a_phrase_only_when_its_concept_is_present():
    assert flag("my brother punched me in a play fight", "en") is None
    assert flag("my brother punched me in the face", "en") is not None
    with pytest.raises(ValueError, match="unknown concepts"):
        _indicator({"id": "xx.a", "category": "harm", "patterns": ["hit me"], "unless": ["games"]}, frozenset(), {})


def test_the_word_memo_stays_bounded_and_changes_no_answer():
    """Each list's roots remember what they found for each word (_Node.at_word): a stream of made-up words must not
    grow a worker's memory, and a remembered word must flag exactly as a fresh lookup does."""
    english = _load("en")
    roots = [english.first_words, english.idiom_first_words, english.concepts]
    letters = "bcdfghjklmnpqrstvwxz"  # no two alike side by side: normalise would merge them
    made_up = ["".join(letters[n // 20**k % 20] + "y" for k in range(4)) for n in range(flagging._MEMO_WORDS + 500)]
    flag(" ".join([*made_up, "abcdefghij" * 20]), "en")
    for root in roots:
        assert 0 < len(root.memo) <= flagging._MEMO_WORDS
        assert all(len(word) <= flagging._MEMO_LETTERS for word in root.memo)
    disclosure = "my dad hits me when he is angry and i am scared to go home"
    first = flag(disclosure, "en")
    for root in roots:
        root.memo = None
    assert flag(disclosure, "en") == first is not None
    assert flag(disclosure, "en") == first  # now from the memo
