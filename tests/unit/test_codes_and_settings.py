import math

import pytest

from service.settings import SettingsError, load_settings
from service.touchpoints import codes


def test_codes_have_at_least_60_bits_and_no_look_alike_characters():
    made = {codes.new_code() for _ in range(2000)}

    assert len(made) == 2000
    assert codes.LENGTH * math.log2(len(codes.ALPHABET)) >= 60
    assert not set("".join(made)) & set("01ilo")
    assert set("".join(made)) <= set(codes.ALPHABET)


def test_typed_codes_are_forgiven_case_spaces_and_dashes():
    code = codes.new_code()

    assert codes.normalise(codes.grouped(code).upper()) == code
    assert codes.normalise(" " + code + " ") == code
    assert codes.normalise(code[:-1]) is None
    assert codes.normalise(code[:-1] + "0") is None
    assert codes.normalise("../../etc/passwd") is None


def test_public_url_uses_the_configured_base_url():
    assert codes.public_url("https://heard.example.org/", "abc") == "https://heard.example.org/t/abc"


def test_settings_come_from_the_environment_and_bad_values_name_the_variable():
    settings = load_settings({"HEARD_PORT": "9000", "DATABASE_URL": "postgresql://x/y"})

    assert settings.port == 9000
    assert settings.database_url == "postgresql://x/y"
    with pytest.raises(SettingsError, match="HEARD_WORKERS"):
        load_settings({"HEARD_WORKERS": "many"})
