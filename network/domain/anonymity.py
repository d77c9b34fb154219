"""Pure functions about what could identify a school: context shown in bands, and a check of
free text for identifiers before anything leaves a cluster.

``scan`` finds identifiers by shape (postcodes, URNs, establishment numbers, e-mail and web
addresses, phone numbers, titled names, school names, street addresses) and by the names the
caller knows about (``known``). ``redact`` swaps each finding for a placeholder such as
"[postcode]". ``first_names_in`` finds pupils' first names typed alone, for lesson studies.
Every pattern uses bounded repetition only, so scanning stays linear in practice.

School names are found by domain/school_names.py (its docstring says how). The web and e-mail
addresses, phone numbers and postcodes of national bodies (the DfE, Ofsted, the NHS, national
education charities) are not findings, nor is a street address just before such a postcode:
``allowed`` lists them (domain/public_bodies.py). Anything under .sch.uk, and any address under
a domain given in ``known``, is a finding whatever that list says.

Decisions about ``known`` entries: each is matched in full, case-insensitively, on word
boundaries, with any run of whitespace and either apostrophe (' or ’), with or without a
trailing possessive 's; a one-word entry must start with a capital in the text, so a town such
as Reading or a pupil called Grace does not flag "reading" or "grace". Two shorter variants are
matched too, but only as written (capitalised):
- a person-like name (2 to 4 capitalised words, none of them generic) also matches its last
  word, the surname, when that has 4 or more letters ("Amelia Hartley" -> "Hartley"); first
  names alone are not matched (too many are ordinary words: Will, Mark, Summer, Grace), so the
  caller passes a first name on its own when it is typed alone;
- the name of a school or body (ending School, Academy, College, Primary, Federation, Trust,
  Partnership, Council...) also matches its distinctive stem ("Oakfield Primary School" ->
  "Oakfield", "St Mary's C of E Junior School" -> "St Mary's", "Leeds City Council" -> "Leeds").
Overlapping findings are merged into one; the merged finding takes the kind of its longest part.

Not found by shape (pass them in ``known`` instead): school names in lower case, street names
without a house number, titles in lower case ("mrs jones"). Exact numbers on roll, percentages
and dates are left alone: case studies need "55%" and "Monday 3 March".
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from network.domain import first_names, school_names
from network.domain.public_bodies import BUILT_IN, PublicBodies, normal_domain, only_filler, under
from network.domain.school_names import GENERIC as _GENERIC
from network.domain.school_names import word as _word

SIZE_BANDS = [(0, 100, "Very small (under 100 pupils)"), (100, 250, "Small (100 to 249)"),
              (250, 500, "Medium (250 to 499)"), (500, 1000, "Large (500 to 999)"),
              (1000, 10**9, "Very large (1,000 or more)")]
FSM_BANDS = [(0, 10, "Low (under 10%)"), (10, 20, "Below average (10% to 19%)"),
             (20, 35, "Above average (20% to 34%)"), (35, 101, "High (35% or more)")]


def _band(value: float | None, bands) -> str:
    if value is None:
        return "Not known"
    return next((name for low, high, name in bands if low <= value < high), "Not known")


def size_band(number_on_roll: int | None) -> str:
    """The size band of a school from its number on roll."""
    return _band(number_on_roll, SIZE_BANDS)


def fsm_band(percent: float | None) -> str:
    """The free-school-meals band from the percentage eligible."""
    return _band(percent, FSM_BANDS)


def context_bands(entry) -> dict[str, str]:
    """A register entry's context as bands: phase, size, free school meals, region."""
    fsm = entry.pct_fsm_ever6 if entry.pct_fsm_ever6 is not None else entry.pct_fsm_current
    return {"phase": entry.phase or "Not known", "size": size_band(entry.number_on_roll),
            "fsm": fsm_band(fsm), "region": entry.region or "Not known"}


# --- Identifiers in free text -------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    """An identifier found in a text: ``text == source[start:end]``."""
    start: int
    end: int
    kind: str
    text: str


# Kinds in order of preference when two overlapping findings are equally long.
# "pupil_name" comes from first_names_in, not from scan.
KINDS = ("known", "email", "web_address", "postcode", "phone", "establishment_number", "urn",
         "honorific_name", "street_address", "school_name", "pupil_name")

def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


_ORGANISATION = _words("""school academy college federation primary infants juniors partnership
trust council alliance""")
_NUMBER_CONTEXT = _words("""year stage lesson ks term autumn spring summer group class set unit week
step cycle phase level page table figure section chapter room pupil pupils appendix element
standard priority session round part day days lessons weeks years""")

_AREAS = _words("""AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG
DH DL DN DT DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY
L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG
SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO
ZE""")
_NUM_BEFORE = r"(?<![\w£$€#.,/+])(?<!\d[ \t])"          # not inside money or a longer number
_NUM_AFTER = r"(?![\w%£]|[.,/:]\d|[ \t]?%|[ \t]\d)"      # nor a decimal, percentage or date
_UP, _LETTER = "A-ZÀ-ÖØ-Þ", r"[^\W\d_]"                # capital letters; any letter
_CAP = (rf"(?:[{_UP}]{_LETTER}*(?:['’]s\b|['’][{_UP}]{_LETTER}*|-{_LETTER}+){{0,3}}['’]?\.?"
        r"|\([A-Z]{1,4}\))")                                  # a capitalised word, or "(VA)"
_NAME = rf"[{_UP}]{_LETTER}*(?:['’][{_UP}]{_LETTER}*|-{_LETTER}+){{0,2}}"
_STREET = (r"(?:Road|Street|Lane|Avenue|Close|Drive|Way|Crescent|Grove|Place|Gardens|Terrace|"
           r"Hill|Rise|Court|Square|Walk|Row|Park|Mews|Green|Parade|Vale|View|Gate|Rd|St|Ln|"
           r"Ave|Cl|Dr|Cres|Gr|Pl|Gdns|Terr|Sq|Pde)")
_TLDS = r"(?:uk|com|org|net|edu|info|io|academy|school|education|ie|scot|wales|cymru|london)"

_PATTERNS = {
    "email": r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,6}",
    "web_address": (r"(?i:\bhttps?://|\bwww\.)[^\s<>\"]{1,300}"
                    r"|(?<![\w@./-])[A-Za-z0-9][\w-]{0,62}(?:\.[\w-]{1,63}){0,4}\." + _TLDS +
                    r"(?![\w-]|\.\w)(?:/[^\s<>\"]{0,300})?"),
    "postcode": (r"(?i:\b(?:GIR[ \t]?0AA|(?P<area>[A-Z]{1,2})\d[A-Z\d]?[ \t]?"
                 r"(?P<in>\d[ABD-HJLNP-UW-Z]{2}))\b)"),
    "phone": (r"(?<![\w+])(?:(?:\+|00)44[ \t]?(?:\(0\)[ \t]?)?\(?|\(?0)[1-9]\d{1,4}\)?"
              r"(?:[ \t.-]?\d){5,8}(?!\d)"),
    "establishment_number": (
        r"(?i:laestab|establishment[ \t]+(?:number|no\.?)|dfe(?:[ \t]+(?:number|no\.?))?)"
        r"(?:[ \t]+is)?[ \t:#]{0,3}(?P<v>[2-9]\d{2}[ \t/-]?\d{4})(?!\d)"
        rf"|{_NUM_BEFORE}[2-9]\d{{2}}/?\d{{4}}{_NUM_AFTER}"),
    "urn": rf"(?:(?<=URN)|{_NUM_BEFORE})[1-9]\d{{5}}{_NUM_AFTER}",
    "honorific_name": (r"\b(?:Mrs|Mr|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Revd|Rev|Reverend|"
                       r"Fr|Cllr|Councillor|Mme|Mlle)\.?[ \t]+"           # title, then initials
                       rf"(?:[{_UP}]\.?[ \t]?(?=[{_UP}])){{0,3}}{_NAME}(?:[ \t]{_NAME}){{0,2}}"),
    "street_address": (rf"(?<![\w£$€#.,/:-])\d{{1,4}}[A-Za-z]?(?:[-–]\d{{1,4}}[A-Za-z]?)?,?[ \t]+"
                       rf"(?:{_CAP}[ \t]+){{1,4}}"
                       rf"{_STREET}(?![\w'’-])"),
}
_COMPILED = {kind: re.compile(pattern) for kind, pattern in _PATTERNS.items()}
_ORDINAL = re.compile(r"1st|2nd|3rd|[04-9]th")
_TOKEN = re.compile(r"\S+")


def _tokens(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), _word(m.group())) for m in _TOKEN.finditer(text, start, end)]


def _honorific_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    tokens = _tokens(text, start, end)
    while len(tokens) > 2 and tokens[-1][2] in _GENERIC:
        tokens.pop()
    if all(w in _GENERIC for _, _, w in tokens[1:]):
        return None
    return start, tokens[-1][1]


def _matches(kind: str, regex: re.Pattern | None, text: str):
    """(start, end, match) of each raw match of one kind; the span is group "v" if it has one."""
    for start, end in school_names.spans(text) if kind == "school_name" else ():
        yield start, end, None
    for m in regex.finditer(text) if regex else ():
        yield (*(m.span("v") if "v" in regex.groupindex and m.group("v") else m.span()), m)


def _refine(kind: str, text: str, start: int, end: int, m) -> tuple[int, int] | None:
    """The span to report for a raw match, or None when the match is not an identifier."""
    value = text[start:end]
    if kind == "web_address":
        end = start + len(value.rstrip(".,;:!?)]}'\"’"))
    elif kind == "postcode":
        inward, outward = m.group("in"), value[:-3].strip()
        if m.group("area") and m.group("area").upper() not in _AREAS:
            return None
        if inward and _ORDINAL.fullmatch(inward) and not outward.islower():
            return None                       # "B3 3rd", not "b3 3rd"
    elif kind == "phone":
        digits = re.sub(r"\D", "", value)
        if value.startswith(("+", "00")):
            digits = digits[2:] if value.startswith("+") else digits[4:]
        digits = digits[1:] if digits.startswith("0") else digits
        if len(digits) not in (9, 10) or digits[0] not in "1235789":
            return None
    elif kind == "street_address":
        before = text[max(0, start - 20):start].split()
        if before and _word(before[-1]) in _NUMBER_CONTEXT:
            return None                       # "Year 6 ...", "Lesson 3 ..."
    elif kind == "honorific_name":
        return _honorific_span(text, start, end)
    return start, end


def _variant_pattern(variant: str, exact_case: bool) -> str:
    def literal(part: str) -> str:
        return re.sub(r"['’]", "['’]", re.escape(part))
    body = r"\s+".join(map(literal, variant.split()))
    if exact_case:
        return body
    if " " not in variant and variant[0].isalpha():   # one word: "Reading", never "reading"
        return f"{re.escape(variant[0].upper())}(?i:{literal(variant[1:])})"
    return f"(?i:{body})"


def _variants(entry: str) -> list[tuple[str, bool]]:
    """The forms of a known entry to look for: the entry (any case) and derived forms (as
    written), as the module docstring describes."""
    words = entry.split()
    found = [(" ".join(words), False)]
    plain = [_word(w) for w in words]
    if 2 <= len(words) <= 4 and all(re.fullmatch(_NAME, w) for w in words) \
            and not any(w in _GENERIC for w in plain) and len(words[-1]) >= 4:
        found.append((words[-1], True))
    stem = list(words) if _word(words[-1]) in _ORGANISATION else []
    while stem and (_word(stem[-1]) in _GENERIC or stem[-1].islower()):
        stem.pop()
    if 0 < len(stem) < len(words) and any(_word(w) not in _GENERIC for w in stem) \
            and len(" ".join(stem)) >= 4:
        found.append((" ".join(stem), True))
    return found


@lru_cache(maxsize=64)
def _known_regex(known: tuple[str, ...]) -> re.Pattern | None:
    variants: dict[tuple[str, bool], tuple[str, bool]] = {}      # one of each, ignoring case
    for entry in known:
        if len(entry.strip()) >= 2:
            for text, exact in _variants(entry):
                variants.setdefault((text if exact else text.casefold(), exact), (text, exact))
    if not variants:
        return None
    ordered = sorted(variants.values(), key=lambda v: len(v[0]), reverse=True)
    first = {c for text, _ in ordered for c in (text[0], text[0].upper(), text[0].lower())}
    alternatives = "|".join(_variant_pattern(text, exact) for text, exact in ordered)
    return re.compile(rf"(?<!\w)(?=[{re.escape(''.join(sorted(first)))}])"
                      rf"(?:{alternatives})(?:['’]s)?(?!\w)")


_DOMAIN_LIKE = re.compile(r"(?i:https?://)?[\w-]{1,63}(?:\.[\w-]{1,63}){0,5}\.[A-Za-z]{2,20}"
                          r"(?:[/?#]\S{0,300})?")
_ADDRESS_GAP = re.compile(r"[ \t,]*(?:[A-Z][\w'’.-]{0,30}[ \t,]+){0,4}")


@lru_cache(maxsize=64)
def _known_domains(known: tuple[str, ...]) -> frozenset[str]:
    """The known entries that are web addresses or domains, as bare hosts without "www."."""
    hosts = (normal_domain(entry) for entry in known
             if "@" not in entry and _DOMAIN_LIKE.fullmatch(entry.strip()))
    return frozenset(host.removeprefix("www.") for host in hosts)


def _public(kind: str, value: str, allowed: PublicBodies, school_hosts: frozenset[str]) -> bool:
    """Whether a raw finding is a national body's contact detail that ``allowed`` lists."""
    if kind in ("email", "web_address"):
        return allowed.allows_domain(value) and not under(value, school_hosts)
    if kind == "phone":
        return allowed.allows_phone(value)
    return kind == "postcode" and allowed.allows_postcode(value)


def _named_body(text: str, start: int, end: int, names: list[tuple[int, int]]) -> bool:
    """Whether text[start:end] is made of national bodies' names ("Oak National Academy")."""
    rest, position = [], start
    for a, b in names:
        if a < end and b > position:
            rest.append(text[position:max(position, a)])
            position = max(position, b)
    return position > start and only_filler(" ".join(rest) + " " + text[position:end])


def _without_public(text: str, raw: list[tuple[int, int, str]], allowed: PublicBodies,
                    known: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """``raw`` less national bodies' addresses, numbers and postcodes, and less a street
    address that stands just before a listed postcode (the same postal address)."""
    school_hosts = _known_domains(known)
    names = allowed.name_spans(text) if any(k == "school_name" for _, _, k in raw) else []
    public = {(s, e, k) for s, e, k in raw if _public(k, text[s:e], allowed, school_hosts)
              or k == "school_name" and names and _named_body(text, s, e, names)}
    postcodes = sorted(s for s, _, k in public if k == "postcode")

    def before_postcode(end: int) -> bool:
        return any(end <= s <= end + 160 and _ADDRESS_GAP.fullmatch(text, end, s)
                   for s in postcodes)

    return [(s, e, k) for s, e, k in raw if (s, e, k) not in public
            and not (k == "street_address" and before_postcode(e))]


def scan(text: str, known: Iterable[str] = (), *,
         allowed: PublicBodies | None = None) -> list[Finding]:
    """Everything in ``text`` that could identify a school, its staff or its pupils, in order.

    ``known`` holds names the caller knows to be identifying (the school, its cluster, towns,
    local authorities, staff, members and pupils, a trust's website). ``allowed`` lists the
    national bodies whose web and e-mail addresses, phone numbers and postcodes are not
    findings (``network.domain.public_bodies.BUILT_IN`` when None; pass ``PublicBodies()`` to allow
    none). A .sch.uk address, or one under a domain in ``known``, is always a finding.
    Findings never overlap."""
    if not text:
        return []
    raw: list[tuple[int, int, str]] = []
    known = (known,) if isinstance(known, str) else tuple(sorted(set(known)))
    regexes = [("known", _known_regex(known)), *_COMPILED.items(), ("school_name", None)]
    for kind, regex in regexes:
        for start, end, m in _matches(kind, regex, text):
            span = _refine(kind, text, start, end, m)
            if span and span[1] > span[0]:
                raw.append((span[0], span[1], kind))
    raw = _without_public(text, raw, BUILT_IN if allowed is None else allowed, known)
    merged: list[list] = []                   # [start, end, kind of the longest part, length]
    for start, end, kind in sorted(raw):
        rank = (end - start, -KINDS.index(kind))
        if merged and start < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], end)
            if rank > last[3]:
                last[2:] = [kind, rank]
        else:
            merged.append([start, end, kind, rank])
    return [Finding(start, end, kind, text[start:end]) for start, end, kind, _ in merged]


_GIVEN = "[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]{1,30}"
_FIRST_NAME = re.compile(rf"(?<![\w'’-]){_GIVEN}(?:-{_GIVEN})?(?=(?:['’]s)?(?![\w'’-]))")
_PLACE_AFTER = re.compile(rf"[ \t]+(?:{_STREET}|House|Buildings?|Centre|Hall|College|School|"
                          r"Academy|Primary|Infants|Juniors|Church|Trust)\b")
_AFTER_TITLE = re.compile(r"(?:\b(?:St|Saint|Mrs|Mr|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Fr)\.?"
                          r"|\b[A-Z]\.)[ \t]+\Z")


def first_names_in(text: str) -> list[Finding]:
    """Pupils' first names typed on their own ("Jayden (Pupil A) joined in"), in order: each
    capitalised word that is a first name in a maintained list and not an ordinary English word
    (so Grace, Will, Summer and Hope are left alone; network/domain/first_names.py says how). A name
    after a title or "St" is left to ``scan``, and so is one that names a street or building
    ("Weston House", "Rodney Street")."""
    names = first_names.pupil_names() if text else frozenset()
    found = []
    for m in _FIRST_NAME.finditer(text):
        if any(part in names for part in m.group().split("-")) and not _AFTER_TITLE.search(
                text, max(0, m.start() - 12), m.start()) and not _PLACE_AFTER.match(text, m.end()):
            found.append(Finding(m.start(), m.end(), "pupil_name", m.group()))
    return found


def redact(text: str, findings: Iterable[Finding]) -> str:
    """``text`` with each finding replaced by a placeholder naming its kind, e.g. "[postcode]".
    A finding that overlaps an earlier one is skipped."""
    out, position = [], 0
    for finding in sorted(findings, key=lambda f: (f.start, -f.end)):
        if finding.start >= position:
            out.append(text[position:finding.start])
            out.append(f"[{finding.kind}]")
            position = finding.end
    out.append(text[position:])
    return "".join(out)
