"""WTForms, one module per area, rendered with the GOV.UK widgets."""

from wtforms.validators import ValidationError


class NoNulls:
    """Refuse text with NUL or other control characters that no person types."""

    def __call__(self, form, field):
        value = field.data if isinstance(field.data, str) else ""
        if any(ord(ch) < 32 and ch not in "\r\n\t" for ch in value):
            raise ValidationError(f"{field.label.text} contains characters that are not allowed.")
