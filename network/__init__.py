"""The Improvement Network Flask application."""

from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from network import audit, database
from network.config import ROOT, from_environment
from network.extensions import csrf, db, limiter, login_manager, migrate
from network.services import changes
from network.web import errors, logs, once, security, templating


def create_app(overrides: dict | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, CLI and hooks."""
    app = Flask(
        __name__,
        instance_path=str((overrides or {}).get("INSTANCE_PATH") or ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.jinja_environment = templating.Environment  # before the environment is first made
    app.config.update(from_environment(Path(app.instance_path)))
    app.config.update(overrides or {})
    _check_public_url(app)
    logs.configure(app.config.get("LOG_FORMAT", "json"))

    app.jinja_loader = ChoiceLoader([
        app.jinja_loader,
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    logs.say_rate_limit_storage(app)
    _init_login(app)

    database.install(app)  # before any hook reads the database
    changes.install(app)  # before any hook reads where the change log stands
    logs.install(app)  # first to log, so every request has its id before other hooks log
    security.install(app)
    audit.install(app)
    once.install(app)
    errors.install(app)
    _register_blueprints(app)

    from network import indexing
    from network.ops import cli, jobs

    cli.install(app)
    jobs.install(app)
    templating.install(app)
    indexing.install(app)
    return app


DEVELOPMENT_URL = "http://127.0.0.1:5000"


def _check_public_url(app: Flask) -> None:
    """Links in mail come from PUBLIC_URL only: required outside development and testing;
    in production only its host (or TRUSTED_HOSTS, if set) is answered."""
    development = app.testing or app.debug or app.config.get("NETWORK_ENV") == "development"
    url = app.config.get("PUBLIC_URL")
    if not url:
        if not development:
            raise RuntimeError(
                "PUBLIC_URL is not set. Set it to the address people use for this site, such "
                "as https://network.example.org: links in emails are built from it, never "
                "from the request. (For development on one machine set NETWORK_ENV=development.)")
        url = app.config["PUBLIC_URL"] = DEVELOPMENT_URL
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise RuntimeError(f"PUBLIC_URL must be an address like https://network.example.org, "
                           f"not {url!r}.")
    app.config["PUBLIC_URL"] = url.rstrip("/")
    if app.config.get("TRUSTED_HOSTS") is None and not development:
        app.config["TRUSTED_HOSTS"] = [parts.hostname]


def _init_login(app: Flask) -> None:
    from network.services import accounts

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(accounts.load_session_user)


def _register_blueprints(app: Flask) -> None:
    from network.web.views import (
        admin,
        api,
        auth,
        brokering,
        case_studies,
        clusters,
        emails,
        evaluations,
        exports,
        help,
        inbox,
        lesson_studies,
        main,
        matching,
        oversight,
        overview,
        records,
        schools,
        search,
        tokens,
        toolkit,
        two_factor,
    )

    for module in (main, auth, clusters, schools, evaluations, toolkit, overview, records,
                   case_studies, lesson_studies, search, inbox, matching, brokering, admin, api,
                   tokens, two_factor, emails, oversight, help, exports):
        app.register_blueprint(module.bp)
    csrf.exempt(api.bp)
