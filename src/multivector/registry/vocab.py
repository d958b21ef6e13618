"""The registry's controlled vocabularies (one place; the API, the pages and the seed use them)."""

from __future__ import annotations

from typing import Literal, get_args

Role = Literal["admin", "editor", "observer"]
ROLES: tuple[str, ...] = get_args(Role)

SummitKind = Literal["leaders_summit", "ministerial", "state_visit", "forum", "other"]
DocumentKind = Literal[
    "treaty", "agreement", "declaration", "joint_statement", "communique", "memorandum", "action_plan",
    "roadmap", "charter", "protocol", "strategy", "programme", "initiative", "other",
]
Sector = Literal[
    "transport", "energy", "trade", "finance", "digital", "water", "security", "institutions",
    "education", "health", "environment", "culture", "other",
]
CommitmentStatus = Literal["announced", "in_progress", "delivered", "delayed", "stalled", "dropped", "unknown"]
ProjectType = Literal[
    "rail", "road", "port", "ferry", "pipeline", "power", "fibre", "logistics", "border_crossing",
    "energy", "mining", "water", "social", "other", "unclassified",
]
ProjectStatus = Literal[
    "proposed", "planned", "agreed", "under_construction", "operational", "suspended", "cancelled", "unknown",
]
NodeKind = Literal[
    "border_crossing", "port", "hub", "dry_port", "junction", "terminal", "substation", "cable_landing", "field",
]
CoordPrecision = Literal["exact", "city", "approximate"]
Mode = Literal["rail", "road", "ferry", "sea", "pipeline", "power", "fibre"]
SegmentStatus = Literal["operational", "under_construction", "planned", "proposed", "suspended", "closed"]
Gauge = Literal[1435, 1520, 1000, 1067, 1668, 1676]
Signalling = Literal["alsn-1520", "ctcs", "etcs-eu", "tcdd", "iran-rai", "other"]
NotificationStatus = Literal["pending", "delivered", "acknowledged", "dead"]

#: Segments of one family form one network for the loop-in (a railway connects to railways, ports
#: and ferries; a pipeline to pipelines; a power line to power lines; a cable to cables).
MODE_FAMILY: dict[str, str] = {
    "rail": "transport", "road": "transport", "ferry": "transport", "sea": "transport",
    "pipeline": "pipeline", "power": "power", "fibre": "fibre",
}

#: Project types and the network families they sit on (for projects given without segments).
TYPE_FAMILY: dict[str, str] = {
    "rail": "transport", "road": "transport", "port": "transport", "ferry": "transport", "logistics": "transport",
    "border_crossing": "transport", "pipeline": "pipeline", "power": "power", "energy": "power", "fibre": "fibre",
}

SIGNALLING_LABELS = {
    "alsn-1520": "ALSN-family signalling of the 1520 mm network",
    "ctcs": "Chinese Train Control System (CTCS)",
    "etcs-eu": "ETCS / EU national class-B systems",
    "tcdd": "Turkish national signalling (TCDD), ETCS on new lines",
    "iran-rai": "Iranian national signalling (RAI)",
    "other": "other signalling",
}

# Fields whose change notifies connected states (edits of prose and sources do not).
MATERIAL_PROJECT_FIELDS = ("name", "type", "status", "countries", "segments", "start_date", "end_date", "financing")
MATERIAL_COMMITMENT_FIELDS = ("text", "status", "deadline", "responsible_states", "segments")
