"""No template relies on what the Content-Security-Policy blocks (issue 18, item 5).

The policy (``script-src 'self'; style-src 'self'``, no ``unsafe-inline``) blocks inline ``style=`` attributes,
``<style>`` elements, ``<script>`` elements with a body, ``on…=`` event handler attributes and ``javascript:`` URLs:
a template using one is broken in the browser without an error anywhere (the budget page's year switch did nothing
for months). Every HTML template of the project is read: ``templates/`` and every app's or tool's ``templates``.

Not read: ``templates/pdf/`` (rendered only by WeasyPrint into PDF files, never served as a page, so no content
policy applies; WeasyPrint needs their ``<style>``), and the text templates of emails.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "var", "node_modules", ".git"}
PDF_ONLY = ROOT / "templates" / "pdf"

# A start tag: "<name …>" (a Django tag inside it, {% if %}…, is part of its text); then its attributes.
START_TAG = re.compile(r"<[a-zA-Z][\w:-]*(?:\s[^<>]*)?>")
IN_TAG = {
    "inline style attribute": re.compile(r"(?:\s|%\}|\}\})style\s*=", re.I),
    "on… event handler attribute": re.compile(r"(?:\s|%\}|\}\})on[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I),
}
ELEMENTS = {
    "<style> element": re.compile(r"<style[\s>]", re.I),
    "inline <script> with a body": re.compile(r"<script\b[^>]*>([^<]*)</script>", re.I),
}


def template_files():
    for folder in sorted(ROOT.rglob("templates")):
        if not folder.is_dir() or SKIPPED_DIRS & set(folder.relative_to(ROOT).parts):
            continue
        for path in sorted(folder.rglob("*.html")):
            if PDF_ONLY in path.parents:
                continue
            yield path


def problems(text: str) -> list[str]:
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)  # template comments
    text = re.sub(r"\{% comment %\}.*?\{% endcomment %\}", "", text, flags=re.S)
    found = []

    def note(name, position, excerpt):
        found.append(f"line {text.count(chr(10), 0, position) + 1}: {name}: {excerpt[:80]!r}")

    for tag in START_TAG.finditer(text):
        for name, pattern in IN_TAG.items():
            if pattern.search(tag.group(0)):
                note(name, tag.start(), tag.group(0))
    for name, pattern in ELEMENTS.items():
        for match in pattern.finditer(text):
            if name.startswith("inline <script>") and (
                re.search(r"\bsrc\s*=", match.group(0)[: match.start(1) - match.start()]) or not match.group(1).strip()
            ):
                continue
            note(name, match.start(), match.group(0))
    return found


def test_the_sweep_reads_every_template_folder():
    folders = {path.relative_to(ROOT).parts[0] for path in template_files()}
    assert {"templates", "bench"} <= folders
    assert len(list(template_files())) > 80


@pytest.mark.parametrize(
    "snippet",
    [
        '<col style="width: 9mm">',
        '<div class="x" {% if a %}style="color: red"{% endif %}>',
        "<style>body{color:red}</style>",
        "<script>alert(1)</script>",
        '<script nonce="{{ request.csp_nonce }}">\n  go();\n</script>',
        '<select name="year" onchange="this.form.submit()">',
        "<a href='javascript:history.back()'>",
        '<button type="button" ONCLICK="x()">',
    ],
)
def test_the_checker_finds_each_kind(snippet):
    assert problems(snippet), snippet


@pytest.mark.parametrize(
    "snippet",
    [
        "<script src=\"{% static 'js/budget.js' %}\" defer></script>",
        '<p data-style="x" class="only">on=1 style=2 in text</p>',
        '<a href="/ngan-sach/" data-onchange="submit">',
        "{# <style>a{}</style> is explained here #}",
    ],
)
def test_the_checker_leaves_what_the_policy_allows(snippet):
    assert problems(snippet) == []


def test_no_template_has_inline_script_style_or_handlers():
    found = {
        str(path.relative_to(ROOT)): issues
        for path in template_files()
        if (issues := problems(path.read_text("utf-8")))
    }
    assert found == {}


def test_the_server_error_page_takes_its_style_from_a_static_file():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "<style" not in html
    assert 'rel="stylesheet" href="/static/css/error.css"' in html
    assert (ROOT / "static" / "css" / "error.css").read_text("utf-8").count("max-width") == 1


@pytest.mark.parametrize(
    ("referer", "expected"),
    [
        ("http://testserver/chu-the/?q=HTX", "http://testserver/chu-the/?q=HTX"),  # the list the user came from
        ("https://evil.example/phishing", "/chu-the/"),  # another site: never a link to it, the view's own list
        ("http://testserver/chu-the/them/", "/chu-the/"),  # the form itself (shown again after an error)
        ("", "/chu-the/"),
    ],
)
def test_a_forms_cancel_link_goes_back_without_javascript(commune_official, client_for, referer, expected):
    from django.urls import reverse

    headers = {"HTTP_REFERER": referer} if referer else {}
    html = client_for(commune_official).get(reverse("products:producer_create"), **headers).content.decode()
    cancel = re.search(r'<a class="btn btn-link" href="([^"]*)">', html).group(1)
    assert cancel.replace("&amp;", "&") == expected
    assert reverse("products:producer_list") == "/chu-the/"
