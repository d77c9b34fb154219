"""WTForms, one module per area, rendered with the GOV.UK widgets."""

from wtforms.validators import Regexp, ValidationError

from network.domain.characters import not_allowed

VERSION = Regexp(r"^\d{1,9}$", message="Reload the page and try again")


class NoNulls:
    """Refuse text with NUL, other control characters or direction overrides."""

    def __call__(self, form, field):
        value = field.data if isinstance(field.data, str) else ""
        if any(not_allowed(ch) for ch in value):
            raise ValidationError(f"{field.label.text} contains characters that are not allowed.")
