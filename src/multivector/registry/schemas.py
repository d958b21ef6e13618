"""What the registry accepts and returns (pydantic models; the OpenAPI document is built from them).

``…In`` models create a record, ``…Patch`` models change one (only the fields sent are changed;
``null`` clears an optional field), ``…Out`` models are what the API returns. Unknown fields are
refused, so a typo ("contries") is an error instead of being ignored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from multivector.registry import validation as v
from multivector.registry.vocab import (
    CommitmentStatus,
    CoordPrecision,
    DocumentKind,
    Gauge,
    Mode,
    NodeKind,
    NotificationStatus,
    ProjectStatus,
    ProjectType,
    Role,
    Sector,
    SegmentStatus,
    Signalling,
    SummitKind,
)


def _text(limit: int, multiline: bool = False):
    return AfterValidator(lambda s: v.check_text(s, field_max=limit, multiline=multiline))


PartialDate = Annotated[
    str,
    Field(max_length=10, description="ISO date; YYYY-MM or YYYY when only that is known", examples=["2023-05-19"]),
    AfterValidator(v.check_partial_date),
]
# Length and pattern are documented in the schema but checked by check_state, whose message says
# what to write ("unknown state 'Kazakhstan': use an ISO3 code such as KAZ") instead of pydantic's.
State = Annotated[str, Field(description="ISO3 code, or EU / SCO / EAEU for a group party", examples=["KAZ"],
                             json_schema_extra={"pattern": "^[A-Za-z]{2,4}$", "maxLength": 4}),
                  AfterValidator(v.check_state)]
ISO3 = Annotated[str, Field(description="ISO3 code of a state", examples=["KAZ"],
                            json_schema_extra={"pattern": "^[A-Za-z]{3}$", "minLength": 3, "maxLength": 3}),
                 AfterValidator(lambda s: v.check_state(s, allow_groups=False))]
Slug = Annotated[str, Field(max_length=64, description="lower-case letters, digits, hyphens", examples=["khorgos"]),
                 AfterValidator(v.check_slug)]
Title = Annotated[str, Field(min_length=1, max_length=300), _text(300)]
ShortText = Annotated[str, Field(min_length=1, max_length=200), _text(200)]
LongText = Annotated[str, Field(min_length=1, max_length=20_000), _text(20_000, multiline=True)]
Url = Annotated[str, Field(max_length=500, examples=["https://example.org/page"]), AfterValidator(v.check_url)]
Urls = Annotated[list[Url], Field(max_length=20)]


def _dedupe(xs: list) -> list:
    seen: list = []
    for x in xs:
        if x not in seen:
            seen.append(x)
    return seen


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# ---------------------------------------------------------------------------------------------
# Formats and summits


class FormatIn(Strict):
    id: Slug
    name: Title
    partner: State | None = None
    members: Annotated[list[State], Field(max_length=60)] = []
    established: PartialDate | None = None
    secretariat: LongText | None = None
    description: LongText | None = None
    source_urls: Urls = []
    published: bool = False


class FormatPatch(Strict):
    name: Title | None = None
    partner: State | None = None
    members: Annotated[list[State], Field(max_length=60)] | None = None
    established: PartialDate | None = None
    secretariat: LongText | None = None
    description: LongText | None = None
    source_urls: Urls | None = None
    published: bool | None = None


class FormatOut(BaseModel):
    id: str
    name: str
    partner: str | None
    members: list[str]
    established: str | None
    secretariat: str | None
    description: str | None
    source_urls: list[str]
    published: bool
    version: int
    created_at: datetime
    updated_at: datetime


class SummitIn(Strict):
    title: Title
    date: PartialDate
    kind: SummitKind = "leaders_summit"
    place: ShortText | None = None
    format_id: Slug | None = None
    participants: Annotated[list[State], Field(min_length=1, max_length=60)]
    description: LongText | None = None
    source_urls: Urls = []
    published: bool = False


class SummitPatch(Strict):
    title: Title | None = None
    date: PartialDate | None = None
    kind: SummitKind | None = None
    place: ShortText | None = None
    format_id: Slug | None = None
    participants: Annotated[list[State], Field(min_length=1, max_length=60)] | None = None
    description: LongText | None = None
    source_urls: Urls | None = None
    published: bool | None = None


class SummitOut(BaseModel):
    id: int
    title: str
    date: str
    kind: str
    place: str | None
    format_id: str | None
    participants: list[str]
    description: str | None
    source_urls: list[str]
    published: bool
    version: int
    created_at: datetime
    updated_at: datetime


# ---------------------------------------------------------------------------------------------
# Documents


class PartyIn(Strict):
    state: State
    signed: PartialDate | None = None
    ratified: PartialDate | None = None


def _party(value: Any) -> Any:
    return {"state": value} if isinstance(value, str) else value


Party = Annotated[PartyIn, BeforeValidator(_party)]


class DocumentIn(Strict):
    title: Title
    kind: DocumentKind
    summit_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    signed: PartialDate | None = None
    in_force: PartialDate | None = None
    parties: Annotated[list[Party], Field(min_length=1, max_length=200)]
    description: LongText | None = None
    source_urls: Urls = []
    published: bool = False

    @model_validator(mode="after")
    def _dates(self):
        if self.signed and self.in_force and not v.partial_date_le(self.signed, self.in_force):
            raise ValueError(f"in_force ({self.in_force}) is before signed ({self.signed})")
        return self


class DocumentPatch(Strict):
    title: Title | None = None
    kind: DocumentKind | None = None
    summit_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    signed: PartialDate | None = None
    in_force: PartialDate | None = None
    parties: Annotated[list[Party], Field(min_length=1, max_length=200)] | None = None
    description: LongText | None = None
    source_urls: Urls | None = None
    published: bool | None = None


class PartyOut(BaseModel):
    state: str
    signed: str | None
    ratified: str | None


class DocumentOut(BaseModel):
    id: int
    title: str
    kind: str
    summit_id: int | None
    signed: str | None
    in_force: str | None
    parties: list[PartyOut]
    description: str | None
    source_urls: list[str]
    published: bool
    version: int
    created_at: datetime
    updated_at: datetime


# ---------------------------------------------------------------------------------------------
# Commitments


class EvidenceIn(Strict):
    date: PartialDate
    status: CommitmentStatus
    note: LongText | None = None
    source_url: Url | None = None


class EvidenceOut(BaseModel):
    date: str
    status: str
    note: str | None
    source_url: str | None
    recorded_at: datetime
    recorded_by: str | None


SegmentIds = Annotated[list[Slug], Field(max_length=200)]


class CommitmentIn(Strict):
    document_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    text: LongText
    sector: Sector
    responsible_states: Annotated[list[State], Field(min_length=1, max_length=60)]
    deadline: PartialDate | None = None
    status: CommitmentStatus = "announced"
    segments: SegmentIds = []
    evidence: Annotated[list[EvidenceIn], Field(max_length=100)] = []
    source_urls: Urls = []
    published: bool = False


class CommitmentPatch(Strict):
    document_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    text: LongText | None = None
    sector: Sector | None = None
    responsible_states: Annotated[list[State], Field(min_length=1, max_length=60)] | None = None
    deadline: PartialDate | None = None
    status: CommitmentStatus | None = None
    segments: SegmentIds | None = None
    evidence: EvidenceIn | None = Field(
        None, description="one new piece of dated evidence; required when the status changes")
    source_urls: Urls | None = None
    published: bool | None = None


class CommitmentOut(BaseModel):
    id: int
    document_id: int
    text: str
    sector: str
    responsible_states: list[str]
    deadline: str | None
    status: str
    segments: list[str]
    evidence: list[EvidenceOut]
    source_urls: list[str]
    published: bool
    version: int
    created_at: datetime
    updated_at: datetime


class CommitmentWritten(CommitmentOut):
    notified: list[str] = Field(description="states looped in by this change (other than the responsible states)")


# ---------------------------------------------------------------------------------------------
# Projects


class FinancingIn(Strict):
    lender: ShortText
    amount: Annotated[float, Field(ge=0, le=1e13)] | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["USD"])] | None = None
    year: Annotated[int, Field(ge=1950, le=2100)] | None = None
    source_url: Url | None = None


class FinancingOut(BaseModel):
    lender: str
    amount: float | None
    currency: str | None
    year: int | None
    source_url: str | None


class LocationIn(Strict):
    name: ShortText
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]
    adm_level: Annotated[int, Field(ge=0, le=3)] | None = None
    country: ISO3 | None = None


class LocationOut(BaseModel):
    name: str
    lat: float
    lon: float
    adm_level: int | None = None
    country: str | None = None


class ProjectIn(Strict):
    name: Title
    type: ProjectType
    countries: Annotated[list[ISO3], Field(min_length=1, max_length=60)]
    segments: SegmentIds
    status: ProjectStatus = "planned"
    start_date: PartialDate | None = None
    end_date: PartialDate | None = None
    description: LongText | None = None
    commitment_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    financing: Annotated[list[FinancingIn], Field(max_length=50)] = []
    aiddata_ids: Annotated[list[Annotated[int, Field(ge=1, le=2**31 - 1)]], Field(max_length=50)] = []
    locations: Annotated[list[LocationIn], Field(max_length=100)] = []
    source_urls: Urls = []
    published: bool = False

    @model_validator(mode="after")
    def _dates(self):
        if self.start_date and self.end_date and not v.partial_date_le(self.start_date, self.end_date):
            raise ValueError(f"end_date ({self.end_date}) is before start_date ({self.start_date})")
        return self


class ProjectPatch(Strict):
    name: Title | None = None
    type: ProjectType | None = None
    countries: Annotated[list[ISO3], Field(min_length=1, max_length=60)] | None = None
    segments: SegmentIds | None = None
    status: ProjectStatus | None = None
    start_date: PartialDate | None = None
    end_date: PartialDate | None = None
    description: LongText | None = None
    commitment_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    financing: Annotated[list[FinancingIn], Field(max_length=50)] | None = None
    aiddata_ids: Annotated[list[Annotated[int, Field(ge=1, le=2**31 - 1)]], Field(max_length=50)] | None = None
    locations: Annotated[list[LocationIn], Field(max_length=100)] | None = None
    source_urls: Urls | None = None
    published: bool | None = None


class ProjectOut(BaseModel):
    id: int
    name: str
    type: str
    countries: list[str]
    segments: list[str]
    status: str
    start_date: str | None
    end_date: str | None
    description: str | None
    commitment_id: int | None
    financing: list[FinancingOut]
    aiddata_ids: list[int]
    locations: list[LocationOut]
    source_urls: list[str]
    published: bool
    version: int
    created_at: datetime
    updated_at: datetime


class ProjectWritten(ProjectOut):
    notified: list[str] = Field(description="connected states notified by this change (other than the project's own)")


# ---------------------------------------------------------------------------------------------
# Network


class NodeIn(Strict):
    id: Slug
    name: ShortText
    kind: NodeKind
    country: ISO3
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]
    coord_precision: CoordPrecision = "approximate"
    description: LongText | None = None
    source_urls: Urls = []
    published: bool = False


class NodePatch(Strict):
    name: ShortText | None = None
    kind: NodeKind | None = None
    country: ISO3 | None = None
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None
    coord_precision: CoordPrecision | None = None
    description: LongText | None = None
    source_urls: Urls | None = None
    published: bool | None = None


class NodeOut(BaseModel):
    id: str
    name: str
    kind: str
    country: str
    lat: float
    lon: float
    coord_precision: str
    description: str | None
    source_urls: list[str]
    published: bool
    version: int
    created_at: datetime
    updated_at: datetime


class SegmentIn(Strict):
    id: Slug | None = Field(None, description="default: FROM-TO-MODE")
    name: ShortText | None = None
    from_node: Slug
    to_node: Slug
    mode: Mode
    status: SegmentStatus = "operational"
    gauge_mm: Gauge | None = None
    signalling: Signalling | None = None
    voltage_kv: Annotated[int, Field(ge=1, le=1500)] | None = None
    length_km: Annotated[float, Field(gt=0, le=40_000)] | None = None
    countries: Annotated[list[ISO3], Field(max_length=30)] = Field(
        [], description="states crossed; the countries of both end nodes are always included")
    corridors: Annotated[list[Slug], Field(max_length=20)] = []
    description: LongText | None = None
    source_urls: Urls = []
    published: bool = False

    @model_validator(mode="after")
    def _shape(self):
        if self.from_node == self.to_node:
            raise ValueError(f"a segment cannot start and end at the same node ({self.from_node!r}): self-loops are refused")
        if self.gauge_mm is not None and self.mode != "rail":
            raise ValueError("gauge_mm is only for rail segments")
        if self.signalling is not None and self.mode != "rail":
            raise ValueError("signalling is only for rail segments")
        if self.voltage_kv is not None and self.mode != "power":
            raise ValueError("voltage_kv is only for power lines")
        return self


class SegmentPatch(Strict):
    name: ShortText | None = None
    from_node: Slug | None = None
    to_node: Slug | None = None
    mode: Mode | None = None
    status: SegmentStatus | None = None
    gauge_mm: Gauge | None = None
    signalling: Signalling | None = None
    voltage_kv: Annotated[int, Field(ge=1, le=1500)] | None = None
    length_km: Annotated[float, Field(gt=0, le=40_000)] | None = None
    countries: Annotated[list[ISO3], Field(max_length=30)] | None = None
    corridors: Annotated[list[Slug], Field(max_length=20)] | None = None
    description: LongText | None = None
    source_urls: Urls | None = None
    published: bool | None = None


class SegmentOut(BaseModel):
    id: str
    name: str | None
    from_node: str
    to_node: str
    mode: str
    status: str
    gauge_mm: int | None
    signalling: str | None
    voltage_kv: int | None
    length_km: float | None
    great_circle_km: float | None = Field(description="great-circle distance between the end nodes (not a route length)")
    countries: list[str]
    corridors: list[str]
    description: str | None
    source_urls: list[str]
    published: bool
    version: int
    created_at: datetime
    updated_at: datetime


class CorridorFigure(BaseModel):
    metric: str
    route: str
    segment: str | None = None
    year: int | None = None
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    reported_by: str | None = None
    source: str | None = None
    note: str | None = None


class CorridorOut(BaseModel):
    id: str
    name: str
    kind: str
    description: str | None
    figures: list[CorridorFigure] = Field(description="figures as reported (facts/corridors.csv), each with who reported it")
    source_urls: list[str]
    segments: list[str]
    countries: list[str]


class CountryProfileOut(BaseModel):
    iso3: str
    name: str
    customs_zone: str
    grid_zone: str | None
    rail_gauge_mm: int | None
    rail_signalling: str | None
    notes: str | None
    source_urls: list[str]


# ---------------------------------------------------------------------------------------------
# Notifications, members, audit


class IssueOut(BaseModel):
    kind: str = Field(description="gauge_break, customs_border, grid_synchronisation or signalling")
    detail: str
    at: str | None = None


class NotificationOut(BaseModel):
    id: int
    state: str
    event: str
    subject_type: str
    subject_id: str
    title: str
    message: str
    connection: dict[str, Any]
    issues: list[IssueOut]
    created_at: datetime
    status: NotificationStatus
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    delivered_at: datetime | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None


class MemberOut(BaseModel):
    iso3: str
    name: str
    active: bool
    webhook_url: str | None
    version: int
    updated_at: datetime


class MemberWritten(MemberOut):
    webhook_secret: str | None = Field(None, description="shown once, when a webhook is set or the secret rotated")


class MemberPatch(Strict):
    webhook_url: Url | None = None
    active: bool | None = None
    rotate_secret: bool = False


class AuditOut(BaseModel):
    id: int
    at: datetime
    actor: str
    role: str
    actor_state: str | None
    action: str
    resource: str
    resource_id: str
    changes: dict[str, Any]


class PrincipalOut(BaseModel):
    role: Role | None = Field(description="null for the anonymous public")
    state: str | None
    name: str


def page_model(item: type[BaseModel], name: str) -> type[BaseModel]:
    """A page of a list: ``items`` with ``total``, ``limit`` and ``offset``."""
    from pydantic import create_model

    return create_model(
        name,
        items=(list[item], ...),
        total=(int, Field(ge=0)),
        limit=(int, Field(ge=1)),
        offset=(int, Field(ge=0)),
        __base__=BaseModel,
    )


class ErrorDetail(BaseModel):
    field: str | None = None
    message: str


class ErrorOut(BaseModel):
    error: str = Field(description="a short code: invalid_input, not_found, forbidden …")
    message: str
    hint: str | None = None
    details: list[ErrorDetail] = []


def dedupe_states(xs: list[str]) -> list[str]:
    return _dedupe([x.upper() for x in xs])
