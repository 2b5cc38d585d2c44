"""What each role's home shows first: the commune official's dossiers to finish, the council member's sheets to
score, the office's work queue. A fixed number of queries per home; nothing here takes a request."""

from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone

from evaluations import programme
from evaluations.enums import SheetStatus
from evaluations.models import Certificate, ScoreSheet
from funding.models import BudgetLine, Entitlement
from insights.queries import choose_year, dossier_list_url
from ocop.lib.collation import vi_order
from products import commune_checks
from products.enums import EDITABLE_STATES, DossierStatus
from products.models import Document, Dossier, ItemComment
from programme.enums import RoundStage
from programme.models import ProgrammeYear, criteria_json


def current_year(authority, today=None) -> ProgrammeYear | None:
    if authority is None:
        return None
    return choose_year(list(ProgrammeYear.objects.filter(authority=authority).order_by("-year")), None, today)


HOME_SHEETS = 10  # sheets to score listed on the home; "My score sheets" has them all

plan_progress = programme.plan_progress  # one definition of the plan's figures (evaluations)


def dossier_counts(user) -> list[dict]:
    """Dossiers the user can see, by status, in one query (the work queue)."""
    rows = Dossier.objects.visible_to(user).values("status").annotate(n=Count("id")).order_by()
    counts = {row["status"]: row["n"] for row in rows}
    return [
        {
            "status": status,
            "label": status.label,
            "count": counts.get(status.value, 0),
            "url": dossier_list_url(status=status.value),
        }
        for status in DossierStatus
    ]


def budget_total(year) -> int | None:
    return BudgetLine.objects.filter(year=year).aggregate(total=Sum("amount"))["total"]


# ---------------------------------------------------------------------------------------------------- commune
def dossiers_to_finish(user, today=None) -> list[Dossier]:
    """The commune's draft and returned dossiers, soonest deadline first, each with its days left and what is
    missing (documents, verification fields, the district's comments): three queries however many dossiers."""
    today = today or timezone.localdate()
    dossiers = list(
        Dossier.objects.visible_to(user)
        .filter(status__in=EDITABLE_STATES)
        .select_related("product__producer", "round__year", "regime")
        .prefetch_related(
            Prefetch("documents", queryset=Document.objects.only("id", "dossier_id", "item")),
            Prefetch("comments", queryset=ItemComment.objects.order_by("created_at", "id")),
        )
    )
    for dossier in dossiers:
        documents = list(dossier.documents.all())
        dossier.due = dossier.deadline()
        dossier.days_left = (dossier.due - today).days
        dossier.overdue = dossier.days_left < 0
        dossier.missing_items = [item.label for item in dossier.missing_documents(documents)]
        dossier.missing_fields = dossier.missing_verification_fields()
        # The comments of the last return (the ones the official must answer now).
        last = dossier.submission_count
        dossier.open_comments = [c for c in dossier.comments.all() if c.submission_number == last]
    commune_checks.attach(dossiers, today)  # Decision 26/2026: the commune's 15 working days, if received
    for dossier in dossiers:
        dossier.first_due = dossier.due
        if dossier.check is not None and dossier.check.pending:
            dossier.first_due = min(dossier.due, dossier.check.due)
            dossier.overdue = dossier.overdue or dossier.check.late > 0
    dossiers.sort(key=lambda d: (d.first_due, d.pk))
    return dossiers


def commune_certificates(user, today=None, limit=20) -> dict:
    """The commune's certified OCOP products, soonest expiry first (two queries: the rows and the count)."""
    today = today or timezone.localdate()
    current = Certificate.objects.visible_to(user).current(today)
    rows = list(current.select_related("product").order_by("valid_until", "pk")[:limit])
    for certificate in rows:
        certificate.current_status = certificate.status(today)
        certificate.left = certificate.days_left(today)
    return {"rows": rows, "total": current.count()}


# ---------------------------------------------------------------------------------------------------- council
def sheets_of(user, today=None, limit=None) -> dict:
    """The member's sheets in rounds being scored: the first ``limit`` to score (soonest deadline first, with the
    days left) and the counts. Two queries whatever the number of sheets; the sheets' answers are not loaded."""
    today = today or timezone.localdate()
    limit = limit or HOME_SHEETS
    mine = ScoreSheet.objects.filter(member__user=user, dossier__round__stage=RoundStage.SCORING)
    counts = mine.aggregate(total=Count("pk"), done=Count("pk", filter=Q(status=SheetStatus.SUBMITTED)))
    to_score = list(
        mine.exclude(status=SheetStatus.SUBMITTED)
        .select_related("dossier__product", "dossier__round__year", "criteria_set")
        .defer("choices", "comment", *criteria_json("criteria_set"))
        .order_by("dossier__round__district_deadline", vi_order("dossier__product__name"), "pk")[:limit]
    )
    for sheet in to_score:
        round_ = sheet.dossier.round
        sheet.deadline = round_.district_deadline
        sheet.days_left = (round_.district_deadline - today).days
        sheet.closed = round_.scoring_closed() and not sheet.late_submission_allowed
    return {
        "to_score": to_score,
        "more": counts["total"] - counts["done"] - len(to_score),
        "done": counts["done"],
        "total": counts["total"],
    }


def commune_entitlements(user, limit=10) -> list:
    """The latest support entitlements of the commune's producers (their own commune only): one query."""
    return list(
        Entitlement.objects.visible_to(user)
        .select_related("product", "producer")
        .order_by("-decision__date", vi_order("product__name"), "pk")[:limit]
    )
