"""Demo councils, score sheets, results and the 2024 recognition decision of the Lục Nam programme.

``seed_scoring(authority)`` expects ``ocop.demo.seed_all()`` to have run (accounts, criteria sets, and the dossiers of
``products.demo``). It is idempotent: every step is guarded by the state it starts from (round stage, sheet status,
reopen count, flags, existing rows), so a second run writes no row and no audit entry. Whatever demo users changed
since (a member submitting a sheet, the chair approving) is left as it is.

Every state change goes through ``evaluations.domain`` acting as the real user: ``thuky`` (Tổ giúp việc) forms the
council, records the conflict of interest, checks unverified criteria sets, starts scoring and reopens a sheet; each
member fills in and submits their own sheet; ``chutich`` accepts a spread and approves the results; ``phongnn``
records the district's decision and the province's result. The 2024 round passes ``now=`` so its history carries
June 2024 dates in order. (``add_council_member``, ``declare_conflict``, ``save_sheet`` and
``record_province_result`` take no ``now=``: those audit rows carry the seeding time.)

The stories:

* 2024 round 1 (approved, decision 2345/QĐ-UBND of 20/06/2024, all five products recognised at 3★):
  - Trà hoa vàng (re-evaluation, set 12): mean 75.17, every 3★ and 4★ mark met → 4★ band, capped at 3★ by the
    district; forwarded to the province, which recognised it at 4★ (1234/QĐ-UBND). hoidong6 declared a conflict of
    interest with its cooperative and has no sheet for it or for the tea bags (quorum base 6).
  - Đông trùng hạ thảo khô (re-evaluation, set 20, Công ty TNHH dược thảo Trường Thọ): mean 74.14 but no
    chain-linkage contract (1d, 4★ mark 2 points) → 3★.
  - Trà hoa vàng đông trùng túi lọc (new, set 12): mean 62.50 → 3★, no flag.
  - Rượu đông trùng hạ thảo (new, set 15): hoidong6 scored 17 points above the lowest sheet → flagged "spread";
    the chair accepted it with a written reason → mean 59.86, 3★.
  - Mật ong đông trùng hạ thảo (new, set 08): hoidong5 first scored 42 (15 below the highest) → flagged; thuky
    reopened the sheet (kept as a SheetRevision), hoidong5 re-scored 52 → flag cleared, mean 55.57, 3★.
* Certificates (``seed_certificates``): phongnn issues the five certificates of decision 2345/QĐ-UBND on 25/06/2024
  (001/GCN-LN-2024 …; their PDFs are rendered and stored on first download); records the province's 4★ certificate
  of Trà hoa vàng with its scan; an inspection of Mật ong đông trùng hạ thảo in 2025 finds it no longer meets the
  criteria and its certificate is revoked; Rượu nếp cái hoa vàng Bảo Sơn holds a paper certificate from before the
  application that expires 45 days from today (hence its re-evaluation in this year's round).
* This year's round 1 (in scoring, council deadline 10 days ahead): Rượu nếp cái hoa vàng Bảo Sơn and Gà đồi Lục
  Nam; hoidong2..hoidong4 have submitted both sheets, hoidong1 has a half-filled draft of the first and an empty
  draft of the second (so the running mean is hidden from hoidong1), the chair, hoidong5 and hoidong6 have not
  started.

The council, the stories and the sheets are data in ``evaluations.demo_stories``; the certificates step is
``evaluations.demo_certificates``; this module plays the scoring through the domain functions in small steps.
"""

import datetime

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from evaluations import domain
from evaluations.demo_certificates import seed_certificates
from evaluations.demo_stories import (
    APPROVED_2024,
    CHAIR,
    CONFLICT,
    COUNCIL,
    CRITERIA_CHECKED_2024,
    CURRENT_SHEETS,
    DECISION_2024,
    HOIDONG1_DRAFT,
    OFFICE,
    SCORING_STARTED_2024,
    SECRETARIAT,
    STORIES_2024,
    TRA_HOA_VANG,
    TRA_HOA_VANG_5,
    VN,
    StorySeed,
    _profile,
    _TopProfile,
    _users,
)
from evaluations.enums import SheetStatus
from evaluations.models import (
    ConflictOfInterest,
    CouncilMember,
    Recognition,
    RecognitionDecision,
    Result,
    ScoreSheet,
    SheetRevision,
)
from ocop.models import Authority
from products.enums import DossierStatus
from products.models import Dossier, Producer
from programme.demo import current_round_numbers
from programme.enums import RoundStage
from programme.models import Round


def _form_council(round_: Round, users: dict) -> None:
    if round_.stage != RoundStage.OPEN:
        return
    present = set(round_.council.values_list("user__username", flat=True))
    province = round_.year.authority.is_province
    for username, role, title in COUNCIL:
        if province:  # the simulated province's council sits for the province's departments
            title = title.replace("UBND huyện", "UBND tỉnh").replace("Phó Trưởng phòng", "Phó Giám đốc Sở")
        if username not in present:
            domain.add_council_member(round_, users[username], role=role, title=title, by=users[SECRETARIAT])


def _declare_conflict(round_: Round, users: dict, authority: Authority) -> None:
    username, producer_name, note = CONFLICT
    member = CouncilMember.objects.get(round=round_, user__username=username)
    producer = Producer.objects.get(commune__authority=authority, name=producer_name)
    if not ConflictOfInterest.objects.filter(member=member, producer=producer).exists():
        domain.declare_conflict(member, producer, note=note, by=users[SECRETARIAT])


def _check_criteria_sets(round_: Round, users: dict, now=None) -> None:
    """Decision 12: an unverified set is checked against the official text by staff before the round uses it."""
    dossiers = Dossier.objects.filter(round=round_, status=DossierStatus.ACCEPTED).select_related(
        "product__criteria_set"
    )
    # the set each dossier is scored on: its regime's edition (26/2026 sets for a dossier filed under it)
    for criteria_set in {domain.scoring_set(d) for d in dossiers.select_related("round__year__authority", "regime")}:
        if not criteria_set.usable:
            domain.confirm_criteria_set(criteria_set, by=users[SECRETARIAT], now=now)


def _start_scoring(round_: Round, users: dict, now) -> None:
    if round_.stage == RoundStage.OPEN:
        domain.start_scoring(round_, by=users[SECRETARIAT], now=now)
        round_.refresh_from_db()


def _sheet(round_: Round, product: str, username: str) -> ScoreSheet:
    return ScoreSheet.objects.select_related("member__user", "dossier__round").get(
        dossier__round=round_, dossier__product__name=product, member__user__username=username
    )


def _fit(sheet: ScoreSheet, choices: dict) -> dict:
    """The demo's profiles are written on the 148 sheets. A dossier filed under Decision 26/2026 is scored on the
    2026 sheet of its set (other codes): there each criterion takes the option nearest the profile's overall level
    (its share of the 148 sheet's points), so the story keeps its rough score."""
    criteria = [c for _p, _s, c in sheet.criteria_set.criteria()]
    if all(code in {c["code"] for c in criteria} for code in choices):
        return choices
    product_set = sheet.dossier.product.criteria_set
    maxima = {c["code"]: c["max_points"] for _p, _s, c in product_set.criteria()}
    level = sum(choices.values()) / max(1, sum(maxima.get(code, 0) for code in choices))
    fitted = {}
    for part in sheet.criteria_set.sheet:
        for section in part["sections"]:
            scored = section["criteria"][:1] if section.get("choose_one") else section["criteria"]
            for criterion in scored:
                top = max(criterion["max_points"], 1)
                option = min(criterion["options"], key=lambda o: (abs(o["points"] / top - level), o["points"]))
                fitted[criterion["code"]] = option["points"]
    return fitted


def _submit(sheet: ScoreSheet, choices: dict, comment: str, at, users: dict) -> None:
    choices = _fit(sheet, choices)
    domain.submit_sheet(sheet, choices=choices, comment=comment, by=users[sheet.member.user.username], now=at)


def _play_2024(round_: Round, story: StorySeed, users: dict) -> None:
    """Each member submits their sheet; then the re-score or the chair's reason settles a spread."""
    if isinstance(story.base, _TopProfile):
        criteria_set = Dossier.objects.get(round=round_, product__name=story.product).product.criteria_set
        base = _profile(top_profile(criteria_set))
    else:
        base = _profile(story.base)
    for seed in story.sheets:
        sheet = _sheet(round_, story.product, seed.username)
        if sheet.status == SheetStatus.DRAFT and sheet.reopen_count == 0:
            _submit(sheet, base | _profile(seed.changes), seed.comment, seed.at, users)

    rescore = story.rescore
    if rescore is not None:
        sheet = _sheet(round_, story.product, rescore.username)
        if sheet.status == SheetStatus.SUBMITTED and sheet.reopen_count == 0:
            domain.reopen_sheet(sheet, by=users[SECRETARIAT], reason=rescore.reason, now=rescore.reopened_at)
            sheet.refresh_from_db()
        if sheet.status == SheetStatus.DRAFT and sheet.reopen_count > 0:
            _submit(sheet, base | _profile(rescore.changes), rescore.comment, rescore.at, users)

    result = Result.objects.get(dossier__round=round_, dossier__product__name=story.product)
    if story.spread_reason and "spread" in result.flags and not result.resolution:
        domain.accept_spread(result, by=users[CHAIR], reason=story.spread_reason, now=story.spread_accepted_at)


def _record_province(round_: Round, story: StorySeed, users: dict) -> None:
    if story.province is None:
        return
    result = Result.objects.get(dossier__round=round_, dossier__product__name=story.product)
    if result.province_result_star is None:
        star, number, date = story.province
        domain.record_province_result(result, star=star, decision=number, date=date, by=users[OFFICE])


def stories_2024(authority: Authority) -> list:
    """Under the simulated province regime Trà hoa vàng is scored for 5★: the province recognises it at 4★ (its
    highest star), issues that certificate itself, and forwards the product to the ministry."""
    if not authority.is_province:
        return STORIES_2024
    return [TRA_HOA_VANG_5 if story is TRA_HOA_VANG else story for story in STORIES_2024]


def top_profile(criteria_set) -> str:
    """The best option of every criterion (one case of a choose-one section): a product that meets every mark."""
    chosen = []
    for part in criteria_set.sheet:
        for section in part["sections"]:
            criteria = section["criteria"][:1] if section.get("choose_one") else section["criteria"]
            for criterion in criteria:
                chosen.append(f"{criterion['code']}={max(o['points'] for o in criterion['options'])}")
    return " ".join(chosen)


def seed_round_2024(authority: Authority, users: dict) -> Round:
    round_ = Round.objects.get(year__authority=authority, year__year=2024, number=1)
    stories = stories_2024(authority)
    _form_council(round_, users)
    if round_.stage == RoundStage.OPEN:
        _declare_conflict(round_, users, authority)  # before scoring starts, so the member gets no sheet
        _check_criteria_sets(round_, users, now=CRITERIA_CHECKED_2024)
    _start_scoring(round_, users, now=SCORING_STARTED_2024)
    if round_.stage == RoundStage.SCORING:
        for story in stories:
            _play_2024(round_, story, users)
        domain.approve_results(round_, by=users[CHAIR], now=APPROVED_2024)
        round_.refresh_from_db()
    if round_.stage == RoundStage.APPROVED and not RecognitionDecision.objects.filter(round=round_).exists():
        decision = DECISION_2024
        if authority.is_province:
            decision = decision | {"signed_by": decision["signed_by"].replace("UBND huyện", "UBND tỉnh")}
        domain.record_decision(round_, by=users[OFFICE], **decision)
    for story in stories:
        _record_province(round_, story, users)
    return round_


def _days_ago(days, hour, minute) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=VN)


def seed_current_round(authority: Authority, users: dict) -> Round:
    """This year's round 1 in scoring: three members have submitted, hoidong1 has a half-filled draft."""
    today = timezone.localdate()
    number, _open_number = current_round_numbers(today)
    round_ = Round.objects.get(year__authority=authority, year__year=today.year, number=number)
    _form_council(round_, users)
    if round_.stage == RoundStage.OPEN:
        _check_criteria_sets(round_, users)
    started = datetime.datetime.combine(
        round_.commune_deadline + datetime.timedelta(days=2), datetime.time(8, 0), tzinfo=VN
    )
    _start_scoring(round_, users, now=min(started, timezone.now()))
    if round_.stage != RoundStage.SCORING:
        return round_
    for product, (base_text, sheets) in CURRENT_SHEETS.items():
        base = _profile(base_text)
        for username, days, hour, minute, changes, comment in sheets:
            sheet = _sheet(round_, product, username)
            if sheet.status == SheetStatus.DRAFT and sheet.reopen_count == 0:
                at = max(_days_ago(days, hour, minute), round_.scoring_started_at)
                _submit(sheet, base | _profile(changes), comment, at, users)
    product, part = HOIDONG1_DRAFT
    sheet = _sheet(round_, product, "hoidong1")
    if sheet.status == SheetStatus.DRAFT and not sheet.choices and not sheet.comment:
        part_codes = {c["code"] for p, _s, c in sheet.criteria_set.criteria() if p["code"] == part}
        profile = _fit(sheet, _profile(CURRENT_SHEETS[product][0]))
        choices = {code: points for code, points in profile.items() if code in part_codes}
        domain.save_sheet(sheet, choices=choices, by=users["hoidong1"])
    return round_


# ---------------------------------------------------------------------------------------------------- entry point
def _summary(round_: Round) -> dict:
    results = Result.objects.filter(dossier__round=round_).select_related("dossier__product").order_by("-mean")
    return {
        "stage": round_.stage,
        "council": round_.council.count(),
        "sheets_by_status": dict(
            ScoreSheet.objects.filter(dossier__round=round_)
            .order_by()
            .values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        ),
        "results": {
            r.dossier.product.name: {
                "mean": r.mean,
                "star": r.star,
                "band": r.band_star,
                # the marks that cost a star (marks above the mean's band do not matter)
                "failed_marks": [
                    f"{m['criterion']} ({m['star']}★)"
                    for m in r.failed_marks
                    if r.band_star and m["star"] <= r.band_star
                ],
                "flags": r.flags,
                "resolved": bool(r.resolution),
                "province_star": r.province_result_star,
            }
            for r in results
        },
    }


def seed_reminders(authority: Authority) -> dict:
    """The reminders due now, sent in-process when no broker is configured (the last step of the demo)."""
    from evaluations.reminders import seed_notifications

    return seed_notifications()


@transaction.atomic
def seed_scoring(authority: Authority) -> dict:
    """Score, approve and recognise 2024 round 1; put this year's round 1 in scoring (idempotent)."""
    users = _users()
    past = seed_round_2024(authority, users)
    current = seed_current_round(authority, users)
    decision = RecognitionDecision.objects.filter(round=past).first()
    issued = seed_certificates(authority)
    return {
        "2024": _summary(past) | {"decision": decision.number if decision else None},
        "current": _summary(current),
        "recognitions": Recognition.objects.filter(decision__round__year__authority=authority).count(),
        "revisions": SheetRevision.objects.filter(sheet__dossier__round__year__authority=authority).count(),
        "certificates": issued,
    }
