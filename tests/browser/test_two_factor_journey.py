"""Two-factor sign-in walked in Chromium: a headteacher in their grace sets it up by reading
the secret behind the QR code, signs out, signs in with a code from the app, then with a
recovery code; a site admin resets it. Every page is checked with axe."""

import time

import pyotp

from tests.browser.conftest import (
    check_page,
    playwright_or_skip,
    press,
    released,
    visit,
)
from tests.factories import PASSWORD

expect = playwright_or_skip().expect


def _password_step(page, email: str) -> None:
    """Sign in with the password; the code page follows."""
    visit(page, "/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    press(page, "Sign in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")


def _sign_out(page) -> None:
    press(page, "Sign out")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_set_up_and_sign_in_with_a_code_and_a_recovery_code(page, new_page, make_cluster,
                                                            make_user):
    """Set up from the grace notice, then sign in with the app's code and a recovery code."""
    head = make_user(make_cluster(schools=1).schools[0], "headteacher", name="Hana Head",
                     email="hana@example.org")
    admin = make_user(site_admin=True, name="Ada Admin", email="ada@example.org")
    head_id = released(head.id)
    admin_email = released(admin.email)

    visit(page, "/login")
    page.get_by_label("Email address").fill("hana@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    press(page, "Sign in")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Set up two-factor sign-in within 14 days")

    # Set up: the QR code, and the secret behind it written out for people who type it
    page.get_by_role("link", name="Set up two-factor sign-in").first.click()
    page.wait_for_url("**/account/two-factor/set-up")
    check_page(page)
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    secret = page.locator("#secret").get_attribute("data-secret")
    assert page.locator("#secret").inner_text().replace(" ", "") == secret
    page.get_by_label("Code from your app").fill("000000" if pyotp.TOTP(secret).now() !=
                                                 "000000" else "111111")
    press(page, "Turn on two-factor sign-in")  # a wrong code: the error page is checked too
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    page.get_by_label("Code from your app").fill(pyotp.TOTP(secret).now())
    press(page, "Turn on two-factor sign-in")
    codes = [c.strip() for c in page.locator(".app-recovery-codes code").all_inner_texts()]
    assert len(codes) == 10

    visit(page, "/account/two-factor")
    expect(page.locator(".govuk-summary-list")).to_contain_text("On")
    visit(page, "/account/two-factor/recovery-codes")
    visit(page, "/account/two-factor/turn-off")
    expect(page.locator("main")).to_contain_text("cannot be turned off")
    _sign_out(page)

    # The password alone is not enough; a wrong code is refused, the app's code signs in
    _password_step(page, "hana@example.org")
    page.get_by_label("Security code").fill("000000" if pyotp.TOTP(secret).at(
        time.time() + 30) != "000000" else "111111")
    press(page, "Continue")
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    page.get_by_label("Security code").fill(pyotp.TOTP(secret).at(time.time() + 30))
    press(page, "Continue")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Hana Head")
    expect(page.locator(".govuk-notification-banner")).to_have_count(0)
    _sign_out(page)

    # A recovery code instead
    _password_step(page, "hana@example.org")
    page.get_by_label("Security code").fill(codes[3])
    press(page, "Continue")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Hana Head")

    # A site admin resets it: the headteacher is signed out
    admin_page = new_page()
    visit(admin_page, "/login")
    admin_page.get_by_label("Email address").fill(admin_email)
    admin_page.get_by_label("Password", exact=True).fill(PASSWORD)
    press(admin_page, "Sign in")
    visit(admin_page, f"/admin/users/{head_id}")
    press(admin_page, "Reset two-factor sign-in")
    expect(admin_page.locator(".govuk-notification-banner--success")).to_contain_text(
        "two-factor sign-in has been reset")
    page.goto("/account/two-factor")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
