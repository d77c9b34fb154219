"""Several app servers on one database each keep their own index copy current.

Each "server" here is a separate process with its own SEARCH_INDEX_DIR on the test database
(PostgreSQL in CI's second pass). One publishes; the other, which did not see the publication
happen, finds it, because every server replays the database's ordered change log.
"""

import json
import os
import subprocess
import sys
import textwrap

from tests.factories import case_body, data

SERVER = textwrap.dedent("""
    import json, sys
    from network import create_app
    from network.services import records, search
    from models import User
    from network.extensions import db
    from werkzeug.datastructures import MultiDict

    action, arg, author_id, head_id, reader_id = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
    app = create_app({"INSTANCE_PATH": sys.argv[6], "PUBLIC_URL": "http://localhost"})
    with app.app_context(), app.test_request_context():
        if action == "publish":
            author, head = db.session.get(User, author_id), db.session.get(User, head_id)
            record = records.create(author, "case_study", json.loads(arg))
            records.submit(author, record.id)
            records.publish(head, record.id, record.version, "network")
            print(json.dumps([]))
        else:
            reader = db.session.get(User, reader_id)
            hits = search.run(reader, search.parse(MultiDict({"q": arg}))).hits
            print(json.dumps(sorted(h.title for h in hits)))
""")


def _server(instance, database_url, *args):
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "x",
           "SEARCH_INDEX_DIR": str(instance / "search-index")}
    done = subprocess.run([sys.executable, "-c", SERVER, *map(str, args), str(instance)],  # noqa: S603
                          env=env, capture_output=True, text=True, check=True, timeout=120)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_two_servers_publish_and_both_search_correctly(app, config, tmp_path, make_cluster,
                                                      make_user, crowd):
    """A publication on server one is found on server two, and the other way round."""
    home = make_cluster(name="Server A Partnership")
    away = make_cluster(name="Server B Partnership")
    author = make_user(home.schools[0], "leading_teacher")
    head = make_user(home.schools[0], "headteacher")
    reader = make_user(away.schools[0], "member")
    url = config["SQLALCHEMY_DATABASE_URI"]
    one, two = tmp_path / "server-one", tmp_path / "server-two"
    one.mkdir()
    two.mkdir()
    people = (author.id, head.id, reader.id)

    tracking = json.dumps(data("Tracking that every class trusts", case_body()))
    assert _server(one, url, "publish", tracking, *people) == []
    assert _server(two, url, "search", "tracking", *people) == ["Tracking that every class trusts"]

    writing = json.dumps(data("Writing across every subject", case_body(
        what_needed_to_change="Writing was weak in every subject.")))
    assert _server(two, url, "publish", writing, *people) == []
    assert _server(one, url, "search", "writing", *people) == ["Writing across every subject"]
    # Both bodies mention tracking: server one now holds both publications.
    assert _server(one, url, "search", "tracking", *people) == [
        "Tracking that every class trusts", "Writing across every subject"]
