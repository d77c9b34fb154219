"""The account's own pages walked in Chromium: a headteacher creates an API token (shown once),
uses it, revokes it; turns the emails about what they must act on off and on; and someone
stops them from the link in an email, without signing in. Every page is checked with axe."""

import re

from network.extensions import db
from network.services import action_mail
from tests.browser.conftest import (
    assert_accessible,
    check_page,
    fill_sign_in,
    playwright_or_skip,
    press,
    released,
    visit,
)
from tests.factories import PASSWORD

expect = playwright_or_skip().expect


def test_a_head_makes_uses_and_revokes_an_api_token(page, live_server, make_cluster, make_user):
    """The token is shown once, answers the API, and stops answering once revoked."""
    make_user(make_cluster(schools=1).schools[0], "headteacher", name="Tia Token",
              email="tia@example.org")
    db.session.commit()
    visit(page, "/login")
    fill_sign_in(page, "tia@example.org", PASSWORD)
    visit(page, "/account/password")
    page.get_by_role("link", name="API tokens").click()
    page.wait_for_url("**/account/tokens")
    check_page(page)

    press(page, "Create token")  # no name: explained, nothing made
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    page.get_by_label("Name").fill("Trust dashboard")
    press(page, "Create token")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your new API token")
    secret = page.get_by_label("Token").input_value()
    assert len(secret) > 30

    api = page.context.request
    answer = api.get(f"{live_server}/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 200, answer.status

    visit(page, "/account/tokens")
    row = page.get_by_role("row").filter(has_text="Trust dashboard")
    expect(row).to_contain_text("Read only")
    with page.expect_navigation():
        row.get_by_role("button", name=re.compile("Revoke")).click()
    check_page(page)
    expect(page.get_by_role("row").filter(has_text="Trust dashboard")).to_contain_text("Revoked")
    answer = api.get(f"{live_server}/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 401


def test_emails_about_what_to_act_on_are_turned_off_and_on(page, new_page, make_cluster,
                                                          make_user):
    """From the account page, and from an email's link without signing in."""
    head = make_user(make_cluster(schools=1).schools[0], "headteacher", name="Ezra Email",
                     email="ezra@example.org")
    link = released(f"/unsubscribe/{action_mail.unsubscribe_token(head)}")
    head_id = released(head.id)

    stranger = new_page()  # the link works for whoever holds it, signed in or not
    visit(stranger, link)
    press(stranger, "Stop these emails")
    expect(stranger.get_by_role("heading", level=1)).to_be_visible()
    broken = stranger.goto("/unsubscribe/not-a-real-token")  # a broken link: 400, said plainly
    assert broken.status == 400
    assert_accessible(stranger)
    db.session.expire_all()
    assert db.session.get(type(head), head_id).email_actions is False
    db.session.commit()

    visit(page, "/login")
    fill_sign_in(page, "ezra@example.org", PASSWORD)
    visit(page, "/account/password")
    page.get_by_role("link", name="Emails").click()
    page.wait_for_url("**/account/email")
    check_page(page)
    page.get_by_label("Yes, email me").check()
    press(page, "Save")
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(type(head), head_id).email_actions is True
