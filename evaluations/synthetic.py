"""Synthetic province, evaluations part (see ``ocop/synthetic.py``).

``generate_programme`` runs before the products step: criteria sets, programme years, rounds and their councils.
``generate`` runs after it: score sheets for every accepted dossier, results computed with ``evaluations.scoring``
(the same pure functions the application uses), decisions, recognitions and numbered certificates.
"""

import datetime

from django.conf import settings
from django.utils import translation

from evaluations import scoring
from evaluations.enums import CertificateKind, CouncilRole, RevocationGround, SheetStatus
from evaluations.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Certificate,
    CertificateSequence,
    CouncilMember,
    Recognition,
    RecognitionDecision,
    Result,
    ScoreSheet,
    add_months,
)
from ocop.synthetic import BATCH, Context
from programme.catalogue import sync_catalogue
from programme.criteria import product_groups
from programme.enums import RoundStage
from programme.models import ProgrammeYear, Round

SCORERS = ["chutich", *[f"hoidong{i}" for i in range(1, 7)]]


def _at(day: datetime.date, hour=9) -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def round_plan(today: datetime.date) -> list[dict]:
    """Nine rounds over four years: two a year for three past years and the current year's first (approved, with
    decisions), one being scored now and one open for dossiers. The second round of last year is the big one."""
    plan = []
    for year in range(today.year - 3, today.year):
        for number, (deadline, decided) in enumerate(((5, 7), (10, 12)), start=1):
            plan.append(
                {
                    "year": year,
                    "number": number,
                    "commune_deadline": datetime.date(year, deadline, 15),
                    "district_deadline": datetime.date(year, deadline + 1, 10),
                    "stage": RoundStage.APPROVED,
                    "decision_date": datetime.date(year, decided, 20),
                }
            )
    plan.append(
        {
            "year": today.year,
            "number": 1,
            "commune_deadline": datetime.date(today.year, 5, 15),
            "district_deadline": datetime.date(today.year, 6, 10),
            "stage": RoundStage.APPROVED,
            "decision_date": datetime.date(today.year, 7, 20),
        }
    )
    plan.append(
        {
            "year": today.year,
            "number": 2,
            "commune_deadline": today - datetime.timedelta(days=30),
            "district_deadline": today + datetime.timedelta(days=10),
            "stage": RoundStage.SCORING,
        }
    )
    plan.append(
        {
            "year": today.year,
            "number": 3,
            "commune_deadline": today + datetime.timedelta(days=5),
            "district_deadline": today + datetime.timedelta(days=60),
            "stage": RoundStage.OPEN,
        }
    )
    return plan


def generate_programme(ctx: Context) -> None:
    sync_catalogue()
    ctx.extra["criteria_sets"] = list(product_groups().distinct("code"))
    years = {}
    rounds = []
    for entry in round_plan(ctx.today):
        if entry["year"] not in years:
            years[entry["year"]] = ProgrammeYear.objects.create(
                authority=ctx.authority,
                year=entry["year"],
                plan_reference=f"Kế hoạch OCOP tỉnh Bắc Giang năm {entry['year']} (tổng hợp)",
                target_new_products=ctx.products // 12,
                target_reevaluations=ctx.products // 50,
                ceremony_by=datetime.date(entry["year"], 12, 15),
            )
        round_ = Round.objects.create(
            year=years[entry["year"]],
            number=entry["number"],
            commune_deadline=entry["commune_deadline"],
            district_deadline=entry["district_deadline"],
            stage=entry["stage"],
            scoring_started_at=_at(entry["commune_deadline"] + datetime.timedelta(days=7))
            if entry["stage"] != RoundStage.OPEN
            else None,
            approved_at=_at(entry["decision_date"] - datetime.timedelta(days=5)) if "decision_date" in entry else None,
            approved_by=ctx.users["chutich"] if "decision_date" in entry else None,
            meeting_date=entry["district_deadline"] if entry["stage"] != RoundStage.OPEN else None,
            meeting_place="Hội trường Sở Nông nghiệp và Môi trường" if entry["stage"] != RoundStage.OPEN else "",
        )
        round_._plan = entry
        rounds.append(round_)
    members = []
    for round_ in rounds:
        members.append(CouncilMember(round=round_, user=ctx.users["thuky"], role=CouncilRole.SECRETARY))
        for username in SCORERS:
            role = CouncilRole.CHAIR if username == "chutich" else CouncilRole.MEMBER
            members.append(CouncilMember(round=round_, user=ctx.users[username], role=role, title="Thành viên"))
    CouncilMember.objects.bulk_create(members)
    ctx.extra["rounds"] = rounds
    ctx.extra["scorers"] = {
        round_.pk: [m for m in members if m.round_id == round_.pk and m.role != CouncilRole.SECRETARY]
        for round_ in rounds
    }
    ctx.counts.update(years=len(years), rounds=len(rounds))


# ---------------------------------------------------------------------------------------------------- sheets
def _choose(ctx: Context, sheet_def: list, quality: float) -> dict:
    """One member's choices: options near the product's quality, one criterion in a choose-one section."""
    rng = ctx.rng
    choices = {}
    for part in sheet_def:
        for section in part["sections"]:
            criteria = section["criteria"]
            if section.get("choose_one"):
                criteria = [criteria[0]]
            for criterion in criteria:
                options = sorted(option["points"] for option in criterion["options"])
                index = round(quality * (len(options) - 1))
                if rng.random() < 0.2:
                    index += rng.choice((-1, 1))
                choices[criterion["code"]] = options[max(0, min(len(options) - 1, index))]
    return choices


def _result(dossier, sheets, authority, now) -> Result:
    submitted = [s for s in sheets if s.status == SheetStatus.SUBMITTED]
    sheet_def = sheets[0].criteria_set.sheet
    outcome = scoring.compute(
        sheet_def,
        [s.choices for s in submitted],
        expected_count=len(sheets),
        spread_threshold=authority.spread_threshold,
        quorum_percent=authority.quorum_percent,
    )
    result = Result(
        dossier=dossier,
        sheet_count=outcome.sheet_count,
        expected_count=outcome.expected_count,
        points_sum=sum(outcome.totals),
        mean=scoring.to_decimal(outcome.mean) if outcome.mean is not None else None,
        min_total=min(outcome.totals) if outcome.totals else None,
        max_total=max(outcome.totals) if outcome.totals else None,
        band_star=outcome.band,
        star=outcome.star,
        failed_marks=[m.as_dict() for m in outcome.failed_marks if m.star <= (outcome.band or 0)],
        criterion_means={code: str(scoring.to_decimal(mean)) for code, mean in outcome.criterion_means.items()},
        flags=outcome.flags,
        computed_at=now,
    )
    return result


def _code(ctx: Context) -> str:
    return "".join(ctx.rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def generate(ctx: Context) -> None:
    """Sheets, results, decisions, recognitions and certificates for the dossiers the products step accepted."""
    from products.enums import DossierStatus
    from products.models import Dossier

    authority = ctx.authority
    sets = {s.pk: s for s in ctx.extra["criteria_sets"]}
    sheet_count = result_count = 0
    for round_ in ctx.extra["rounds"]:
        if round_.stage == RoundStage.OPEN:
            continue
        scorers = ctx.extra["scorers"][round_.pk]
        approved = round_.stage == RoundStage.APPROVED
        dossiers = list(
            Dossier.objects.filter(round=round_, status=DossierStatus.ACCEPTED).select_related("product").order_by("pk")
        )
        sheets, results = [], []
        for dossier in dossiers:
            criteria_set = sets[dossier.product.criteria_set_id]
            quality = ctx.rng.betavariate(4, 2.2)
            submitted_n = len(scorers) if approved else ctx.rng.randint(0, len(scorers))
            own = []
            for index, member in enumerate(scorers):
                done = index < submitted_n
                choices = _choose(ctx, criteria_set.sheet, quality) if done else {}
                when = _at(round_.district_deadline - datetime.timedelta(days=ctx.rng.randint(1, 20)), 15)
                sheet = ScoreSheet(
                    dossier=dossier,
                    member=member,
                    criteria_set=criteria_set,
                    choices=choices,
                    status=SheetStatus.SUBMITTED if done else SheetStatus.DRAFT,
                    total=sum(choices.values()) if done else None,
                    submitted_at=when if done else None,
                )
                own.append(sheet)
            sheets += own
            result = _result(dossier, own, authority, ctx.now)
            if approved and "spread" in result.flags:
                result.resolution = "Hội đồng thống nhất chấp nhận chênh lệch sau khi thảo luận."
                result.resolved_by = ctx.users["chutich"]
                result.resolved_at = round_.approved_at
            results.append(result)
        ScoreSheet.objects.bulk_create(sheets, batch_size=BATCH)
        Result.objects.bulk_create(results, batch_size=BATCH)
        sheet_count += len(sheets)
        result_count += len(results)
        if approved:
            _decide(ctx, round_, [r for r in results if r.star and r.star >= 3], dossiers)
    ctx.counts.update(sheets=sheet_count, results=result_count)
    ctx.counts["certificates"] = Certificate.objects.filter(authority=authority).count()


def _decide(ctx: Context, round_, results, dossiers) -> None:
    """The round's decision, its recognitions (capped at the authority's star) and their certificates."""
    from evaluations.certificates import full_address

    plan = round_._plan
    decision = RecognitionDecision.objects.create(
        round=round_,
        number=f"{100 + round_.number * 37 + round_.year.year % 100}/QĐ-UBND",
        date=plan["decision_date"],
        signed_by="Phó Chủ tịch UBND tỉnh",
        recorded_by=ctx.users["sonn"],
        recorded_at=_at(plan["decision_date"]),
    )
    decision.round = round_
    cap = ctx.authority.max_recognised_star
    recognitions = Recognition.objects.bulk_create(
        [Recognition(decision=decision, dossier_id=r.dossier_id, star=min(r.star, cap)) for r in results],
        batch_size=BATCH,
    )
    by_id = {d.pk: d for d in dossiers}
    issued_on = plan["decision_date"] + datetime.timedelta(days=14)
    sequence, _created = CertificateSequence.objects.get_or_create(authority=ctx.authority, year=issued_on.year)
    valid_until = add_months(decision.date, ctx.authority.certificate_validity_months)
    certificates = []
    with translation.override(settings.LANGUAGE_CODE):
        for recognition in sorted(recognitions, key=lambda r: by_id[r.dossier_id].product.name):
            product = by_id[recognition.dossier_id].product
            criteria_set = ctx.extra["criteria_set_by_id"][product.criteria_set_id]
            producer = ctx.extra["producer_by_id"][product.producer_id]
            sequence.last += 1
            revoked = ctx.rng.random() < 0.01
            certificates.append(
                Certificate(
                    kind=CertificateKind.ISSUED,
                    authority=ctx.authority,
                    recognition=recognition,
                    product=product,
                    criteria_set=criteria_set,
                    number=ctx.authority.certificate_number_format.format(
                        seq=sequence.last, authority=ctx.authority.code, year=issued_on.year
                    ),
                    year=issued_on.year,
                    sequence=sequence.last,
                    code=_code(ctx),
                    decision_number=decision.number,
                    decision_date=decision.date,
                    product_name=product.name,
                    producer_name=producer.name,
                    producer_address=full_address(producer),
                    product_group=f"{criteria_set.code}. {criteria_set.name}",
                    star=recognition.star,
                    issued_on=issued_on,
                    valid_until=valid_until,
                    issuer=ctx.authority.name,
                    signatory=decision.signed_by,
                    issued_at=_at(issued_on),
                    issued_by=ctx.users["sonn"],
                    revoked_at=_at(issued_on + datetime.timedelta(days=200)) if revoked else None,
                    revoked_on=issued_on + datetime.timedelta(days=199) if revoked else None,
                    revocation_decision="15/QĐ-UBND" if revoked else "",
                    revocation_ground=RevocationGround.PRODUCTION_STOPPED if revoked else "",
                    revoked_by=ctx.users["sonn"] if revoked else None,
                )
            )
    sequence.save(update_fields=["last"])
    Certificate.objects.bulk_create(certificates, batch_size=BATCH)
