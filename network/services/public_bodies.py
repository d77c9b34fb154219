"""The national bodies whose contact details the anonymisation check leaves alone: the
built-in list (network/domain/public_bodies.py) and the entries site admins add."""

import re

from flask import g, has_request_context
from sqlalchemy import select

from models import PUBLIC_BODY_KINDS, PublicBodyEntry, User
from network import audit
from network.access import require_site_admin
from network.domain.public_bodies import (
    BUILT_IN,
    PublicBodies,
    is_school_domain,
    normal_domain,
    normal_phone,
    normal_postcode,
)
from network.extensions import db

# Suffixes shared by many owners: allowing one would allow every site under it.
_SHARED_SUFFIXES = {"uk", "co.uk", "org.uk", "ac.uk", "me.uk", "net.uk", "ltd.uk", "plc.uk",
                    "com", "org", "net", "info", "education", "academy", "school"}
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,6}[a-z]{2,20}")
_POSTCODE = re.compile(r"([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})")


class PublicBodyError(ValueError):
    """Something the site admin must correct; `field` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def current() -> PublicBodies:
    """The built-in list with every entry site admins added (read once per request)."""
    if has_request_context() and "public_bodies" in g:
        return g.public_bodies
    rows = db.session.execute(select(PublicBodyEntry.kind, PublicBodyEntry.value)).all()
    found = BUILT_IN.extended(domains=[v for k, v in rows if k == "domain"],
                              phones=[v for k, v in rows if k == "phone"],
                              postcodes=[v for k, v in rows if k == "postcode"])
    if has_request_context():
        g.public_bodies = found
    return found


def entries(actor: User) -> list[PublicBodyEntry]:
    """The entries site admins added, newest first."""
    require_site_admin(actor)
    return list(db.session.scalars(select(PublicBodyEntry).order_by(PublicBodyEntry.id.desc())))


def _clean(kind: str, value: str) -> str:
    """``value`` normalised for its kind, or a PublicBodyError saying what is wrong with it."""
    if kind == "domain":
        host = normal_domain(value).removeprefix("www.")
        if is_school_domain(host):
            raise PublicBodyError("Addresses under .sch.uk belong to schools: they always count "
                                  "as identifying, so they cannot be added.", "value")
        if not _DOMAIN.fullmatch(host) or host in _SHARED_SUFFIXES:
            raise PublicBodyError("Enter a body's own domain, like educationendowmentfoundation"
                                  ".org.uk.", "value")
        return host
    if kind == "phone":
        digits = normal_phone(value)
        if not re.fullmatch(r"0\d{7,10}", digits) or re.search(r"[^\d\s()+.-]", value):
            raise PublicBodyError("Enter a UK phone number, like 0300 123 1231.", "value")
        return digits
    postcode = _POSTCODE.fullmatch(normal_postcode(value))
    if not postcode:
        raise PublicBodyError("Enter a full UK postcode, like SW1P 3BT.", "value")
    return " ".join(postcode.groups())


def add(actor: User, kind: str, value: str, note: str = "") -> PublicBodyEntry:
    """Add a national body's domain, phone number or postcode to the list (site admins only),
    and note it in the audit log."""
    require_site_admin(actor)
    if kind not in PUBLIC_BODY_KINDS:
        raise PublicBodyError("Choose whether this is a domain, a phone number or a postcode.",
                              "kind")
    value, note = (value or "").strip(), (note or "").strip()
    if not value:
        raise PublicBodyError("Enter the domain, phone number or postcode.", "value")
    if len(value) > 120 or len(note) > 200:
        raise PublicBodyError("Keep the value to 120 characters and the note to 200.",
                              "value" if len(value) > 120 else "note")
    clean = _clean(kind, value)
    listed = current()
    if {"domain": listed.allows_domain, "phone": listed.allows_phone,
            "postcode": listed.allows_postcode}[kind](clean):
        raise PublicBodyError(f"{clean} is already on the list.", "value")
    entry = PublicBodyEntry(kind=kind, value=clean, note=note, added_by_id=actor.id)
    db.session.add(entry)
    db.session.flush()
    audit.record(actor, "public body added", audit.target_of(entry), f"{kind} {clean}")
    db.session.commit()
    if has_request_context():
        g.pop("public_bodies", None)
    return entry
