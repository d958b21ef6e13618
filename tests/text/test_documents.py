"""Reading user files: formats, languages, and every kind of bad input named with what happened."""

from __future__ import annotations

import json

import pytest

from multivector import text
from multivector.text.documents import Document, ReadProblem, read_file, read_paths

EN = "Kazakhstan and China signed fourteen agreements in Astana. Trade between Kazakhstan and China reached USD 44 billion in 2024."
RU = "Товарооборот Казахстана и Китая в 2024 году составил 43,8 млрд долларов. Пекин остаётся надёжным партнёром Астаны."
KK = "Қазақстан мен Қытай сауда туралы келісімге қол қойды. Екі ел арасындағы тауар айналымы өсті."


def only(items):
    assert len(items) == 1
    return items[0]


def test_txt_html_md_jsonl(tmp_path):
    (tmp_path / "a.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "b.html").write_text(f"<html><head><title>T</title><script>x=1</script></head><body><nav>menu</nav>"
                                     f"<article><h1>H</h1><p>{RU}</p></article></body></html>", encoding="utf-8")
    (tmp_path / "c.md").write_text(f"# Title\n\n**{EN}** [link](http://x)", encoding="utf-8")
    (tmp_path / "d.jsonl").write_text(json.dumps({"id": "x1", "text": EN}) + "\n" + json.dumps({"id": "x2", "text": RU}) + "\n",
                                      encoding="utf-8")
    docs = list(read_paths([tmp_path]))
    assert all(isinstance(d, Document) for d in docs)
    assert [d.id for d in docs] == ["a.txt", "b.html", "c.md", "x1", "x2"]
    html = docs[1]
    assert html.title == "T" and "menu" not in html.text and "x=1" not in html.text and "Товарооборот" in html.text
    assert "**" not in docs[2].text and "http" not in docs[2].text


@pytest.mark.parametrize("content, error", [
    (b"", "empty"),
    (b"   \n\t  ", "whitespace"),
    (b"%PDF-1.7 ...", "PDF"),
    (b"PK\x03\x04rest", "ZIP"),
    (b"abc\x00def" * 10, "binary"),
    ("哈萨克斯坦和中国签署了合作协议。".encode("gbk"), "unknown encoding"),
])
def test_bad_files_are_named(tmp_path, content, error):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    prob = only(read_file(p))
    assert isinstance(prob, ReadProblem) and error in prob.error and prob.file == str(p)


def test_html_without_text(tmp_path):
    p = tmp_path / "x.html"
    p.write_text("<html><body><script>var a = 1;</script><nav>Home</nav></body></html>")
    assert "no visible text" in only(read_file(p)).error


def test_a_100_mb_file_is_refused_before_it_is_read(tmp_path):
    p = tmp_path / "huge.txt"
    with open(p, "wb") as fh:
        fh.truncate(100_000_001)  # sparse: no 100 MB written to disk
    prob = only(read_file(p))
    assert "100 MB" in prob.error and "--max-size" in prob.hint


def test_mislabelled_files_are_read_by_content(tmp_path):
    p = tmp_path / "page.txt"
    p.write_text(f"<!DOCTYPE html><html><body><p>{EN}</p></body></html>")
    d = only(read_file(p))
    assert "<p>" not in d.text and any("HTML" in n for n in d.notes)
    q = tmp_path / "cp1251.txt"
    q.write_bytes(RU.encode("cp1251"))
    d = only(read_file(q))
    assert d.text == RU and d.notes == ["decoded as cp1251"]


def test_jsonl_problems_are_per_line(tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_text(json.dumps({"text": EN}) + "\nnot json\n[1, 2]\n" + json.dumps({"title": "no text"}) + "\n")
    items = read_file(p)
    assert isinstance(items[0], Document)
    assert [(i.line, i.error.split(" (")[0]) for i in items[1:]] == [
        (2, "not valid JSON"), (3, "the line holds a JSON list, not an object"), (4, "the object has no text field")]


def test_a_folder_of_mixed_files(tmp_path):
    (tmp_path / "ok.txt").write_text(EN)
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "empty.md").write_text("")
    (tmp_path / "kk.txt").write_text(KK)
    rep = text.read([tmp_path], check=False)
    assert rep["summary"] == {"documents": 2, "analysed": 1, "not_analysed": 1, "errors": 2}
    kk = next(d for d in rep.documents if d["id"] == "kk.txt")
    assert kk["language"] == "kk" and kk["status"] == "not analysed" and "Kazakh" in kk["notes"][0]
    assert {e["file"].rsplit("/", 1)[1] for e in rep.errors} == {"notes.pdf", "empty.md"}


def test_language_detection():
    from multivector.text.language import detect

    assert detect(EN)[0] == "en"
    assert detect(RU)[0] == "ru"
    assert detect(KK)[0] == "kk"
    assert detect("12 34")[0] is None
