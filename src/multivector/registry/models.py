"""The registry's schema (SQLAlchemy 2 declarative models). Migrations in ``migrations/`` build
exactly this schema (a test compares them).

Formats hold summits; summits adopt documents; documents carry commitments; commitments lead to
projects; projects and commitments sit on the network (nodes joined by segments). Lists of states
are link tables, so that "every project in Kazakhstan" is an indexed query on both SQLite and
PostgreSQL. Dates of events are *partial* ISO dates (``2024``, ``2024-02``, ``2024-02-28``) because
sources often give only the month or the year; timestamps of changes are UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A UTC timestamp stored without zone (SQLite has none); always aware in Python."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


STATE = String(8)  # ISO3 or a group key (EU, SCO, EAEU)


class Record:
    """Columns every editable record has: publication, version (the ETag) and timestamps.

    ``version`` is SQLAlchemy's version counter: every UPDATE says ``WHERE version = <read>``, so
    two writers that read the same version cannot both win (the second gets 412)."""

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}

    published: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    source_urls: Mapped[list] = mapped_column(JSON, nullable=False, default=list)


# ---------------------------------------------------------------------------------------------
# Formats, summits, documents, commitments


class Format(Record, Base):
    """A standing format of dialogue (China–Central Asia, C5+1, EU–Central Asia …)."""

    __tablename__ = "formats"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    partner: Mapped[str | None] = mapped_column(STATE)
    established: Mapped[str | None] = mapped_column(String(10))
    secretariat: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    member_rows: Mapped[list[FormatMember]] = relationship(
        "FormatMember", cascade="all, delete-orphan", lazy="selectin", order_by="FormatMember.state")


class FormatMember(Base):
    __tablename__ = "format_members"
    format_id: Mapped[str] = mapped_column(ForeignKey("formats.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(STATE, primary_key=True, index=True)


class Summit(Record, Base):
    __tablename__ = "summits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    date: Mapped[str] = mapped_column(String(10), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(24), nullable=False)
    place: Mapped[str | None] = mapped_column(String(200))
    format_id: Mapped[str | None] = mapped_column(String(64), ForeignKey("formats.id", ondelete="RESTRICT"), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    participant_rows: Mapped[list[SummitParticipant]] = relationship(
        "SummitParticipant", cascade="all, delete-orphan", lazy="selectin", order_by="SummitParticipant.state")


class SummitParticipant(Base):
    __tablename__ = "summit_participants"
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(STATE, primary_key=True, index=True)


class Document(Record, Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    kind: Mapped[str] = mapped_column(String(24), nullable=False, index=True)
    summit_id: Mapped[int | None] = mapped_column(ForeignKey("summits.id", ondelete="RESTRICT"), index=True)
    signed: Mapped[str | None] = mapped_column(String(10), index=True)
    in_force: Mapped[str | None] = mapped_column(String(10))
    description: Mapped[str | None] = mapped_column(Text)
    party_rows: Mapped[list[DocumentParty]] = relationship(
        "DocumentParty", cascade="all, delete-orphan", lazy="selectin", order_by="DocumentParty.state")


class DocumentParty(Base):
    """A signatory, with its own signature and ratification dates where known."""

    __tablename__ = "document_parties"
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(STATE, primary_key=True, index=True)
    signed: Mapped[str | None] = mapped_column(String(10))
    ratified: Mapped[str | None] = mapped_column(String(10))


class Commitment(Record, Base):
    __tablename__ = "commitments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="RESTRICT"), nullable=False, index=True)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    sector: Mapped[str] = mapped_column(String(24), nullable=False, index=True)
    deadline: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(24), nullable=False, index=True)
    state_rows: Mapped[list[CommitmentState]] = relationship(
        "CommitmentState", cascade="all, delete-orphan", lazy="selectin", order_by="CommitmentState.state")
    segment_rows: Mapped[list[CommitmentSegment]] = relationship(
        "CommitmentSegment", cascade="all, delete-orphan", lazy="selectin", order_by="CommitmentSegment.segment_id")
    evidence_rows: Mapped[list[CommitmentEvidence]] = relationship(
        "CommitmentEvidence", cascade="all, delete-orphan", lazy="selectin",
        order_by=lambda: (CommitmentEvidence.date, CommitmentEvidence.id))


class CommitmentState(Base):
    __tablename__ = "commitment_states"
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(STATE, primary_key=True, index=True)


class CommitmentSegment(Base):
    __tablename__ = "commitment_segments"
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"), primary_key=True)
    segment_id: Mapped[str] = mapped_column(ForeignKey("network_segments.id", ondelete="RESTRICT"), primary_key=True, index=True)


class CommitmentEvidence(Base):
    """Dated evidence of a commitment's status: the status history."""

    __tablename__ = "commitment_evidence"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"), nullable=False, index=True)
    date: Mapped[str] = mapped_column(String(10), nullable=False)
    status: Mapped[str] = mapped_column(String(24), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(String(500))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    recorded_by: Mapped[str | None] = mapped_column(String(120))


# ---------------------------------------------------------------------------------------------
# Projects


class Project(Record, Base):
    __tablename__ = "projects"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    type: Mapped[str] = mapped_column(String(24), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(24), nullable=False, index=True)
    start_date: Mapped[str | None] = mapped_column(String(10))
    end_date: Mapped[str | None] = mapped_column(String(10))
    description: Mapped[str | None] = mapped_column(Text)
    commitment_id: Mapped[int | None] = mapped_column(ForeignKey("commitments.id", ondelete="RESTRICT"), index=True)
    aiddata_ids: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    locations: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    country_rows: Mapped[list[ProjectCountry]] = relationship(
        "ProjectCountry", cascade="all, delete-orphan", lazy="selectin", order_by="ProjectCountry.state")
    segment_rows: Mapped[list[ProjectSegment]] = relationship(
        "ProjectSegment", cascade="all, delete-orphan", lazy="selectin", order_by="ProjectSegment.segment_id")
    financing_rows: Mapped[list[ProjectFinancing]] = relationship(
        "ProjectFinancing", cascade="all, delete-orphan", lazy="selectin", order_by="ProjectFinancing.id")


class ProjectCountry(Base):
    __tablename__ = "project_countries"
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(STATE, primary_key=True, index=True)


class ProjectSegment(Base):
    __tablename__ = "project_segments"
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    segment_id: Mapped[str] = mapped_column(ForeignKey("network_segments.id", ondelete="RESTRICT"), primary_key=True, index=True)


class ProjectFinancing(Base):
    __tablename__ = "project_financing"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=False, index=True)
    lender: Mapped[str] = mapped_column(String(200), nullable=False)
    amount: Mapped[float | None] = mapped_column(Numeric(20, 2, asdecimal=False))
    currency: Mapped[str | None] = mapped_column(String(3))
    year: Mapped[int | None] = mapped_column(Integer)
    source_url: Mapped[str | None] = mapped_column(String(500))


# ---------------------------------------------------------------------------------------------
# The network


class Node(Record, Base):
    __tablename__ = "network_nodes"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(24), nullable=False, index=True)
    country: Mapped[str] = mapped_column(String(3), nullable=False, index=True)
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    coord_precision: Mapped[str] = mapped_column(String(16), nullable=False, default="approximate")
    description: Mapped[str | None] = mapped_column(Text)


class Segment(Record, Base):
    __tablename__ = "network_segments"
    __table_args__ = (CheckConstraint("from_node <> to_node", name="not_a_loop"),)
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    from_node: Mapped[str] = mapped_column(ForeignKey("network_nodes.id", ondelete="RESTRICT"), nullable=False, index=True)
    to_node: Mapped[str] = mapped_column(ForeignKey("network_nodes.id", ondelete="RESTRICT"), nullable=False, index=True)
    mode: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(24), nullable=False, default="operational")
    gauge_mm: Mapped[int | None] = mapped_column(Integer)
    signalling: Mapped[str | None] = mapped_column(String(24))
    voltage_kv: Mapped[int | None] = mapped_column(Integer)
    length_km: Mapped[float | None] = mapped_column(Float)
    description: Mapped[str | None] = mapped_column(Text)
    country_rows: Mapped[list[SegmentCountry]] = relationship(
        "SegmentCountry", cascade="all, delete-orphan", lazy="selectin", order_by="SegmentCountry.state")
    corridor_rows: Mapped[list[SegmentCorridor]] = relationship(
        "SegmentCorridor", cascade="all, delete-orphan", lazy="selectin", order_by="SegmentCorridor.corridor_id")


class SegmentCountry(Base):
    __tablename__ = "segment_countries"
    segment_id: Mapped[str] = mapped_column(ForeignKey("network_segments.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(3), primary_key=True, index=True)


class SegmentCorridor(Base):
    __tablename__ = "segment_corridors"
    segment_id: Mapped[str] = mapped_column(ForeignKey("network_segments.id", ondelete="CASCADE"), primary_key=True)
    corridor_id: Mapped[str] = mapped_column(ForeignKey("corridors.id", ondelete="RESTRICT"), primary_key=True, index=True)


class Corridor(Base):
    """A named route or system (``northern``, ``middle``, ``sea-suez`` …, pipelines, power corridors)."""

    __tablename__ = "corridors"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    figures: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    source_urls: Mapped[list] = mapped_column(JSON, nullable=False, default=list)


class CountryProfile(Base):
    """Per-state standards the loop-in compares: customs territory, grid zone, rail gauge, signalling."""

    __tablename__ = "country_profiles"
    iso3: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    customs_zone: Mapped[str] = mapped_column(String(24), nullable=False)
    grid_zone: Mapped[str | None] = mapped_column(String(40))
    rail_gauge_mm: Mapped[int | None] = mapped_column(Integer)
    rail_signalling: Mapped[str | None] = mapped_column(String(24))
    notes: Mapped[str | None] = mapped_column(Text)
    source_urls: Mapped[list] = mapped_column(JSON, nullable=False, default=list)


# ---------------------------------------------------------------------------------------------
# Members, tokens, notifications (outbox), audit


class Member(Base):
    """A state that takes part in the registry and receives loop-in notifications."""

    __tablename__ = "members"
    iso3: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    webhook_secret: Mapped[str | None] = mapped_column(String(128))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    __mapper_args__ = {"version_id_col": version}


class ApiToken(Base):
    """An API token: only its SHA-256 digest is stored; the token itself is shown once."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    state: Mapped[str | None] = mapped_column(String(3))
    digest: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Notification(Base):
    """One loop-in message to one state: written in the transaction of the change (the outbox)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_due", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    state: Mapped[str] = mapped_column(String(3), nullable=False, index=True)
    event: Mapped[str] = mapped_column(String(40), nullable=False)
    subject_type: Mapped[str] = mapped_column(String(24), nullable=False)
    subject_id: Mapped[str] = mapped_column(String(80), nullable=False, index=True)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    message: Mapped[str] = mapped_column(Text, nullable=False)
    connection: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    issues: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(120))


class AuditEntry(Base):
    """Append-only: database triggers refuse UPDATE and DELETE on this table."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    actor_state: Mapped[str | None] = mapped_column(String(3))
    action: Mapped[str] = mapped_column(String(24), nullable=False)
    resource: Mapped[str] = mapped_column(String(32), nullable=False)
    resource_id: Mapped[str] = mapped_column(String(80), nullable=False)
    changes: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    __table_args__ = (Index("ix_audit_log_resource", "resource", "resource_id"),)


class RegistryMeta(Base):
    __tablename__ = "registry_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)
