"""Characters no person types, refused in forms and in search alike."""

# Embeddings, overrides and isolates reorder what is shown: "Ali" + U+202E + "ecnanif" reads
# as "Alifinance". Marks (U+200E, U+200F) stay allowed: right-to-left writing needs them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def not_allowed(ch: str) -> bool:
    """Whether a character is one no person types: C0/C1 controls (but tab and newlines),
    DEL, and the direction controls that can disguise a name."""
    code = ord(ch)
    return (code < 32 and ch not in "\r\n\t") or 0x7F <= code <= 0x9F or ch in BIDI_CONTROLS
