"""Build the registry's shipped seed (src/multivector/registry/seed/registry_seed.json).

    python data-raw/build_registry_seed.py [--shared ../shared/data] [--check]

Inputs, all cited:

* ``facts/timeline.csv`` (shared data): summits, treaties, agreements, initiatives. Every one of
  its lines is mapped below (``TIMELINE``) to a summit, a document, a format's founding, a piece of
  evidence, or skipped with a reason; the mapping checks each line's title so that an edited
  file fails loudly instead of being mis-mapped.
* ``facts/corridors.csv`` (shared data): the figures as reported, attached to their corridor.
* ``aiddata-gcdf3-aggregates/gcdf3_adm_locations/GCDF_3.0_ADM1_Locations.csv`` (shared data): the
  ADM1 locations of AidData's Chinese-financed projects in the five Central Asian states —
  locations only (the file carries no titles, sectors or lenders).
* ``data-raw/registry/*.csv`` and ``curated.toml``: the network (nodes with coordinates, segments
  with gauge, signalling, corridors), country profiles, formats, and documents, commitments and
  projects compiled by hand from public pages — one source URL per row.

The output is deterministic (sorted, no timestamps) and passes the registry's own validation.
``--check`` rebuilds in memory and fails if the committed file differs.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from multivector import countries  # noqa: E402
from multivector.registry import schemas as sc  # noqa: E402
from multivector.registry.transfer import FORMAT, FORMAT_VERSION  # noqa: E402

HERE = Path(__file__).resolve().parent / "registry"
OUT = ROOT / "src" / "multivector" / "registry" / "seed" / "registry_seed.json"
C5 = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
AIDDATA_URL = "https://www.aiddata.org/data/aiddatas-global-chinese-development-finance-dataset-version-3-0"

# ---------------------------------------------------------------------------------------------
# What each line of facts/timeline.csv becomes. Keys are line numbers (the header is line 1);
# "title" is the start of the line's title, checked at build time.
#   summit:   kind, format (None = bilateral); merge = other lines describing the same meeting
#   document: kind, summit (line of the summit it belongs to), merge, in_force_line, parties_in_force
#   format:   the line dates or documents the founding of a format (no record of its own)
#   evidence/project: used by curated.toml (commitment evidence, project descriptions)
#   skip:     with the reason

TIMELINE: dict[int, dict] = {
    2: {"title": "US first to recognize", "skip": "a recognition, not a registry document"},
    3: {"title": "CIS created", "format": "cis"},
    4: {"title": "China–Kazakhstan diplomatic relations", "document": "communique", "merge": [5],
        "name": "Joint communiqué establishing China–Kazakhstan diplomatic relations"},
    5: {"title": "China–Kazakhstan diplomatic relations", "merged_into": 4},
    6: {"title": "Kazakhstan–Turkey diplomatic relations", "document": "other",
        "name": "Establishment of Kazakhstan–Türkiye diplomatic relations"},
    7: {"title": "Nazarbayev proposes CICA", "document": "initiative", "format": "cica"},
    8: {"title": "Kazakhstan–Russia diplomatic relations", "document": "other",
        "name": "Establishment of Kazakhstan–Russia diplomatic relations"},
    9: {"title": "Nazarbayev first proposes a 'Eurasian Union'", "document": "initiative"},
    10: {"title": "First China–Kazakhstan boundary agreement", "document": "agreement"},
    11: {"title": "China's security guarantee", "document": "declaration"},
    12: {"title": "Co-founders of Shanghai grouping", "merged_into": 13},
    13: {"title": "Shanghai Five founded", "document": "treaty", "merge": [12]},
    14: {"title": "Treaty on Reduction of Military Forces", "document": "treaty"},
    15: {"title": "EU–Kazakhstan Partnership and Cooperation Agreement", "document": "agreement", "in_force_self": True,
         "name": "EU–Kazakhstan Partnership and Cooperation Agreement"},
    16: {"title": "CICA Declaration on Principles", "document": "declaration"},
    17: {"title": "Joint communiqué on final settlement", "document": "communique"},
    18: {"title": "Shanghai Cooperation Organization founded", "format": "sco"},
    19: {"title": "Agreement on cross-border river use", "document": "agreement"},
    20: {"title": "First CICA summit, Almaty", "merged_into": 22},
    21: {"title": "Protocol on demarcation", "document": "protocol"},
    22: {"title": "First CICA Summit, Almaty", "summit": "leaders_summit", "summit_format": "cica", "merge": [20],
         "name": "First CICA Summit, Almaty", "also_document": {"kind": "charter", "name": "Almaty Act (CICA charter)"}},
    23: {"title": "SCO Charter signed", "document": "charter", "in_force_line": 26, "name": "Charter of the Shanghai Cooperation Organisation"},
    24: {"title": "China–Kazakhstan Treaty of good-neighbourliness", "document": "treaty"},
    25: {"title": "Hu Jintao visit", "summit": "state_visit", "name": "Hu Jintao visit to Kazakhstan",
         "also_document": {"kind": "programme", "name": "Kazakhstan–China Cooperation Programme 2003–2008"}},
    26: {"title": "SCO Charter (signed June 2002) enters into force", "merged_into": 23},
    27: {"title": "Kazakhstan-China Cooperation Committee agreement", "document": "agreement"},
    28: {"title": "'Central Asia plus Japan' Dialogue launched", "summit": "ministerial", "summit_format": "japan-central-asia",
         "format": "japan-central-asia"},
    29: {"title": "Joint declaration on strategic partnership", "merged_into": 31},
    30: {"title": "Strategic partnership signed", "merged_into": 31},
    31: {"title": "Joint declaration on strategic partnership (Hu Jintao visit", "document": "declaration", "merge": [29, 30],
         "name": "Joint declaration on the China–Kazakhstan strategic partnership"},
    32: {"title": "Atasu–Alashankou", "project": "Atasu–Alashankou oil pipeline"},
    33: {"title": "Second CA+Japan foreign ministers meeting", "summit": "ministerial", "summit_format": "japan-central-asia",
         "name": "Second Central Asia plus Japan foreign ministers' meeting, Tokyo",
         "also_document": {"kind": "action_plan", "name": "Central Asia plus Japan Action Plan"}},
    34: {"title": "First Kazakh crude flows", "project": "Atasu–Alashankou oil pipeline"},
    35: {"title": "Strategy for cooperation in the 21st century", "document": "strategy"},
    36: {"title": "Agreement on the state border", "document": "agreement"},
    37: {"title": "Korea–Central Asia Cooperation Forum launched", "format": "korea-central-asia"},
    38: {"title": "Kazakh section of Central Asia–China gas pipeline", "project": "Central Asia–China gas pipeline, Kazakh section"},
    39: {"title": "Customs Union of Russia, Kazakhstan, Belarus", "format": "eaeu"},
    40: {"title": "All-round (comprehensive) strategic partnership", "document": "declaration"},
    41: {"title": "Xi state visit to Kazakhstan: $40bn", "summit": "state_visit"},
    42: {"title": "Xi Jinping speech at Nazarbayev University", "document": "initiative"},
    43: {"title": "Fourth CICA summit, Beijing", "summit": "leaders_summit", "summit_format": "cica"},
    44: {"title": "Treaty on the Eurasian Economic Union signed", "document": "treaty", "in_force_line": 48,
         "party_lines": {49: "ARM", 51: "KGZ"}, "name": "Treaty on the Eurasian Economic Union"},
    45: {"title": "Nurly Zhol new economic policy", "document": "initiative"},
    46: {"title": "Xi announces $40bn Silk Road Fund", "document": "initiative"},
    47: {"title": "Kazakhstan joins the WTO", "skip": "WTO accession is outside the registry's formats"},
    48: {"title": "Eurasian Economic Union starts functioning", "merged_into": 44},
    49: {"title": "Armenia's EAEU accession", "merged_into": 44},
    50: {"title": "Beijing round table", "skip": "an expert round table, not an agreement"},
    51: {"title": "Kyrgyzstan's EAEU accession", "merged_into": 44},
    52: {"title": "First C5+1 (US–Central Asia) foreign ministers meeting", "summit": "ministerial",
         "summit_format": "us-central-asia", "format": "us-central-asia"},
    53: {"title": "C5+1 Samarkand meeting", "summit": "ministerial", "summit_format": "us-central-asia",
         "name": "C5+1 foreign ministers' meeting, Samarkand",
         "also_document": {"kind": "declaration", "name": "C5+1 Samarkand declaration"}},
    54: {"title": "EU–Kazakhstan Enhanced Partnership", "document": "agreement", "in_force_line": 62,
         "name": "EU–Kazakhstan Enhanced Partnership and Cooperation Agreement (EPCA)"},
    55: {"title": "C5+1 ministerial in Washington", "summit": "ministerial", "summit_format": "us-central-asia"},
    56: {"title": "India and Pakistan join SCO", "skip": "an enlargement of the SCO (see the format's members)"},
    57: {"title": "US–Kazakhstan enhanced strategic partnership", "document": "agreement"},
    58: {"title": "Eternal (permanent) comprehensive strategic partnership", "document": "declaration"},
    59: {"title": "EU Strategy on Central Asia", "document": "strategy"},
    60: {"title": "12th Central Asia–Republic of Korea forum", "summit": "forum", "summit_format": "korea-central-asia"},
    61: {"title": "China proposes China–Central Asia mechanism", "format": "china-central-asia"},
    62: {"title": "EU–Kazakhstan EPCA to enter into force", "merged_into": 54},
    63: {"title": "Virtual China–Central Asia summit", "summit": "leaders_summit", "summit_format": "china-central-asia"},
    64: {"title": "Kazakhstan–Türkiye enhanced strategic partnership memorandum", "document": "memorandum"},
    65: {"title": "Xi Jinping state visit to Kazakhstan (first foreign trip", "summit": "state_visit"},
    66: {"title": "EU–Central Asia leaders' meeting", "summit": "leaders_summit", "summit_format": "eu-central-asia"},
    67: {"title": "C5+1 foreign ministers meeting in Astana", "summit": "ministerial", "summit_format": "us-central-asia"},
    68: {"title": "US Secretary of State Blinken visits Astana", "summit": "other"},
    69: {"title": "Tokayev state visit to China (Xi'an summit)", "summit": "state_visit",
         "also_document": {"kind": "joint_statement", "name": "China–Kazakhstan joint statement (Xi'an, 17 May 2023)"}},
    70: {"title": "First China–Central Asia Summit, Xi'an", "summit": "leaders_summit", "summit_format": "china-central-asia"},
    71: {"title": "Agreement to set up permanent secretariat", "document": "agreement", "summit": 70},
    72: {"title": "China pledges 26 bn yuan", "document": "initiative", "summit": 70,
         "name": "China's financing pledges at the Xi'an summit"},
    73: {"title": "First C5+1 presidential summit", "summit": "leaders_summit", "summit_format": "us-central-asia"},
    74: {"title": "Tokayev official visit to China", "summit": "state_visit",
         "also_document": {"kind": "agreement", "name": "Kazakhstan–China governmental documents of 17 October 2023 "
                                                          "(mutual visa-free regime, Trans-Caspian route)"}},
    75: {"title": "Joint Roadmap for Deepening Ties", "document": "roadmap"},
    76: {"title": "China–Central Asia permanent secretariat created", "evidence": "cca-secretariat"},
    77: {"title": "KTZ logistics and innovation center", "project": "KTZ logistics and innovation centre in Xi'an"},
    78: {"title": "Yoon Suk Yeol state visit", "summit": "state_visit"},
    79: {"title": "24th SCO Council of Heads of State", "summit": "leaders_summit", "summit_format": "sco"},
    80: {"title": "Xi state visit to Kazakhstan; joint declaration", "summit": "state_visit"},
    81: {"title": "Xi–Tokayev Joint Statement", "document": "joint_statement", "summit": 80},
    82: {"title": "Planned CA+Japan summit in Kazakhstan cancelled", "skip": "the summit did not take place"},
    83: {"title": "17th Central Asia–Republic of Korea Cooperation Forum", "summit": "forum", "summit_format": "korea-central-asia"},
    84: {"title": "First EU–Central Asia Summit", "summit": "leaders_summit", "summit_format": "eu-central-asia"},
    85: {"title": "EU announces €12bn Global Gateway", "document": "initiative", "summit": 84},
    86: {"title": "Treaty on Eternal Good-Neighborliness", "document": "treaty", "summit": 87},
    87: {"title": "Second China–Central Asia Summit, Astana", "summit": "leaders_summit", "summit_format": "china-central-asia"},
    88: {"title": "Astana Declaration of the 2nd Central Asia–China Summit", "document": "declaration", "summit": 87},
    89: {"title": "Second Russia–Central Asia Summit", "summit": "leaders_summit", "summit_format": "russia-central-asia"},
    90: {"title": "US–Central Asia (C5+1) summit, Washington", "summit": "leaders_summit", "summit_format": "us-central-asia"},
    91: {"title": "First Central Asia plus Japan leaders' summit", "summit": "leaders_summit",
         "summit_format": "japan-central-asia"},
}


def fail(msg: str) -> None:
    raise SystemExit(f"build_registry_seed: {msg}")


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def split(v: str | None) -> list[str]:
    return [x.strip() for x in (v or "").split(";") if x.strip()]


def clean_title(t: str) -> str:
    """Timeline titles carry editorial asides in parentheses ('(per page)'); keep them — they are
    the compiler's words — but drop a trailing ' (per page)' marker."""
    return t.replace(" (per page)", "").strip()


def place_of(row: dict) -> str | None:
    return row["place"].strip() or None


def build(shared: Path) -> dict:
    tl_path = shared / "facts" / "timeline.csv"
    rows = read_csv(tl_path)
    lines = {i: r for i, r in enumerate(rows, start=2)}
    if set(lines) != set(TIMELINE):
        fail(f"timeline.csv has lines {min(lines)}–{max(lines)} but the mapping covers "
             f"{min(TIMELINE)}–{max(TIMELINE)}; update TIMELINE")
    for n, spec in TIMELINE.items():
        if not lines[n]["title"].startswith(spec["title"]):
            fail(f"timeline.csv line {n} is {lines[n]['title']!r}, expected it to start with {spec['title']!r}")

    provenance: list[dict] = []

    def urls(*ns: int) -> list[str]:
        out: list[str] = []
        for n in ns:
            u = lines[n]["source_url"].strip()
            if u and u not in out:
                out.append(u)
        return out

    def parties(n: int) -> list[str]:
        return [p for p in split(lines[n]["parties"])]

    # -- formats -----------------------------------------------------------------------------
    formats = []
    for r in read_csv(HERE / "formats.csv"):
        src = [r["source_url"]] if r["source_url"] else []
        for n, spec in TIMELINE.items():
            if spec.get("format") == r["id"]:
                src += [u for u in urls(n) if u not in src]
        formats.append({"id": r["id"], "name": r["name"], "partner": r["partner"] or None,
                        "members": split(r["members"]), "established": r["established"] or None,
                        "secretariat": r["secretariat"] or None, "description": r["description"] or None,
                        "source_urls": src, "published": True})
    format_ids = {f["id"] for f in formats}

    # -- summits -----------------------------------------------------------------------------
    curated = tomllib.loads((HERE / "curated.toml").read_text(encoding="utf-8"))
    summit_rows = []  # (sort key, record, origin)
    for n, spec in TIMELINE.items():
        if "summit" not in spec or isinstance(spec.get("summit"), int):
            continue
        r = lines[n]
        merged = spec.get("merge", [])
        date = max([lines[x]["date"] for x in [n, *merged]], key=len)
        fmt = spec.get("summit_format")
        if fmt and fmt not in format_ids:
            fail(f"line {n}: unknown format {fmt}")
        summit_rows.append((date, {
            "title": spec.get("name") or clean_title(r["title"]), "date": date, "kind": spec["summit"],
            "place": place_of(r), "format_id": fmt, "participants": parties(n),
            "description": r["description"].strip() or None, "source_urls": urls(n, *merged), "published": True,
        }, f"timeline:{n}", [n, *merged]))
    for c in curated.get("summit", []):
        rec = {k: c[k] for k in ("title", "date", "kind", "place", "format_id", "participants", "description",
                                  "source_urls") if k in c}
        summit_rows.append((c["date"], rec | {"published": True}, f"key:{c['key']}", []))
    summit_rows.sort(key=lambda x: (x[0], x[1]["title"]))
    summits, summit_id = [], {}
    for i, (_, rec, origin, ns) in enumerate(summit_rows, start=1):
        summits.append({"id": i, **rec})
        summit_id[origin] = i
        for n in ns:
            summit_id[f"timeline:{n}"] = i
            provenance.append({"source": "facts/timeline.csv", "line": n, "became": f"summits/{i}"})
        if origin.startswith("key:"):
            provenance.append({"source": "data-raw/registry/curated.toml", "key": origin[4:], "became": f"summits/{i}"})

    # -- documents ---------------------------------------------------------------------------
    doc_rows = []
    for n, spec in TIMELINE.items():
        r = lines[n]
        if "document" in spec:
            merged = spec.get("merge", [])
            dates = [lines[x]["date"] for x in [n, *merged]]
            signed = max(dates, key=len)
            in_force = None
            extra_lines = list(merged)
            if spec.get("in_force_line"):
                in_force = lines[spec["in_force_line"]]["date"]
                extra_lines.append(spec["in_force_line"])
            if spec.get("in_force_self"):
                in_force, signed = signed, None
            party_list = [{"state": p} for p in parties(n)]
            for pl, state in (spec.get("party_lines") or {}).items():
                party_list.append({"state": state, "ratified": lines[pl]["date"]})
                extra_lines.append(pl)
            sid = spec.get("summit")
            doc_rows.append((signed or in_force or "", {
                "title": spec.get("name") or clean_title(r["title"]), "kind": spec["document"],
                "summit_id": summit_id[f"timeline:{sid}"] if isinstance(sid, int) else None,
                "signed": signed, "in_force": in_force, "parties": party_list,
                "description": r["description"].strip() or None, "source_urls": urls(n, *extra_lines), "published": True,
            }, f"timeline:{n}", [n, *extra_lines]))
        if "also_document" in spec:
            ad = spec["also_document"]
            doc_rows.append((r["date"], {
                "title": ad["name"], "kind": ad["kind"], "summit_id": summit_id[f"timeline:{n}"],
                "signed": max([lines[x]["date"] for x in [n, *spec.get("merge", [])]], key=len),
                "in_force": None, "parties": [{"state": p} for p in parties(n)],
                "description": None, "source_urls": urls(n), "published": True,
            }, f"timeline:{n}:document", [n]))
    for c in curated.get("document", []):
        party_list = [{"state": p} for p in c.get("parties", [])] + [
            {k: v for k, v in p.items()} for p in c.get("party", [])]
        sref = c.get("summit")
        doc_rows.append((c.get("signed") or "", {
            "title": c["title"], "kind": c["kind"], "summit_id": summit_id[sref] if sref else None,
            "signed": c.get("signed"), "in_force": c.get("in_force"), "parties": party_list,
            "description": c.get("description"), "source_urls": c["source_urls"], "published": True,
        }, f"key:{c['key']}", []))
    doc_rows.sort(key=lambda x: (x[0], x[1]["title"]))
    documents, doc_id = [], {}
    for i, (_, rec, origin, ns) in enumerate(doc_rows, start=1):
        documents.append({"id": i, **rec})
        doc_id[origin] = i
        for n in ns:
            provenance.append({"source": "facts/timeline.csv", "line": n, "became": f"documents/{i}"})
        if origin.startswith("key:"):
            provenance.append({"source": "data-raw/registry/curated.toml", "key": origin[4:], "became": f"documents/{i}"})

    def ref_doc(ref: str) -> int:
        if ref not in doc_id:
            fail(f"curated.toml refers to document {ref}, which the build did not make")
        return doc_id[ref]

    # -- network -----------------------------------------------------------------------------
    nodes = []
    for r in read_csv(HERE / "nodes.csv"):
        nodes.append({"id": r["id"], "name": r["name"], "kind": r["kind"], "country": r["country"],
                      "lat": float(r["lat"]), "lon": float(r["lon"]), "coord_precision": r["coord_precision"],
                      "description": r["note"] or None, "source_urls": [r["source_url"]], "published": True})
    node_country = {n["id"]: n["country"] for n in nodes}
    if len(node_country) != len(nodes):
        fail("duplicate node id in nodes.csv")
    corridor_rows = read_csv(HERE / "corridors.csv")
    corridor_ids = {c["id"] for c in corridor_rows}
    segments = []
    for r in read_csv(HERE / "segments.csv"):
        for end in ("from", "to"):
            if r[end] not in node_country:
                fail(f"segment {r['id']}: no node {r[end]!r}")
        if r["from"] == r["to"]:
            fail(f"segment {r['id']} is a self-loop")
        for c in split(r["corridors"]):
            if c not in corridor_ids:
                fail(f"segment {r['id']}: unknown corridor {c}")
        if r["mode"] == "rail" and not r["gauge_mm"]:
            fail(f"rail segment {r['id']} has no gauge")
        states = sorted({node_country[r["from"]], node_country[r["to"]], *split(r["countries"])})
        segments.append({
            "id": r["id"], "name": r["name"], "from_node": r["from"], "to_node": r["to"], "mode": r["mode"],
            "status": r["status"], "gauge_mm": int(r["gauge_mm"]) if r["gauge_mm"] else None,
            "signalling": r["signalling"] or None, "voltage_kv": int(r["voltage_kv"]) if r["voltage_kv"] else None,
            "length_km": float(r["length_km"]) if r["length_km"] else None, "countries": states,
            "corridors": split(r["corridors"]), "description": r["note"] or None, "source_urls": [r["source_url"]],
            "published": True,
        })
    if len({s["id"] for s in segments}) != len(segments):
        fail("duplicate segment id in segments.csv")
    segment_ids = {s["id"] for s in segments}

    # corridors with the figures as reported (facts/corridors.csv)
    figures = defaultdict(list)
    for i, r in enumerate(read_csv(shared / "facts" / "corridors.csv"), start=2):
        route = r["route"]
        if route == "sea":
            cid = "sea-cape" if "Cape" in r["segment"] else "sea-suez"
        elif route == "middle_vs_northern":
            cid = "middle"
        else:
            cid = route
        if cid not in corridor_ids:
            fail(f"facts/corridors.csv line {i}: unknown route {route}")
        fig = {"metric": r["metric"], "route": r["route"], "segment": r["segment"] or None,
               "year": int(r["year"]) if r["year"] else None,
               "low": float(r["low"]) if r["low"] else None, "high": float(r["high"]) if r["high"] else None,
               "unit": r["unit"] or None, "reported_by": r["reported_by"] or None, "source": r["source"] or None,
               "note": r["note"] or None}
        figures[cid].append(fig)
        provenance.append({"source": "facts/corridors.csv", "line": i, "became": f"corridors/{cid}/figures"})
    corridors = [{"id": c["id"], "name": c["name"], "kind": c["kind"], "description": c["description"] or None,
                  "figures": figures.get(c["id"], []), "source_urls": [c["source_url"]]} for c in corridor_rows]

    profiles = []
    for r in read_csv(HERE / "profiles.csv"):
        profiles.append({"iso3": r["iso3"], "name": countries.name(r["iso3"]), "customs_zone": r["customs_zone"],
                         "grid_zone": r["grid_zone"] or None,
                         "rail_gauge_mm": int(r["rail_gauge_mm"]) if r["rail_gauge_mm"] else None,
                         "rail_signalling": r["rail_signalling"] or None, "notes": r["notes"] or None,
                         "source_urls": split(r["source_urls"])})
    missing_profiles = sorted(set(node_country.values()) - {p["iso3"] for p in profiles})
    if missing_profiles:
        fail(f"no country profile for {missing_profiles}")

    # -- commitments -------------------------------------------------------------------------
    commitments, commitment_id = [], {}
    for i, c in enumerate(curated.get("commitment", []), start=1):
        for s in c.get("segments", []):
            if s not in segment_ids:
                fail(f"commitment {c['key']}: no segment {s}")
        commitments.append({
            "id": i, "document_id": ref_doc(c["document"]), "text": c["text"], "sector": c["sector"],
            "responsible_states": c["responsible_states"], "deadline": c.get("deadline"), "status": c["status"],
            "segments": c.get("segments", []),
            "evidence": [{"date": e["date"], "status": e["status"], "note": e.get("note"), "source_url": e.get("source_url"),
                          "recorded_by": "seed"} for e in c.get("evidence", [])],
            "source_urls": c["source_urls"], "published": True,
        })
        commitment_id[c["key"]] = i
        provenance.append({"source": "data-raw/registry/curated.toml", "key": c["key"], "became": f"commitments/{i}"})
    for n, spec in TIMELINE.items():
        if spec.get("evidence"):
            if spec["evidence"] not in commitment_id:
                fail(f"line {n}: no commitment {spec['evidence']}")
            provenance.append({"source": "facts/timeline.csv", "line": n,
                               "became": f"commitments/{commitment_id[spec['evidence']]}/evidence"})

    # -- projects ----------------------------------------------------------------------------
    projects = []
    for c in curated.get("project", []):
        for s in c.get("segments", []):
            if s not in segment_ids:
                fail(f"project {c['name']}: no segment {s}")
        ref = c.get("commitment")
        projects.append({
            "name": c["name"], "type": c["type"], "countries": c["countries"], "segments": c.get("segments", []),
            "status": c["status"], "start_date": c.get("start_date"), "end_date": c.get("end_date"),
            "description": c.get("description"), "commitment_id": commitment_id[ref[4:]] if ref else None,
            "financing": [{"lender": f["lender"], "amount": f.get("amount"), "currency": f.get("currency"),
                           "year": f.get("year"), "source_url": f.get("source_url")} for f in c.get("financing", [])],
            "aiddata_ids": [], "locations": [], "source_urls": c["source_urls"], "published": True,
        })
    curated_n = len(projects)
    for n, spec in TIMELINE.items():
        if spec.get("project") and not any(p["name"] == spec["project"] for p in projects):
            fail(f"line {n}: no curated project named {spec['project']!r}")

    # AidData GCDF 3.0 ADM1 locations in Central Asia: locations only
    adm1 = shared / "aiddata-gcdf3-aggregates" / "gcdf3_adm_locations" / "GCDF_3.0_ADM1_Locations.csv"
    by_id: dict[int, list[dict]] = defaultdict(list)
    for r in read_csv(adm1):
        if r["shapeGroup"] in C5:
            by_id[int(r["id"])].append(r)
    for aid in sorted(by_id):
        locs = by_id[aid]
        states = sorted({r["shapeGroup"] for r in locs})
        seen, locations = set(), []
        for r in sorted(locs, key=lambda r: (r["shapeGroup"], r["shapeName"])):
            key = (r["shapeGroup"], r["shapeName"])
            if key in seen:
                continue
            seen.add(key)
            locations.append({"name": r["shapeName"], "country": r["shapeGroup"], "adm_level": 1,
                              "lat": round(float(r["centroid_latitude"]), 4), "lon": round(float(r["centroid_longitude"]), 4)})
        projects.append({
            "name": f"AidData GCDF 3.0 project {aid}", "type": "unclassified", "countries": states, "segments": [],
            "status": "unknown", "start_date": None, "end_date": None,
            "description": ("Chinese official-sector project located by AidData's GCDF 3.0 ADM1 file "
                            f"({', '.join(sorted({loc['name'] for loc in locations}))}). The location file has no title, "
                            "sector, lender or amount: look up id " f"{aid} in the GCDF 3.0 project dataset."),
            "commitment_id": None, "financing": [], "aiddata_ids": [aid], "locations": locations,
            "source_urls": [AIDDATA_URL], "published": True,
        })
        provenance.append({"source": "aiddata-gcdf3-aggregates/gcdf3_adm_locations/GCDF_3.0_ADM1_Locations.csv",
                           "aiddata_id": aid, "became": "projects (AidData location)"})
    for i, p in enumerate(projects, start=1):
        p["id"] = i
    for n, spec in TIMELINE.items():
        if spec.get("project"):
            pid = next(p["id"] for p in projects if p["name"] == spec["project"])
            provenance.append({"source": "facts/timeline.csv", "line": n, "became": f"projects/{pid}"})
        if spec.get("format") and "summit" not in spec and "document" not in spec:
            provenance.append({"source": "facts/timeline.csv", "line": n, "became": f"formats/{spec['format']}"})
        if spec.get("merged_into"):
            pass  # recorded with the record it was merged into
        if spec.get("skip"):
            provenance.append({"source": "facts/timeline.csv", "line": n, "became": None, "skipped": spec["skip"]})
    for p in projects[:curated_n]:
        provenance.append({"source": "data-raw/registry/curated.toml", "project": p["name"], "became": f"projects/{p['id']}"})

    # -- members: every state with a node ------------------------------------------------------
    members = [{"iso3": iso, "name": countries.name(iso), "active": True} for iso in sorted(set(node_country.values()))]

    doc = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "scope": "seed",
        "corridors": corridors, "profiles": profiles, "nodes": nodes, "segments": segments, "formats": formats,
        "summits": summits, "documents": documents, "commitments": commitments, "projects": projects,
        "members": members,
        "provenance": sorted(provenance, key=lambda p: (p["source"], p.get("line") or 0, str(p.get("aiddata_id") or ""),
                                                           str(p.get("key") or p.get("project") or ""), str(p["became"]))),
    }
    validate(doc)
    covered = {p["line"] for p in provenance if p["source"] == "facts/timeline.csv"}
    uncovered = sorted(set(TIMELINE) - covered - {n for n, s in TIMELINE.items() if s.get("merged_into")})
    if uncovered:
        fail(f"timeline lines not accounted for: {uncovered}")
    return doc


def validate(doc: dict) -> None:
    """Every record must pass the registry's own input schemas."""
    checks = (("nodes", sc.NodeIn), ("segments", sc.SegmentIn), ("formats", sc.FormatIn), ("summits", sc.SummitIn),
              ("documents", sc.DocumentIn), ("commitments", sc.CommitmentIn), ("projects", sc.ProjectIn))
    for section, schema in checks:
        for r in doc[section]:
            data = {k: v for k, v in r.items() if k not in ("version", "created_at", "updated_at")}
            if schema is not sc.NodeIn and schema is not sc.SegmentIn and schema is not sc.FormatIn:
                data.pop("id", None)
            if section == "commitments":
                data["evidence"] = [{k: e[k] for k in ("date", "status", "note", "source_url")} for e in data["evidence"]]
            try:
                schema.model_validate(data)
            except Exception as exc:  # noqa: BLE001
                fail(f"{section} record {r.get('id')} ({r.get('title') or r.get('name')}) is invalid: {exc}")


def dump(doc: dict) -> str:
    """One record per line: compact, and a rebuild's diff shows which records changed."""
    parts = []
    for key, value in doc.items():
        if isinstance(value, list):
            body = ",\n".join(json.dumps(v, ensure_ascii=False, separators=(",", ":")) for v in value)
            parts.append(f"{json.dumps(key)}: [\n{body}\n]" if value else f"{json.dumps(key)}: []")
        else:
            parts.append(f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--check", action="store_true", help="fail if the committed seed differs from a rebuild")
    args = ap.parse_args()
    text = dump(build(args.shared))
    if args.check:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            raise SystemExit("the committed registry seed differs from a rebuild; run data-raw/build_registry_seed.py")
        print("registry seed is up to date")
        return
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    doc = json.loads(text)
    print(f"wrote {OUT.relative_to(ROOT)} ({len(text) / 1024:.0f} KiB): "
          + ", ".join(f"{len(doc[k])} {k}" for k in ("formats", "summits", "documents", "commitments", "projects",
                                                     "nodes", "segments", "corridors", "profiles", "members")))


if __name__ == "__main__":
    main()
