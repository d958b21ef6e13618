"""Build the bundled starter pack (src/multivector/data/) from the raw published files.

    python data-raw/build_starter_pack.py [--shared ../shared/data] [--only SOURCE ...]

Every table is *derived* by the source's own ``read`` + ``derive`` (the same code a user runs with
``multivector data import``); the raw files are not copied. Output is deterministic: rows sorted
by their key, zstd-compressed Parquet without timestamps, and ``manifest.json`` listing each
table's source, version, row count, coverage, citation and licence, and the SHA-256 of its input.
Commit a rebuild only when inputs or schemas change (see NOTES.md).

The ``ungdc`` source reads the UN General Debate corpus (67 MB .tgz) and analyses its 10,952
speeches with the text channel (~70 s of CPU, in parallel processes); its three tables add 1.5 MB.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from multivector.config import BUNDLED_DATA_DIR  # noqa: E402
from multivector.starter_pack import build_all, write_table  # noqa: E402


def sha256(*paths: Path) -> str:
    """One digest over files and folders (folders recursively, in a stable order)."""
    h = hashlib.sha256()
    for path in paths:
        if path.is_dir():
            for f in sorted(p for p in path.rglob("*") if p.is_file()):
                h.update(str(f.relative_to(path)).encode())
                h.update(f.read_bytes())
        else:
            h.update(path.read_bytes())
    return h.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--only", nargs="*", help="rebuild only these sources")
    args = ap.parse_args()
    out_dir = BUNDLED_DATA_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = out_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"sources": {}}
    from multivector.starter_pack import PACK_SOURCES

    specs = {s.key: s for s in PACK_SOURCES}
    for key, tables, meta, cov in build_all(args.shared, args.only, progress=lambda k: print(f"  read {k}", flush=True)):
        spec = specs[key]
        inputs = [spec.path, *spec.extra]
        entry = {**meta.as_row(), "bibtex": meta.bibtex, "input": "; ".join(inputs),
                 "input_sha256": sha256(*(args.shared / i for i in inputs)), "tables": {}}
        if cov is not None:
            entry["coverage_start"], entry["coverage_end"] = cov
        for name, df in tables.items():
            write_table(df, out_dir / f"{name}.parquet")
            entry["tables"][name] = {"rows": df.height, "columns": df.columns,
                                     "sha256": sha256(out_dir / f"{name}.parquet")}
            print(f"{key:<16} -> {name}: {df.height:,} rows", flush=True)
        manifest["sources"][key] = entry
    manifest["sources"] = dict(sorted(manifest["sources"].items()))
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    total = sum(f.stat().st_size for f in out_dir.glob("*.parquet"))
    print(f"starter pack: {total / 1e6:.1f} MB in {out_dir}")


if __name__ == "__main__":
    main()
