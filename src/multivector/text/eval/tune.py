"""Choose the stance method's free parameters on the ``dev`` split (run by hand; kept so the
choice can be repeated).

    python -m multivector.text.eval.tune

Grid over α (score normalisation), τ (label threshold), δ (distance decay) and the third-party
share; the objective is the mean stance macro-F1 over the three dev sets. The test split is not
read here.
"""

from __future__ import annotations

import itertools

from multivector.text import stance
from multivector.text.eval import evaluate


def objective(sets) -> float:
    evaluate.predict.cache_clear()
    f1s = []
    for rows in sets.values():
        dev = [r for r in rows if r["split"] == "dev"]
        gold, pred = evaluate.stance_pairs(dev)
        f1s.append(evaluate.macro_f1(gold, pred)[0])
    return sum(f1s) / len(f1s)


def main() -> None:
    sets = evaluate.sentence_sets()
    grid = {"ALPHA": (2.0, 4.0, 8.0), "TAU": (0.15, 0.2, 0.25, 0.3), "DECAY": (0.05, 0.15, 0.3),
            "THIRD_PARTY": (0.2, 0.35, 0.5)}
    best = None
    for values in itertools.product(*grid.values()):
        for name, v in zip(grid, values):
            setattr(stance, name, v)
        # score_sentence takes α, δ and the third-party share as defaults bound at import: pass them through
        stance.score_sentence.__kwdefaults__.update(alpha=stance.ALPHA, decay=stance.DECAY, third_party=stance.THIRD_PARTY)
        stance.label.__defaults__ = (stance.TAU,)
        score = objective(sets)
        if best is None or score > best[0]:
            best = (score, dict(zip(grid, values)))
        print(f"{score:.3f}", dict(zip(grid, values)), flush=True)
    print("best", best)


if __name__ == "__main__":
    main()
