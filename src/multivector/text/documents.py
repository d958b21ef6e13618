"""Read the files a user brings: .txt, .html/.htm, .md and .jsonl (one document per line), or a
folder of them.

Every file either becomes documents or a :class:`ReadProblem` that says what was wrong with it —
never a traceback and never a half-read file:

* empty or whitespace-only → "the file is empty";
* binary (NUL bytes; PDF, Word/Excel/ZIP, gzip or image signatures) → named, with what to do;
* text in an encoding that is neither UTF-8/UTF-16 nor a Cyrillic or Western single-byte code page
  → "unknown encoding";
* an extension that does not match the content (HTML saved as .txt, plain text saved as .html)
  is read by its content, with a note;
* HTML without visible text (scripts, navigation only) → "no text";
* larger than ``max_bytes`` (default 20 MB: far beyond any article) → refused before it is read;
* a .jsonl line that is not a JSON object with a text field → a problem for that line only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

SUFFIXES = (".txt", ".text", ".html", ".htm", ".md", ".markdown", ".jsonl", ".ndjson")
MAX_BYTES = 20_000_000
TEXT_FIELDS = ("text", "content", "body", "article", "full_text")

_SIGNATURES = [
    (b"%PDF", "a PDF file", "save it as text (pdftotext) or HTML first"),
    (b"PK\x03\x04", "a ZIP container (Word .docx, Excel .xlsx or a .zip)", "save the document as .txt or .html"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file (.doc/.xls)", "save the document as .txt or .html"),
    (b"\x1f\x8b", "a gzip archive", "unpack it first"),
    (b"\x89PNG", "a PNG image", "text files only"),
    (b"\xff\xd8\xff", "a JPEG image", "text files only"),
    (b"GIF8", "a GIF image", "text files only"),
    (b"{\\rtf", "an RTF document", "save it as .txt or .html"),
]


@dataclass
class Document:
    id: str
    path: str
    text: str
    title: str | None = None
    line: int | None = None
    meta: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class ReadProblem:
    file: str
    error: str
    hint: str | None = None
    line: int | None = None

    def as_dict(self) -> dict:
        d = {"file": self.file, "error": self.error}
        if self.line is not None:
            d["line"] = self.line
        if self.hint:
            d["hint"] = self.hint
        return d

    def __str__(self) -> str:
        where = self.file + (f", line {self.line}" if self.line is not None else "")
        return f"{where}: {self.error}" + (f"\n  What to do: {self.hint}" if self.hint else "")


# ---------------------------------------------------------------------------------------------
# Bytes → text


#: characters a single-byte code page yields for bytes that are not prose in it (Serbian Cyrillic,
#: typographic symbols of CP1251's upper half): many of them mean the guess is wrong
_RARE = frozenset("ЂЃѓЉЊЌЋЏђљњќћџЈјЅѕ‚„†‡‰‹›™¤¦§©®°±µ¶·")


def _plausibility(text: str) -> float:
    """Share of characters that belong in prose (letters, digits, punctuation, spaces), with mixed-case
    Cyrillic words ("пРИВЕТ": KOI8-R read as CP1251) counted against it."""
    if not text:
        return 0.0
    sample = text[:20000]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\n\r\t") or 0x80 <= ord(ch) < 0xA0 or ch == "\ufffd")
    weird = len(re.findall(r"[а-яё][А-ЯЁ]|[a-zA-Z][а-яА-ЯёЁ]|[а-яА-ЯёЁ][a-zA-Z]", sample))
    letters = sum(ch.isalpha() for ch in sample)
    accented = sum(1 for ch in sample if ch.isalpha() and "\u00c0" <= ch <= "\u024f")
    score = (1 - bad / len(sample)) * (letters / len(sample) > 0.3)
    rare = sum(1 for ch in sample if ch in _RARE)
    return score - 5 * weird / max(1, letters) - max(0.0, accented / max(1, letters) - 0.15) - 10 * rare / len(sample)


def decode(data: bytes, file: str) -> tuple[str, str]:
    """(text, encoding) of a text file's bytes, or raise ReadError."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise ReadError(file, "the file starts like UTF-16 text but does not decode as UTF-16",
                            "save it again as UTF-8") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = None
    for enc in ("cp1251", "koi8_r", "cp1252", "iso8859_5"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = _plausibility(text)
        if best is None or score > best[0]:
            best = (score, text, enc)
    if best is None or best[0] < 0.9:
        raise ReadError(file, "unknown encoding: the bytes are not UTF-8, UTF-16 or a Cyrillic/Western code page",
                        "save the file as UTF-8 text")
    return best[1], best[2]


class ReadError(Exception):
    def __init__(self, file: str, error: str, hint: str | None = None, line: int | None = None):
        super().__init__(error)
        self.problem = ReadProblem(file, error, hint, line)


def _sniff_binary(data: bytes, file: str) -> None:
    for sig, what, hint in _SIGNATURES:
        if data.startswith(sig):
            raise ReadError(file, f"this is {what}, not a text file", hint)
    head = data[:8192]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError(file, "this is a binary file (it contains NUL bytes), not text",
                        "give .txt, .html, .md or .jsonl files")


# ---------------------------------------------------------------------------------------------
# Formats


_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*(?:<!doctype html|<html|<head|<body|<article|<div|<p[ >])", re.I | re.S)
_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "blockquote", "section", "article", "td")


def html_to_text(html: str) -> tuple[str, str | None]:
    """(visible text, title) of an HTML page: scripts, styles, navigation, headers and footers are
    dropped; the <article> or <main> element is preferred when the page has one."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    title = None
    t = tree.css_first("title")
    if t is not None:
        title = t.text(strip=True) or None
    for tag in ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "svg", "iframe", "template"):
        for node in tree.css(tag):
            node.decompose()
    root = tree.css_first("article") or tree.css_first("main") or tree.body or tree.root
    if root is None:
        return "", title
    parts = []
    for node in root.traverse(include_text=True):
        if node.tag == "-text":
            parts.append(node.text_content or "")
        elif node.tag in _BLOCKS:
            parts.append("\n")
    text = re.sub(r"[ \t\r\f\v]+", " ", "".join(parts))
    text = re.sub(r"\s*\n\s*", "\n", text).strip()
    if title is None:
        h = tree.css_first("h1")
        title = h.text(strip=True) if h is not None else None
    return text, title


_MD_RULES = [
    (re.compile(r"```.*?```", re.S), " "),
    (re.compile(r"`([^`]*)`"), r"\1"),
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), " "),
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"^\s{0,3}#{1,6}\s*", re.M), ""),
    (re.compile(r"^\s{0,3}>\s?", re.M), ""),
    (re.compile(r"^\s*[-*+]\s+", re.M), ""),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),
    (re.compile(r"^\s*\|?[-:| ]+\|[-:| ]*$", re.M), ""),
    (re.compile(r"\|"), " "),
    (re.compile(r"<[^>]+>"), " "),
]


def markdown_to_text(md: str) -> tuple[str, str | None]:
    title = None
    m = re.search(r"^\s{0,3}#\s+(.+)$", md, re.M)
    if m:
        title = m.group(1).strip()
    for pat, rep in _MD_RULES:
        md = pat.sub(rep, md)
    return md.strip(), title


def _jsonl_documents(text: str, file: str) -> Iterator[Document | ReadProblem]:
    n_ok = 0
    for i, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadProblem(file, f"not valid JSON ({exc.msg} at column {exc.colno})",
                              "each line of a .jsonl file must be one JSON object", line=i)
            continue
        if not isinstance(obj, dict):
            yield ReadProblem(file, f"the line holds a JSON {type(obj).__name__}, not an object",
                              'write one object per line, e.g. {"id": "a1", "text": "…"}', line=i)
            continue
        field_ = next((f for f in TEXT_FIELDS if isinstance(obj.get(f), str)), None)
        if field_ is None:
            yield ReadProblem(file, f"the object has no text field (looked for {', '.join(TEXT_FIELDS)})",
                              'put the article in a "text" field', line=i)
            continue
        body = obj[field_]
        if obj.get("format") == "html" or _HTML_START.match(body):
            body, _ = html_to_text(body)
        if not body.strip():
            yield ReadProblem(file, f'the "{field_}" field is empty', line=i)
            continue
        n_ok += 1
        doc_id = str(obj.get("id") or f"{Path(file).name}:{i}")
        meta = {k: obj[k] for k in ("url", "date", "source", "author", "language", "lang") if k in obj}
        yield Document(doc_id, file, body, obj.get("title"), i, meta)


def read_file(path: str | Path, max_bytes: int = MAX_BYTES) -> list[Document | ReadProblem]:
    """The documents of one file, or the problems that stopped them."""
    p = Path(path)
    file = str(p)
    try:
        if not p.exists():
            raise ReadError(file, "no such file", "check the path")
        if p.is_dir():
            return list(read_paths([p], max_bytes=max_bytes))
        size = p.stat().st_size
        if size == 0:
            raise ReadError(file, "the file is empty")
        if size > max_bytes:
            raise ReadError(file, f"the file is {size / 1e6:.0f} MB; articles are read up to {max_bytes / 1e6:.0f} MB",
                            "split it, or raise the limit with --max-size (a corpus is imported with "
                            "`multivector data import`)")
        data = p.read_bytes()
        _sniff_binary(data, file)
        text, enc = decode(data, file)
        notes = [] if enc in ("utf-8", "utf-8-sig") else [f"decoded as {enc}"]
        if not text.strip():
            raise ReadError(file, "the file holds only whitespace")
        suffix = p.suffix.lower()
        looks_html = bool(_HTML_START.match(text[:2000]))
        if suffix in (".jsonl", ".ndjson"):
            if not text.lstrip().startswith("{"):
                raise ReadError(file, "this .jsonl file does not start with a JSON object", 
                                'each line must be one JSON object with a "text" field', line=1)
            out = list(_jsonl_documents(text, file))
            for d in out:
                if isinstance(d, Document):
                    d.notes += notes
            return out
        title = None
        if suffix in (".html", ".htm") or looks_html:
            if suffix not in (".html", ".htm"):
                notes.append(f"the content is HTML although the name ends in {suffix}: read as HTML")
            if not looks_html and "<" not in text:
                notes.append("no HTML tags: read as plain text")
            else:
                text, title = html_to_text(text)
                if not text.strip():
                    raise ReadError(file, "the HTML page has no visible text (only scripts, styles or navigation)",
                                    "save the article's own page, or copy its text into a .txt file")
        elif suffix in (".md", ".markdown"):
            text, title = markdown_to_text(text)
        if not text.strip():
            raise ReadError(file, "no text left after removing the markup")
        return [Document(p.name, file, text, title, None, {}, notes)]
    except ReadError as exc:
        return [exc.problem]
    except OSError as exc:
        return [ReadProblem(file, f"cannot be read ({exc.strerror or exc})", "check the permissions")]


def read_paths(paths: Iterable[str | Path], max_bytes: int = MAX_BYTES) -> Iterator[Document | ReadProblem]:
    """Documents (and problems) of files and folders; folders are walked in name order, files with
    other extensions in them are reported as skipped."""
    for path in paths:
        p = Path(path)
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts))
            if not files:
                yield ReadProblem(str(p), "the folder holds no files")
            for f in files:
                if f.suffix.lower() in SUFFIXES:
                    yield from read_file(f, max_bytes)
                else:
                    yield ReadProblem(str(f), f"skipped: {f.suffix or 'no extension'} is not a text format read here",
                                      "give .txt, .html, .md or .jsonl files")
        else:
            if p.exists() and p.suffix.lower() not in SUFFIXES:
                # a single named file of another type: read it if it is text, else say what it is
                got = read_file(p, max_bytes)
                for d in got:
                    if isinstance(d, Document):
                        d.notes.append(f"{p.suffix or 'no extension'} is not a known text extension: read as plain text")
                yield from got
            else:
                yield from read_file(p, max_bytes)
