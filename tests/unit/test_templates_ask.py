"""Templates ask what a person may do (`can(action, obj)`); they never test a role."""

import inspect
import re
from pathlib import Path

from network.web import templating

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Flags that only ever answer "is this person a ...": never read in a template.
FLAGS = re.compile(r"\b(is_coordinator|is_lle|is_site_admin)\b")
# A school role may be shown ({{ person.school_role | label }}) but not tested: compared,
# tested for truth, or filtered on.
ROLE_TEST = re.compile(
    r"""\.(school_role|role)\s*(==|!=|\bin\b|\bis\b|\bnot\b)"""
    r"""|\b(if|elif|and|or|not)\s+[\w.]*\.(school_role|role)\b(?!\s*\|)"""
    r"""|attr\(\s*["'](school_role|role)["']""")
JINJA = re.compile(r"\{[{%](.*?)[%}]\}", re.DOTALL)


def _role_tests(source: str) -> list[str]:
    return [m.group(0) for m in JINJA.finditer(source)
            if FLAGS.search(m.group(1)) or ROLE_TEST.search(m.group(1))]


def test_no_template_tests_a_role():
    """Every template under templates/ asks can(...) instead of reading a role."""
    found = {str(path.relative_to(TEMPLATES)): _role_tests(path.read_text())
             for path in sorted(TEMPLATES.rglob("*.html"))}
    assert {path: tests for path, tests in found.items() if tests} == {}


def test_the_menu_asks_rather_than_tests_roles():
    """The header menu is built from can(...) answers, not from role flags."""
    source = inspect.getsource(templating._menu)
    assert not FLAGS.search(source) and "role" not in source


def test_the_check_finds_role_tests():
    """The check itself catches the shapes a role test takes."""
    for bad in ('{% if current_user.is_coordinator %}', '{{ "LLE" if p.is_lle }}',
                '{% if current_user.school_role == "headteacher" %}',
                '{% if user.role in ("lle", "coordinator") %}', '{% if user.school_role %}',
                '{{ people | selectattr("school_role", "eq", "member") | list }}'):
        assert _role_tests(bad), bad
    for fine in ('{{ person.school_role | label }}', '{{ form.school_role }}',
                 '{% if can("manage", cluster) %}',
                 '{{ i.role | label ~ " at " ~ i.school.name if i.school else "A new school" }}'):
        assert not _role_tests(fine), fine
