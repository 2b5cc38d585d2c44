"""The Lục Nam demo programme: authority, communes, the 2024 plan and the demo accounts.

Later issues add their own demo data through functions called from ``seed_demo``.
Every function here is idempotent: running it twice leaves the same rows.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from evaluations.models import ProgrammeYear
from funding.models import BudgetLine
from ocop import domain
from ocop.enums import Role, UnitKind
from ocop.lib.text import vn_slugify
from ocop.models import Authority, Commune, Profile

DEMO_PASSWORD = "ocop-demo"  # noqa: S105 - the documented demo password

TOWNSHIPS = ["Đồi Ngô", "Phương Sơn"]
COMMUNES = [
    "Bắc Lũng", "Bảo Đài", "Bảo Sơn", "Bình Sơn", "Cẩm Lý", "Chu Điện", "Cương Sơn", "Đan Hội",
    "Đông Hưng", "Đông Phú", "Huyền Sơn", "Khám Lạng", "Lan Mẫu", "Lục Sơn", "Nghĩa Phương",
    "Tam Dị", "Thanh Lâm", "Tiên Nha", "Trường Giang", "Trường Sơn", "Vô Tranh", "Vũ Xá", "Yên Sơn",
]  # fmt: skip

# username, full name, job title, roles
STAFF = [
    ("phongnn", "Nguyễn Văn Hùng", "Chuyên viên Phòng NN&PTNT", [Role.DISTRICT_OFFICE]),
    ("thuky", "Trần Thị Lan", "Tổ giúp việc Hội đồng OCOP", [Role.SECRETARIAT]),
    ("chutich", "Lê Văn Thành", "Phó Chủ tịch UBND huyện, Chủ tịch Hội đồng", [Role.COUNCIL_CHAIR]),
    ("hoidong1", "Phạm Thị Hoa", "Thành viên Hội đồng", [Role.COUNCIL_MEMBER]),
    ("hoidong2", "Hoàng Văn Nam", "Thành viên Hội đồng", [Role.COUNCIL_MEMBER]),
    ("hoidong3", "Vũ Thị Mai", "Thành viên Hội đồng", [Role.COUNCIL_MEMBER]),
    ("hoidong4", "Đặng Văn Long", "Thành viên Hội đồng", [Role.COUNCIL_MEMBER]),
    ("hoidong5", "Bùi Thị Hằng", "Thành viên Hội đồng", [Role.COUNCIL_MEMBER]),
    ("hoidong6", "Ngô Văn Quang", "Thành viên Hội đồng", [Role.COUNCIL_MEMBER]),
    ("taichinh", "Đỗ Thị Thu", "Phòng Tài chính – Kế hoạch", [Role.FINANCE]),
]


def seed_authority() -> Authority:
    authority, _ = Authority.objects.update_or_create(
        code="LN",
        defaults={
            "name": "UBND huyện Lục Nam",
            "short_name": "Lục Nam",
            "province": "Bắc Giang",
            "standing_body": "Phòng Nông nghiệp và Phát triển nông thôn huyện Lục Nam",
        },
    )
    for kind, names in ((UnitKind.TOWNSHIP, TOWNSHIPS), (UnitKind.COMMUNE, COMMUNES)):
        for name in names:
            Commune.objects.update_or_create(
                authority=authority, slug=vn_slugify(name), defaults={"name": name, "kind": kind}
            )
    return authority


def seed_plan_2024(authority: Authority) -> ProgrammeYear:
    year, _ = ProgrammeYear.objects.update_or_create(
        authority=authority,
        year=2024,
        defaults={
            "plan_reference": "Kế hoạch triển khai Chương trình OCOP huyện Lục Nam năm 2024 "
            "(căn cứ Kế hoạch số 14/KH-UBND ngày 06/02/2024 của UBND tỉnh Bắc Giang)",
            "target_new_products": 7,
            "target_reevaluations": 2,
            "ceremony_by": datetime.date(2024, 12, 15),
        },
    )
    BudgetLine.objects.update_or_create(
        year=year,
        name="Tuyên truyền, học tập kinh nghiệm, Hội đồng và Tổ giúp việc",
        defaults={"source": "Ngân sách tỉnh (Kế hoạch 14/KH-UBND)", "amount": Decimal("200000000")},
    )
    return year


def _account(username, full_name, job_title, *, superuser=False):
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username)
    user.is_active = True
    user.is_staff = superuser
    user.is_superuser = superuser
    user.set_password(DEMO_PASSWORD)
    user.save()
    Profile.objects.update_or_create(user=user, defaults={"full_name": full_name, "job_title": job_title})
    return user


def seed_accounts(authority: Authority) -> list[str]:
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    usernames = []
    admin = _account("admin", "Quản trị hệ thống", "Quản trị hệ thống", superuser=True)
    domain.set_user_roles(admin, [Role.SYSADMIN], by=None)
    usernames.append("admin")
    for username, full_name, job_title, roles in STAFF:
        user = _account(username, full_name, job_title)
        domain.set_user_roles(user, roles, by=None)
        usernames.append(username)
    for commune in Commune.objects.filter(authority=authority).order_by("kind", "name"):
        username = f"xa-{commune.slug}"
        user = _account(username, f"Cán bộ {commune}", f"Cán bộ UBND {commune}")
        domain.set_user_roles(user, [Role.COMMUNE_OFFICIAL], commune=commune, by=None)
        usernames.append(username)
    return usernames


def seed_all() -> dict:
    from evaluations.demo import seed_scoring
    from products.demo import seed_products

    authority = seed_authority()
    year = seed_plan_2024(authority)
    usernames = seed_accounts(authority)
    products = seed_products(authority)
    scoring = seed_scoring(authority)
    from evaluations.reminders import seed_notifications

    seed_notifications()
    return {"authority": authority, "year": year, "usernames": usernames, "products": products, "scoring": scoring}
