"""`multivector read` as a user runs it: the JSON fields the issue names, bad input, --store."""

from __future__ import annotations

import json
import os
import subprocess
import sys


EN = ("Kazakhstan and China signed fourteen agreements in Astana, deepening their strategic partnership. "
      "Moscow's war against Ukraine has pushed Central Asian governments to hedge against Russian pressure. "
      "Trade between Kazakhstan and China reached USD 44 billion in 2024, according to China's customs.")
RU = "По данным казахстанской статистики, товарооборот с Китаем в 2023 году составил 31,4 млрд долларов."


def run(*args: str, home=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    if home is not None:
        env["MULTIVECTOR_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "multivector.cli", "read", *args], capture_output=True, text=True, env=env)


def test_json_has_the_fields_of_the_issue(tmp_path):
    (tmp_path / "a.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "b.txt").write_text(RU, encoding="utf-8")
    res = run(str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--format", "json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    en, ru = out["documents"]
    assert en["language"] == "en" and ru["language"] == "ru"
    assert {"code", "mentions"} <= set(en["actors"][0])
    assert {a["code"] for a in en["actors"]} >= {"KAZ", "CHN", "RUS", "UKR"}
    st = {s["actor"]: s for s in en["stance"]}
    assert st["RUS"]["label"] == "negative" and -1 <= st["RUS"]["score"] <= 1
    assert {"cooperation_vs_conflict", "partner_vs_threat"} <= set(en["framing"])
    assert set(en["lenses"]) == {"realist", "liberal", "constructivist"}
    assert {"score", "evidence"} <= set(en["lenses"]["liberal"])
    (c,) = en["claims"]
    assert c["value"] == 44_000_000_000 and c["unit"] == "USD" and c["currency"] == "USD" and c["year"] == 2024
    assert (c["subject"], c["object"], c["quantity"]) == ("KAZ", "CHN", "turnover")
    assert c["check"]["verdict"] == "matches" and c["check"]["statistics_of"] == "CHN"
    assert {"source", "reporter", "reference_value"} <= set(c["check"])
    (r,) = ru["claims"]
    assert r["check"]["verdict"] == "matches" and r["check"]["statistics_of"] == "KAZ"


def test_text_output_and_errors_exit_2(tmp_path):
    (tmp_path / "a.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("")
    res = run(str(tmp_path))
    assert res.returncode == 2
    assert "USD 44 billion" in res.stdout and "matches" in res.stdout
    assert "empty.txt: the file is empty" in res.stderr
    assert "Traceback" not in res.stderr


def test_json_errors_are_listed_per_file(tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02" * 100)
    res = run(str(tmp_path / "bin.txt"), "--format", "json")
    assert res.returncode == 2
    out = json.loads(res.stdout)
    assert out["documents"] == [] and "binary" in out["errors"][0]["error"]


def test_store_is_all_or_nothing(tmp_path):
    home = tmp_path / "home"
    (tmp_path / "a.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "bad.txt").write_text("")
    res = run(str(tmp_path / "a.txt"), str(tmp_path / "bad.txt"), "--store", home=home)
    assert res.returncode == 2 and "nothing was saved" in res.stderr
    from multivector.store import Store

    store = Store(home / "multivector.duckdb")
    assert not store.has("text_documents")
    res = run(str(tmp_path / "a.txt"), "--store", "--format", "json", "-o", str(tmp_path / "o.json"), home=home)
    assert res.returncode == 0, res.stderr
    assert store.table("text_claims")["verdict"].to_list() == ["matches"]
    assert json.loads((tmp_path / "o.json").read_text())["summary"]["analysed"] == 1


def test_one_article_is_fast_once_models_are_loaded():
    import time

    from multivector.text import analyse

    article = " ".join([EN] * 25)  # about 1,300 words
    analyse(article, "en", check=False)
    t = time.perf_counter()
    analyse(article, "en", check=False)
    assert time.perf_counter() - t < 1.0  # the benchmark measures it on an idle machine (docs/benchmarks.md)
