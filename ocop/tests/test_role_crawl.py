"""Every role follows every link it is shown (issue 18, item 7): no role sees a link it cannot open.

For each role of the demo world, under both regimes (``seed_demo`` and ``seed_demo --regime province``), a test
client logged in as that role starts at the home page and follows every same-site ``<a href>`` (GET only). The
crawl fails, listing (role, page, link, status), on any link that answers 403, 404 or 500, or that sends a
logged-in user to the login page. Every HTML page crawled is also read for markup the content policy blocks: an
inline ``style=`` or ``on…=`` attribute, a ``javascript:`` URL, an inline ``<script>`` with a body.

It stays bounded: a link is followed when its pattern (the URL's name and the query's keys; in Django's admin the
name alone) has been followed fewer than ``PER_PATTERN`` times, or when no page of the same kind has yet led to that
pattern (so every kind of page has each kind of its links checked once), within ``PAGE_BUDGET`` pages per role
(``ADMIN_BUDGET`` of them in Django's admin).
Downloads (PDF, spreadsheets, files) are fetched but not parsed; PDFs are drawn from their templates without
WeasyPrint, as in ``test_url_sweep.py``. The demo is seeded once per regime inside a transaction rolled back
at the end, and every request runs in its own savepoint, rolled back after it.
"""

import html.parser
import logging
import sys
from collections import Counter, deque
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import got_request_exception
from django.db import transaction
from django.test import Client, override_settings
from django.urls import Resolver404, resolve

pytestmark = pytest.mark.django_db

# role -> demo account (None: anonymous). Commune officials of both kinds of unit: a commune with the demo's
# dossiers and products (Thanh Lâm), and a township with none (Đồi Ngô).
ROLES = {
    "office": "phongnn",
    "secretariat": "thuky",
    "chair": "chutich",
    "member": "hoidong1",
    "finance": "taichinh",
    "commune": "xa-thanh-lam",
    "township": "xa-doi-ngo",
    "admin": "admin",
    "anonymous": None,
}
REGIMES = ["district", "province"]
PAGE_BUDGET = 500  # requests per role
ADMIN_BUDGET = 120  # of which in Django's admin (/quan-tri/), so that it cannot crowd out the application's pages
PER_PATTERN = 3  # distinct URLs followed per (URL name, query keys)
ADMIN_PREFIX = "/quan-tri/"
LOGIN_PATHS = ("/dang-nhap/", f"{ADMIN_PREFIX}login/")
SKIPPED_PREFIXES = ("/static/", "/i18n/", "/dang-xuat/", "/quan-tri/logout/")
PDF_RENDERERS = ("ocop.lib.pdf", "evaluations.printouts", "evaluations.rendering", "evaluations.views.certificates")
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}  # data, never run: the policy lets them be
URL_ATTRIBUTES = ("href", "src", "action", "formaction")
REDIRECTS = (301, 302, 303, 307, 308)


# Markup the policy blocks that another item of issue 18 fixes: (URL name, start of the markup) -> who fixes it.
# Delete the entry once that fix is merged.
def _render_template_only(template_name, context=None):
    from django.template.loader import render_to_string

    render_to_string(template_name, context or {})
    return b"%PDF-1.4\n% rendered by the crawl without WeasyPrint\n%%EOF\n"


def _give_files_their_bytes():
    """The demo records some documents and certificates without writing their bytes: a missing file would be a
    404 the crawl reports, though it says nothing about links. Give each recorded file a small PDF."""
    from django.core.files.base import ContentFile

    from evaluations.models import Certificate
    from products.models import Document
    from products.tests.factories import PDF_BYTES

    for model in (Document, Certificate):
        for obj in model.objects.exclude(file=""):
            storage = obj.file.storage
            if not storage.exists(obj.file.name):
                storage.save(obj.file.name, ContentFile(PDF_BYTES))


@pytest.fixture(scope="module", params=REGIMES)
def regime(request, django_db_setup, django_db_blocker):
    quiet = {name: logging.getLogger(name).level for name in ("django.request", "products.excel")}
    for name in quiet:
        logging.getLogger(name).setLevel(logging.ERROR)
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        for module in PDF_RENDERERS:
            patch.setattr(f"{module}.render_pdf", _render_template_only)
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with override_settings(DEBUG=True):
                call_command("seed_demo", regime=request.param, verbosity=0)
            _give_files_their_bytes()
            cache.clear()
            yield request.param
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            cache.clear()
            for name, level in quiet.items():
                logging.getLogger(name).setLevel(level)


# ------------------------------------------------------------------------------------------------- the page
class PageReader(html.parser.HTMLParser):
    """The links of a page and the markup the content policy would block."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []
        self.blocked = []
        self._script = None  # (attributes, body parts) of the open inline script

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            script_url = name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:")
            if name == "style" or name.startswith("on") or script_url:
                self.blocked.append(f'<{tag} {name}="{value}">')
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "script" and "src" not in attrs:
            self._script = (attrs, [])

    def handle_data(self, data):
        if self._script is not None:
            self._script[1].append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            attrs, parts = self._script
            self._script = None
            body = "".join(parts).strip()
            if body and (attrs.get("type") or "").lower() not in DATA_SCRIPT_TYPES:
                self.blocked.append(f"<script>{body[:80]}</script>")


def _pattern(url: str):
    """(URL name, query keys): links to the same view with the same kind of query count as one pattern."""
    parts = urlsplit(url)
    try:
        name = resolve(parts.path).view_name
    except Resolver404:
        name = parts.path
    if name.startswith("admin:"):
        return name, ()
    return name, tuple(sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)}))


def _same_site(base: str, href: str) -> str | None:
    """The link as a path with its query, or None when it leaves the site or is not a page to follow."""
    href = href.strip()
    if href.startswith(("mailto:", "tel:", "#")):
        return None
    url, _ = urldefrag(urljoin(base, href))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if path.startswith(SKIPPED_PREFIXES):
        return None
    return path


def _status(response, logged_in: bool):
    """What the crawl reports for an answer (None: fine)."""
    code = response.status_code
    if code in (403, 404) or code >= 500:
        return str(code)
    if code in REDIRECTS and logged_in and urlsplit(response["Location"]).path.startswith(LOGIN_PATHS):
        return "redirect to login"
    return None


class Crawl:
    def __init__(self, user):
        self.user = user
        self.client = Client(raise_request_exception=False)
        if user is not None:
            self.client.force_login(user)
        self.problems = []  # (page, link, status)
        self.blocked = []  # (page, markup)
        self.pages = 0
        self.links = 0
        self.errors = []

    def _record_error(self, sender, request=None, **kwargs):
        self.errors.append(f"{request.get_full_path() if request else ''}: {sys.exc_info()[1]!r}")

    def get(self, path):
        with transaction.atomic():
            response = self.client.get(path)
            content = b"".join(response.streaming_content) if response.streaming else response.content
            transaction.set_rollback(True)
        return response, content

    def run(self):
        got_request_exception.connect(self._record_error)
        try:
            self._run()
        finally:
            got_request_exception.disconnect(self._record_error)

    def _run(self):
        seen = {"/"}
        per_pattern = Counter()
        from_page_kind = set()  # (pattern of the page, pattern of the link) pairs already followed
        admin_pages = 0
        queue = deque([("(start)", "/")])
        while queue and self.pages < PAGE_BUDGET:
            page, path = queue.popleft()
            response, content = self.get(path)
            self.pages += 1
            status = _status(response, self.user is not None)
            if status:
                self.problems.append((page, path, status))
                continue
            found = []
            if response.status_code in REDIRECTS:
                found.append(response["Location"])
            elif response.get("Content-Type", "").startswith("text/html"):
                reader = PageReader()
                reader.feed(content.decode(response.charset or "utf-8"))
                reader.close()
                self.blocked += [(path, markup) for markup in reader.blocked]
                found = reader.links
            page_kind = _pattern(path)
            for href in found:
                link = _same_site(f"http://testserver{path}", href)
                if link is None:
                    continue
                self.links += 1
                if link in seen:
                    continue
                pattern = _pattern(link)
                if per_pattern[pattern] >= PER_PATTERN and (page_kind, pattern) in from_page_kind:
                    continue
                if link.startswith(ADMIN_PREFIX):
                    if admin_pages >= ADMIN_BUDGET:
                        continue
                    admin_pages += 1
                seen.add(link)
                per_pattern[pattern] += 1
                from_page_kind.add((page_kind, pattern))
                queue.append((path, link))


@pytest.mark.parametrize("role", list(ROLES))
def test_every_link_a_role_is_shown_opens(regime, role):
    username = ROLES[role]
    user = get_user_model().objects.get(username=username) if username else None
    crawl = Crawl(user)
    crawl.run()
    print(f"{regime} {role}: {crawl.pages} pages, {crawl.links} links")
    assert crawl.pages > 1
    report = [f"({role}, {page}, {link}, {status})" for page, link, status in crawl.problems]
    report += [f"({role}, {page}, content policy, {markup})" for page, markup in crawl.blocked]
    report += [f"({role}, server error, {error})" for error in crawl.errors]
    assert not report, f"{len(report)} problems under the {regime} regime:\n" + "\n".join(report)
