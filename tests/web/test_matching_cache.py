"""Partner matching keeps the platform's candidates per process: every committed change that
matching reads shows on the very next match page, whoever made it."""

from datetime import date

import pytest
from markupsafe import escape

from models import OfferOptIn, SchoolBarrier, SchoolProfile, User
from network.domain import terms
from network.extensions import db

STRONG_AD = ("Strong in CE2.A Tracking steers improvement and CE2.D Each child tracked "
             "to their year-end goal")  # CE2.A and CE2.D, named


@pytest.fixture
def planted(network):  # noqa: F811
    """The planted network of tests/test_matching.py."""
    return network


def _page(browser, school) -> str:
    response = browser.get(f"/schools/{school.id}/partners")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _about(page: str, name: str) -> str | None:
    """The reasons the page gives for one school, or None when it is not listed."""
    name = str(escape(name))
    return page.split(name, 1)[1].split("</ul>", 1)[0] if name in page else None


def test_a_new_final_evaluation_with_opt_ins_shows_in_the_next_match(planted, login,
                                                                     make_evaluation):
    browser = login(planted.head)
    assert "Strong in" not in (_about(_page(browser, planted.seeker), planted.elsewhere.name)
                               or "")
    year, term = terms.current_term()
    make_evaluation(planted.elsewhere, ratings={"CE2.A": 1, "CE2.D": 1}, status="final",
                    year=year + 1, term=term)
    db.session.add_all([OfferOptIn(school_id=planted.elsewhere.id, standard_id=s)
                        for s in ("CE2.A", "CE2.D")])
    db.session.commit()
    assert STRONG_AD in _about(_page(browser, planted.seeker),
                                                 planted.elsewhere.name)


def test_a_withdrawn_opt_in_no_longer_counts(planted, login):
    browser = login(planted.head)
    assert STRONG_AD in _about(_page(browser, planted.seeker),
                                                 planted.right.name)
    db.session.delete(db.session.get(OfferOptIn, (planted.right.id, "CE2.D")))
    db.session.commit()
    reasons = _about(_page(browser, planted.seeker), planted.right.name)
    assert "Strong in CE2.A Tracking steers improvement," in reasons and "CE2.D" not in reasons


def test_a_profile_taken_back_to_its_cluster_leaves_other_clusters_matches(planted, login):
    browser = login(planted.head)
    assert _about(_page(browser, planted.seeker), planted.right.name)
    db.session.get(SchoolProfile, planted.right.id).visibility = "cluster"
    db.session.commit()
    assert _about(_page(browser, planted.seeker), planted.right.name) is None
    db.session.get(SchoolProfile, planted.right.id).visibility = "network"
    db.session.commit()
    assert _about(_page(browser, planted.seeker), planted.right.name)


def test_reopening_a_school_and_a_new_headteacher_name_change_the_next_match(planted, login):
    browser = login(planted.head)
    page = _page(browser, planted.seeker)
    assert f"{escape(planted.closed.name)}: not open to partnering" in page
    assert f"{escape(planted.same_head.name)}: conflict of interest" in page
    profile = db.session.get(SchoolProfile, planted.closed.id)
    profile.open_to_partnering, profile.capacity = True, 2
    db.session.get(User, planted.twin_head.id).name = "Sam Other"
    db.session.commit()
    page = _page(browser, planted.seeker)
    assert "Left out, in your cluster" not in page
    assert STRONG_AD in _about(page, planted.closed.name)
    assert STRONG_AD in _about(page, planted.same_head.name)


def test_a_barrier_overcome_elsewhere_counts_at_once(planted, login):
    browser = login(planted.head)
    assert "mathematics" not in (_about(_page(browser, planted.seeker),
                                        planted.elsewhere.name) or "")
    db.session.add_all([
        SchoolBarrier(school_id=planted.elsewhere.id, barrier_slug="low-maths",
                      since=date(2021, 9, 1), overcome_on=date(2024, 7, 1)),
        SchoolBarrier(school_id=planted.seeker.id, barrier_slug="low-maths",
                      since=date(2022, 9, 1))])
    db.session.commit()
    assert ("Overcame low attainment in mathematics (recorded as faced from September 2021 "
            "to July 2024)") in _about(_page(browser, planted.seeker), planted.elsewhere.name)


def test_the_server_builds_the_pool_before_its_workers_fork(planted, login, app, monkeypatch):
    import runpy
    from types import SimpleNamespace

    from network.config import ROOT
    from network.services import pool

    browser = login(planted.head)
    pool._CACHE.clear()
    hooks = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    hooks["when_ready"](SimpleNamespace(app=SimpleNamespace(wsgi=lambda: app)))
    assert pool._CACHE.get(db.engine) is not None

    def rebuild(*_):
        raise AssertionError("the first match page rebuilt the pool")

    monkeypatch.setattr(pool, "_build", rebuild)
    assert STRONG_AD in _about(_page(browser, planted.seeker),
                                                 planted.right.name)
