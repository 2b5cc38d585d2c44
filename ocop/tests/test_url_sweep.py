"""Sweeps over the whole URLconf on the demo (issue 14, points 3 and 7).

1. The permission matrix: every named URL (the admin's aside, tested below) for every role answers as listed in
   ``ocop/tests/permission_matrix.py``. A URL missing from the table fails with the exact line to add.
2. The odd-input corpus: every page each role can open, every form on it (whatever URL it posts to) and every query
   parameter get a fixed corpus of odd values (NUL byte, ², very long text, letters for ids, unknown choices,
   over-long file names); no answer may be a server error.

The demo is seeded once for the module inside a transaction that is rolled back at the end; every request runs in
its own savepoint, rolled back after it, so each one sees the same untouched demo.
"""

import html.parser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.signals import got_request_exception
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ocop.tests import permission_matrix
from ocop.tests.world import OBJECT_KEYS, ROLES, World
from products.tests.factories import PDF_BYTES

LOGIN_PATHS = ("/dang-nhap/", "/quan-tri/login/")
# The marker makes pytest-django create the test database even when this module runs alone (it sets databases up
# only for the selected tests that ask for one); the world below keeps its own rolled-back transaction.
pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------------------------ the world
@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    import logging
    import time

    from django.core.cache import cache

    # 403/404 answers and refused files are expected by the thousand here; their log lines would drown the output.
    quiet = {name: logging.getLogger(name).level for name in ("django.request", "products.excel")}
    for name in quiet:
        logging.getLogger(name).setLevel(logging.ERROR)
    t = time.monotonic()
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        # Permissions and input are checked before a PDF is drawn: the sweep renders the template (its errors still
        # show) but not the PDF itself (WeasyPrint's timing is measured in bench/, its output in the printout tests).
        for module in (
            "ocop.lib.pdf",
            "evaluations.printouts",
            "evaluations.rendering",
            "evaluations.views.certificates",
        ):
            patch.setattr(f"{module}.render_pdf", _render_template_only)
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with override_settings(DEBUG=True):
                call_command("seed_demo", verbosity=0)
            cache.clear()
            print(f"demo seeded in {time.monotonic() - t:.1f}s")
            yield World()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            cache.clear()
            for name, level in quiet.items():
                logging.getLogger(name).setLevel(level)


PDF_RENDERERS = ("ocop.lib.pdf", "evaluations.printouts", "evaluations.rendering", "evaluations.views.certificates")


def _render_template_only(template_name, context=None):
    from django.template.loader import render_to_string

    render_to_string(template_name, context or {})
    return b"%PDF-1.4\n% rendered by the sweep without WeasyPrint\n%%EOF\n"


class Requester:
    """Logged-in clients per user; every request in a savepoint that is rolled back; server errors recorded."""

    def __init__(self):
        self.clients = {}
        self.errors = []
        got_request_exception.connect(self._record)

    def close(self):
        got_request_exception.disconnect(self._record)

    def _record(self, sender, request=None, **kwargs):
        import sys

        exc = sys.exc_info()[1]
        self.errors.append(
            f"{request.method if request else '?'} {request.get_full_path() if request else ''}: {exc!r}"
        )

    def client(self, user):
        key = user.pk if user else None
        client = self.clients.get(key)
        if client is None or (user and not client.cookies.get(settings.SESSION_COOKIE_NAME, None)):
            client = Client(raise_request_exception=False)
            if user:
                client.force_login(user)
            self.clients[key] = client
        return client

    def send(self, user, method, url, data=None, **extra):
        client = self.client(user)
        with transaction.atomic():
            response = _send(client, method, url, data, extra)
            transaction.set_rollback(True)
        if (user and not client.cookies.get(settings.SESSION_COOKIE_NAME)) or (
            user and client.cookies[settings.SESSION_COOKIE_NAME].value == ""
        ):
            self.clients.pop(user.pk, None)  # logged out by the request: log in again next time
        return response


def _send(client, method, url, data, extra):
    if method == "GET":
        return client.get(url, data or {}, **extra)
    return client.post(url, data or {}, **extra)


@pytest.fixture
def requester(world):
    """Fresh logins for each test: a test's requests (the matrix's POST to "logout", odd values sent to the account
    pages) may end the clients' sessions, and the next test must not depend on which test ran before it."""
    r = Requester()
    yield r
    r.close()


def status_of(response) -> str:
    if response.status_code in (301, 302):
        path = urlsplit(response["Location"]).path
        return "login" if path.startswith(LOGIN_PATHS) else "302"
    return str(response.status_code)


# -------------------------------------------------------------------------------------------- the URLconf
def named_urls():
    """(full name, pattern) of every named URL outside the admin."""

    def walk(patterns, namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                if ns == "admin":
                    continue
                yield from walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                yield f"{namespace}:{p.name}" if namespace else p.name

    return sorted(set(walk(get_resolver().url_patterns)))


def observe(world, requester, name, key, method):
    target = world.targets[key]
    url = reverse(name, kwargs=target.kwargs)
    return {role: status_of(requester.send(world.user_for(role, target), method, url)) for role in ROLES}


def line_for(name, key, method, observed):
    cells = " ".join(f"{observed[role]:<{permission_matrix.WIDTH}}" for role in ROLES)
    return f"{name:<38}{key:<18}{method:<5}{cells}".rstrip()


# --------------------------------------------------------------------------------------- the permission matrix
def test_every_url_answers_every_role_as_the_matrix_says(world, requester):
    expected = permission_matrix.parse()
    listed_names = {name for name, _method in expected}
    problems = []

    for name in named_urls():
        if name in permission_matrix.NOT_SWEPT:
            continue
        if name not in listed_names:
            keys = [k for k in OBJECT_KEYS if _reversible(name, world.targets[k].kwargs)]
            if keys:
                observed = observe(world, requester, name, keys[0], "GET")
                problems.append(
                    f"{name} is not in ocop/tests/permission_matrix.py. "
                    "Check each answer is what you intend, then add:\n"
                    f"    {line_for(name, keys[0], 'GET', observed)}\n"
                    "  (add a POST line too when the view changes state; pick another object key if "
                    f"{keys[0]!r} is not the right kind of object: {', '.join(keys)})"
                )
            else:
                problems.append(
                    f"{name} is not in ocop/tests/permission_matrix.py and no object key in ocop/tests/world.py "
                    f"fits its URL arguments: add one to world.OBJECTS, then a line for {name}."
                )

    for (name, method), (key, statuses) in expected.items():
        if name not in named_urls():
            problems.append(f"{name} is in permission_matrix.py but no longer in the URLconf: remove its line.")
            continue
        observed = observe(world, requester, name, key, method)
        if observed != statuses:
            wrong = ", ".join(
                f"{r}: expected {statuses[r]}, got {observed[r]}" for r in ROLES if statuses[r] != observed[r]
            )
            problems.append(f"{name} {method} ({key}): {wrong}\n    now: {line_for(name, key, method, observed)}")
        # Whatever the table says: another commune's official never opens a commune's object unless it is public.
        target = world.targets[key]
        if target.commune and method == "GET" and statuses["other"] == "200" and statuses["anon"] != "200":
            problems.append(f"{name}: the table lets another commune's official open this object (must be 404).")
    assert not requester.errors, "Server errors:\n" + "\n".join(requester.errors)
    assert not problems, "\n".join(problems)


def _reversible(name, kwargs):
    try:
        reverse(name, kwargs=kwargs)
        return True
    except Exception:
        return False


def test_admin_pages_are_for_superusers_only(world, requester):
    """The admin's own URLs: every list page refuses every role but the system administrator (a superuser)."""
    from django.contrib import admin

    urls = [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") for model in admin.site._registry
    ]
    assert len(urls) >= 8
    target = world.targets["-"]
    for url in [*urls, reverse("admin:index")]:
        for role in ROLES:
            user = world.user_for(role, target)
            status = status_of(requester.send(user, "GET", url))
            if role == "admin":
                assert status == "200", url
            else:
                assert status == "login", (url, role, status)


# --------------------------------------------------------------------------------------------- odd input
CORPUS = [
    "\x00",  # NUL: PostgreSQL refuses it in text
    "²",  # '²'.isdigit() is True, int('²') fails
    "abc",  # letters where an id is expected
    "-1",
    "9" * 40,  # an id beyond bigint
    "x" * 5000,  # very long text
    "zz-unknown-choice",
    "1e999",
    "31/02/2024",
    "../../etc/passwd",
]
# Per-field odd values (the other fields keep the page's own values, so a view parsing one field is reached).
FIELD_CORPUS = ["²", "abc"]
# Query parameters get the shorter list: the filters are forms, and NUL or length is refused before any view.
GET_CORPUS = ["\x00", "²", "abc", "x" * 5000, "zz-unknown-choice"]
ODD_FILE_NAMES = ["a" * 40 + "." + "b" * 300, "c" * 400 + ".pdf", "x.pdf\x00.html"]
# Forms never fuzzed: they end the session or only set a cookie.
SKIP_ACTIONS = ("/dang-xuat/", "/i18n/")
# Pages opened by each role in the corpus (roles whose GET answers 200), most telling first.
ROLE_PRIORITY = ["own", "district", "member", "chair", "secretariat", "admin", "finance", "anon"]
ROLES_PER_PAGE = 2
# Extra pages whose forms matter: an open round's council, a submitted dossier's decisions, a round being scored.
EXTRA_PAGES = [
    ("evaluations:council", "open_round"),
    ("evaluations:round_detail", "open_round"),
    ("products:dossier_detail", "submitted_dossier"),
    ("evaluations:round_detail", "scoring_round"),
    ("evaluations:result", "result"),
]


class FormParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms = []
        self.current = None
        self.select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.current = {"method": (a.get("method") or "get").upper(), "action": a.get("action") or "", "fields": {}}
            self.current["files"] = []
            self.forms.append(self.current)
        elif self.current is None or not a.get("name"):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind == "file":
                self.current["files"].append(a["name"])
            elif kind in ("checkbox", "radio"):
                if "checked" in a or a["name"] not in self.current["fields"]:
                    self.current["fields"][a["name"]] = a.get("value") or "on"
            elif kind not in ("submit", "button", "image", "reset"):
                self.current["fields"][a["name"]] = a.get("value") or ""
        elif tag in ("textarea",):
            self.current["fields"][a["name"]] = ""
        elif tag == "select":
            self.select = a["name"]
            self.current["fields"][a["name"]] = ""
        elif tag == "option" and self.select:
            pass
        elif tag == "button" and a.get("value") is not None:
            self.current["fields"].setdefault(a["name"], a["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def _pages(world):
    expected = permission_matrix.parse()
    for (name, method), (key, statuses) in sorted(expected.items()):
        if method != "GET" or name in permission_matrix.NOT_SWEPT:
            continue
        roles = [r for r in ROLE_PRIORITY if statuses[r] == "200"][:ROLES_PER_PAGE]
        if roles:
            yield name, key, roles
    for name, key in EXTRA_PAGES:
        yield name, key, [r for r in ROLE_PRIORITY if r != "anon"][:ROLES_PER_PAGE]


def test_odd_input_never_causes_a_server_error(world, requester):
    sent = 0
    seen_forms = set()
    for name, key, roles in _pages(world):
        target = world.targets[key]
        url = reverse(name, kwargs=target.kwargs)
        for role in roles:
            user = world.user_for(role, target)
            page = requester.send(user, "GET", url)
            if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
                continue
            parser = FormParser()
            parser.feed(page.content.decode(errors="replace"))
            # Query parameters: the page's GET forms plus the usual list parameters, all set to each odd value.
            params = {"q", "page"}
            for form in parser.forms:
                if form["method"] == "GET" and form["action"] in ("", url):
                    params |= set(form["fields"])
            for value in GET_CORPUS:
                requester.send(user, "GET", url + "?" + urlencode(dict.fromkeys(sorted(params), value)))
                sent += 1
            # Every POST form on the page, wherever it posts to (once per action and field set).
            for form in parser.forms:
                action = urljoin(url, form["action"]) if form["action"] else url
                if form["method"] != "POST" or action.startswith(SKIP_ACTIONS):
                    continue
                signature = (action, tuple(sorted(form["fields"])), tuple(form["files"]))
                if signature in seen_forms:
                    continue
                seen_forms.add(signature)
                names = [n for n in form["fields"] if n != "csrfmiddlewaretoken"]
                for i, value in enumerate(CORPUS):
                    data = dict.fromkeys(names, value)
                    for field in form["files"]:
                        odd_name = ODD_FILE_NAMES[i % len(ODD_FILE_NAMES)]
                        data[field] = SimpleUploadedFile(odd_name, PDF_BYTES, content_type="application/pdf")
                    requester.send(user, "POST", action, data)
                    sent += 1
                for field in names:
                    for value in FIELD_CORPUS:
                        data = {n: v for n, v in form["fields"].items() if n != "csrfmiddlewaretoken"}
                        data[field] = value
                        requester.send(user, "POST", action, data)
                        sent += 1
    print(f"odd-input sweep: {sent} requests")
    assert sent > 500  # the sweep really ran
    assert not requester.errors, f"{len(requester.errors)} server errors:\n" + "\n".join(requester.errors[:40])
