"""`heard i18n` is the one command line for the catalogs (service/cli.py): it
calls the catalog functions itself; nothing rebuilds an argv for a second one."""

from service import cli
from service.i18n import catalogs


def test_i18n_init_refuses_the_source_language(capsys):
    code = cli.main(["i18n", "init", "en-GB"])

    assert code == 2
    assert "en-GB is the source language" in capsys.readouterr().err


def test_i18n_init_without_a_tag_says_how(capsys):
    code = cli.main(["i18n", "init"])

    assert code == 2
    assert "heard i18n init TAG" in capsys.readouterr().err


def test_i18n_report_lists_every_language(capsys):
    code = cli.main(["i18n", "report"])

    out = capsys.readouterr().out
    assert code == 0
    assert {line.split()[0] for line in out.splitlines()[1:16]} >= {"en-GB", "cy", "ar", "uk"}
    assert "the review record (locales/REVIEW.toml)" in out


def test_the_catalogs_module_has_no_command_line_of_its_own():
    assert not hasattr(catalogs, "main")
