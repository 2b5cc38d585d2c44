"""The scoring demo's data: the council, each 2024 product's story (members' sheets, re-scores, the decision) and
this year's sheets, as plain values, and the demo users by role. ``evaluations.demo`` plays them through the domain
functions."""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from evaluations.enums import CouncilRole

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
