"""Accessibility, the Content-Security-Policy and the layout on every role's main pages (issue 18), in one
headless Chromium.

Each demo account (and a visitor without one) opens the pages it uses: its home, its lists, a detail page of each
kind it can open, its forms, the dashboard, the budget, the scoring sheet, the certificate pages, the public
catalogue and the verification page. Every page is checked at 1280 px and at 360 px with

- axe-core (vendored in ``ocop/tests/vendor/axe-core``, from the npm package) with the WCAG 2.0/2.1 A and AA tags:
  any violation fails, with the rule, the page and the elements;
- the Content-Security-Policy: any ``securitypolicyviolation`` event or console "Refused to" fails;
- the layout: any visible element wider than the screen (not inside a box that scrolls or clips it), and any table
  wider than its box (columns hidden behind a sideways scroll), and any amount whose "₫" falls onto the next line
  fails;
- on the phone, tap targets: every visible button, button-styled link, form control, navigation link and link badge
  is at least 44 × 44 px (24 px for a checkbox or radio inside a taller label, which is the target).

One page per account is reused for both widths (the layout is re-measured after the resize), so the whole pass
stays within a few minutes on two cores.
"""

import json
from pathlib import Path

import pytest

from ocop import demo

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (1280, 360)

# Listens for policy violations from the first byte of every page (init scripts are not subject to the policy).
WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  const where = e.sourceFile + ':' + e.lineNumber;
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' at ' + where);
});
"""

# Visible elements reaching beyond the screen, unless an ancestor scrolls or clips them.
WIDE_JS = """() => {
  const vw = document.documentElement.clientWidth;
  const found = [];
  if (document.documentElement.scrollWidth > vw + 1) found.push('page ' + document.documentElement.scrollWidth + 'px');
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX !== 'visible' || s.clip !== 'auto' || s.clipPath !== 'none') return true;
    }
    return false;
  };
  // a table wider than its box hides columns behind a sideways scroll
  document.querySelectorAll('table').forEach((table) => {
    const box = table.parentElement;
    if (table.getBoundingClientRect().width > 0 && table.scrollWidth > box.clientWidth + 1) {
      const name = table.dataset.testid || table.className;
      found.push('table ' + name + ' ' + table.scrollWidth + 'px in a ' + box.clientWidth + 'px box');
    }
  });
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right > vw + 1 || r.left < -1) {
      const classes = el.className ? '.' + String(el.className).trim().split(/\\s+/).join('.') : '';
      const name = el.tagName.toLowerCase() + classes;
      if (!clipped(el)) found.push(name + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
    }
  }
  return found.slice(0, 10);
}"""

# An amount split over two lines ("200.000.000" at the end of one, "₫" alone on the next).
MONEY_JS = """() => {
  const split = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.data.matchAll(/[\\d.,]+\\s₫/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.bottom)));
      if (tops.size > 1) split.push(match[0]);
    }
  }
  return split.slice(0, 10);
}"""

# Tap targets on a phone (WCAG 2.5.5 "Target Size", the 44 × 44 px of the issue). Inline links inside running
# text are exempt (the criterion's own exception).
TAP_JS = """() => {
  const small = [];
  const selector = 'button, .btn, a.nav-link, a.dropdown-item, select, input:not([type=hidden]):not([type=checkbox])'
    + ':not([type=radio]):not([type=file]), textarea, a.badge, a.page-link, label.sheet-option, a.num, summary';
  for (const el of document.querySelectorAll(selector)) {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || s.visibility === 'hidden') continue;
    const closed = '.dropdown-menu:not(.show), .collapse:not(.show), .visually-hidden, .visually-hidden-focusable';
    if (el.closest(closed)) continue;
    if (el.matches('.file-pick-input, .date-picker-native')) continue;
    if (r.height < 43.5 || r.width < 43.5) {
      const text = (el.innerText || el.value || el.name || '').trim().slice(0, 30);
      small.push(el.tagName.toLowerCase() + ' "' + text + '" ' + Math.round(r.width) + 'x' + Math.round(r.height));
    }
  }
  return small.slice(0, 15);
}"""


def _first(model, **filters):
    return model.objects.filter(**filters).order_by("pk").first()


def role_pages():
    """Username (None: a visitor) -> the paths that role uses, from the demo."""
    from evaluations.models import Certificate, ScoreSheet
    from funding.models import BudgetLine, Entitlement
    from products.models import Dossier
    from programme.models import ProgrammeYear, Round

    draft = _first(Dossier, product__name="Bánh mật Thanh Lâm")
    submitted = _first(Dossier, status="submitted")
    approved_round = _first(Round, decision__isnull=False)
    accepted = _first(Dossier, status="accepted", round=approved_round)
    scoring_round = _first(Round, stage="scoring")
    sheet = _first(ScoreSheet, member__user__username="hoidong1", dossier__round=scoring_round)
    certificate = _first(Certificate, file__gt="")
    entitlement = _first(Entitlement)
    year = _first(ProgrammeYear, year=2024)
    line = _first(BudgetLine)
    dashboard = "/bang-dieu-khien/?year=2024"
    return {
        "phongnn": [
            "/",
            "/ho-so/",
            f"/ho-so/{draft.pk}/",
            "/chu-the/",
            f"/chu-the/{draft.product.producer_id}/",
            f"/san-pham/{draft.product_id}/",
            "/chu-the/them/",
            f"/nam/{year.pk}/",
            f"/dot-danh-gia/{approved_round.pk}/",
            f"/ket-qua/{accepted.pk}/",
            "/giay-chung-nhan/",
            f"/giay-chung-nhan/{certificate.pk}/",
            dashboard,
            "/ngan-sach/",
            "/chinh-sach-ho-tro/",
            "/bao-cao/",
            "/san-pham/",
            "/dot-danh-gia/",
            "/nam/",
            "/nam/lich-ngay-lam-viec/?nam=2024",
            "/giay-chung-nhan/sap-het-han/",
            f"/giay-chung-nhan/{certificate.pk}/thu-hoi/",
            "/thong-bao/",
        ],
        "thuky": [
            "/",
            "/ho-so/",
            f"/ho-so/{submitted.pk}/",
            f"/dot-danh-gia/{scoring_round.pk}/hoi-dong/",
            f"/ket-qua/{accepted.pk}/",
        ],
        "chutich": ["/", dashboard, f"/dot-danh-gia/{scoring_round.pk}/", f"/ket-qua/{accepted.pk}/"],
        "hoidong1": ["/", "/cham-diem/", f"/phieu/{sheet.pk}/", "/thong-bao/"],
        "taichinh": [
            "/",
            "/ho-tro/",
            f"/ho-tro/{entitlement.pk}/",
            "/ho-tro/khong-duoc-ho-tro/",
            "/ngan-sach/",
            f"/ngan-sach/{line.pk}/",
            dashboard,
        ],
        "xa-thanh-lam": [
            "/",
            "/ho-so/",
            f"/ho-so/{draft.pk}/",
            f"/ho-so/{draft.pk}/cap-nhat/",
            f"/san-pham/{draft.product_id}/",
            "/giay-chung-nhan/",
        ],
        "admin": ["/", "/don-vi/", "/cau-hinh/", "/hop-thu-di/"],
        None: [
            "/dang-nhap/",
            "/san-pham-ocop/",
            f"/san-pham-ocop/{certificate.product_id}/",
            f"/verify/{certificate.code}/",
            "/tra-cuu-chung-nhan/?q=1",
            "/tra-cuu-chung-nhan/?q=",
        ],
    }


def _axe(page):
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE + "\n;undefined")  # evaluated through DevTools: not an inline script
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, help: v.help,"
        " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' — ' + n.failureSummary.split('\\n')[1])})))",
        AXE_TAGS,
    )
    return result


def check_page(page, url, width, console):
    """The problems of the page at this width: list of strings (empty when all is well)."""
    problems = []
    for violation in _axe(page):
        problems.append(f"axe {violation['id']} ({violation['help']}): " + json.dumps(violation["nodes"]))
    csp = page.evaluate("() => window.__csp || []") + [m for m in console if "Refused to" in m]
    problems += [f"CSP {c}" for c in csp]
    problems += [f"wider than {width} px: {w}" for w in page.evaluate(WIDE_JS)]
    problems += [f"amount split over two lines: {m}" for m in page.evaluate(MONEY_JS)]
    if width < 768:
        problems += [f"tap target under 44 px: {t}" for t in page.evaluate(TAP_JS)]
    return [f"{url} @ {width}px: {p}" for p in problems]


def login(page, base, username):
    page.goto(f"{base}/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "ocop-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def audit_roles(browser, base, pages_by_role, screenshot=None):
    """Visit every role's pages at both widths; return every problem found and the number of checks made."""
    problems, checks = [], 0
    for username, paths in pages_by_role.items():
        context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900}, locale="vi-VN")
        context.add_init_script(WATCH_CSP)
        page = context.new_page()
        page.set_default_timeout(60_000)
        console = []
        page.on("console", lambda message, console=console: console.append(message.text))
        if username:
            login(page, base, username)
        for path in paths:
            console.clear()
            response = page.goto(base + path)
            assert response.status == 200, f"{username}: {path} answered {response.status}"
            page.wait_for_load_state("load")
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                problems += check_page(page, f"{username or 'visitor'} {path}", width, console)
                checks += 1
        context.close()
    return problems, checks


@pytest.fixture
def demo_data(transactional_db, settings):
    settings.DEBUG = True  # seed_demo refuses to run with DEBUG off
    seeded = demo.seed_all()
    # The demo's reminders found at night wait for 07:00: make them due now, so that the notification centre shows
    # unread rows (their own colours) whatever the hour of the run.
    from django.contrib.auth.models import User
    from django.utils import timezone

    from ocop.models import Notification, NotificationChannel

    now = timezone.now()
    due_later = Notification.objects.filter(channel=NotificationChannel.IN_APP, due_at__gt=now, read_at__isnull=True)
    due_later.update(due_at=now, next_attempt_at=now)
    for username in ("phongnn", "hoidong1"):  # the two roles whose notification centre the pass opens
        assert Notification.objects.inbox_of(User.objects.get(username=username), now).unread().exists(), username
    return seeded


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_roles_pages_pass_axe_csp_and_fit_the_screen(demo_data, live_server, browser):
    pages = role_pages()
    problems, checks = audit_roles(browser, live_server.url, pages)
    assert checks == 2 * sum(len(paths) for paths in pages.values())
    assert problems == [], "\n".join(problems)
