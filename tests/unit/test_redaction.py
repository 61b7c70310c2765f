"""Redaction: every kind of identifying detail is replaced, staff names and ordinary words are kept."""

import json
import re
from pathlib import Path

import pytest

from service.safeguarding import KINDS, redact

EVAL = Path(__file__).resolve().parents[2] / "infra" / "eval"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ring me on 07700 900461 please", "ring me on [phone] please"),
        ("our landline is 029 2018 0123", "our landline is [phone]"),
        ("Call my husband on 0161 496 0754 after 5", "Call my husband on [phone] after 5"),
        ("my cousin's number is +48 512 345 678", "my cousin's number is [phone]"),
        ("mum's phone is 07999111222", "mum's phone is [phone]"),
    ],
)
def test_redact_phone_numbers_uk_and_international(text, expected):
    assert redact(text).text == expected


def test_redact_keeps_scores_and_short_numbers():
    assert (
        redact("Great service, 10/10, I'd give it 5 stars out of 5").text
        == "Great service, 10/10, I'd give it 5 stars out of 5"
    )


def test_redact_keeps_helpline_numbers():
    assert redact("Call Childline on 0800 1111 or Samaritans on 116 123").text == (
        "Call Childline on 0800 1111 or Samaritans on 116 123"
    )


def test_redact_email_addresses():
    result = redact("email lisa.m.hughes@hotmail.co.uk or j.o'neill@btinternet.com")

    assert result.text == "email [email] or [email]"
    assert result.counts == {"email": 2}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The postcode is LS6 2QF", "The postcode is [postcode]"),
        ("we are in b12 9pd now", "we are in [postcode] now"),
        ("SW1A1AA", "[postcode]"),
    ],
)
def test_redact_uk_postcodes_in_any_case_and_spacing(text, expected):
    assert redact(text).text == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We moved to 14 Rosebery Crescent last year", "We moved to [address] last year"),
        ("22b Victoria Road, Swansea SA1 5AB", "[address] [postcode]"),
        ("they live on Meadow Lane near the shop", "they live on [address] near the shop"),
        ("Mae Lowri yn byw yn 3 Heol Las", "Mae [name] yn byw yn [address]"),
        ("we're in flat 11 now", "we're in [address] now"),
        ("we stayed at 9a Kingsway", "we stayed at [address]"),
    ],
)
def test_redact_postal_addresses(text, expected):
    assert redact(text).text == expected


def test_redact_does_not_take_counts_for_addresses():
    assert redact("3 times a week we go to the park").text == "3 times a week we go to the park"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("he was born on 3rd May 2015", "he was born on [date of birth]"),
        ("DOB 03/05/2015", "DOB [date of birth]"),
        ("date of birth 2011-07-30", "date of birth [date of birth]"),
        ("her birthday is 5th June", "her birthday is [date of birth]"),
        ("born 12.09.2014", "born [date of birth]"),
        ("the review on 14 March 2025 was late", "the review on [date] was late"),
    ],
)
def test_redact_dates_of_birth_and_other_full_dates(text, expected):
    assert redact(text).text == expected


def test_redact_keeps_days_and_dates_without_a_year():
    assert redact("The meeting was on Tuesday 3rd May").text == "The meeting was on Tuesday 3rd May"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("she goes to Millbrook Primary School", "she goes to [school]"),
        ("He started at St Joseph's Catholic High", "He started at [school]"),
        ("she loves St Mary's Academy", "she loves [school]"),
        ("Ysgol Gymraeg Treganna is good", "[school] is good"),
        ("my son goes to westfield primary", "my son goes to [school]"),
        ("I'm at Cardiff and Vale College now", "I'm at [school] now"),
    ],
)
def test_redact_school_names(text, expected):
    assert redact(text).text == expected


def test_redact_keeps_school_as_an_ordinary_word():
    assert redact("my old primary school was better, I hate school").text == (
        "my old primary school was better, I hate school"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jayden was happy", "[name] was happy"),  # first-name list
        ("ask oliwia what she thinks", "ask [name] what she thinks"),  # lowercase, from the list
        ("my son Tiernan stays with us", "my son [name] stays with us"),  # cue: not in the list
        ("we call her Mimi", "we call her [name]"),  # capital in mid-sentence
        ("Mrs Kowalczyk was rude", "Mrs [name] was rude"),  # title
        ("Aisha's dad came", "[name]'s dad came"),  # possessive
        ("my daughter Fatima Begum", "my daughter [name]"),  # surname goes with it
        ("my daughter amber is 7", "my daughter [name] is 7"),  # ambiguous word after a cue
        ("Summer and Autumn are my girls", "[name] and [name] are my girls"),
        ("Lacey-Jo said thanks", "[name] said thanks"),
        ("Hi, I'm Precious", "Hi, I'm [name]"),
        ("Hiwot was happy", "[name] was happy"),  # unknown word starting a sentence, then "was"
        ("شكرا لأحمد على مساعدته", "شكرا [name] على مساعدته"),  # Arabic clitic on the name
        ("Мій син Артем ходить до школи", "Мій син [name] ходить до школи"),
    ],
)
def test_redact_personal_names(text, expected):
    assert redact(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "I will try harder at school",
        "I hope things get better",
        "Will you call me back?",
        "The Worker Was Really Helpful And Kind",
        "we talked about my feelings and what makes me happy",
        "Could you send letters in Polish please",
        "I went to Cardiff with my mum on Monday",
        "Communication was poor and Overall it was slow",
    ],
)
def test_redact_leaves_ordinary_feedback_alone(text):
    result = redact(text)

    assert result.text == text
    assert result.counts == {}


def test_redact_keeps_staff_names_and_still_redacts_others():
    staff = ["Sarah Jones", "Dave Roberts"]

    result = redact("Sarah and Dave were great, Mrs Jones too, but my son Kai missed Gemma", staff_names=staff)

    assert result.text == "Sarah and Dave were great, Mrs Jones too, but my son [name] missed [name]"
    assert result.counts == {"name": 2}


def test_redact_redacts_a_worker_who_is_not_staff():
    assert redact("my worker Gemma never called back", staff_names=["Dave Roberts"]).text == (
        "my worker [name] never called back"
    )


def test_redact_spans_point_into_the_original_text():
    text = "Kai (DOB 01/02/2013) lives at 4 Mill Lane, call 07700 900123"

    result = redact(text)

    assert [(text[s.start : s.end], s.kind) for s in result.spans] == [
        ("Kai", "name"),
        ("01/02/2013", "date_of_birth"),
        ("4 Mill Lane", "address"),
        ("07700 900123", "phone"),
    ]
    assert result.counts == {"name": 1, "date_of_birth": 1, "address": 1, "phone": 1}
    assert set(result.counts) <= set(KINDS)


def test_redact_everything_in_one_message():
    text = (
        "My son Jayden Smith (born 14/02/2016) goes to Oakfield Academy. We live at 7 Heol y Nant, "
        "Aberystwyth SY23 1AB. Call 07845 612390 or jayden.mum@gmail.com. Rhian was lovely."
    )

    result = redact(text, staff_names=["Rhian Davies"])

    assert result.text == (
        "My son [name] (born [date of birth]) goes to [school]. We live at [address] [postcode]. "
        "Call [phone] or [email]. Rhian was lovely."
    )


def _rows(name):
    lines = (EVAL / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.mark.parametrize(
    "name",
    [
        "redaction.jsonl",
        "redaction_heldout.jsonl",
        "redaction_heldout2.jsonl",
        "redaction_fresh.jsonl",
        "redaction_fresh2.jsonl",
    ],
)
def test_redact_keeps_finding_what_the_tuned_sets_hold(name):
    """A regression guard, not a measure: these sets were tuned on (the sealed one is not; see infra/eval)."""
    rows = _rows(name)
    found = total = 0
    for row in rows:
        result = redact(row["text"], staff_names=row["staff"])
        for span in row["spans"]:
            total += 1
            found += not re.search(re.escape(span["text"]), result.text)
        for kept in row["keep"]:
            assert kept in result.text, (kept, result.text)

    assert found / total >= 0.95


def test_labelled_redaction_set_covers_every_kind():
    rows = [row for path in sorted(EVAL.glob("redaction*.jsonl")) for row in _rows(path.name)]

    assert len(rows) >= 150
    assert {span["kind"] for row in rows for span in row["spans"]} == set(KINDS) - {"date"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "her account is @lily.rose_x and strangers message her",
            "her account is [social media] and strangers message her",
        ),
        ("someone called @reece_07 on twitter", "someone called [social media] on twitter"),
        ("see https://www.instagram.com/dan.the.man.88/ please", "see [social media] please"),
        ("tiktok.com/@mayaa.dance is my page", "[social media] is my page"),
        ("he found us through facebook.com/sharon.t.wilkes1.", "he found us through [social media]."),
        ("x.com/BigMo_4life posts pics of our house", "[social media] posts pics of our house"),
        ("youtube.com/@GamerKid_Leo", "[social media]"),
        ("snapchat: jess_xo_14 thats me", "snapchat: [social media] thats me"),
        ("add me on snap its kayden_b2010", "add me on snap its [social media]"),
        ("Insta: tayy.x0", "Insta: [social media]"),
        ("my snap name is jessb", "my snap name is [social media]"),  # a handle word: any name after it
    ],
)
def test_redact_social_media_handles_and_profile_links(text, expected):
    assert redact(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "meet @ 4 at the centre was fine",
        "see you @4pm on Tuesday",
        "my son spends too long on tiktok and youtube",
        "her instagram account is private now",
        "snapchat is bad for kids",
        "it was 10 x better than last time",
    ],
)
def test_redact_keeps_platform_names_times_and_ordinary_words(text):
    assert redact(text).text == text


def test_redact_an_email_is_not_taken_for_a_handle():
    assert redact("write to jo.b@gmail.com").counts == {"email": 1}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my NI number is QQ 12 34 56 C thanks", "my NI number is [NI number] thanks"),
        ("national insurance JT123456A", "national insurance [NI number]"),
        ("her ni no: ab 12 34 56 d", "her ni no: [NI number]"),
        ("NINO - SK-46-71-93-B", "NINO - [NI number]"),
        ("here it is NH 987654 A", "here it is [NI number]"),
        ("my NI is PW 55 21 09, the letter is lost", "my NI is [NI number], the letter is lost"),  # no final letter
    ],
)
def test_redact_national_insurance_numbers_with_and_without_spaces(text, expected):
    assert redact(text).text == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ring me on oh seven seven double oh nine double one two three four", "ring me on [phone]"),
        ("zero seven nine one one, two three four five six seven is mine", "[phone] is mine"),
        ("its oh 7 7 double 0 1 9 eight four four two", "its [phone]"),
        ("write it down: zero-seven-eight-eight-one-two-three-four-five-six-seven", "write it down: [phone]"),
        ("you can get me on zero seven triple seven one two three four five six", "you can get me on [phone]"),
        ("zadzwoń: zero siedem siedem zero zero dziewięć zero zero jeden dwa trzy", "zadzwoń: [phone]"),
        ("ffoniwch fi ar dim saith saith dim dim naw dim dim un dau tri", "ffoniwch fi ar [phone]"),
    ],
)
def test_redact_phone_numbers_written_in_words(text, expected):
    assert redact(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "she can count one two three four five six seven eight nine ten now!",
        "I'd give it seven out of ten, maybe eight",
        "one or two nights at her dads and three or four with me",
        "Call Childline on oh eight oh oh one one one one",  # a free helpline, in words
    ],
)
def test_redact_keeps_counting_scores_and_helplines_in_words(text):
    assert redact(text).text == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("he lives on Albert Road with his girlfriend", "he lives on [address] with his girlfriend"),
        ("we were near Mill Lane when it happened", "we were near [address] when it happened"),
        ("the shop at the end of Church Street", "the shop at the end of [address]"),
        ("we live on albert road now", "we live on [address] now"),
        ("our old house on kings road", "our old house on [address]"),
        ("up by hollins drive is where they wait", "up by [address] is where they wait"),
        ("stam pe Church Street langa biserica", "stam pe [address] langa biserica"),
    ],
)
def test_redact_street_names_without_a_house_number(text, expected):
    assert redact(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "we live on a busy main road and it's noisy",
        "I was walking down the road",
        "the high street shops were closed",
        "We met on the High Street",
        "We watched Coronation Street together",
        "we live very close to school",
        "I had to learn to drive",
        "it's been a long road but things are better",
    ],
)
def test_redact_keeps_roads_that_are_no_address(text):
    assert redact(text).text == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mi hija nació el 4 de mayo de 2015", "mi hija nació el [date of birth]"),
        ("my mobile 07.7.00.900.812 (new)", "my mobile [phone] (new)"),
        ("আমার মেয়ে তাসনিম স্কুলে যেতে ভয় পায়", "আমার মেয়ে [name] স্কুলে যেতে ভয় পায়"),  # Bengali vowel signs
        ("پسرم آرش از مددکار راضی بود", "پسرم [name] از مددکار راضی بود"),  # after "my son", no capitals
        ("بھائی مجھے روز مارتا ہے", "بھائی مجھے روز مارتا ہے"),  # "brother hits me": no name after it
    ],
)
def test_redact_dates_numbers_and_names_in_other_languages(text, expected):
    assert redact(text).text == expected


def test_redact_keeps_staff_names_next_to_every_new_kind():
    text = "Lauren gave my son Kai her number, he is @kai_b09 on snap and lives on Albert Road"

    result = redact(text, staff_names=["Lauren Hughes"])

    assert result.text == "Lauren gave my son [name] her number, he is [social media] on snap and lives on [address]"
    assert result.counts == {"name": 1, "handle": 1, "address": 1}
