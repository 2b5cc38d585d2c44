"""A small, real world for the URL sweeps: the demo (``seed_demo``), its accounts as roles, and one object per key.

Used by ``test_url_sweep.py`` (permission matrix and odd-input corpus). To cover a new view whose URL takes an
object, add a key to ``OBJECTS`` (how to find the object in the demo and which commune it belongs to) and use it
in ``permission_matrix.py``.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

# The matrix's columns: who asks. "own" is an official of the object's commune, "other" one of another commune.
ROLES = ["anon", "district", "secretariat", "chair", "member", "finance", "admin", "own", "other"]
ROLE_USERS = {
    "district": "phongnn",
    "secretariat": "thuky",
    "chair": "chutich",
    "member": "hoidong1",
    "finance": "taichinh",
    "admin": "admin",
}
DEFAULT_COMMUNE = "thanh-lam"  # "own" for URLs whose object has no commune
OTHER_COMMUNE = "yen-son"


@dataclass
class Target:
    kwargs: dict
    commune: str | None  # slug of the object's commune, if any


def _dossier():
    from products.models import Dossier

    return Dossier.objects.select_related("commune").get(product__name="Bánh gio Thanh Lâm")


def _submitted_dossier():
    from products.enums import DossierStatus
    from products.models import Dossier

    return Dossier.objects.select_related("commune").filter(status=DossierStatus.SUBMITTED).order_by("pk").first()


def _round():
    from programme.enums import RoundStage
    from programme.models import Round

    return Round.objects.filter(stage=RoundStage.APPROVED).order_by("pk").first()


def _scoring_round():
    from programme.enums import RoundStage
    from programme.models import Round

    return Round.objects.filter(stage=RoundStage.SCORING).order_by("pk").first()


def _sheet():
    from evaluations.models import ScoreSheet
    from programme.enums import RoundStage

    return (
        ScoreSheet.objects.select_related("dossier__commune")
        .filter(member__user__username=ROLE_USERS["member"], dossier__round__stage=RoundStage.SCORING)
        .order_by("pk")
        .first()
    )


def _result():
    from evaluations.models import Result

    return Result.objects.select_related("dossier__commune").filter(dossier__round=_round()).order_by("pk").first()


def _certificate():
    from evaluations.models import Certificate

    return Certificate.objects.select_related("product__commune").filter(file__gt="").order_by("pk").first()


def _notification():
    import datetime

    from django.utils import timezone

    from ocop.models import Notification, NotificationChannel

    row = (
        Notification.objects.filter(recipient__username=ROLE_USERS["member"], channel=NotificationChannel.IN_APP)
        .order_by("pk")
        .first()
    )
    # Reminders found at night are due at 07:00 and hidden until then: make the row due, whatever the hour.
    Notification.objects.filter(pk=row.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    return row


def _outbox_row():
    from ocop.models import Notification

    return Notification.objects.order_by("pk").first()


def _pk(obj, commune):
    return Target({"pk": obj.pk}, commune)


def _objects():
    """key -> function returning a Target (URL kwargs and the object's commune)."""
    from ocop.models import Commune
    from products.models import Document

    def dossier():
        d = _dossier()
        return _pk(d, d.commune.slug)

    def producer():
        d = _dossier()
        return _pk(d.product.producer, d.commune.slug)

    def product():
        d = _dossier()
        return _pk(d.product, d.commune.slug)

    def submitted_dossier():
        d = _submitted_dossier()
        return _pk(d, d.commune.slug)

    def document():
        doc = Document.objects.select_related("dossier__commune").filter(dossier=_dossier()).order_by("pk").first()
        return _pk(doc, doc.dossier.commune.slug)

    def commune():
        return Target({"slug": DEFAULT_COMMUNE}, DEFAULT_COMMUNE)

    def history():
        d = _dossier()
        return Target({"model": "products.dossier", "pk": d.pk}, d.commune.slug)

    def round_():
        return _pk(_round(), None)

    def scoring_round():
        return _pk(_scoring_round(), None)

    def open_round():
        from programme.enums import RoundStage
        from programme.models import Round

        return _pk(Round.objects.filter(stage=RoundStage.OPEN).order_by("pk").first(), None)

    def sheet():
        s = _sheet()
        return _pk(s, s.dossier.commune.slug)

    def result():
        # Result pages are addressed by their dossier (ket-qua/<dossier pk>/).
        r = _result()
        return _pk(r.dossier, r.dossier.commune.slug)

    def criteria_set():
        from programme.models import CriteriaSet

        return _pk(CriteriaSet.objects.order_by("pk").first(), None)

    def certificate():
        c = _certificate()
        return _pk(c, c.product.commune.slug)

    def certified_product():
        c = _certificate()
        return _pk(c.product, c.product.commune.slug)

    def verify_code():
        c = _certificate()
        return Target({"code": c.code}, c.product.commune.slug)

    def malformed_code():
        return Target({"code": "not-a-code"}, None)

    def notification():
        return _pk(_notification(), None)

    def outbox_row():
        return _pk(_outbox_row(), None)

    def year():
        from programme.models import ProgrammeYear

        return _pk(ProgrammeYear.objects.get(year=2024), None)

    def entitlement():
        from funding.models import Entitlement

        e = Entitlement.objects.select_related("producer__commune").order_by("pk").first()
        return _pk(e, e.producer.commune.slug)

    def funded_recognition():
        from funding.models import Entitlement

        e = Entitlement.objects.select_related("producer__commune").order_by("pk").first()
        return _pk(e.recognition, e.producer.commune.slug)

    def funded_producer():
        from funding.models import Entitlement

        e = Entitlement.objects.select_related("producer__commune").order_by("pk").first()
        return _pk(e.producer, e.producer.commune.slug)

    def budget_line():
        from funding.models import BudgetLine

        return _pk(BudgetLine.objects.order_by("pk").first(), None)

    def policy():
        from funding.models import SupportPolicy

        return _pk(SupportPolicy.objects.order_by("pk").first(), None)

    def report_year():
        return Target({"year": 2024, "fmt": "pdf"}, None)

    def round_report():
        return Target({"pk": _round().pk, "fmt": "xlsx"}, None)

    def reset_link():
        return Target({"uidb64": "MQ", "token": "set-password"}, None)

    def calendar_exception():
        from programme.models import CalendarException

        return _pk(CalendarException.objects.order_by("pk").first(), None)

    assert Commune.objects.filter(slug=DEFAULT_COMMUNE).exists()
    return {
        "-": lambda: Target({}, None),
        "year": year,
        "entitlement": entitlement,
        "funded_recognition": funded_recognition,
        "funded_producer": funded_producer,
        "budget_line": budget_line,
        "policy": policy,
        "report_year": report_year,
        "round_report": round_report,
        "producer": producer,
        "product": product,
        "dossier": dossier,
        "submitted_dossier": submitted_dossier,
        "document": document,
        "commune": commune,
        "history": history,
        "round": round_,
        "scoring_round": scoring_round,
        "open_round": open_round,
        "sheet": sheet,
        "result": result,
        "criteria_set": criteria_set,
        "certificate": certificate,
        "certified_product": certified_product,
        "verify_code": verify_code,
        "malformed_code": malformed_code,
        "notification": notification,
        "outbox_row": outbox_row,
        "reset_link": reset_link,
        "calendar_exception": calendar_exception,
    }


OBJECT_KEYS = [
    "-",
    "producer",
    "product",
    "dossier",
    "submitted_dossier",
    "document",
    "commune",
    "history",
    "round",
    "scoring_round",
    "open_round",
    "sheet",
    "result",
    "criteria_set",
    "certificate",
    "certified_product",
    "verify_code",
    "malformed_code",
    "notification",
    "outbox_row",
    "reset_link",
    "year",
    "entitlement",
    "funded_recognition",
    "funded_producer",
    "budget_line",
    "policy",
    "report_year",
    "round_report",
    "calendar_exception",
]


class World:
    """The seeded demo with users per role and the targets per object key (built once per test module)."""

    def __init__(self):
        User = get_user_model()
        self.targets = {key: build() for key, build in _objects().items()}
        self._ensure_files()
        self.users = {role: User.objects.get(username=name) for role, name in ROLE_USERS.items()}
        self._officials = {}
        self.content_types = ContentType.objects  # warm the cache

    def _ensure_files(self):
        """The demo records some documents without writing their bytes: give the targeted ones a file."""
        from django.core.files.base import ContentFile

        from evaluations.models import Certificate
        from products.models import Document
        from products.tests.factories import PDF_BYTES

        for model, key in ((Document, "document"), (Certificate, "certificate")):
            obj = model.objects.get(pk=self.targets[key].kwargs["pk"])
            storage = obj.file.storage
            if obj.file.name and not storage.exists(obj.file.name):
                storage.save(obj.file.name, ContentFile(PDF_BYTES))

    def official(self, slug):
        if slug not in self._officials:
            self._officials[slug] = get_user_model().objects.get(username=f"xa-{slug}")
        return self._officials[slug]

    def user_for(self, role, target: Target):
        """The user behind a matrix column for this target (None for anonymous)."""
        if role == "anon":
            return None
        if role == "own":
            return self.official(target.commune or DEFAULT_COMMUNE)
        if role == "other":
            own = target.commune or DEFAULT_COMMUNE
            return self.official(OTHER_COMMUNE if own != OTHER_COMMUNE else DEFAULT_COMMUNE)
        return self.users[role]
