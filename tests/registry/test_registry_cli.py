"""``multivector registry`` and ``multivector serve`` from the command line."""

from __future__ import annotations

import json

from multivector.cli import main


def run(argv, capsys) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    out = capsys.readouterr()
    return code, out.out, out.err


def test_token_is_printed_once_and_only_its_digest_is_stored(sqlite_url, capsys):
    db = sqlite_url
    code, out, err = run(["registry", "token", "--role", "editor", "--state", "kaz", "--db", db], capsys)
    token = out.strip()
    assert code == 0 and token.startswith("mvr_") and "shown once" in err
    from pathlib import Path

    assert token.encode() not in Path(db.removeprefix("sqlite:///")).read_bytes()
    code, out, _ = run(["registry", "tokens", "--db", db], capsys)
    assert "editor" in out and "KAZ" in out and token not in out


def test_user_mistakes_are_one_line_errors_with_exit_status_2(sqlite_url, tmp_path, capsys):
    db = sqlite_url
    code, _, err = run(["registry", "token", "--role", "editor", "--db", db], capsys)
    assert code == 2 and "belongs to a state" in err and "Traceback" not in err
    code, _, err = run(["registry", "token", "--role", "king", "--db", db], capsys)
    assert code == 2 and "unknown role" in err
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "multivector-registry", "projects": [{"id": 1, "name": "x"}]}')
    code, _, err = run(["registry", "import", str(bad), "--db", db], capsys)
    assert code == 2 and "projects[0]" in err
    code, _, err = run(["registry", "status", "--db", "postgresql://nobody:x@127.0.0.1:1/none"], capsys)
    assert code == 2 and "cannot use the database" in err


def test_export_json_and_csv_then_import_into_another_registry(sqlite_url, tmp_path, capsys):
    a, b = sqlite_url, f"sqlite:///{tmp_path / 'b.sqlite'}"
    out_json = tmp_path / "registry.json"
    code, _, _ = run(["registry", "export", str(out_json), "--db", a], capsys)
    assert code == 0 and json.loads(out_json.read_text())["format"] == "multivector-registry"
    code, csv_text, _ = run(["registry", "export", "--format", "csv", "--resource", "network/segments", "--db", a], capsys)
    assert code == 0 and csv_text.startswith("id,name,from_node,to_node")
    folder = tmp_path / "csv"
    folder.mkdir()
    assert run(["registry", "export", "--format", "csv", str(folder), "--db", a], capsys)[0] == 0
    assert {p.name for p in folder.iterdir()} >= {"projects.csv", "network-segments.csv", "summits.csv"}
    code, _, err = run(["registry", "import", str(out_json), "--db", b], capsys)
    assert code == 0 and "restore" in err
    code, out, _ = run(["registry", "status", "--db", b], capsys)
    assert code == 0 and "projects" in out


def test_serve_and_registry_commands_are_listed(capsys):
    code, out, _ = run(["--help"], capsys)
    assert "serve" in out and "registry" in out
    code, out, _ = run(["serve", "--help"], capsys)
    assert "--db" in out and "--port" in out and "--host" in out
    code, out, _ = run(["registry", "token", "--help"], capsys)
    assert "--role" in out and "--state" in out
