"""Absolute links for email, built from PUBLIC_URL and never from the request's Host."""

from urllib.parse import urlsplit

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    """The address of a page as people reach it (PUBLIC_URL), for links sent by email."""
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/",
                                       url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)
