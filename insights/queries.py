"""The district dashboard's figures: a fixed number of aggregate queries, whatever the number of communes, products
and dossiers (each function below is one query; ``district_dashboard`` runs them all).

Nothing here takes a request. Every figure comes with the query-string of the filtered list behind it
(``products:dossier_list`` accepts year, round, commune, criteria_set, status, registration_type, outcome and star;
``evaluations:certificate_list`` accepts status and commune), so a template can link every number.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from evaluations.enums import EXPIRING_DAYS, CertificateStatus, SheetStatus
from evaluations.models import Certificate, Recognition
from funding.enums import EntitlementStatus
from funding.figures import decorate_totals, lines_with_totals
from funding.models import BudgetLine, Entitlement
from ocop.models import FormerUnit
from products.enums import UNDER_CHECK_STATES, DossierStatus, RegistrationType
from products.models import Dossier
from programme.enums import RoundStage
from programme.models import ProgrammeYear, Round

STARS = (1, 2, 3, 4, 5)
# Recognitions that count towards the plan's targets (the plan's wording: new products at 3★ or more).
TARGET_MIN_STAR = 3


def dossier_list_url(**params) -> str:
    params = {key: value for key, value in params.items() if value not in (None, "")}
    return reverse("products:dossier_list") + ("?" + urlencode(params) if params else "")


def certificate_list_url(**params) -> str:
    params = {key: value for key, value in params.items() if value not in (None, "")}
    return reverse("evaluations:certificate_list") + ("?" + urlencode(params) if params else "")


# ---------------------------------------------------------------------------------------------------- years
def years_of(authority) -> list[ProgrammeYear]:
    """The authority's years and those of its predecessors (a former district folded into the province: its 2024
    stays its own year, shown here because the province manages it), one per number, the authority's own first:
    one query."""
    rows = (
        ProgrammeYear.objects.filter(Q(authority=authority) | Q(authority__successor=authority))
        .select_related("authority")
        .order_by("-year", "-id")
    )
    chosen = {}
    for year in rows:
        if year.year not in chosen or year.authority_id == authority.pk:
            chosen[year.year] = year
    return list(chosen.values())


def choose_year(years: list[ProgrammeYear], wanted: int | None, today=None) -> ProgrammeYear | None:
    """The year asked for, else this calendar year's, else the latest."""
    today = today or timezone.localdate()
    by_number = {year.year: year for year in years}
    if wanted in by_number:
        return by_number[wanted]
    return by_number.get(today.year) or (years[0] if years else None)


# ---------------------------------------------------------------------------------------------------- recognitions
@dataclass
class YearStars:
    year: ProgrammeYear
    by_star: dict = field(default_factory=dict)  # star -> count
    new_at_target: int = 0  # new registrations recognised at 3★ or more (upgrades are not new products)
    reevaluated: int = 0  # re-evaluations recognised at 3★ or more

    @property
    def total(self) -> int:
        return sum(self.by_star.values())

    def star_rows(self):
        return [
            {"star": star, "count": self.by_star.get(star, 0), "url": dossier_list_url(year=self.year.pk, star=star)}
            for star in STARS
        ]

    @property
    def url(self) -> str:
        return dossier_list_url(year=self.year.pk, outcome="recognised")


def recognitions_by_year(authority, years: list[ProgrammeYear]) -> dict[int, YearStars]:
    """Recognitions of each year's decisions by star and registration type: one query for every year."""
    out = {year.pk: YearStars(year) for year in years}
    rows = (
        Recognition.objects.filter(decision__round__year__in=[year.pk for year in years])
        .values("decision__round__year_id", "star", "dossier__registration_type")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        entry = out.get(row["decision__round__year_id"])
        if entry is None:
            continue
        star, n, kind = row["star"], row["n"], row["dossier__registration_type"]
        entry.by_star[star] = entry.by_star.get(star, 0) + n
        if star >= TARGET_MIN_STAR:
            if kind == RegistrationType.REEVALUATION:
                entry.reevaluated += n
            elif kind == RegistrationType.NEW:
                entry.new_at_target += n
    return out


def targets(year: ProgrammeYear, stars: YearStars) -> list[dict]:
    """The plan's targets against the year's recognitions, each with the list behind it."""
    rows = [
        {
            "label": _("New products at 3★ or more"),
            "target": year.target_new_products,
            "actual": stars.new_at_target,
            "url": dossier_list_url(year=year.pk, outcome="recognised", registration_type=RegistrationType.NEW),
        },
        {
            "label": _("Re-evaluations"),
            "target": year.target_reevaluations,
            "actual": stars.reevaluated,
            "url": dossier_list_url(
                year=year.pk, outcome="recognised", registration_type=RegistrationType.REEVALUATION
            ),
        },
    ]
    for row in rows:
        row["percent"] = min(100, row["actual"] * 100 // row["target"]) if row["target"] else None
    return rows


# ---------------------------------------------------------------------------------------------------- funnel
FUNNEL_STEPS = (
    ("registered", pgettext_lazy("funnel", "Registered"), {}),
    ("submitted", pgettext_lazy("funnel", "Submitted"), {"outcome": "submitted"}),
    ("accepted", pgettext_lazy("funnel", "Accepted for evaluation"), {"status": DossierStatus.ACCEPTED}),
    ("scored", pgettext_lazy("funnel", "Scored"), {"outcome": "scored"}),
    ("recognised", pgettext_lazy("funnel", "Recognised"), {"outcome": "recognised"}),
    ("certified", pgettext_lazy("funnel", "Certified"), {"outcome": "certified"}),
)


def _dossiers(year: ProgrammeYear, former: str = ""):
    """The year's dossiers; with ``former`` (a former district's name, e.g. "Huyện Lục Nam") only those of producers
    registered there before the 2025 reorganisation."""
    dossiers = Dossier.objects.filter(round__year=year)
    return dossiers.filter(product__producer__former_unit__district_name=former) if former else dossiers


def former_districts(authority) -> list[str]:
    """The former districts the province's producers were registered in (the dashboard's filter): one query, only
    for a province (a district has none)."""
    if not authority.is_province:
        return []
    return list(
        FormerUnit.objects.filter(producers__commune__authority=authority)
        .values_list("district_name", flat=True)
        .distinct()
        .order_by("district_name")
    )


def funnel(year: ProgrammeYear, former: str = "") -> list[dict]:
    """Dossiers of the year's rounds at each step: one query."""
    counts = _dossiers(year, former).aggregate(
        registered=Count("id", distinct=True),
        submitted=Count("id", filter=Q(submission_count__gt=0), distinct=True),
        accepted=Count("id", filter=Q(status=DossierStatus.ACCEPTED), distinct=True),
        scored=Count("id", filter=Q(result__star__isnull=False), distinct=True),
        recognised=Count("id", filter=Q(recognition__isnull=False), distinct=True),
        certified=Count("id", filter=Q(recognition__certificates__isnull=False), distinct=True),
    )
    return [
        {"key": key, "label": label, "count": counts[key], "url": dossier_list_url(year=year.pk, **params)}
        for key, label, params in FUNNEL_STEPS
    ]


# ---------------------------------------------------------------------------------------------------- rounds
def rounds(year: ProgrammeYear, today=None) -> list[Round]:
    """The year's rounds with their deadlines and progress (dossiers by state, sheets submitted): one query."""
    today = today or timezone.localdate()
    result = list(
        Round.objects.filter(year=year)
        .select_related("year")
        .annotate(
            dossier_total=Count("dossiers", distinct=True),
            dossier_editing=Count(
                "dossiers",
                filter=Q(dossiers__status__in=[DossierStatus.DRAFT, DossierStatus.RETURNED]),
                distinct=True,
            ),
            dossier_checking=Count("dossiers", filter=Q(dossiers__status__in=UNDER_CHECK_STATES), distinct=True),
            dossier_accepted=Count("dossiers", filter=Q(dossiers__status=DossierStatus.ACCEPTED), distinct=True),
            sheet_total=Count("dossiers__sheets", distinct=True),
            sheet_done=Count(
                "dossiers__sheets", filter=Q(dossiers__sheets__status=SheetStatus.SUBMITTED), distinct=True
            ),
            recognised=Count("dossiers__recognition", distinct=True),
        )
        .order_by("number")
    )
    for round_ in result:
        round_.current_stage = round_.stage_label(today)
        round_.scoring = round_.stage == RoundStage.SCORING
        round_.deadline = round_.district_deadline if round_.scoring else round_.commune_deadline
        round_.days_left = (round_.deadline - today).days
        round_.sheet_percent = round_.sheet_done * 100 // round_.sheet_total if round_.sheet_total else None
        round_.list_url = dossier_list_url(round=round_.pk)
        round_.draft_url = dossier_list_url(round=round_.pk, status=DossierStatus.DRAFT)
        round_.returned_url = dossier_list_url(round=round_.pk, status=DossierStatus.RETURNED)
        round_.accepted_url = dossier_list_url(round=round_.pk, status=DossierStatus.ACCEPTED)
        round_.recognised_url = dossier_list_url(round=round_.pk, outcome="recognised")
    return result


# ---------------------------------------------------------------------------------------------------- breakdowns
def by_commune(year: ProgrammeYear, former: str = "") -> list[dict]:
    """Dossiers and recognitions of the year per commune of today (only communes with a dossier): one query."""
    rows = (
        _dossiers(year, former)
        .values("commune_id", "commune__name", "commune__kind")
        .annotate(
            dossiers=Count("id", distinct=True),
            recognised=Count("id", filter=Q(recognition__isnull=False), distinct=True),
        )
        .order_by("-dossiers", "commune__name")
    )
    return [
        {
            "name": row["commune__name"],
            "dossiers": row["dossiers"],
            "recognised": row["recognised"],
            "url": dossier_list_url(year=year.pk, commune=row["commune_id"]),
            "recognised_url": dossier_list_url(year=year.pk, commune=row["commune_id"], outcome="recognised"),
        }
        for row in rows
    ]


def by_group(year: ProgrammeYear, former: str = "") -> list[dict]:
    """Dossiers and recognitions of the year per product group (criteria set): one query."""
    rows = (
        _dossiers(year, former)
        .values("product__criteria_set_id", "product__criteria_set__code", "product__criteria_set__name")
        .annotate(
            dossiers=Count("id", distinct=True),
            recognised=Count("id", filter=Q(recognition__isnull=False), distinct=True),
        )
        .order_by("-dossiers", "product__criteria_set__code")
    )
    return [
        {
            "name": f"{row['product__criteria_set__code']}. {row['product__criteria_set__name']}",
            "dossiers": row["dossiers"],
            "recognised": row["recognised"],
            "url": dossier_list_url(year=year.pk, criteria_set=row["product__criteria_set_id"]),
            "recognised_url": dossier_list_url(
                year=year.pk, criteria_set=row["product__criteria_set_id"], outcome="recognised"
            ),
        }
        for row in rows
    ]


# ---------------------------------------------------------------------------------------------------- certificates
def certificates(authority, today=None) -> dict:
    """Live certificates of the authority by how soon they expire: one query."""
    today = today or timezone.localdate()
    live = Certificate.objects.filter(Q(authority=authority) | Q(authority__successor=authority)).live()
    counts = live.aggregate(
        valid=Count("id", filter=Q(valid_until__gt=today + datetime.timedelta(days=EXPIRING_DAYS))),
        within_30=Count("id", filter=Q(valid_until__gte=today, valid_until__lte=today + datetime.timedelta(days=30))),
        within_60=Count("id", filter=Q(valid_until__gte=today, valid_until__lte=today + datetime.timedelta(days=60))),
        expiring=Count(
            "id", filter=Q(valid_until__gte=today, valid_until__lte=today + datetime.timedelta(days=EXPIRING_DAYS))
        ),
        expired=Count("id", filter=Q(valid_until__lt=today)),
    )
    return {
        **counts,
        "valid_url": certificate_list_url(status=CertificateStatus.VALID),
        "expiring_url": reverse("evaluations:certificate_expiry"),
        "expiring_list_url": certificate_list_url(status=CertificateStatus.EXPIRING),
        "expired_url": certificate_list_url(status=CertificateStatus.EXPIRED),
    }


# ---------------------------------------------------------------------------------------------------- money
def budget(year: ProgrammeYear) -> dict:
    """The year's budget lines with what is committed (support approved, not yet paid) and paid (payments and
    expenses), and the year's entitlements by status: two queries. Only for ``money.view``."""
    lines = decorate_totals(list(lines_with_totals(BudgetLine.objects.filter(year=year)).order_by("kind", "name")))
    totals = {
        "total": sum((line.amount for line in lines), Decimal(0)) if lines else None,
        "committed": sum((line.committed for line in lines), Decimal(0)),
        "paid": sum((line.paid for line in lines), Decimal(0)),
    }
    totals["available"] = (totals["total"] or 0) - totals["committed"] - totals["paid"]
    for line in lines:
        line.url = reverse("funding:budget_line", args=[line.pk])
    rows = (
        Entitlement.objects.filter(year=year).values("status").annotate(n=Count("id"), amount=Sum("amount")).order_by()
    )
    by_status = {row["status"]: row for row in rows}
    entitlements = [
        {
            "status": status,
            "label": status.label,
            "count": by_status.get(status.value, {}).get("n", 0),
            "amount": by_status.get(status.value, {}).get("amount") or Decimal(0),
            "url": reverse("funding:entitlement_list") + "?" + urlencode({"year": year.pk, "status": status.value}),
        }
        for status in EntitlementStatus
    ]
    return {**totals, "lines": lines, "entitlements": entitlements, "budget_url": reverse("funding:budget")}


# ---------------------------------------------------------------------------------------------------- all of it
def district_dashboard(
    authority, wanted_year: int | None = None, *, with_money: bool, today=None, former: str = ""
) -> dict:
    """Everything the district dashboard shows, in a fixed number of queries (9 with money, 7 without; a province
    one more, for the former districts). ``former``: only the producers of that former district (funnel and the
    breakdowns by commune and product group)."""
    today = today or timezone.localdate()
    formers = former_districts(authority)
    former = former if former in formers else ""
    years = years_of(authority)
    year = choose_year(years, wanted_year, today)
    if year is None:
        return {"years": years, "year": None, "former_districts": formers, "former": former}
    stars = recognitions_by_year(authority, years)
    history = [stars[y.pk] for y in sorted(years, key=lambda y: y.year)]
    return {
        "years": years,
        "year": year,
        "targets": targets(year, stars[year.pk]),
        "stars": stars[year.pk],
        "history": history,
        "funnel": funnel(year, former),
        "rounds": rounds(year, today),
        "by_commune": by_commune(year, former),
        "by_group": by_group(year, former),
        "former_districts": formers,
        "former": former,
        "certificates": certificates(authority, today),
        "budget": budget(year) if with_money else None,
        "today": today,
    }


def chart_data(data: dict) -> dict:
    """The numbers the charts draw (json_script puts them in the page; static/js/dashboard.js draws them).
    Labels are already translated; the same numbers are in the tables beside the charts."""
    if data.get("year") is None:
        return {}
    history = data["history"]
    return {
        "targets": {
            "labels": [str(row["label"]) for row in data["targets"]],
            "target": [row["target"] for row in data["targets"]],
            "actual": [row["actual"] for row in data["targets"]],
            "series": [str(_("Target")), str(_("Recognised"))],
        },
        "funnel": {
            "labels": [str(step["label"]) for step in data["funnel"]],
            "values": [step["count"] for step in data["funnel"]],
            "series": str(_("Dossiers")),
        },
        "stars": {
            "labels": [f"{star}★" for star in STARS],
            "values": [data["stars"].by_star.get(star, 0) for star in STARS],
            "series": str(_("Recognised")),
        },
        "communes": {
            "labels": [row["name"] for row in data["by_commune"]],
            "dossiers": [row["dossiers"] for row in data["by_commune"]],
            "recognised": [row["recognised"] for row in data["by_commune"]],
            "series": [str(_("Dossiers")), str(_("Recognised"))],
        },
        "groups": {
            "labels": [row["name"] for row in data["by_group"]],
            "dossiers": [row["dossiers"] for row in data["by_group"]],
            "recognised": [row["recognised"] for row in data["by_group"]],
            "series": [str(_("Dossiers")), str(_("Recognised"))],
        },
        "history": {
            "labels": [str(entry.year.year) for entry in history],
            "stars": [{"label": f"{star}★", "values": [e.by_star.get(star, 0) for e in history]} for star in STARS],
        },
    }
