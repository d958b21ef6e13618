"""Measure the text channel on the project's labelled evaluation set.

    python -m multivector.text.eval.evaluate [--split test|dev|all] [--markdown]

Files (this folder): ``un_sentences.tsv`` (UN General Debate sentences, CC0), ``written_en.tsv`` and
``written_ru.tsv`` (sentences written for the purpose), ``claims.tsv`` (numeric claims with their
expected checks). Labels follow docs/text-annotation.md; each sentence is in the ``dev`` split
(used to set the few free parameters) or the ``test`` split (reported).

Reported: actor precision/recall/F1 (micro, over the set of actors each sentence names), stance
macro-F1 over positive/neutral/negative against the majority-class baseline (the class most
frequent in ``dev``), claim-extraction recall and claim-check accuracy.
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = {"+": "positive", "0": "neutral", "-": "negative"}
CLASSES = ("positive", "neutral", "negative")


def load(name: str) -> list[dict]:
    with open(HERE / name, encoding="utf-8", newline="") as fh:
        lines = [l for l in fh if not l.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def sentence_sets() -> dict[str, list[dict]]:
    return {"un": load("un_sentences.tsv"), "en": load("written_en.tsv"), "ru": load("written_ru.tsv")}


def _gold(row: dict) -> tuple[set[str], dict[str, str]]:
    actors = {a for a in row["actors"].split(";") if a}
    stance = {}
    for part in filter(None, row["stance"].split(";")):
        code, lab = part.split(":")
        stance[code] = LABELS[lab]
    return actors, stance


@lru_cache(maxsize=4096)
def predict(text: str, language: str, speaker: str | None = None) -> tuple[frozenset[str], tuple[tuple[str, float], ...]]:
    """(actors named, mean sentence score per actor) of one evaluation item; ``speaker`` for a
    speech sentence (the speaking state)."""
    from multivector.text.analysis import _core

    core = _core(text, language, want_claims=False, want_evidence=False, speaker=speaker)
    scores = tuple((code, sum(t.scores) / len(t.scores)) for code, t in core.actors.items() if t.scores)
    return frozenset(core.actors), scores


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "tp": tp, "fp": fp, "fn": fn}


def actor_scores(rows: list[dict]) -> dict:
    tp = fp = fn = 0
    for row in rows:
        gold, _ = _gold(row)
        pred, _ = predict(row["text"], row["language"], row.get("speaker"))
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
    return _prf(tp, fp, fn)


def macro_f1(gold: list[str], pred: list[str]) -> tuple[float, dict[str, float]]:
    per = {}
    for c in CLASSES:
        tp = sum(1 for g, p in zip(gold, pred) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, pred) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, pred) if g == c and p != c)
        per[c] = _prf(tp, fp, fn)["f1"]
    return round(sum(per.values()) / len(per), 3), per


def stance_pairs(rows: list[dict], tau: float | None = None) -> tuple[list[str], list[str]]:
    """Gold and predicted labels for every labelled (sentence, actor) pair; an actor the system
    did not find counts as predicted neutral."""
    from multivector.text import stance

    tau = stance.TAU if tau is None else tau
    gold, pred = [], []
    for row in rows:
        _, gs = _gold(row)
        _, scores = predict(row["text"], row["language"], row.get("speaker"))
        sc = dict(scores)
        for code, lab in gs.items():
            gold.append(lab)
            pred.append(stance.label(sc.get(code, 0.0), tau))
    return gold, pred


@lru_cache(maxsize=4096)
def target_blind_score(text: str, language: str) -> float:
    """The same lexicon, negation and intensifiers scored over the whole sentence and given to
    every actor alike (a VADER-style sentence score): the baseline that target dependence must beat."""
    import math

    from multivector.text import lexicon, stance
    from multivector.text.tokens import EN_TOKEN, normalise

    if language == "ru":
        from multivector.text.gazetteer import ru_tokens

        toks = [t for t in ru_tokens(normalise(text))]
        keys, lows = [t.lemma for t in toks], [lexicon.fold_yo(t.text.lower()) for t in toks]
        pos, case = [t.pos for t in toks], [t.case for t in toks]
    else:
        keys = lows = EN_TOKEN.findall(normalise(text).lower())
        pos = case = None
    sent = stance._Sentence(keys, lows, pos, case, language)
    clause = [0] * len(keys)
    x = 0.0
    for i, k in enumerate(keys):
        pol = lexicon.polarity(language, k)
        if pol is not None:
            x += stance._valence(sent, i, pol, clause)
    return x / math.sqrt(x * x + stance.ALPHA)


def target_blind_pairs(rows: list[dict]) -> tuple[list[str], list[str]]:
    from multivector.text import stance

    gold, pred = [], []
    for row in rows:
        _, gs = _gold(row)
        sc = target_blind_score(row["text"], row["language"])
        for _, lab in gs.items():
            gold.append(lab)
            pred.append(stance.label(sc))
    return gold, pred


def bootstrap_ci(gold: list[str], pred: list[str], reps: int = 1000, seed: int = 0) -> tuple[float, float]:
    """95 % percentile bootstrap interval of the macro-F1 (pairs resampled with replacement)."""
    import random

    rng = random.Random(seed)
    n = len(gold)
    vals = []
    for _ in range(reps):
        idx = [rng.randrange(n) for _ in range(n)]
        vals.append(macro_f1([gold[i] for i in idx], [pred[i] for i in idx])[0])
    vals.sort()
    return (round(vals[int(0.025 * reps)], 2), round(vals[int(0.975 * reps) - 1], 2))


def stance_scores(rows: list[dict], majority: str) -> dict:
    gold, pred = stance_pairs(rows)
    f1, per = macro_f1(gold, pred)
    base, _ = macro_f1(gold, [majority] * len(gold))
    blind, _ = macro_f1(*target_blind_pairs(rows))
    ci = bootstrap_ci(gold, pred)
    acc = sum(g == p for g, p in zip(gold, pred)) / len(gold) if gold else 0.0
    return {"n": len(gold), "macro_f1": f1, "macro_f1_ci95": ci, "per_class_f1": per, "accuracy": round(acc, 3),
            "majority_class": majority, "majority_macro_f1": base, "target_blind_macro_f1": blind,
            "classes": dict(Counter(gold))}


def claim_scores(split: str = "all") -> dict:
    """Extraction recall (a gold claim is found when a claim of the same unit and value ±0.5 % is
    extracted from its sentence), field accuracy of the found claims, and check accuracy (verdict,
    and for matches/close the reporter)."""
    from multivector.text.checks import store_reference_figures

    rows = [r for r in load("claims.tsv") if split == "all" or r["split"] == split]
    figures = store_reference_figures()
    cache: dict[tuple[str, str], list[dict]] = {}
    found = 0
    fields = Counter()
    checked = correct_verdict = correct_both = 0
    misses = []
    for row in rows:
        key = (row["text"], row["language"])
        if key not in cache:
            from multivector.text.analysis import analyse_text

            cache[key] = analyse_text(row["text"], row["language"], figures=figures)["claims"]
        value = float(row["value"])
        hit = next((c for c in cache[key] if c["unit"] == row["unit"] and abs(c["value"] - value) <= 0.005 * abs(value)), None)
        if hit is None:
            misses.append(row["id"])
            continue
        found += 1
        for f in ("year", "quantity", "subject", "object"):
            want = row[f] or None
            got = hit.get(f)
            if f == "year":
                want = int(want) if want else None
            fields[f] += int(got == want)
        check = hit.get("check") or {}
        checked += 1
        ok_v = check.get("verdict") == row["verdict"]
        correct_verdict += ok_v
        exp = row["reporter"]
        if not exp or row["verdict"] in ("no data", "contradicted"):
            ok_r = True
        elif exp.startswith("stats:"):
            ok_r = check.get("statistics_of") == exp.split(":", 1)[1]
        else:
            ok_r = exp.lower() in (check.get("reporter") or "").lower()
        correct_both += ok_v and ok_r
        if not (ok_v and ok_r):
            misses.append(f"{row['id']} (check: {check.get('verdict')} / {check.get('reporter')})")
    n = len(rows)
    return {
        "n": n,
        "extraction_recall": round(found / n, 3),
        "field_accuracy": {f: round(v / found, 3) for f, v in fields.items()} if found else {},
        "check_verdict_accuracy": round(correct_verdict / checked, 3) if checked else None,
        "check_accuracy": round(correct_both / checked, 3) if checked else None,
        "problems": misses,
    }


def run(split: str = "test") -> dict:
    sets = sentence_sets()
    out: dict = {"split": split, "actors": {}, "stance": {}}
    for name, rows in sets.items():
        dev = [r for r in rows if r["split"] == "dev"]
        majority = Counter(lab for r in dev for lab in _gold(r)[1].values()).most_common(1)[0][0]
        use = rows if split == "all" else [r for r in rows if r["split"] == split]
        out["actors"][name] = actor_scores(use) | {"sentences": len(use)}
        out["stance"][name] = stance_scores(use, majority)
    out["claims"] = claim_scores(split)
    return out


def markdown(res: dict) -> str:
    names = {"un": "UN General Debate sentences (English)", "en": "written English", "ru": "written Russian"}
    lines = [f"Split: **{res['split']}**", "",
             "| set | sentences | actor precision | actor recall | actor F1 | stance pairs | stance macro-F1 (95 % CI) | majority baseline | target-blind lexicon baseline | accuracy |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for k, a in res["actors"].items():
        s = res["stance"][k]
        lines.append(f"| {names[k]} | {a['sentences']} | {a['precision']:.2f} | {a['recall']:.2f} | {a['f1']:.2f} | {s['n']} | "
                     f"**{s['macro_f1']:.2f}** ({s['macro_f1_ci95'][0]:.2f}–{s['macro_f1_ci95'][1]:.2f}) | "
                     f"{s['majority_macro_f1']:.2f} ({s['majority_class']}) | "
                     f"{s['target_blind_macro_f1']:.2f} | {s['accuracy']:.2f} |")
    c = res["claims"]
    lines += ["", f"Claims ({c['n']}, English and Russian): extraction recall **{c['extraction_recall']:.2f}**; "
              f"check verdict accuracy **{c['check_verdict_accuracy']:.2f}**, verdict and reporter **{c['check_accuracy']:.2f}**; "
              "field accuracy of extracted claims: " + ", ".join(f"{k} {v:.2f}" for k, v in c["field_accuracy"].items()) + "."]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="test", choices=["test", "dev", "all"])
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    res = run(args.split)
    if args.markdown:
        print(markdown(res))
    else:
        import json

        print(json.dumps(res, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
