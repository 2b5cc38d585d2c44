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
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from evaluations import certificates, domain
from evaluations.enums import CouncilRole, SheetStatus
from evaluations.models import (
    Certificate,
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

VN = ZoneInfo("Asia/Ho_Chi_Minh")
SECRETARIAT = "thuky"
CHAIR = "chutich"
OFFICE = "phongnn"

# username, council role, position. The positions are invented for the demo.
COUNCIL = [
    (CHAIR, CouncilRole.CHAIR, "Phó Chủ tịch UBND huyện, Chủ tịch Hội đồng"),
    ("hoidong1", CouncilRole.MEMBER, "Phó Trưởng phòng Nông nghiệp và Phát triển nông thôn"),
    ("hoidong2", CouncilRole.MEMBER, "Phó Trưởng phòng Kinh tế và Hạ tầng"),
    ("hoidong3", CouncilRole.MEMBER, "Phó Trưởng phòng Tài nguyên và Môi trường"),
    ("hoidong4", CouncilRole.MEMBER, "Phó Trưởng phòng Tài chính – Kế hoạch"),
    ("hoidong5", CouncilRole.MEMBER, "Phó Trưởng phòng Y tế"),
    ("hoidong6", CouncilRole.MEMBER, "Phó Trưởng phòng Văn hóa và Thông tin"),
    (SECRETARIAT, CouncilRole.SECRETARY, "Tổ giúp việc Hội đồng OCOP"),
]


def _at(day, hour, minute=0):
    return datetime.datetime(2024, 6, day, hour, minute, tzinfo=VN)


def _profile(text: str) -> dict:
    """'1a=5 1b=2 …' → {'1a': 5, '1b': 2, …}: the option (by its points) chosen for each criterion."""
    return {code: int(points) for code, points in (pair.split("=") for pair in text.split())}


@dataclass(frozen=True)
class SheetSeed:
    username: str
    at: datetime.datetime | None  # when it is submitted; None for a draft the member has not submitted
    changes: str = ""  # options that differ from the product's base profile
    comment: str = ""


@dataclass(frozen=True)
class Rescore:
    """The secretariat reopens one member's sheet (the submitted version is kept) and the member re-scores."""

    username: str
    reason: str
    reopened_at: datetime.datetime
    changes: str
    comment: str
    at: datetime.datetime


@dataclass(frozen=True)
class StorySeed:
    product: str
    # The council's common view of the product: one option per criterion (points), for the set the product uses.
    # Each member's sheet is this profile with the member's own ``changes``.
    base: str
    sheets: tuple
    rescore: Rescore | None = None
    spread_reason: str = ""  # the chair's written reason to accept a spread
    spread_accepted_at: datetime.datetime | None = None
    province: tuple | None = None  # (star, decision number, date) recorded after the province's evaluation


# ---------------------------------------------------------------------------------------------------- 2024 round 1
# Set 12 (trà từ thực vật khác). Marks: 3★ 1a≥3, 5b≥3, 8a≥2, 9≥2; 4★ 1c≥2, 1d≥2, 1đ≥1, 2a=4, 2c=3, 3d=2, 3e≥1,
# 5b=5, 6a=2, 6c≥2, 6d≥2, 6đ≥2, 7≥3, 9≥3. The transcribed set tops out at 97 (see its notes).
TRA_HOA_VANG = StorySeed(
    "Trà hoa vàng",
    # a cooperative (3a=3) led by a Tày woman (3b=1), 4★ since its first evaluation: every 4★ mark met
    "1a=5 1b=2 1c=2 1d=2 1đ=2 1e=1  2a=4 2b=2 2c=3  3a=3 3b=1 3c=3 3d=2 3đ=1 3e=2  4a=3 4b=3 4c=3  "
    "5a=4 5b=5 5c=1  6a=2 6b=2 6c=2 6d=2 6đ=2  7=3  8a=2 8b=1  9=3  10=1 11=1",
    (
        SheetSeed(
            CHAIR,
            _at(12, 8, 10),
            comment="Sản phẩm giữ chất lượng ổn định từ lần công nhận 4 sao trước; đủ điều kiện đề nghị tỉnh "
            "đánh giá, công nhận lại.",
        ),
        SheetSeed("hoidong1", _at(12, 9, 5), "4c=4 5a=5"),
        SheetSeed("hoidong2", _at(12, 10, 20), "4a=2 6b=1"),
        SheetSeed("hoidong3", _at(12, 14, 0), "1b=3 2b=3"),
        SheetSeed(
            "hoidong4",
            _at(12, 15, 30),
            "3e=1 4b=1",
            "Nhãn hiệu đã được cấp văn bằng nhưng chưa sử dụng dấu hiệu chỉ dẫn địa lý trên bao bì.",
        ),
        SheetSeed("hoidong5", _at(13, 8, 40), "1đ=3 6c=3"),
        # hoidong6: conflict of interest with the cooperative, no sheet.
    ),
    province=(4, "1234/QĐ-UBND", datetime.date(2024, 8, 28)),
)

# Set 20 (tinh dầu và thảo dược khác). Marks: 3★ 1a≥1, 5b≥3, 12≥2; 4★ 1c≥2, 1d≥2, 1đ≥1, 2a=4, 2c=3, 3d=2, 3e≥1,
# 5b=5, 11≥3, 12≥3. The company grows its own cordyceps and has no chain-linkage contract (1d): mean above 70,
# but the 4★ mark of 1d fails, so the product stays at 3★.
DONG_TRUNG_KHO = StorySeed(
    "Đông trùng hạ thảo khô",
    "1a=5 1b=3 1c=2 1d=0 1đ=2 1e=1  2a=4 2b=2 2c=3  3a=3 3b=0 3c=3 3d=2 3đ=1 3e=1  4a=3 4b=3 4c=3  "
    "5a=4 5b=5 5c=1  6=5 7=3 8=3 9=2 10=3 11=3 12=3 13=1 14=1",
    (
        SheetSeed(
            CHAIR,
            _at(12, 8, 30),
            "1d=1",
            "Công ty tự nuôi cấy nguyên liệu, chưa có hợp đồng liên kết chuỗi với các hộ; chưa đạt mức tối thiểu "
            "4 sao ở tiêu chí 1d.",
        ),
        SheetSeed("hoidong1", _at(12, 9, 25), "4c=2 9=1"),
        SheetSeed("hoidong2", _at(12, 10, 40), "5a=3"),
        SheetSeed(
            "hoidong3",
            _at(12, 14, 20),
            "1d=1 4a=2",
            "Đề nghị công ty ký hợp đồng liên kết tiêu thụ với các hộ trồng để đủ điều kiện đánh giá 4 sao.",
        ),
        SheetSeed("hoidong4", _at(12, 15, 50), "6=3 8=1"),
        SheetSeed("hoidong5", _at(13, 9, 0), "1b=2 14=2"),
        SheetSeed("hoidong6", _at(13, 9, 15)),
    ),
)
# hoidong6 declared a conflict of interest with the cooperative of Trà hoa vàng and Trà hoa vàng đông trùng túi lọc:
# no sheet for either product, and a quorum base of six for both.
CONFLICT = (
    "hoidong6",
    "Hợp tác xã dược liệu công nghệ cao Trường Sơn",
    "Có em ruột là thành viên góp vốn của hợp tác xã.",
)

# Set 12 again. A new product of the same cooperative: solid 3★, every 3★ mark met, several 4★ marks not.
TRA_TUI_LOC = StorySeed(
    "Trà hoa vàng đông trùng túi lọc",
    "1a=5 1b=3 1c=2 1d=1 1đ=1 1e=1  2a=3 2b=2 2c=2  3a=3 3b=1 3c=3 3d=2 3đ=1 3e=1  4a=2 4b=1 4c=2  "
    "5a=3 5b=3 5c=1  6a=2 6b=1 6c=2 6d=2 6đ=1  7=3  8a=2 8b=1  9=2  10=1 11=1",
    (
        SheetSeed(CHAIR, _at(12, 8, 50), "4c=3"),
        SheetSeed("hoidong1", _at(12, 9, 45), "4a=3 6đ=2"),
        SheetSeed("hoidong2", _at(12, 11, 0)),
        SheetSeed(
            "hoidong3",
            _at(12, 14, 40),
            "2b=3 5a=4 6b=2",
            "Sản phẩm mới, tiện dùng; nên in hướng dẫn pha trên hộp và bổ sung truy xuất nguồn gốc điện tử.",
        ),
        SheetSeed("hoidong4", _at(12, 16, 10), "1d=2"),
        SheetSeed("hoidong5", _at(13, 9, 20), "4b=3"),
        # hoidong6: conflict of interest with the cooperative, no sheet.
    ),
)

# Set 15 (đồ uống có cồn khác). Marks: 3★ 1a≥1, 5b≥3, 8a≥2, 9≥2. hoidong6 visited the company and scores its
# marketing and taste much higher: 17 points above the lowest sheet. The chair accepts the spread in writing.
RUOU_DONG_TRUNG = StorySeed(
    "Rượu đông trùng hạ thảo",
    "1a=5 1b=2 1c=2 1d=1 1đ=1 1e=0  2a=3 2b=2 2c=2  3a=2 3b=1 3c=3 3d=1 3đ=1 3e=1  4a=2 4b=1 4c=2  "
    "5a=3 5b=3 5c=1  6a=3 6b=3 6c=3 6d=3  7=1  8a=2 8b=1  9=2  10=1",
    (
        SheetSeed(CHAIR, _at(12, 9, 0)),
        SheetSeed("hoidong1", _at(12, 10, 5), "4c=1 6c=2"),
        SheetSeed("hoidong2", _at(12, 11, 20), "2b=1 7=0", "Bao bì chai đơn giản, chưa tạo khác biệt."),
        SheetSeed("hoidong3", _at(12, 15, 0), "4a=3 6d=5"),
        SheetSeed("hoidong4", _at(12, 16, 30), "1e=1"),
        SheetSeed("hoidong5", _at(13, 9, 40), "1d=0 5a=2"),
        SheetSeed(
            "hoidong6",
            _at(13, 10, 0),
            "2a=4 2c=3 4a=3 4b=3 4c=3 5a=4 5b=5 6c=5 6d=5 7=3",
            "Đã khảo sát cơ sở: công ty có hệ thống đại lý ngoài tỉnh, quảng bá tốt, sản phẩm có tiềm năng "
            "phát triển 4 sao.",
        ),
    ),
    spread_reason="Thành viên Ngô Văn Quang đã trực tiếp khảo sát cơ sở sản xuất và hệ thống phân phối của công ty "
    "nên chấm cao hơn ở các tiêu chí tiếp thị và cảm quan. Hội đồng đã thảo luận tại phiên họp ngày 14/06/2024 và "
    "thống nhất giữ nguyên các phiếu; chênh lệch không làm thay đổi hạng sao của sản phẩm (3 sao khi có hay không "
    "có phiếu này).",
    spread_accepted_at=_at(14, 10, 30),
)

# Set 08 (chế biến từ thịt, thủy sản, trứng, sữa, mật ong). Marks: 3★ 1a≥1, 5b≥3, 8a≥2, 9≥2. hoidong5 first
# scores without the supplementary test report, 15 points below the highest sheet; the secretariat reopens the
# sheet and hoidong5 re-scores after seeing the report and the sample at the meeting.
MAT_ONG = StorySeed(
    "Mật ong đông trùng hạ thảo",
    "1a=3 1b=2 1c=2 1d=1 1đ=1 1e=0  2a=3 2b=2 2c=2  3a=2 3b=1 3c=3 3d=1 3đ=1 3e=1  4a=2 4b=1 4c=2  "
    "5a=2 5b=3 5c=1  6a=2 6b=2 6c=2 6d=2 6đ=3  7=1  8a=2 8b=1  9=2  10=1 11=1",
    (
        SheetSeed(CHAIR, _at(12, 9, 20), "6đ=5"),
        SheetSeed("hoidong1", _at(12, 10, 25)),
        SheetSeed("hoidong2", _at(12, 11, 40), "4a=3 5a=3"),
        SheetSeed("hoidong3", _at(12, 15, 20), "1e=1 6b=3"),
        SheetSeed("hoidong4", _at(12, 16, 50), "1a=5"),
        SheetSeed(
            "hoidong5",
            _at(13, 10, 20),
            "1b=1 1c=1 2a=1 2b=1 4c=1 5a=1 6c=1 6d=1 6đ=1 7=0 8b=0",
            "Bao bì đơn giản; vị mật ong lấn át, chưa thể hiện rõ đông trùng hạ thảo; hồ sơ chưa có phiếu kiểm "
            "nghiệm định kỳ.",
        ),
        SheetSeed("hoidong6", _at(13, 10, 40), "2b=1"),
    ),
    rescore=Rescore(
        "hoidong5",
        "Phiếu chấm thấp hơn 15 điểm so với phiếu cao nhất; thành viên chấm khi chưa xem phiếu kết quả kiểm nghiệm "
        "định kỳ mà chủ thể đã bổ sung. Đề nghị chấm lại sau khi xem hồ sơ bổ sung và mẫu sản phẩm tại phiên họp.",
        _at(13, 15, 0),
        "2a=1 7=0",
        "Đã xem phiếu kết quả kiểm nghiệm bổ sung và mẫu sản phẩm tại phiên họp; điều chỉnh điểm các tiêu chí 1b, "
        "1c, 2b, 4c, 5a, 6c, 6d, 6đ, 8b.",
        _at(14, 8, 45),
    ),
)

STORIES_2024 = [TRA_HOA_VANG, DONG_TRUNG_KHO, TRA_TUI_LOC, RUOU_DONG_TRUNG, MAT_ONG]


class _TopProfile(str):
    """Resolved when the story is played: the best option of every criterion of the product's set."""


# The simulated province regime: the council scores Trà hoa vàng for 5★ (every mark met), one member a point lower.
TRA_HOA_VANG_5 = StorySeed(
    "Trà hoa vàng",
    _TopProfile("top"),
    (
        SheetSeed(
            CHAIR,
            _at(12, 8, 10),
            comment="Sản phẩm đạt toàn bộ yêu cầu 5 sao; đề nghị tỉnh công nhận 4 sao và gửi hồ sơ lên Bộ đánh "
            "giá 5 sao.",
        ),
        *(SheetSeed(f"hoidong{n}", _at(12, 9 + n)) for n in range(1, 6)),  # hoidong6: conflict of interest
    ),
)
SCORING_STARTED_2024 = _at(11, 8, 0)
CRITERIA_CHECKED_2024 = _at(10, 16, 0)
APPROVED_2024 = _at(14, 16, 0)
DECISION_2024 = {
    "number": "2345/QĐ-UBND",
    "date": datetime.date(2024, 6, 20),
    "signed_by": "Lê Văn Thành – Phó Chủ tịch UBND huyện",
    "now": datetime.datetime(2024, 6, 20, 15, 0, tzinfo=VN),
}


# ---------------------------------------------------------------------------------------------------- this year
# Set 14 (rượu trắng) and set 02 (thịt, thủy sản, trứng, sữa tươi). Dates are relative to today (see _current_story).
RUOU_NEP_BASE = (
    "1a=5 1b=2 1c=2 1d=2 1đ=1 1e=0  2a=3 2b=2 2c=2  3a=3 3b=0 3c=3 3d=1 3đ=1 3e=1  4a=2 4b=1 4c=2  "
    "5a=3 5b=3 5c=1  6a=3 6b=3 6c=3 6d=3  7=1  8a=2 8b=1  9=2  10=1"
)
GA_DOI_BASE = (
    "1a=5 1b=1 1c=2 1d=1 1đ=1 1e=0  2a=3 2b=1 2c=2  3a=1 3b=1 3c=3 3d=1 3đ=1 3e=1  4a=2 4b=1 4c=1  "
    "5a=2 5b=3 5c=1  6a=2 6b=2 6c=3 6d=2  7=1  8a=2 8b=1  9=2  10=1 11=1"
)
# (username, days before today, hour, minute, changes, comment) for the submitted sheets of each product
CURRENT_SHEETS = {
    "Rượu nếp cái hoa vàng Bảo Sơn": (
        RUOU_NEP_BASE,
        [
            ("hoidong2", 6, 14, 0, "", ""),
            ("hoidong3", 5, 9, 20, "6c=5", "Rượu êm, thơm mùi nếp cái hoa vàng; nên thay chai thủy tinh có dập nổi."),
            ("hoidong4", 3, 16, 10, "2b=1 4a=3", ""),
        ],
    ),
    "Gà đồi Lục Nam": (
        GA_DOI_BASE,
        [
            ("hoidong2", 6, 14, 30, "4c=2", ""),
            ("hoidong3", 5, 9, 50, "1d=0", "Chưa có hợp đồng liên kết với cơ sở giết mổ tập trung."),
            ("hoidong4", 3, 16, 40, "7=3", ""),
        ],
    ),
}
# hoidong1 has started the first product: Part A filled in, saved as a draft, not submitted.
HOIDONG1_DRAFT = ("Rượu nếp cái hoa vàng Bảo Sơn", "A")


# ---------------------------------------------------------------------------------------------------- steps
def _users() -> dict:
    names = [username for username, _role, _title in COUNCIL] + [OFFICE]
    return {user.username: user for user in get_user_model().objects.filter(username__in=names)}


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
    for criteria_set in {d.product.criteria_set for d in dossiers}:
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


def _submit(sheet: ScoreSheet, choices: dict, comment: str, at, users: dict) -> None:
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
        choices = {code: points for code, points in _profile(CURRENT_SHEETS[product][0]).items() if code in part_codes}
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


# ---------------------------------------------------------------------------------------------------- certificates
CERTIFICATES_ISSUED_2024 = datetime.datetime(2024, 6, 25, 9, 0, tzinfo=VN)
# The province's certificate of the 4★ it recognised (decision 1234/QĐ-UBND, see TRA_HOA_VANG.province).
PROVINCE_CERTIFICATE = {
    "product": "Trà hoa vàng",
    "number": "112/GCN-UBND",
    "issuer": "UBND tỉnh Bắc Giang",
    "decision_number": "1234/QĐ-UBND",
    "issued_on": datetime.date(2024, 8, 28),
    "star": 4,
    "recorded_at": datetime.datetime(2024, 9, 5, 10, 0, tzinfo=VN),
}
INSPECTION_2025 = {
    "product": "Mật ong đông trùng hạ thảo",
    "date": datetime.date(2025, 9, 16),
    "inspectors": "Đoàn kiểm tra liên ngành huyện: Phòng NN&PTNT, Phòng Y tế, Phòng Kinh tế và Hạ tầng",
    "findings": "Cơ sở không duy trì kiểm nghiệm định kỳ (phiếu gần nhất tháng 3/2024); nhãn ghi hàm lượng đông trùng "
    "hạ thảo 5% nhưng mẫu kiểm nghiệm chỉ đạt 1,2%; cơ sở đã ngừng sản xuất từ tháng 6/2025 và chưa khắc phục.",
    "result": "not_compliant",
    "recorded_at": datetime.datetime(2025, 9, 18, 14, 0, tzinfo=VN),
}
REVOCATION_2025 = {
    "ground": "criteria_not_met",
    "decision_number": "3120/QĐ-UBND",
    "decision_date": datetime.date(2025, 10, 20),
    "note": "Theo kết quả kiểm tra ngày 16/09/2025 của đoàn kiểm tra liên ngành huyện.",
    "recorded_at": datetime.datetime(2025, 10, 21, 9, 30, tzinfo=VN),
}
# A paper certificate from before the application: the reason the product is re-evaluated this year.
EXPIRING_CERTIFICATE = {
    "product": "Rượu nếp cái hoa vàng Bảo Sơn",
    "number": "07/GCN-OCOP",
    "issuer": "UBND huyện Lục Nam",
    "star": 3,
    "days_left": 45,
}


def _demo_scan(lines):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from products.demo import _pdf_bytes

    return SimpleUploadedFile("ban-scan-giay-chung-nhan.pdf", _pdf_bytes(lines), content_type="application/pdf")


def _record_demo_certificate(authority, seed: dict, issued_on: datetime.date, by, now=None):
    from evaluations.enums import CertificateKind
    from products.models import Product

    product = Product.objects.get(commune__authority=authority, name=seed["product"])
    if Certificate.objects.filter(kind=CertificateKind.RECORDED, product=product, number=seed["number"]).exists():
        return None
    scan = _demo_scan(
        [
            "GIAY CHUNG NHAN SAN PHAM OCOP (ban scan)",
            f"So: {seed['number']} - {seed['issuer']}",
            f"San pham: {product.name}",
            f"Hang: {seed['star']} sao - ngay {issued_on:%d/%m/%Y}",
        ]
    )
    return certificates.record_certificate(
        product,
        number=seed["number"],
        issuer=seed["issuer"],
        decision_number=seed.get("decision_number", ""),
        issued_on=issued_on,
        star=seed["star"],
        scan=scan,
        by=by,
        now=now,
    )


def seed_certificates(authority: Authority) -> dict:
    """The certificates of 2024 round 1, the province's certificate, an inspection and a revocation, and a
    certificate expiring within 60 days (idempotent: each step is guarded by the rows it creates)."""
    from evaluations.models import add_months

    users = _users()
    office = users[OFFICE]
    decision = RecognitionDecision.objects.filter(
        round__year__authority=authority, round__year__year=2024, round__number=1
    ).first()
    if decision is None:
        return {}
    # The PDFs are rendered and stored on first download (or by the batch task when issued from the round page).
    for recognition in certificates.pending_recognitions(decision.round):
        certificates.issue_certificate(
            recognition, by=office, issued_on=CERTIFICATES_ISSUED_2024.date(), now=CERTIFICATES_ISSUED_2024
        )
    if not authority.is_province:  # under the province regime the province issued Trà hoa vàng's 4★ itself
        _record_demo_certificate(
            authority,
            PROVINCE_CERTIFICATE,
            PROVINCE_CERTIFICATE["issued_on"],
            office,
            PROVINCE_CERTIFICATE["recorded_at"],
        )

    honey = Certificate.objects.get(
        recognition__decision=decision, product__name=INSPECTION_2025["product"], superseded_at__isnull=True
    )
    inspection = {k: v for k, v in INSPECTION_2025.items() if k not in ("product", "recorded_at")}
    if not honey.inspections.exists():
        certificates.record_inspection(honey, by=office, now=INSPECTION_2025["recorded_at"], **inspection)
    if not honey.revoked_at:
        revocation = {k: v for k, v in REVOCATION_2025.items() if k != "recorded_at"}
        certificates.revoke_certificate(honey, by=office, now=REVOCATION_2025["recorded_at"], **revocation)

    expires = timezone.localdate() + datetime.timedelta(days=EXPIRING_CERTIFICATE["days_left"])
    issued_on = add_months(expires, -authority.certificate_validity_months)
    _record_demo_certificate(authority, EXPIRING_CERTIFICATE, issued_on, office)

    live = Certificate.objects.filter(authority=authority)
    return {
        "issued": live.filter(kind="issued").count(),
        "recorded": live.filter(kind="recorded").count(),
        "revoked": live.filter(revoked_at__isnull=False).count(),
        "numbers": list(live.filter(kind="issued").order_by("sequence").values_list("number", flat=True)),
    }
