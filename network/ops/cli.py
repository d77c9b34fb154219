"""Command-line operations: flask --app wsgi <command>."""

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask_migrate import upgrade
from sqlalchemy import func, select

from models import Cluster, RegisterSchool, User
from network import demo
from network.extensions import db
from network.ops import register_import
from network.services import accounts
from network.services.errors import Invalid


def install(app: Flask) -> None:
    """Add the project's commands to `flask`."""
    for command in (init_db, import_register, seed_demo, create_user, create_token, revoke_token,
                    backup, restore, reindex, check_index, send_notifications):
        app.cli.add_command(command)


def _count_lines(path: Path) -> int:
    with register_import.open_text(path) as text:
        return max(sum(1 for _ in text) - 1, 0)


def load_register(path: Path) -> dict:
    """Import a register file with a progress bar; returns the counts."""
    with click.progressbar(length=_count_lines(path), label=f"Importing {path.name}",
                           file=sys.stderr) as bar:
        return register_import.import_register(path, progress=bar.update)


@click.command("init-db")
def init_db():
    """Create or upgrade the database, and load the bundled register if it is empty."""
    upgrade(directory=current_app.extensions["migrate"].directory)
    if not db.session.scalar(select(func.count()).select_from(RegisterSchool)):
        counts = load_register(register_import.BUNDLED)
        click.echo(f"Loaded {counts['added']} schools from the national register.")
    click.echo("Database ready.")


@click.command("import-register")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_register(file: Path):
    """Add or update schools, by URN, from a register CSV (bundled or edubasealldata format)."""
    try:
        counts = load_register(file)
    except register_import.RegisterFormatError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Added {counts['added']} and updated {counts['updated']} schools.")


@click.command("seed-demo")
@click.option("--schools", default=40, show_default=True, type=click.IntRange(4, 30000))
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--password", default="improve-together", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the network as JSON.")
@click.option("--if-empty", is_flag=True, help="Do nothing (and say so) if clusters exist.")
def seed_demo(schools: int, seed: int, password: str, as_json: bool, if_empty: bool):
    """Build a deterministic demo network from the register and print how to sign in."""
    if if_empty and db.session.scalar(select(func.count()).select_from(Cluster)):
        click.echo("Demo network already present (sign in as head.<URN>@demo.example.org, "
                   f"password {password!r}).")
        return
    if not db.session.scalar(select(func.count()).select_from(RegisterSchool)):
        load_register(register_import.BUNDLED)
    try:
        summary = demo.build(schools, seed, password, hooks=demo_hooks())
    except demo.DemoError as error:
        raise click.ClickException(str(error)) from error
    from network.services import contexts

    contexts.refresh()  # every published context as the whole demo network makes it
    db.session.commit()
    from network import indexing

    indexing.catch_up()  # the demo's records are searchable from the first page
    if as_json:
        click.echo(json.dumps(summary, indent=2))
        return
    first = summary["clusters"][0]
    click.echo(f"Demo network: {len(summary['clusters'])} clusters, "
               f"{sum(len(c['schools']) for c in summary['clusters'])} schools.")
    click.echo(f"Sign in at /login with password {password!r} as, for example:")
    shown = set()
    for person in first["users"]:
        if person["role"] not in shown:
            shown.add(person["role"])
            click.echo(f"  {person['role']:<16} {person['email']}")
    followers = next((c["overseers"] for c in summary["clusters"] if c.get("overseers")), [])
    for person in followers:  # a governor and an adviser following a partnership
        click.echo(f"  {person['role']:<16} {person['email']}")
    click.echo(f"  {'site_admin':<16} {summary['site_admins'][0]['email']}")
    writer = _draft_case_study_author()
    if writer:  # someone with a case study half written, to see the steps
        click.echo(f"  {'case study draft':<16} {writer}")


def _draft_case_study_author() -> str | None:
    """The email of the author of the demo's longest draft case study (the worked example)."""
    from models import Record, User

    drafts = db.session.execute(select(Record.body, User.email).join(
        User, User.id == Record.author_id).where(
        Record.kind == "case_study", Record.status == "draft").order_by(Record.id)).all()
    return max(drafts, key=lambda row: len(json.dumps(row.body)))[1] if drafts else None


def demo_hooks():
    """What later features add to every demo cluster, in order: profiles and evaluations,
    then case studies and lesson studies, then brokering."""
    from network.demo import brokering as demo_brokering
    from network.demo import records as demo_records
    from network.demo import toolkit as demo_toolkit

    return (demo_toolkit.add_school_records, demo_records.add_cluster_records,
            demo_brokering.add_cluster_brokering)


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--site-admin", is_flag=True, help="Designate the person a site admin.")
@click.option("--lle", is_flag=True, help="Designate the person a Local Leader of Education.")
def create_user(email: str, name: str, password: str, site_admin: bool, lle: bool):
    """Create an account (optionally a site admin or LLE)."""
    if len(password) < 10:
        raise click.ClickException("The password must be at least 10 characters.")
    try:
        user = accounts.sign_up(name, email, password, is_site_admin=site_admin, is_lle=lle)
    except Invalid as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {user.email}.")


@click.command("create-token")
@click.argument("email")
@click.option("--name", default="Command line", show_default=True, help="What the token is for.")
@click.option("--days", default=90, show_default=True, type=click.IntRange(1, 365),
              help="How long it lasts.")
@click.option("--write", is_flag=True, help="Allow changes through the API (read-only without).")
def create_token(email: str, name: str, days: int, write: bool):
    """Print a new API bearer token for EMAIL (shown once; only its hash is kept)."""
    from network.services import tokens

    user = db.session.scalar(select(User).where(User.email == accounts.normalise_email(email)))
    if user is None:
        raise click.ClickException(f"No account has the email {email}.")
    try:
        _token, secret = tokens.create(None, name, days, "write" if write else "read", owner=user)
    except Invalid as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"API token for {user.email}: {secret}")


@click.command("revoke-token")
@click.option("--id", "token_id", type=int, help="The token's number (see /admin/tokens).")
@click.option("--email", help="Revoke every token of the person with this email.")
def revoke_token(token_id: int | None, email: str | None):
    """Revoke one API token by its id, or all of a person's tokens by their email."""
    from network.services import tokens
    from network.services.errors import NotFound

    if (token_id is None) == (email is None):
        raise click.UsageError("Give either --id or --email.")
    try:
        revoked = tokens.revoke_by_cli(token_id=token_id, email=email)
    except NotFound as error:
        raise click.ClickException(f"No token {token_id}." if token_id is not None
                                   else f"No account has the email {email}.") from error
    click.echo(f"Revoked {len(revoked)} token(s).")


@click.command("backup")
@click.argument("dest", type=click.Path(dir_okay=False, path_type=Path))
def backup(dest: Path):
    """Write a consistent copy of the database to DEST (SQLite: VACUUM INTO; PostgreSQL:
    pg_dump --format=custom)."""
    from network.ops import backups

    try:
        backups.backup(dest)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up the database to {dest}.")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.confirmation_option(prompt="This replaces everything in the database. Continue?")
def restore(source: Path):
    """Replace the database with the backup SOURCE (checked first); then run `reindex`."""
    from network.ops import backups

    try:
        kept = backups.restore(source)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored the database from {source}.")
    if kept:
        click.echo(f"The database it replaced is kept at {kept}.")
    click.echo("Now rebuild the search index: flask --app wsgi reindex")


@click.command("reindex")
def reindex():
    """Rebuild the search index from the database into a new directory and swap it in."""
    from network import indexing

    total = len(indexing.all_keys())
    with click.progressbar(length=total, label="Indexing", file=sys.stderr) as bar:
        indexing.rebuild(progress=bar.update)
    click.echo(f"Indexed {total} records and schools ({indexing.engine().count()} documents).")


@click.command("check-index")
@click.option("--repair", is_flag=True, help="Add what is missing and remove what is extra.")
def check_index(repair: bool):
    """Report documents missing from the search index or in it wrongly; --repair fixes them."""
    from network import indexing

    indexing.catch_up()
    missing, extra = indexing.differences()
    click.echo(f"{len(missing)} missing, {len(extra)} extra.")
    for doc_id in sorted(missing)[:20]:
        click.echo(f"  missing {doc_id}")
    for doc_id in sorted(extra)[:20]:
        click.echo(f"  extra   {doc_id}")
    if repair and (missing or extra):
        added, removed = indexing.repair()
        click.echo(f"Repaired: added {added}, removed {removed}.")
    elif missing or extra:
        raise SystemExit(1)


@click.command("send-notifications")
def send_notifications():
    """Notices for milestones falling due, then the email digests people asked for, as a job
    (the consumer also runs it every morning); links come from PUBLIC_URL."""
    from network.ops import jobs

    if jobs.queue.immediate:
        reminded, sent = jobs.send_notifications.call_local()
        click.echo(f"{reminded} milestones reminded, {sent} digests sent.")
        return
    jobs.send_notifications()
    click.echo("Queued: the job consumer (flask --app wsgi jobs) reminds and sends them.")
