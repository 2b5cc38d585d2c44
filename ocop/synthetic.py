"""Synthetic province, core part: the authority, its communes and the accounts (``manage.py generate_synthetic``).

Each app generates its own rows in its own ``synthetic.py`` (``generate(ctx)``); the command calls them in the order
of the imports (core ← products ← evaluations ← funding). ``ctx`` is a :class:`Context` shared by the steps: the
seeded random generator, the options, and what earlier steps made (authority, communes, users by role).

Everything is bulk-inserted and deterministic for a given ``--seed`` (the same rows, the same order). Timestamps are
derived from ``ctx.now``, which is fixed by ``--today``.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import F
from django.utils import timezone

from ocop.enums import AuthorityLevel, Role, UnitKind
from ocop.lib.text import vn_slugify
from ocop.models import Authority, Commune, Notification, NotificationChannel, NotificationStatus, Profile

BATCH = 2000

# Syllables of Vietnamese place names; pairs of them make the synthetic communes' names.
SYLLABLES = [
    "An",
    "Bảo",
    "Bình",
    "Cẩm",
    "Chu",
    "Cương",
    "Đan",
    "Đào",
    "Đông",
    "Đồng",
    "Hà",
    "Hải",
    "Hòa",
    "Hồng",
    "Hợp",
    "Hưng",
    "Hương",
    "Khánh",
    "Kim",
    "Lạc",
    "Lam",
    "Lâm",
    "Lan",
    "Liên",
    "Long",
    "Lục",
    "Mai",
    "Minh",
    "Mỹ",
    "Nam",
    "Nghĩa",
    "Ngọc",
    "Nhân",
    "Phong",
    "Phú",
    "Phúc",
    "Phương",
    "Quang",
    "Sơn",
    "Tân",
    "Thái",
    "Thanh",
    "Thành",
    "Thịnh",
    "Thuận",
    "Tiên",
    "Trung",
    "Trường",
    "Tư",
    "Vân",
    "Việt",
    "Vĩnh",
    "Xuân",
    "Yên",
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Ngô", "Đỗ", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Hữu", "Ngọc"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hà",
    "Hải",
    "Hạnh",
    "Hoa",
    "Hùng",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Oanh",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Tuấn",
    "Yến",
]

# username, full name, roles: the province's staff and a council of seven who score (chair + six members).
STAFF = [
    ("sonn", "Nguyễn Văn Hùng", [Role.DISTRICT_OFFICE]),
    ("thuky", "Trần Thị Lan", [Role.SECRETARIAT]),
    ("chutich", "Lê Văn Thành", [Role.COUNCIL_CHAIR]),
    *[(f"hoidong{i}", f"Thành viên Hội đồng {i}", [Role.COUNCIL_MEMBER]) for i in range(1, 7)],
    ("taichinh", "Đỗ Thị Thu", [Role.FINANCE]),
]


@dataclass
class Context:
    seed: int
    communes: int
    products: int
    now: datetime.datetime
    rng: random.Random = None
    authority: Authority = None
    commune_rows: list = field(default_factory=list)
    users: dict = field(default_factory=dict)  # username -> User
    officials: dict = field(default_factory=dict)  # commune id -> User
    counts: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)  # anything a later step needs from an earlier one

    def __post_init__(self):
        self.rng = random.Random(self.seed)  # noqa: S311 - reproducible test data, not secrets

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.now)

    def person(self) -> str:
        return f"{self.rng.choice(FAMILY)} {self.rng.choice(MIDDLE)} {self.rng.choice(GIVEN)}"


def commune_names(count: int, rng: random.Random) -> list[str]:
    """``count`` distinct two-syllable names (distinct slugs too)."""
    names, slugs = [], set()
    while len(names) < count:
        name = f"{rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)}"
        slug = vn_slugify(name)
        if slug in slugs or name.split()[0] == name.split()[1]:
            continue
        slugs.add(slug)
        names.append(name)
    return names


def generate(ctx: Context) -> None:
    """The province authority, ``ctx.communes`` communes, the staff and one official per commune."""
    authority = Authority.objects.create(
        name="UBND tỉnh Bắc Giang (dữ liệu tổng hợp)",
        short_name="Bắc Giang",
        code="BG",
        province="Bắc Giang",
        level=AuthorityLevel.PROVINCE,
        standing_body="Sở Nông nghiệp và Môi trường tỉnh Bắc Giang",
        max_recognised_star=4,
    )
    ctx.authority = authority
    kinds = [UnitKind.COMMUNE] * 8 + [UnitKind.WARD, UnitKind.TOWNSHIP]
    ctx.commune_rows = Commune.objects.bulk_create(
        [
            Commune(authority=authority, name=name, slug=vn_slugify(name), kind=ctx.rng.choice(kinds))
            for name in commune_names(ctx.communes, ctx.rng)
        ]
    )
    User = get_user_model()
    groups = {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}
    accounts = [(username, full_name, roles, None) for username, full_name, roles in STAFF]
    accounts += [
        (f"xa-{commune.slug}", f"Cán bộ {commune.name}", [Role.COMMUNE_OFFICIAL], commune)
        for commune in ctx.commune_rows
    ]
    users = User.objects.bulk_create(
        [User(username=username, first_name=full_name, password="!synthetic") for username, full_name, *_ in accounts],
        batch_size=BATCH,
    )  # "!…": an unusable password; the bench logs in through sessions
    Profile.objects.bulk_create(
        [
            Profile(user=user, full_name=full_name, job_title=roles[0].label, commune=commune)
            for user, (_username, full_name, roles, commune) in zip(users, accounts, strict=True)
        ],
        batch_size=BATCH,
    )
    Through = User.groups.through
    Through.objects.bulk_create(
        [
            Through(user_id=user.pk, group_id=groups[role].pk)
            for user, (_u, _n, roles, _c) in zip(users, accounts, strict=True)
            for role in roles
        ],
        batch_size=BATCH,
    )
    for user, (username, _n, _r, commune) in zip(users, accounts, strict=True):
        ctx.users[username] = user
        if commune is not None:
            ctx.officials[commune.pk] = user
    ctx.counts.update(communes=len(ctx.commune_rows), users=len(users))


def generate_notifications(ctx: Context) -> None:
    """The outbox as weeks of reminders leave it: the real deadline scan run weekly over the last 16 weeks, the rows
    due before today delivered (in-app ones mostly read), today's still pending."""
    from ocop.delivery import scan_deadlines  # the scanners the apps registered (the core imports no app)

    for weeks in range(16, -1, -1):
        scan_deadlines(now=ctx.now - datetime.timedelta(weeks=weeks))
    rows = Notification.objects.filter(due_at__lt=ctx.now - datetime.timedelta(days=1))
    rows.filter(channel=NotificationChannel.EMAIL).update(
        status=NotificationStatus.SENT, sent_at=F("due_at"), attempts=1
    )
    rows.filter(channel=NotificationChannel.IN_APP).update(status=NotificationStatus.SENT, sent_at=F("due_at"))
    # Three in four in-app rows were read (deterministic: by id).
    ids = sorted(rows.filter(channel=NotificationChannel.IN_APP).values_list("pk", flat=True))
    read = [pk for i, pk in enumerate(ids) if i % 4]
    for start in range(0, len(read), BATCH):
        Notification.objects.filter(pk__in=read[start : start + BATCH]).update(read_at=F("due_at"))
    ctx.counts["notifications"] = Notification.objects.count()
