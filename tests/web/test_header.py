"""The header of every page: signed-in people can search the network from it; signed-out
visitors get no search box; the menu is GOV.UK service navigation with its Menu button."""

import re

import pytest


def _header(response) -> str:
    """The page's <header> element, as sent."""
    html = response.get_data(as_text=True)
    return html.split('<header class="app-header">', 1)[1].split("</header>", 1)[0]


def _search_form(header: str) -> str | None:
    """The header's search form, or None when there is none."""
    found = re.search(r'<form[^>]*role="search".*?</form>', header, re.S)
    return found.group(0) if found else None


@pytest.mark.parametrize("path", ["/", "/search", "/inbox", "/account/password",
                                  "/case-studies"])
def test_a_signed_in_person_finds_a_search_box_in_the_header(client, make_user, login, path):
    """A labelled box sending `q` to /search by GET, with a button, on every signed-in page."""
    login(make_user())
    response = client.get(path)
    assert response.status_code == 200
    form = _search_form(_header(response))
    assert form is not None
    assert 'action="/search"' in form and 'method="get"' in form
    assert re.search(r'<label[^>]*for="header-search"[^>]*>Search the network</label>', form)
    assert re.search(r'<input[^>]*id="header-search"[^>]*name="q"', form)
    assert re.search(r'<button type="submit"[^>]*>Search<span class="govuk-visually-hidden">'
                     r" the network</span></button>", form)


@pytest.mark.parametrize("path", ["/login", "/about", "/signup"])
def test_a_signed_out_visitor_gets_no_search_box(client, path):
    """Search reads members' work: a visitor is not offered it, though the menu is there."""
    response = client.get(path)
    assert response.status_code == 200
    header = _header(response)
    assert _search_form(header) is None and 'name="q"' not in header
    assert re.search(r">\s*Sign in\s*<", header) and "Sign out" not in header


def test_the_header_box_lands_on_the_results_for_the_query(client, make_user, login):
    """What was typed in the header arrives on /search, in the page's own box too."""
    login(make_user())
    response = client.get("/search", query_string={"q": "tracking"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(r'<input[^>]*id="q" name="q"[^>]*value="tracking"', html)


def test_the_menu_is_service_navigation_with_a_menu_button(client, make_user, login):
    """The menu folds behind a Menu button (hidden until the script runs), marks the current
    page, and keeps Sign out as a POST form inside the menu."""
    login(make_user())
    header = _header(client.get("/inbox"))
    assert 'data-module="govuk-service-navigation"' in header
    toggle = re.search(r'<button[^>]*govuk-service-navigation__toggle[^>]*>\s*Menu\s*</button>',
                       header)
    assert toggle and " hidden" in toggle.group(0)
    menu = header.split('<ul class="govuk-service-navigation__list"', 1)[1].split("</ul>", 1)[0]
    current = re.findall(r'<a[^>]*href="([^"]+)"\s*aria-current="page"', menu)
    assert current == ["/inbox"]
    sign_out = re.search(r'<form method="post" action="/logout".*?Sign out</button>', menu, re.S)
    assert sign_out and 'name="csrf_token"' in sign_out.group(0)
