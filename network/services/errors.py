"""What a unit of work raises when it cannot do what was asked; the web turns each into a page
or JSON (network/web/errors.py), a CLI command or a job into a message."""


class NotFound(Exception):
    """There is no such thing, or the person may not know it exists (answered as 404)."""

    code = 404


class Forbidden(Exception):
    """The person may see the thing but not do this to it (answered as 403)."""

    code = 403


class Invalid(ValueError):
    """Something the person must correct; `field` names the form field at fault, if any."""

    code = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class Conflict(Exception):
    """Someone else saved first; carries what they saved so both versions can be shown."""

    code = 409

    def __init__(self, theirs: dict, version: int):
        super().__init__("changed by someone else")
        self.theirs, self.version = theirs, version
