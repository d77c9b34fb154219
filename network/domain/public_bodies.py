"""National public bodies whose contact details are not identifying: the built-in list.

Case studies cite the Department for Education, Ofsted, the NHS and national research and
education charities by their web addresses, e-mail addresses, phone numbers and postal
addresses. ``network.domain.anonymity.scan`` leaves those alone when they are in a ``PublicBodies``
list (``BUILT_IN`` unless the caller passes another).

To extend the list for everyone, add a line to ``DOMAINS``, ``PHONES`` or ``POSTCODES`` below
(any spacing or case: values are normalised). A site admin can add entries without a release
at /admin/public-bodies; ``network.services.public_bodies.current()`` joins them to this list.

A domain covers its subdomains ("gov.uk" covers "www.gov.uk" and "ofsted.gov.uk"). Anything
under .sch.uk is a school's and is never allowed, whatever the list says.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

SCHOOL_SUFFIX = "sch.uk"

# Domain: who it belongs to.
DOMAINS = {
    "gov.uk": "central government: DfE, Ofsted, Ofqual, STA, ESFA, GOV.UK",
    "nhs.uk": "the National Health Service",
    "parliament.uk": "Parliament",
    "police.uk": "police forces and CEOP",
    "bbc.co.uk": "the BBC (Bitesize)",
    "educationendowmentfoundation.org.uk": "Education Endowment Foundation",
    "nfer.ac.uk": "National Foundation for Educational Research",
    "suttontrust.com": "the Sutton Trust",
    "literacytrust.org.uk": "National Literacy Trust",
    "ncetm.org.uk": "National Centre for Excellence in the Teaching of Mathematics",
    "mathshubs.org.uk": "the Maths Hubs programme",
    "chartered.college": "Chartered College of Teaching",
    "teachfirst.org.uk": "Teach First",
    "nspcc.org.uk": "NSPCC",
    "childline.org.uk": "Childline",
    "educationsupport.org.uk": "Education Support",
    "annafreud.org": "Anna Freud National Centre for Children and Families",
    "youngminds.org.uk": "YoungMinds",
    "nga.org.uk": "National Governance Association",
    "local.gov.uk": "Local Government Association",
    "ico.org.uk": "Information Commissioner's Office",
    "thenational.academy": "Oak National Academy",
    "ambition.org.uk": "Ambition Institute",
    "stem.org.uk": "STEM Learning",
    "nasen.org.uk": "nasen",
    "autism.org.uk": "National Autistic Society",
    "bdadyslexia.org.uk": "British Dyslexia Association",
    "saferinternet.org.uk": "UK Safer Internet Centre",
    "thinkuknow.co.uk": "CEOP education",
    "naht.org.uk": "NAHT",
    "ascl.org.uk": "Association of School and College Leaders",
    "neu.org.uk": "National Education Union",
}

# Phone number: whose line it is.
PHONES = {
    "0300 123 1231": "Ofsted enquiries",
    "0300 123 3155": "Ofsted whistleblowing",
    "0370 000 2288": "Department for Education enquiries",
    "0845 60 222 60": "DfE publications order line",
    "020 7340 7264": "DfE counter-extremism helpline",
    "0300 303 3344": "Ofqual",
    "0808 800 5000": "NSPCC helpline",
    "0800 028 0285": "NSPCC whistleblowing advice line",
    "0800 1111": "Childline",
    "08000 562 561": "Education Support helpline",
    "0808 802 5544": "YoungMinds parents helpline",
    "0344 381 4772": "Professionals Online Safety Helpline",
    "0303 123 1113": "Information Commissioner's Office",
    "01753 574123": "NFER",
    "020 7587 1842": "National Literacy Trust",
    "0121 237 3780": "National Governance Association",
    "020 7794 2313": "Anna Freud National Centre for Children and Families",
    "0808 800 4104": "National Autistic Society helpline",
    "0333 405 4567": "British Dyslexia Association helpline",
    "0800 100 900": "National Careers Service",
}

# Postcode: whose building it is.
POSTCODES = {
    "SW1P 3BT": "Department for Education, Sanctuary Buildings, Great Smith Street, London",
    "S1 2FJ": "Department for Education, 2 St Paul's Place, Sheffield",
    "DL1 5QE": "Department for Education, Bishopsgate House, Darlington",
    "NG15 0DJ": "DfE publications, PO Box 5050, Annesley, Nottingham",
    "M1 2WD": "Ofsted, Piccadilly Gate, Store Street, Manchester",
    "SW1H 9EX": "Ofsted, Clive House, 70 Petty France, London",
    "CV1 3BH": "Ofqual and the Standards and Testing Agency, Earlsdon Park, Coventry",
    "CV1 2WT": "ESFA and the Teaching Regulation Agency, Cheylesmore House, Coventry",
    "SW1P 4QP": "Education Endowment Foundation and the Sutton Trust, Millbank Tower, London",
    "SL1 2DQ": "NFER, The Mere, Upton Park, Slough",
    "SW8 1RL": "National Literacy Trust, 68 South Lambeth Road, London",
    "EC2A 3NH": "NSPCC, Weston House, 42 Curtain Road, London",
    "SE10 0ER": "Teach First, 6 Mitre Passage, London",
    "N1 9JH": "Anna Freud National Centre, 4-8 Rodney Street, London",
    "SW1P 3HZ": "Local Government Association, 18 Smith Square, London",
    "B3 3JY": "National Governance Association, 36 Great Charles Street, Birmingham",
    "SK9 5AF": "Information Commissioner's Office, Wycliffe House, Wilmslow",
    "EC1V 1NG": "National Autistic Society, 393 City Road, London",
}


# Names of national bodies shaped like a school's name ("Oak National Academy"): a school-name
# finding made only of these is not one. Built in only; a site admin adds domains, phone
# numbers and postcodes.
NAMES = ("Oak National Academy", "National College for Teaching and Leadership",
         "National College for School Leadership", "Chartered College of Teaching",
         "Chartered College", "Ambition School Leadership", "University College London",
         "UCL Institute of Education", "Compare School Performance", "EEF",
         "Education Endowment Foundation", "NFER", "NCETM", "NSPCC", "Ofsted", "Ofqual", "DfE",
         "Department for Education", "ESFA", "Standards and Testing Agency")


def normal_domain(value: str) -> str:
    """A web address, e-mail address or domain as a bare lower-case host: "https://www.
    Ofsted.gov.uk/x" and "someone@ofsted.gov.uk" both give "www.ofsted.gov.uk"/"ofsted.gov.uk"."""
    host = value.strip().lower()
    host = re.sub(r"^[a-z][a-z0-9+.-]{0,20}://", "", host).rpartition("@")[2]
    host = re.split(r"[/?#:\s]", host, maxsplit=1)[0]
    return host.strip(".")


def normal_phone(value: str) -> str:
    """A UK phone number as its digits in national form: "+44 (0)300 123 1231" -> 03001231231."""
    digits = re.sub(r"\D", "", value)
    if value.strip().startswith(("+", "00")):
        digits = digits[2:] if value.strip().startswith("+") else digits[4:]
        digits = digits[1:] if digits.startswith("0") else digits
        return "0" + digits
    return digits


def normal_postcode(value: str) -> str:
    """A postcode in capitals without spaces: "sw1p 3bt" -> "SW1P3BT"."""
    return re.sub(r"\s", "", value).upper()


def is_school_domain(host: str) -> bool:
    """Whether a host is under .sch.uk, where every English school's domain is."""
    host = normal_domain(host)
    return host == SCHOOL_SUFFIX or host.endswith("." + SCHOOL_SUFFIX)


def under(host: str, domains: Iterable[str]) -> bool:
    """Whether ``host`` is one of ``domains`` or a subdomain of one of them."""
    host = normal_domain(host)
    parts = host.split(".")
    return any(".".join(parts[n:]) in domains for n in range(len(parts)))


@dataclass(frozen=True)
class PublicBodies:
    """Domains, phone numbers and postcodes of national bodies, each held normalised."""

    domains: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    postcodes: frozenset[str] = frozenset()
    names: tuple[str, ...] = ()

    @classmethod
    def of(cls, domains: Iterable[str] = (), phones: Iterable[str] = (),
           postcodes: Iterable[str] = (), names: Iterable[str] = ()) -> "PublicBodies":
        """A list from values written any way (normalised here)."""
        return cls(frozenset(filter(None, map(normal_domain, domains))),
                   frozenset(filter(None, map(normal_phone, phones))),
                   frozenset(filter(None, map(normal_postcode, postcodes))),
                   tuple(sorted({" ".join(n.split()) for n in names if n.strip()})))

    def extended(self, domains: Iterable[str] = (), phones: Iterable[str] = (),
                 postcodes: Iterable[str] = ()) -> "PublicBodies":
        """This list with more entries, e.g. those a site admin added."""
        more = PublicBodies.of(domains, phones, postcodes)
        return PublicBodies(self.domains | more.domains, self.phones | more.phones,
                            self.postcodes | more.postcodes, self.names)

    def allows_domain(self, value: str) -> bool:
        """Whether a web or e-mail address belongs to a listed body (never a .sch.uk one)."""
        return not is_school_domain(value) and under(value, self.domains)

    def allows_phone(self, value: str) -> bool:
        """Whether a phone number, written any way, is a listed body's."""
        return normal_phone(value) in self.phones

    def allows_postcode(self, value: str) -> bool:
        """Whether a postcode, written any way, is a listed body's building."""
        return normal_postcode(value) in self.postcodes

    def name_spans(self, text: str) -> list[tuple[int, int]]:
        """Where the listed bodies' names stand in ``text``."""
        return [m.span() for m in _names_regex(self.names).finditer(text)] if self.names else []


def only_filler(text: str) -> bool:
    """Whether ``text`` holds no word but "and", "the", "of", "at" or a possessive."""
    return not re.search(r"[^\W\d_]{2,}", _FILLER.sub(" ", text))


_FILLER = re.compile(r"\b(?:and|the|of|at)\b|['’]s\b", re.IGNORECASE)


@lru_cache(maxsize=8)
def _names_regex(names: tuple[str, ...]) -> re.Pattern:
    words = (r"\s+".join(map(re.escape, name.split())) for name in names)
    return re.compile(rf"\b(?:{'|'.join(words)})\b", re.IGNORECASE)


BUILT_IN = PublicBodies.of(DOMAINS, PHONES, POSTCODES, NAMES)
NONE = PublicBodies()
