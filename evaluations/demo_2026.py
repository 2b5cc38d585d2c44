"""The 2026 demo under Decision 26/2026 (issue 20, item 8), for ``seed_demo --regime province`` only.

``seed_2026(authority)`` runs after the other demo steps (``ocop.demo.register_step``, order 97), so the round numbers
the others take (this year's scoring and open rounds, funding's uncovered round) are taken first: when the clock is in
2026 the "30/04 → 30/06" round has the year's next free number. It is idempotent: rows are looked up by their
natural keys (producer name + commune, product name + producer, the round by its year and window dates) and each
step is guarded by the state it starts from.

The stories, on the province's first communes in the order of their official codes (picked by query, never by name,
so the real Bắc Ninh of issue 21 works as well as the simulated province):

* 2026 round "30/04 → 30/06" (proposal cut-off 30/04/2026, ends by 30/06/2026): five new products proposed in April,
  scored on the 2026 sheets in June, results approved 24/06/2026 (before the end date) and decided 26/06/2026:
  - a product at about 80 with every mark met → 4★, product code ``24-XXXXX-001-2026`` (its commune's first number);
  - a product at about 60 → 3★;
  - a product above 70 that misses a 3★ minimum of the 2026 sheet (the trademark application when the sheet has it)
    → 2★: no decision, no certificate, "Không được công nhận (dưới 3 sao)";
  - a product at about 40 → 2★, no decision;
  - a product at 100 → the ministry path: the province approved the result (27/06/2026) and sent it; the ministry did
    not confirm 90 points; the province recognised 4★ on the central council's score of 84.5 (its own decision and
    code).
  The 4★ and 3★ certificates are issued on 30/06/2026.
* The year's open round (``programme.demo``'s "current" round, the one with the commune's recent dossiers) gets the
  26/2026 window of its number, moved after the demo clock so that it stays open: its cut-off is never before its
  commune deadline, its end never before its scoring deadline (the office may set any dates).

The 2024 history stays under the rules of its time (148 or the simulated province's): nothing here touches it.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from evaluations import domain, issuing, ministry
from evaluations.demo_stories import CHAIR, COUNCIL, OFFICE, SECRETARIAT
from evaluations.enums import SCORING_ROLES, SheetStatus
from evaluations.models import MinistryReferral, Recognition, RecognitionDecision, Result
from ocop.models import Authority, Commune
from products import checklist
from products import domain as product_domain
from products.demo_files import _upload
from products.enums import DossierStatus, ProducerKind, RegistrationType
from products.models import Dossier, Producer, Product
from programme.catalogue import sync_catalogue
from programme.demo import current_round_numbers
from programme.enums import RoundStage
from programme.models import CriteriaSet, ProgrammeYear, Round
from programme.regimes import ensure_regimes, regime_on, round_window

VN = datetime.timezone(datetime.timedelta(hours=7))
YEAR = 2026
CUTOFF, END = datetime.date(YEAR, 4, 30), datetime.date(YEAR, 6, 30)
PROPOSED = datetime.date(YEAR, 4, 20)
ACCEPTED = datetime.date(YEAR, 5, 25)
SCORED = datetime.date(YEAR, 6, 15)
APPROVED = datetime.date(YEAR, 6, 24)
DECIDED = datetime.date(YEAR, 6, 26)
SENT = datetime.date(YEAR, 6, 27)
MINISTRY_ANSWER = datetime.date(YEAR, 9, 28)
CENTRAL_DECISION = datetime.date(YEAR, 10, 6)
ISSUED = datetime.date(YEAR, 6, 30)
OVERRIDE_REASON = (
    "Dữ liệu minh họa: đợt đánh giá theo lịch của Quyết định 26/2026/QĐ-TTg (xã đề nghị trước 30/04, kết thúc trước "
    "30/06), chấm trên bộ tiêu chí năm 2026."
)


def _at(day: datetime.date, hour=9, minute=0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=VN)


@dataclass(frozen=True)
class Story:
    key: str
    commune_index: int  # the n-th commune of the province by official code
    producer: str
    product: str
    set_code: str  # a 2026 sheet (falls back to the 148 one of the same code when the 2026 ones are not loaded)
    target: int  # the members' total (every member scores the same sheet)
    keep_star: int  # the star whose marks stay met (0: none)
    miss_3: bool = False  # miss a 3★ mark (the trademark application when the sheet has it)


STORIES = [
    Story("bon-sao", 0, "Hợp tác xã chè Đồi Mây (dữ liệu minh họa)", "Chè xanh Đồi Mây", "12", 80, 4),
    Story("ba-sao", 1, "Tổ hợp tác bánh đa Sông Cầu (dữ liệu minh họa)", "Bánh đa nem Sông Cầu", "07", 61, 3),
    Story(
        "thieu-nhan-hieu",
        0,
        "Hộ kinh doanh mật ong Bà Thu (dữ liệu minh họa)",
        "Mật ong hoa vải Bà Thu",
        "08",
        76,
        4,
        miss_3=True,
    ),
    Story("hai-sao", 2, "Hộ kinh doanh tương Làng Nội (dữ liệu minh họa)", "Tương nếp Làng Nội", "09", 40, 0),
    Story("tiem-nang-5-sao", 1, "Công ty TNHH gà đồi Kinh Bắc (dữ liệu minh họa)", "Gà đồi Kinh Bắc", "02", 100, 5),
]


# ---------------------------------------------------------------------------------------------------- choices
def _floor(criterion: dict, keep_star: int) -> int:
    """The fewest points a criterion may get with every mark up to ``keep_star`` met."""
    marked = [o["points"] for o in criterion["options"] if o.get("min_for_star") and o["min_for_star"] <= keep_star]
    return max(marked) if marked else min(o["points"] for o in criterion["options"])


def _scored_criteria(criteria_set: CriteriaSet) -> list[dict]:
    """The criteria a sheet scores: every one, but only the first case of a choose-one section."""
    rows = []
    for part in criteria_set.sheet:
        for section in part["sections"]:
            rows += section["criteria"][:1] if section.get("choose_one") else section["criteria"]
    return rows


def _missed_mark(criteria: list[dict]) -> tuple[dict, int] | None:
    """A criterion with a 3★ mark and an option below it, the trademark application first (criterion 3.5 in most
    2026 sheets)."""
    candidates = []
    for criterion in criteria:
        for option in criterion["options"]:
            if option.get("min_for_star") == 3:
                below = [o["points"] for o in criterion["options"] if o["points"] < option["points"]]
                if below:
                    trademark = "nhãn hiệu" in criterion["name"].lower() or "sở hữu" in criterion["name"].lower()
                    candidates.append((not trademark, criterion["code"], criterion, max(below)))
    if not candidates:
        return None
    _t, _c, criterion, points = min(candidates, key=lambda c: (c[0], c[1]))
    return criterion, points


def choices_for(criteria_set: CriteriaSet, story: Story) -> dict:
    """A complete sheet near ``story.target`` points: every criterion at its best, then lowered to its floor from the
    last one up until the total reaches the target; with ``miss_3`` one 3★ mark is missed."""
    criteria = _scored_criteria(criteria_set)
    choices = {c["code"]: max(o["points"] for o in c["options"]) for c in criteria}
    missed = _missed_mark(criteria) if story.miss_3 else None
    if missed:
        choices[missed[0]["code"]] = missed[1]
    for criterion in reversed(criteria):
        total = sum(choices.values())
        if total <= story.target:
            break
        if missed and criterion["code"] == missed[0]["code"]:
            continue
        floor = _floor(criterion, story.keep_star)
        choices[criterion["code"]] = max(floor, choices[criterion["code"]] - (total - story.target))
        choices[criterion["code"]] = min(
            (o["points"] for o in criterion["options"] if o["points"] >= choices[criterion["code"]]),
            default=choices[criterion["code"]],
        )
    return choices


# ---------------------------------------------------------------------------------------------------- steps
def _users() -> dict:
    names = [u for u, _r, _t in COUNCIL] + [OFFICE]
    return {u.username: u for u in get_user_model().objects.filter(username__in=names)}


def _communes(authority: Authority) -> list[Commune]:
    return list(Commune.objects.filter(authority=authority).order_by("code", "name")[:3])


def _official(commune: Commune):
    return get_user_model().objects.get(username=f"xa-{commune.slug}")


def _criteria_set(code: str) -> CriteriaSet:
    sets = CriteriaSet.objects.filter(code=code).order_by("-version")
    return sets.filter(edition="qd26-2026").first() or sets.first()


def _round(authority: Authority, users: dict) -> Round:
    year, _ = ProgrammeYear.objects.get_or_create(
        authority=authority,
        year=YEAR,
        defaults={"plan_reference": f"Kế hoạch OCOP {authority.short_name} năm {YEAR} (dữ liệu minh họa)"},
    )
    round_ = Round.objects.filter(year=year, proposal_cutoff=CUTOFF, closes_by=END).first()
    if round_ is None:
        number = max(year.rounds.values_list("number", flat=True), default=0) + 1
        round_ = Round.objects.create(
            year=year, number=number, commune_deadline=CUTOFF, district_deadline=datetime.date(YEAR, 6, 15),
            proposal_cutoff=CUTOFF, closes_by=END, meeting_date=datetime.date(YEAR, 6, 12),
            meeting_place="Hội trường Sở Nông nghiệp và Môi trường",
        )  # fmt: skip
    if round_.stage == RoundStage.OPEN:
        present = set(round_.council.values_list("user__username", flat=True))
        for username, role, title in COUNCIL:
            if username not in present:
                domain.add_council_member(round_, users[username], role=role, title=title, by=users[SECRETARIAT])
    return round_


def _dossier(story: Story, round_: Round, communes: list[Commune], qd26) -> Dossier:
    commune = communes[min(story.commune_index, len(communes) - 1)]
    official = _official(commune)
    producer = Producer.objects.filter(commune=commune, name=story.producer).first()
    if producer is None:
        producer = product_domain.create_producer(
            commune=commune, by=official, kind=ProducerKind.COOPERATIVE, name=story.producer,
            representative_name="Nguyễn Văn Minh", address="Thôn Đông (dữ liệu minh họa)",
        )  # fmt: skip
    product = Product.objects.filter(producer=producer, name=story.product).first()
    if product is None:
        product = product_domain.create_product(
            producer=producer, by=official, name=story.product, criteria_set=_criteria_set(story.set_code)
        )
    dossier = Dossier.objects.filter(product=product, round=round_).first()
    opened = _at(PROPOSED - datetime.timedelta(days=12))
    if dossier is None:
        dossier = product_domain.create_dossier(
            product=product, round=round_, registration_type=RegistrationType.NEW, by=official, now=opened
        )
    if qd26 is not None and dossier.regime_id != qd26.pk:
        # Proposed by 30/04 (the window of 26/2026) but before 22/05: the office chose 26/2026 for the demo, with
        # its reason (decision 2b; audited) — so that round 1 shows results on the 2026 sheets.
        product_domain.override_regime(
            dossier, qd26, reason=OVERRIDE_REASON, by=get_user_model().objects.get(username=OFFICE), now=opened
        )
        dossier.refresh_from_db()
    if dossier.status == DossierStatus.DRAFT:
        present = set(dossier.documents.values_list("item", flat=True))
        for item in checklist.required_items(dossier.registration_type):
            if item.code not in present:
                upload = _upload(item.code, f"{story.key}-{item.code}", product)
                product_domain.add_document(dossier, item=item.code, upload=upload, by=official, now=opened)
        missing = {
            "raw_material_origin": "Nguyên liệu trong tỉnh (dữ liệu minh họa)",
            "local_raw_material_percent": 90,
            "local_labour_percent": 100,
            "idea_origin": "Ý tưởng của chủ thể tại địa phương",
            "local_identity": "Sản phẩm gắn với nghề truyền thống của xã",
            "verified_by_name": f"Cán bộ {commune}",
            "verified_on": PROPOSED - datetime.timedelta(days=1),
        }
        missing = {k: v for k, v in missing.items() if getattr(dossier, k) in (None, "")}
        if missing:
            product_domain.save_verification(dossier, by=official, now=opened, **missing)
        product_domain.submit_dossier(dossier, by=official, now=_at(PROPOSED))
        dossier.refresh_from_db()
    if dossier.status in (DossierStatus.SUBMITTED, DossierStatus.RESUBMITTED):
        checker = get_user_model().objects.get(username=SECRETARIAT)
        product_domain.accept_dossier(dossier, by=checker, now=_at(ACCEPTED))
        dossier.refresh_from_db()
    return dossier


def _score(round_: Round, stories: dict, users: dict) -> None:
    if round_.stage == RoundStage.OPEN:
        for criteria_set in {domain.scoring_set(d) for d in stories.values()}:
            if not criteria_set.usable:
                domain.confirm_criteria_set(criteria_set, by=users[SECRETARIAT], now=_at(ACCEPTED, 10))
        domain.start_scoring(round_, by=users[SECRETARIAT], now=_at(ACCEPTED, 11))
        round_.refresh_from_db()
    if round_.stage != RoundStage.SCORING:
        return
    for story, dossier in stories.items():
        for sheet in dossier.sheets.select_related("member__user", "criteria_set").filter(status=SheetStatus.DRAFT):
            if sheet.member.role in SCORING_ROLES:
                choices = choices_for(sheet.criteria_set, story)
                domain.submit_sheet(
                    sheet, choices=choices, comment="Đánh giá theo hồ sơ và mẫu sản phẩm.", by=sheet.member.user,
                    now=_at(SCORED, 10),
                )  # fmt: skip
    domain.approve_results(round_, by=users[CHAIR], drafts_confirmed=True, now=_at(APPROVED, 15))
    round_.refresh_from_db()


def _decide(round_: Round, users: dict) -> None:
    office = users[OFFICE]
    if round_.stage == RoundStage.APPROVED and round_.decision is None:
        domain.record_decision(
            round_, number="1520/QĐ-UBND", date=DECIDED, signed_by="Phó Chủ tịch UBND tỉnh",
            by=office, now=_at(DECIDED, 16),
        )  # fmt: skip
    decision = RecognitionDecision.objects.filter(round=round_, on_central_evaluation=False).first()
    if decision is None:
        return
    for recognition in decision.recognitions.all():
        if not recognition.certificates.exists():
            issuing.issue_certificate(recognition, by=office, issued_on=ISSUED, now=_at(ISSUED, 10))


def _ministry(round_: Round, dossier: Dossier, users: dict) -> None:
    """Approved and sent; the ministry did not confirm 90; the province recognised 4★ on the central score."""
    office = users[OFFICE]
    result = Result.objects.filter(dossier=dossier).first()
    if result is None or not domain.goes_to_ministry(result, round_.year.authority):
        return
    if not MinistryReferral.objects.filter(result=result).exists():
        ministry.approve_for_ministry(
            result, number="1533/QĐ-UBND", date=SENT, sent_on=SENT, by=office, now=_at(SENT, 15)
        )
    result.refresh_from_db()
    if result.province_result_star is None:
        ministry.record_ministry_outcome(
            result, recognised=False, decision="2874/BNNMT-VPĐP", date=MINISTRY_ANSWER, by=office,
            now=_at(MINISTRY_ANSWER, 15),
        )  # fmt: skip
        result.refresh_from_db()
    if not Recognition.objects.filter(dossier=dossier).exists():
        decision = ministry.recognise_on_central_evaluation(
            result, central_score=Decimal("84.5"), number="2210/QĐ-UBND", date=CENTRAL_DECISION,
            signed_by="Phó Chủ tịch UBND tỉnh", by=office, now=_at(CENTRAL_DECISION, 16),
        )  # fmt: skip
        issuing.issue_certificate(
            decision.recognitions.get(), by=office, issued_on=CENTRAL_DECISION, now=_at(CENTRAL_DECISION, 17)
        )


def _open_round_window(authority: Authority, users: dict) -> Round | None:
    """The year's open demo round takes its 26/2026 window, moved after the clock so that it stays open."""
    today = timezone.localdate()
    _scoring, open_number = current_round_numbers(today)
    round_ = Round.objects.filter(year__authority=authority, year__year=today.year, number=open_number).first()
    if round_ is None or round_.stage != RoundStage.OPEN or round_.proposal_cutoff is not None:
        return round_
    window = round_window(round_.year, 2)
    if window is None:
        return round_
    cutoff = max(window[0], round_.commune_deadline)
    end = max(window[1], round_.district_deadline, cutoff)
    from evaluations.programme import update_round

    update_round(round_, by=users[OFFICE], proposal_cutoff=cutoff, closes_by=end)
    return round_


@transaction.atomic
def seed_2026(authority: Authority) -> dict | None:
    """The 2026 stories under Decision 26/2026 (province demo only; idempotent). Returns what it holds."""
    if not authority.is_province:
        return None
    ensure_regimes()
    sync_catalogue()
    qd26 = regime_on(datetime.date(YEAR, 6, 1), authority.level)
    users = _users()
    communes = _communes(authority)
    if not communes:
        return None
    round_ = _round(authority, users)
    stories = {story: _dossier(story, round_, communes, qd26) for story in STORIES}
    _score(round_, stories, users)
    _decide(round_, users)
    _ministry(round_, stories[STORIES[-1]], users)
    open_round = _open_round_window(authority, users)
    results = {s.key: Result.objects.filter(dossier=d).first() for s, d in stories.items()}
    return {
        "round": round_,
        "open_round": open_round,
        "stars": {key: r.star if r else None for key, r in results.items()},
        "codes": dict(
            Recognition.objects.filter(dossier__round=round_).values_list("dossier__product__name", "product_code")
        ),
    }
