"""Every page, as each demo role, in Vietnamese: no English word from a maintained list is left on the page.

The demo is loaded once; each named URL is either rendered (``PAGES``: how to get its arguments from the demo) or
listed in ``NOT_PAGES`` with the reason (POST-only actions, files, admin). A new URL that is in neither fails the
test, so new pages get checked too. Text inside ``lang="en"`` (the language switch), ``<code>``, ``.text-token``
(codes, hashes), scripts and styles is not read; attributes people read (placeholder, title, aria-label, alt,
value of buttons) are. Untranslated catalogue entries are caught by ``test_i18n.py``.
"""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Words (lower case, whole words) that must not appear on a Vietnamese page. Keep it to words that are never
# Vietnamese, also unaccented ("the" is not here: the Excel sheet "Chu the" is Vietnamese without accents); add
# here when a page is found to leak one.
ENGLISH_WORDS = {
    "and", "with", "from", "this", "that", "your", "you", "is", "are", "was", "has", "have", "not", "yes",
    "none", "member", "members", "decision", "conflict", "recipient", "email address", "choose file",
    "no file chosen", "submit", "save", "cancel", "search", "filter", "next", "previous", "status", "round",
    "sheet", "dossier", "dossiers", "commune", "product", "products", "producer", "certificate", "certificates",
    "pending", "sent", "failed", "draft", "submitted", "approved", "scoring", "total", "chosen", "document",
    "settings", "history", "error", "notification", "notifications", "outbox", "login", "log in", "password",
    "user", "true", "false", "attempts", "deadline", "stage", "criteria", "council", "expired", "valid until",
    "upload", "uploading", "retry", "try again", "select", "all",
}  # fmt: skip
_ALTERNATIVES = "|".join(sorted(map(re.escape, ENGLISH_WORDS), key=len, reverse=True))
WORD_RE = re.compile(r"(?<![\w/@.-])(" + _ALTERNATIVES + r")(?![\w@-])", re.I)

ROLES = ["phongnn", "thuky", "chutich", "hoidong1", "taichinh", "admin", "xa-thanh-lam"]


def _first(model, **filters):
    return model.objects.filter(**filters).order_by("pk").first()


def _demo_objects():
    from evaluations.models import Certificate, ScoreSheet
    from funding.models import BudgetLine, Entitlement, SupportPolicy
    from ocop.models import Commune, Notification
    from products.models import Dossier, Producer, Product
    from programme.models import CriteriaSet, ProgrammeYear, Round

    dossier = _first(Dossier, product__name="Bánh gio Thanh Lâm")
    sheet = _first(ScoreSheet, status="submitted") or _first(ScoreSheet)
    certificate = _first(Certificate)
    return {
        "commune": _first(Commune, slug="thanh-lam"),
        "producer": _first(Producer, commune__slug="thanh-lam"),
        "product": _first(Product, commune__slug="thanh-lam"),
        "dossier": dossier,
        "accepted": _first(Dossier, status="accepted"),
        "round": _first(Round, decision__isnull=False) or _first(Round),
        "sheet": sheet,
        "criteria": _first(CriteriaSet),
        "certificate": certificate,
        "notification": _first(Notification, channel="in_app"),
        "year": _first(ProgrammeYear, year=2024),
        "scoring_round": _first(Round, stage="scoring"),
        "open_round": _first(Round, stage="open"),
        "submitted": _first(Dossier, status="submitted"),
        "entitlement": _first(Entitlement),
        "budget_line": _first(BudgetLine),
        "policy": _first(SupportPolicy),
    }


def _args(objects):
    """URL name -> reverse() args, from the demo."""
    o = objects
    return {
        "home": [],
        "login": [],
        "password_change": [],
        "password_change_done": [],
        "password_reset": [],
        "password_reset_done": [],
        "password_reset_complete": [],
        "communes": [],
        "commune_detail": [o["commune"].slug],
        "authority_settings": [],
        "history": ["products.dossier", o["dossier"].pk],
        "products:producer_list": [],
        "products:producer_create": [],
        "products:producer_detail": [o["producer"].pk],
        "products:producer_edit": [o["producer"].pk],
        "products:product_list": [],
        "products:product_create": [],
        "products:product_detail": [o["product"].pk],
        "products:product_edit": [o["product"].pk],
        "products:dossier_list": [],
        "products:late_checks": [],
        "products:dossier_create": [],
        "products:dossier_detail": [o["dossier"].pk],
        "products:dossier_edit": [o["dossier"].pk],
        "products:dossier_return": [o["accepted"].pk],
        "products:dossier_regime": [o["dossier"].pk],
        "products:import": [],
        "products:units_review": [],
        "evaluations:round_list": [],
        "evaluations:round_detail": [o["round"].pk],
        "evaluations:council": [o["round"].pk],
        "evaluations:my_sheets": [],
        "evaluations:sheet": [o["sheet"].pk],
        "evaluations:result": [o["accepted"].pk],
        "evaluations:criteria_list": [],
        "evaluations:criteria_detail": [o["criteria"].pk],
        "evaluations:certificate_list": [],
        "evaluations:certificate_expiry": [],
        "evaluations:certificate_ceremony": [],
        "evaluations:certificate_record": [],
        "evaluations:certificate": [o["certificate"].pk],
        "evaluations:certificate_revoke": [o["certificate"].pk],
        "evaluations:certificate_reissue": [o["certificate"].pk],
        "evaluations:certificate_inspect": [o["certificate"].pk],
        "evaluations:round_certificates": [o["round"].pk],
        "evaluations:public_catalogue": [],
        "evaluations:public_product": [o["certificate"].product_id],
        "evaluations:certificate_lookup": [],
        "evaluations:verify": [o["certificate"].code],
        "notifications": [],
        "notification_detail": [o["notification"].pk] if o["notification"] else None,
        "outbox": [],
        # programme years, rounds and the confirmation pages of one-way actions (issue 9)
        "evaluations:year_list": [],
        "evaluations:year_create": [],
        "evaluations:workday_calendar": [],
        "evaluations:year_detail": [o["year"].pk],
        "evaluations:year_edit": [o["year"].pk],
        "evaluations:year_targets": [o["year"].pk],
        "evaluations:year_close": [o["year"].pk],
        "evaluations:round_create": [o["year"].pk],
        "evaluations:round_edit": [o["open_round"].pk],
        "evaluations:correct_decision": [o["round"].pk],
        "evaluations:approve": [o["scoring_round"].pk],
        "evaluations:record_decision": [o["round"].pk],
        "evaluations:issue_certificates": [o["round"].pk],
        "products:dossier_reject": [o["submitted"].pk],
        # funding (issue 10)
        "funding:entitlement_list": [],
        "funding:uncovered_list": [],
        "funding:entitlement": [o["entitlement"].pk],
        "funding:recognition": [o["entitlement"].recognition_id],
        "funding:producer": [o["entitlement"].producer_id],
        "funding:budget": [],
        "funding:budget_line_add": [],
        "funding:budget_line": [o["budget_line"].pk],
        "funding:budget_line_edit": [o["budget_line"].pk],
        "funding:policy_list": [],
        "funding:policy_add": [],
        "funding:policy_edit": [o["policy"].pk],
        # dashboards and reports (issue 12)
        "insights:dashboard": [],
        "insights:reports": [],
    }


# Named URLs that are not HTML pages to read, and why.
NOT_PAGES = {
    "healthz": "machine check",
    "password_reset_confirm": "needs a token from a reset email (tested in test_security_login)",
    "favicon": "redirect to the icon",
    "logout": "POST only",
    "set_language": "POST only",
    "products:producer_export": "Excel file",
    "products:product_export": "Excel file",
    "products:dossier_export": "Excel file",
    "products:import_template": "Excel file",
    "products:product_photo": "image",
    "products:document_download": "uploaded file",
    "products:registration_edit": "26/2026 dossiers only, none in the demo: test_forms_26.py",
    "products:self_assessment": "26/2026 dossiers only, none in the demo: test_forms_26.py",
    "products:commune_report": "26/2026 dossiers only, none in the demo: test_forms_26.py",
    "products:form_01_pdf": "PDF (text checked in products/tests/test_forms_26.py)",
    "products:form_02_pdf": "PDF (text checked in products/tests/test_forms_26.py)",
    "products:form_03_pdf": "PDF (text checked in products/tests/test_forms_26.py)",
    "products:dossier_submit": "POST only",
    "products:dossier_receive": "POST only",
    "evaluations:workday_exception_remove": "POST only",
    "products:dossier_accept": "POST only",
    "products:dossier_extend": "POST only",
    "products:producer_choose_unit": "POST only",
    "evaluations:start_scoring": "POST only",
    "evaluations:set_meeting": "POST only",
    "evaluations:minutes_pdf": "PDF (text checked in test_printouts)",
    "evaluations:minutes_xlsx": "Excel file",
    "evaluations:forwarded_xlsx": "Excel file",
    "evaluations:reopen_sheet": "POST only",
    "evaluations:sheet_pdf": "PDF (text checked in test_printouts)",
    "evaluations:sheet_xlsx": "Excel file",
    "evaluations:accept_spread": "POST only",
    "evaluations:assign": "POST only",
    "evaluations:province_result": "POST only",
    "evaluations:ministry_approve": "POST only",
    "evaluations:ministry_outcome": "POST only",
    "evaluations:central_recognition": "POST only",
    "evaluations:confirm_criteria": "POST only",
    "evaluations:certificate_ceremony_pdf": "PDF",
    "evaluations:certificate_ceremony_xlsx": "Excel file",
    "evaluations:certificate_file": "PDF",
    "evaluations:public_photo": "image",
    "evaluations:verify_malformed": "the not-found page, rendered through certificate_lookup",
    "notifications_mark_all_read": "POST only",
    "notification_open": "POST only",
    "notification_mark_read": "POST only",
    "outbox_retry": "POST only",
    "funding:entitlement_export": "Excel file",
    "funding:payment_list_pdf": "PDF (text checked in funding's tests)",
    "funding:payment_list_xlsx": "Excel file",
    "funding:entitlement_approve": "POST only",
    "funding:entitlement_reject": "POST only",
    "funding:entitlement_pay": "POST only",
    "funding:entitlement_failed": "POST only",
    "funding:expense_add": "POST only",
    "insights:appendix1": "PDF or Excel (checked in insights' tests)",
    "insights:recognised": "PDF or Excel",
    "insights:year_end": "PDF or Excel",
    "insights:round_results": "PDF or Excel",
    "insights:national_csv": "CSV",
    "insights:ptnt_ocop_csv": "CSV",
}


def _url_names(patterns=None, namespace=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            yield from _url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


class _Reader(HTMLParser):
    """The words a person reads on the page, outside English-marked parts, code and scripts."""

    SKIP_TAGS = {"script", "style", "code", "pre", "template"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
    READ_ATTRS = ("placeholder", "title", "aria-label", "alt")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, skipping)
        self.parts = []

    @property
    def skipping(self):
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skip = (
            self.skipping
            or tag in self.SKIP_TAGS
            or (attrs.get("lang") or "vi").startswith("en")
            or "text-token" in (attrs.get("class") or "")
        )
        if not skip:
            self.parts += [attrs[a] for a in self.READ_ATTRS if attrs.get(a)]
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.parts.append(attrs["value"])
        if tag not in self.VOID:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.parts.append(data)


def english_words(html: str) -> list[str]:
    reader = _Reader()
    reader.feed(html)
    text = " ".join(" ".join(reader.parts).split())
    found = []
    for match in WORD_RE.finditer(text):
        found.append(text[max(0, match.start() - 40) : match.end() + 40])
    return found


def test_reader_finds_english_and_ignores_marked_parts():
    html = (
        '<p>Thành viên: A</p><p>Member: B</p><button lang="en">English</button><code>THE AND</code>'
        '<input placeholder="Search"><span class="small text-token">ALL</span><script>var the = 1;</script>'
    )
    assert [w.split(":")[0] if ":" in w else w for w in english_words(html)] != []
    found = " | ".join(english_words(html))
    assert "Member" in found and "Search" in found
    assert "English" not in found and "THE AND" not in found and "ALL" not in found and "var" not in found


@pytest.mark.django_db
def test_every_page_as_every_role_speaks_vietnamese(settings):
    settings.DEBUG = True  # seed_demo's guard
    from ocop import demo

    demo.seed_all()
    args = _args(_demo_objects())
    unknown = sorted(set(_url_names()) - set(args) - set(NOT_PAGES))
    assert unknown == [], f"classify these URLs in PAGES or NOT_PAGES: {unknown}"
    User = get_user_model()
    anonymous = Client()
    clients = {"anonymous": anonymous}
    for username in ROLES:
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    problems, rendered = [], 0
    from ocop.models import Authority

    objects = _demo_objects()
    extra = [
        (reverse("evaluations:certificate_lookup") + "?q=khong-co", "lookup-not-found"),
        (reverse("evaluations:certificate_lookup") + "?q=1", "lookup-matches"),
        (reverse("history", args=["evaluations.certificate", objects["certificate"].pk]), "certificate history"),
        (reverse("history", args=["ocop.authority", Authority.objects.current().pk]), "settings history"),
        (reverse("history", args=["products.producer", objects["producer"].pk]), "producer history"),
    ]
    pages = [(reverse(name, args=a), name) for name, a in args.items() if a is not None] + extra
    for who, client in clients.items():
        for url, name in pages:
            response = client.get(url)
            if response.status_code not in (200, 404) or "text/html" not in response.get("Content-Type", ""):
                continue
            rendered += 1
            for words in english_words(response.content.decode()):
                problems.append(f"{who} {name} ({url}): …{words}…")
    assert rendered > 150, rendered  # the pages really were rendered, for every role
    assert problems == [], "\n".join(problems)
