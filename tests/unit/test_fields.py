"""A posted form and a query are read as Litestar reads them (service/web/fields.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from litestar._parsers import parse_qsl

from service.web.fields import parse

# What a browser and a mischief-maker send: separators, escapes (good and broken), spaces, letters from other scripts
PIECES = st.sampled_from(
    ["&", "=", "+", "%", "%20", "%2B", "%26", "%3D", "%C3%A9", "%E2%82%AC", "%ZZ", "%C3", "q_a", "é"]
)
RAW = st.lists(st.one_of(PIECES, st.text(max_size=3)), max_size=30).map("".join)


def litestar_reading(data: bytes) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for name, value in parse_qsl(data, separator="&"):
        fields.setdefault(name, []).append(value)
    return fields


@given(RAW)
def test_reads_what_litestar_reads(raw: str) -> None:
    data = raw.encode("utf-8")
    assert parse(data) == litestar_reading(data)


def test_a_form_as_sent() -> None:
    body = (
        b"lang=cy&submission_id=1b4e28ba-2fa1-4d2b-883f-0016d3cca427&q_better=3&q_say=Fine+%26+well%2C+thanks&q_say=2"
    )

    assert parse(body) == {
        "lang": ["cy"],
        "submission_id": ["1b4e28ba-2fa1-4d2b-883f-0016d3cca427"],
        "q_better": ["3"],
        "q_say": ["Fine & well, thanks", "2"],
    }


def test_empty_names_and_values_are_kept_as_litestar_keeps_them() -> None:
    assert parse(b"a=&b&&=c") == {"a": [""], "b": [""], "": ["c"]}
    assert parse(b"") == {}
