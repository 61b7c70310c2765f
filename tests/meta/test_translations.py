"""What the translation review (issue 21) decided stays decided: "worker" is
never turned into "social worker", every phone number in a respondent text is
a placeholder (isolated left to right by phone()), the glossary notes reach
the translators, and the Welsh questions carry their own yes/no words."""

from __future__ import annotations

import re

import pytest

from service.i18n import LOCALES_DIR, catalogs, glossary

# How each language writes "social worker" (any case, any ending).
SOCIAL_WORKER = {
    "ar": r"(ال)?(أخصائي|اخصائي|عامل|باحث)[ةه]?\s+(ال)?اجتماعي",
    "uk": r"соціальн\w*\s+працівни\w*|соцпрацівни\w*",
    "pl": r"pracowni\w*\s+socjaln\w*",
    "cy": r"gweithiwr\s+cymdeithasol|gweithwyr\s+cymdeithasol",
    "es": r"trabajador\w*\s+social\w*",
    "pt": r"assistente\w*\s+socia\w*|trabalhador\w*\s+socia\w*",
    "ro": r"asistent\w*\s+social\w*|lucr[ăa]tor\w*\s+social\w*",
    "fa": r"مددکار(ان)?\s*اجتماعی",
    "ur": r"سوشل\s+ورکر|سماجی\s+کارکن",
    "bn": r"সমাজকর্মী|সোশ্যাল\s+ওয়ার্কার",
    "ps": r"ټولنیز\w*\s+کارکوونک\w*",
    "ckb": r"کارمەند\w*\s+کۆمەڵایەتی\w*",
    "ti": r"ማሕበራዊ\s+ሰራሕተኛ\w*",
    "so": r"shaqaala\w*\s+bulsh\w*",
}
PHONE_NUMBERS = ("0800 1111", "0303 123 1113", "999")


def _entries(tag: str):
    for domain in ("messages", "surveys"):
        for message in catalogs.read_catalog(LOCALES_DIR / tag / "LC_MESSAGES" / f"{domain}.po"):
            if message.id and message.string:
                english = message.id if isinstance(message.id, str) else " ".join(message.id)
                strings = [message.string] if isinstance(message.string, str) else list(message.string)
                yield english, strings


@pytest.mark.parametrize("tag", sorted(SOCIAL_WORKER))
def test_worker_is_never_translated_as_social_worker(tag):
    pattern = re.compile(SOCIAL_WORKER[tag], re.IGNORECASE)

    wrong = [
        english
        for english, strings in _entries(tag)
        if "social worker" not in english.lower() and any(pattern.search(s) for s in strings)
    ]

    assert wrong == [], f"{tag} says 'social worker' where the English does not: {wrong[:3]}"


def test_the_check_finds_social_worker_in_each_language():
    samples = {
        "ar": "استمع إليّ الأخصائي الاجتماعي.",
        "uk": "Соціальний працівник мене вислухав.",
        "pl": "Pracownik socjalny mnie wysłuchał.",
    }

    assert all(re.search(SOCIAL_WORKER[tag], text, re.IGNORECASE) for tag, text in samples.items())


def test_no_respondent_text_has_a_phone_number_written_into_it():
    template = catalogs.read_template(LOCALES_DIR, "messages")

    written = [m.id for m in template if isinstance(m.id, str) and any(n in m.id for n in PHONE_NUMBERS)]

    assert written == [], 'pass the number in with phone(), e.g. {% trans childline=phone("0800 1111") %}'


@pytest.mark.parametrize("tag", sorted({po.parent.parent.name for po in catalogs.catalogs()}))
def test_translations_keep_the_phone_placeholders(tag):
    missing = [
        english
        for english, strings in _entries(tag)
        for placeholder in ("%(childline)s", "%(emergency)s", "%(ico)s")
        if placeholder in english and not all(placeholder in s for s in strings)
    ]

    assert missing == []


def test_every_text_with_a_decided_word_carries_its_glossary_note():
    template = catalogs.read_template(LOCALES_DIR, "messages")
    worker = [m for m in template if isinstance(m.id, str) and re.search(r"\bworker\b", m.id)]

    assert worker and all(glossary.TERMS["worker"] in " ".join(m.auto_comments) for m in worker)


def test_welsh_questions_asked_with_a_verb_are_answered_with_it():
    welsh = catalogs.read_catalog(LOCALES_DIR / "cy" / "LC_MESSAGES" / "surveys.po")

    answers = {(m.context, m.id): m.string for m in welsh if m.context and m.context.startswith("answer to: ")}

    assert answers[("answer to: Did the grown-up listen to you?", "Yes")] == "Do"
    assert answers[("answer to: Was the grown-up kind to you?", "No")] == "Nac oedd"
    assert all(answers.values())


def test_the_privacy_pages_draft_label_follows_the_review_record():
    from service import i18n
    from service.i18n import review

    record = review.read_record(LOCALES_DIR)

    assert {tag for tag in record if i18n.is_reviewed(tag)} == {tag for tag, row in record.items() if row.reviewed}
    assert i18n.is_reviewed(i18n.SOURCE_LANGUAGE) and not i18n.is_reviewed("ps")
