"""Loading the national register of schools from either of the two formats it comes in.

The bundled register (2019, 23 columns) and a current "edubasealldata" extract
(about 140 columns) are both read into the same fields and upserted by URN.
"""

import csv
import gzip
import io
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from models import RegisterSchool
from network.extensions import db

BUNDLED = Path(__file__).parent.parent / "data" / "schools-register-england.csv.gz"
MISSING = {"", "NA", "N/A", "NULL", "Not applicable", "Not Applicable", "Does not apply"}
FIELDS = [c.key for c in RegisterSchool.__table__.columns]

_GIAS = {
    "urn": "URN", "name": "EstablishmentName", "la_code": "LA (code)", "la_name": "LA (name)",
    "region": "GOR (name)", "type_group": "EstablishmentTypeGroup (name)",
    "type": "TypeOfEstablishment (name)", "age_low": "StatutoryLowAge",
    "age_high": "StatutoryHighAge", "gender": "Gender (name)",
    "religious_character": "ReligiousCharacter (name)", "street": "Street", "town": "Town",
    "postcode": "Postcode", "number_on_roll": "NumberOfPupils", "fsm_number": "FSM",
    "pct_fsm_current": "PercentageFSM", "ofsted_rating": "OfstedRating (name)",
    "ofsted_inspection_date": "OfstedLastInsp", "urban_rural": "UrbanRural (name)",
    "status": "EstablishmentStatus (name)",
}
_INTS = {"age_low", "age_high", "number_on_roll", "fsm_number"}
_FLOATS = {"pct_fsm_ever6", "pct_fsm_current"}


class RegisterFormatError(ValueError):
    """The file is not a register in either known format."""


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return None if value in MISSING else value


def _number(value: str | None, kind):
    value = _clean(value)
    if value is None:
        return None
    try:
        return kind(float(value)) if kind is int else kind(value)
    except ValueError:
        return None


def _date(value: str | None) -> date | None:
    value = _clean(value)
    for fmt in ("%Y%m%d", "%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).date() if value else None
        except ValueError:
            continue
    return None


def _phase(row: dict) -> str | None:
    """The register's four phases, read from a current extract's wider vocabulary."""
    phase = _clean(row.get("PhaseOfEducation (name)"))
    if (row.get("EstablishmentTypeGroup (name)") or "").startswith("Special"):
        return "Special"
    return {"Middle deemed primary": "Primary", "Middle deemed secondary": "Secondary",
            "16 plus": "Secondary"}.get(phase or "", phase)


def _from_gias(row: dict) -> dict:
    record = {field: row.get(column) for field, column in _GIAS.items()}
    la_code, number = _clean(row.get("LA (code)")), _clean(row.get("EstablishmentNumber"))
    record["laestab"] = f"{la_code}{number}" if la_code and number else None
    record["phase"] = _phase(row)
    return record


def _typed(record: dict) -> dict:
    out = {}
    for field in FIELDS:
        raw = record.get(field)
        if field in _INTS:
            out[field] = _number(raw, int)
        elif field in _FLOATS:
            out[field] = _number(raw, float)
        elif field == "ofsted_inspection_date":
            out[field] = _date(raw)
        else:
            out[field] = _clean(raw)
    if "pct_fsm_current_approx" in record:
        out["pct_fsm_current"] = _number(record["pct_fsm_current_approx"], float)
    out["status"] = out["status"] or "Open"
    return out


def read_rows(lines: Iterable[str]) -> Iterator[dict]:
    """Yield register records, typed, from CSV text in either supported format."""
    reader = csv.DictReader(lines)
    header = set(reader.fieldnames or ())
    if {"urn", "name", "phase"} <= header:
        convert = dict
    elif {"URN", "EstablishmentName", "PhaseOfEducation (name)"} <= header:
        convert = _from_gias
    else:
        raise RegisterFormatError("The file is neither the bundled register nor an "
                                  "edubasealldata extract: its header was not recognised.")
    for row in reader:
        record = _typed(convert(row))
        if record["urn"] and record["urn"].isdigit() and record["name"]:
            yield record


def open_text(path: Path) -> io.TextIOBase:
    """Open a register file, compressed or not, decoding current extracts' Windows-1252."""
    raw = gzip.open(path, "rb") if str(path).endswith(".gz") else open(path, "rb")  # noqa: SIM115
    head = raw.peek(4096) if hasattr(raw, "peek") else b""
    try:
        head.decode("utf-8")
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "cp1252"
    return io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")


def import_register(path: Path, progress: Callable[[int], None] | None = None,
                    only: Callable[[dict], bool] | None = None, batch: int = 2000) -> dict:
    """Add or update register entries from `path`, by URN; returns counts added and updated."""
    counts = {"added": 0, "updated": 0}
    with open_text(path) as text:
        chunk: list[dict] = []
        for record in read_rows(text):
            if only is None or only(record):
                chunk.append(record)
            if len(chunk) >= batch:
                _upsert(chunk, counts, progress)
                chunk = []
        if chunk:
            _upsert(chunk, counts, progress)
    return counts


def _upsert(chunk: list[dict], counts: dict, progress) -> None:
    chunk = list({r["urn"]: r for r in chunk}.values())  # the last row for a URN wins
    urns = [r["urn"] for r in chunk]
    existing = {s.urn: s for s in db.session.scalars(
        select(RegisterSchool).where(RegisterSchool.urn.in_(urns)))}
    new = []
    for record in chunk:
        school = existing.get(record["urn"])
        if school is None:
            new.append(record)
        else:
            for field, value in record.items():
                setattr(school, field, value)
    if new:
        db.session.execute(RegisterSchool.__table__.insert(), new)
    db.session.commit()
    counts["added"] += len(new)
    counts["updated"] += len(chunk) - len(new)
    if progress:
        progress(len(chunk))
