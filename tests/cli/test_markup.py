"""Square brackets are text, not terminal markup: messages, notes and help show them as written."""

from __future__ import annotations

import pytest

from multivector.cli import _common
from multivector.errors import DataError, MultivectorError


def test_messages_keep_their_brackets(capsys):
    for text in ("a number in [0, 1] or a range [low, high] inside it", "[[shock]] tables",
                 "pip install 'multivector[pdf]'", "a note with [/bold] and [bold]unclosed", "ends with a backslash \\"):
        _common.print_error(text)
        err = capsys.readouterr().err
        assert " ".join(err.split()) == f"error: {text}"


def test_a_data_error_with_markup_in_its_file_and_note_prints_intact(capsys):
    exc = DataError("value [/bold] is not a year", file="/data/[red]x[/red].csv", row=3, field="[year]",
                    hint="fix [[the]] row")
    _common.print_error(exc)
    err = " ".join(capsys.readouterr().err.split())
    assert "/data/[red]x[/red].csv" in err and "[/bold]" in err and "'[year]'" in err and "[[the]]" in err


def test_the_error_printer_falls_back_to_plain_text_when_rich_fails(capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("rich cannot print")

    monkeypatch.setattr(_common.err_console, "print", broken)
    _common.print_error("disk [full]")
    assert capsys.readouterr().err == "error: disk [full]\n"


def test_the_error_printer_survives_an_exception_whose_text_fails(capsys):
    class Odd(MultivectorError):
        def __str__(self) -> str:
            raise ValueError("no text")

    _common.print_error(Odd())
    assert capsys.readouterr().err.startswith("error: ")


def test_scenario_errors_with_ranges_reach_the_terminal_intact(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[parameters]\nforgetting = 7\n")
    res = cli(["simulate", str(bad), "--uncalibrated"])
    assert res.code == 2
    msg = " ".join(res.err.split())
    assert "a range [low, high] inside it" in msg and "[0" in msg


def test_a_path_with_markup_is_shown_in_notes_and_results(cli, tmp_path):
    folder = tmp_path / "[bold]out[" / "bold]"  # the path reads ".../[bold]out[/bold]"
    folder.mkdir(parents=True)
    res = cli(["simulate", "baseline", "--uncalibrated", "-n", "5", "-y", "2", "-o", str(folder / "r.csv"), "--no-chart"])
    assert res.code == 0, res.text
    assert "[bold]out[/bold]" in res.out.replace("\n", "")


def test_a_scenario_description_with_markup_is_printed_as_written(cli, tmp_path):
    sc = tmp_path / "odd.toml"
    sc.write_text('[scenario]\nname = "odd [/x]"\ndescription = "ranges [low, high] and [/bold]"\nextends = "baseline"\n')
    res = cli(["simulate", str(sc), "--uncalibrated", "-n", "5", "-y", "2"])
    assert res.code == 0, res.text
    assert "odd [/x]" in res.out and "ranges [low, high] and [/bold]" in res.out


@pytest.mark.parametrize("argv", [["simulate", "--help"], ["report", "--help"], ["simulate", "run", "--help"], ["cite", "--help"]])
def test_help_texts_show_their_brackets(cli, argv):
    res = cli(argv)
    assert res.code == 0
    text = " ".join(res.out.split())
    if argv == ["simulate", "--help"]:
        assert "[[shock]]" in text and "[low, high]" in text and "[options]" in text
    if argv == ["cite", "--help"]:
        assert "[[SOURCES]" not in text
    assert "[/" not in text and "[bold]" not in text  # no markup left raw either
