"""The Lục Nam demo programme: authority, communes and the demo accounts, then the apps' demo steps.

The core imports no app: each app registers its demo step in its ``AppConfig.ready`` with ``register_step`` (a dotted
path, imported only when the demo runs), and ``seed_all`` runs the steps in their order after the accounts.
Every function here, and every registered step, is idempotent: running it twice leaves the same rows.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.module_loading import import_string

from ocop import domain
from ocop.enums import AuthorityLevel, Role, UnitKind
from ocop.lib.text import vn_slugify
from ocop.models import DISTRICT_PRODUCT_CODE, PROVINCE_PRODUCT_CODE, Authority, Commune, Profile

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


# The two regimes the demo can show (decisions.md 1-2a). The province one is a simulation on the same communes: since
# Decision 1489/QĐ-TTg (1 July 2025) a province recognises 3★ and 4★ and forwards 5★ candidates to the ministry.
REGIMES = {
    "district": {
        "code": "LN",
        "name": "UBND huyện Lục Nam",
        "short_name": "Lục Nam",
        "province": "Bắc Giang",
        "province_code": "BG",
        "level": AuthorityLevel.DISTRICT,
        "max_recognised_star": 3,
        "product_code_format": DISTRICT_PRODUCT_CODE,
        "standing_body": "Phòng Nông nghiệp và Phát triển nông thôn huyện Lục Nam",
    },
    "province": {
        "code": "BG",
        "name": "UBND tỉnh Bắc Giang (mô phỏng)",
        "short_name": "Bắc Giang",
        "province": "Bắc Giang",
        "province_code": "BG",
        "level": AuthorityLevel.PROVINCE,
        "max_recognised_star": 4,
        "product_code_format": PROVINCE_PRODUCT_CODE,
        "standing_body": "Sở Nông nghiệp và Môi trường tỉnh Bắc Giang (mô phỏng)",
    },
}


def seed_authority(regime: str = "district") -> Authority:
    """The programme's one authority, configured for the regime (re-running with the other regime reconfigures it)."""
    values = REGIMES[regime]
    authority = Authority.objects.current()
    if authority is None:
        authority = Authority.objects.create(**values)
    else:
        for name, value in values.items():
            setattr(authority, name, value)
        authority.save()
    for kind, names in ((UnitKind.TOWNSHIP, TOWNSHIPS), (UnitKind.COMMUNE, COMMUNES)):
        for name in names:
            Commune.objects.update_or_create(
                authority=authority, slug=vn_slugify(name), defaults={"name": name, "kind": kind}
            )
    return authority


# Demo addresses on a domain reserved for examples (RFC 2606: never delivered). With the console email backend of
# ``make run`` the email channel of every notification shows in the server's output.
DEMO_EMAIL_DOMAIN = "example.com"


def demo_email(username: str) -> str:
    return f"{username}@{DEMO_EMAIL_DOMAIN}"


def _account(username, full_name, job_title, *, superuser=False):
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username)
    user.is_active = True
    user.is_staff = superuser
    user.is_superuser = superuser
    user.set_password(DEMO_PASSWORD)
    user.email = demo_email(username)
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
        if authority.is_province:
            job_title = job_title.replace("UBND huyện", "UBND tỉnh").replace("Phòng NN&PTNT", "Sở NN&MT")
        user = _account(username, full_name, job_title)
        domain.set_user_roles(user, roles, by=None)
        usernames.append(username)
    for commune in Commune.objects.filter(authority=authority).order_by("kind", "name"):
        username = f"xa-{commune.slug}"
        user = _account(username, f"Cán bộ {commune}", f"Cán bộ UBND {commune}")
        domain.set_user_roles(user, [Role.COMMUNE_OFFICIAL], commune=commune, by=None)
        usernames.append(username)
    return usernames


@dataclass(frozen=True)
class DemoStep:
    name: str  # the key of its result in seed_all()'s answer
    path: str  # dotted path of a function taking the authority
    order: int


_STEPS: dict[str, DemoStep] = {}


def register_step(name: str, path: str, *, order: int) -> None:
    """Called by an app's ``AppConfig.ready``: run ``path(authority)`` in ``seed_all`` (lowest order first)."""
    _STEPS[name] = DemoStep(name, path, order)


def registered_steps() -> list[DemoStep]:
    return sorted(_STEPS.values(), key=lambda step: (step.order, step.name))


def seed_all(regime: str = "district") -> dict:
    """The authority (configured for the regime), its communes and the accounts, then every registered app step;
    returns each step's result under its name (e.g. ``year``: the 2024 ProgrammeYear, ``products``, ``scoring``)."""
    authority = seed_authority(regime)
    usernames = seed_accounts(authority)
    result = {"authority": authority, "usernames": usernames}
    for step in registered_steps():
        result[step.name] = import_string(step.path)(authority)
    return result
