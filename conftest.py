"""Shared test personas, the Playwright set-up (Debian's Chromium) and the test clock switch."""

import datetime
import os

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from ocop import domain
from ocop.enums import Role
from ocop.tests.factories import AuthorityFactory, CommuneFactory, UserFactory

# Playwright runs an event loop in the test thread; Django's ORM calls from it are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOT_DIR = os.path.join(os.path.dirname(__file__), "var", "screenshots")


# ---------------------------------------------------------------------------
# The clock: `OCOP_TEST_NOW=2026-12-31T23:30+07:00 pytest …` (or `--ocop-now=…`) starts the session and every test
# at that instant (the clock then runs on), so tests that quietly depend on the date or the hour show it. Tests that
# pin their own time with time_machine still do (travels nest); tests marked `worker` keep the real clock.
# ---------------------------------------------------------------------------
def pytest_addoption(parser):
    parser.addoption(
        "--ocop-now",
        default=os.environ.get("OCOP_TEST_NOW", ""),
        help="start every test at this ISO 8601 instant with its UTC offset (env OCOP_TEST_NOW), "
        "e.g. 2026-12-31T23:30+07:00",
    )


def _test_now(config):
    value = config.getoption("--ocop-now")
    if not value:
        return None
    instant = datetime.datetime.fromisoformat(value)
    if instant.tzinfo is None:
        raise pytest.UsageError(f"--ocop-now/OCOP_TEST_NOW needs a UTC offset, e.g. {value}+07:00")
    return instant


def pytest_configure(config):
    instant = _test_now(config)
    if instant is not None:
        # Session-wide too, so session- and module-scoped fixtures (the seeded demo) are built at that instant.
        config._ocop_clock = time_machine.travel(instant, tick=True)
        config._ocop_clock.start()


def pytest_unconfigure(config):
    clock = getattr(config, "_ocop_clock", None)
    if clock is not None:
        clock.stop()


def pytest_report_header(config):
    instant = _test_now(config)
    return f"ocop: every test starts at {instant.isoformat()}" if instant else None


@pytest.fixture(autouse=True)
def test_clock(request):
    """Each test starts at --ocop-now / OCOP_TEST_NOW when given; otherwise the real clock.

    Tests marked ``worker`` keep the real clock: their Celery worker is another process, which time_machine cannot
    move, and the two must agree on what is due.
    """
    instant = _test_now(request.config)
    if instant is None:
        yield
        return
    if request.node.get_closest_marker("worker"):
        session_clock = request.config._ocop_clock
        session_clock.stop()
        try:
            yield
        finally:
            session_clock.start()
        return
    with time_machine.travel(instant, tick=True):
        yield


@pytest.fixture(autouse=True)
def no_language_left_active():
    """Every test starts and ends with no language active in its thread (LANGUAGE_CODE, Vietnamese, applies).

    Test-client requests and ``translation.activate`` run in the test's own thread; a language left active there
    would make later tests compare Vietnamese pages with English labels. The application restores the language
    itself (ocop.middleware, ocop.notify; see test_i18n and test_notifications); this keeps tests independent.
    """
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def authority(db):
    return AuthorityFactory()


@pytest.fixture
def commune(authority):
    return CommuneFactory(authority=authority, name="Thanh Lâm", slug="thanh-lam")


@pytest.fixture
def other_commune(authority):
    return CommuneFactory(authority=authority, name="Yên Sơn", slug="yen-son")


@pytest.fixture
def make_user(db):
    def make(*roles, commune=None, **kwargs):
        user = UserFactory(**kwargs)
        domain.set_user_roles(user, roles, commune=commune, by=None)
        return user

    return make


@pytest.fixture
def district_officer(make_user):
    return make_user(Role.DISTRICT_OFFICE, username="phong")


@pytest.fixture
def secretary(make_user):
    return make_user(Role.SECRETARIAT, username="thuky")


@pytest.fixture
def chair(make_user):
    return make_user(Role.COUNCIL_CHAIR, username="chair")


@pytest.fixture
def council_member(make_user):
    return make_user(Role.COUNCIL_MEMBER, username="member")


@pytest.fixture
def commune_official(make_user, commune):
    return make_user(Role.COMMUNE_OFFICIAL, commune=commune, username="xa-thanh-lam")


@pytest.fixture
def outsider_official(make_user, other_commune):
    """A commune official of another commune: must get 404 for this commune's objects."""
    return make_user(Role.COMMUNE_OFFICIAL, commune=other_commune, username="xa-yen-son")


@pytest.fixture
def finance_officer(make_user):
    return make_user(Role.FINANCE, username="taichinh")


@pytest.fixture
def sysadmin(make_user):
    return make_user(Role.SYSADMIN, username="sysadmin")


@pytest.fixture
def no_role_user(make_user):
    return make_user(username="norole")


PERSONAS = [
    "district_officer",
    "secretary",
    "chair",
    "council_member",
    "commune_official",
    "outsider_official",
    "finance_officer",
    "sysadmin",
]


@pytest.fixture
def persona(request):
    """Parametrise a test with ``@pytest.mark.parametrize("persona", [...], indirect=True)``."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def client_for():
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


# ---------------------------------------------------------------------------
# Playwright with Debian's Chromium (playwright cannot download browsers here).
# ---------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, stopped before the test database is dropped (its thread holds a connection)."""
    return live_server


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under var/screenshots/ so people can look at what the test saw."""
    os.makedirs(SCREENSHOT_DIR, exist_ok=True)

    def take(page, name):
        path = os.path.join(SCREENSHOT_DIR, f"{name}.png")
        page.screenshot(path=path, full_page=True)
        return path

    return take
