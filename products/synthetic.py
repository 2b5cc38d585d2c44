"""Synthetic province, products part (see ``ocop/synthetic.py``): producers, products, dossiers and documents.

Dossiers are spread over the rounds ``evaluations.synthetic.generate_programme`` made: accepted (and some rejected)
in the past rounds, one big round last year (28 % of the products), the round being scored, and the open round
with drafts, submissions, returns and re-evaluations of the first year's recognitions. A dossier past its draft has
every document its registration type requires and a complete commune verification, so the data passes the same
checks as the application's.
"""

import datetime
import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from ocop.synthetic import BATCH, Context
from products import checklist
from products.enums import DossierStatus, Gender, ProducerKind, RegistrationType
from products.models import Document, Dossier, Producer, Product

STEMS = [
    "Gạo nếp cái hoa vàng",
    "Mật ong rừng",
    "Vải thiều sấy",
    "Chè xanh",
    "Miến dong",
    "Bánh đa nem",
    "Rượu nếp",
    "Nước mắm",
    "Tương bần",
    "Cam đường",
    "Bưởi đỏ",
    "Na dai",
    "Mì gạo",
    "Giò chả",
    "Trà hoa vàng",
    "Măng khô",
    "Nấm hương",
    "Tinh dầu sả",
    "Gà đồi",
    "Bánh chưng",
    "Bánh mật",
    "Dưa hấu",
    "Chả cá",
    "Lạc rang",
    "Cà phê rang xay",
    "Hạt điều",
    "Nghệ tinh bột",
    "Dầu lạc",
    "Mứt gừng",
    "Kẹo lạc",
    "Thịt lợn gác bếp",
    "Trứng gà ta",
    "Sữa chua",
    "Rau an toàn",
    "Chổi chít",
    "Mây tre đan",
    "Gốm sứ",
    "Dược liệu sấy",
    "Ba kích",
    "Táo mèo",
]
KINDS = [ProducerKind.COOPERATIVE] * 3 + [ProducerKind.HOUSEHOLD_BUSINESS] * 4 + [ProducerKind.ENTERPRISE] * 2
LABELS = {
    ProducerKind.COOPERATIVE: "HTX",
    ProducerKind.HOUSEHOLD_BUSINESS: "Hộ kinh doanh",
    ProducerKind.ENTERPRISE: "Công ty TNHH",
}
SAMPLE_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
SAMPLE_PDF += b"trailer<</Root 1 0 R>>\n%%EOF\n"


def _sample_file() -> tuple[str, int, str]:
    """One small PDF stored once; every synthetic document points to it (path, size, SHA-256)."""
    name = "dossiers/synthetic/mau-ho-so.pdf"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(SAMPLE_PDF))
    return name, len(SAMPLE_PDF), hashlib.sha256(SAMPLE_PDF).hexdigest()


def generate(ctx: Context) -> None:
    rng = ctx.rng
    communes = ctx.commune_rows
    n_producers = max(1, round(ctx.products / 1.4))
    producers = []
    for i in range(n_producers):
        commune = communes[i % len(communes)] if i < len(communes) else rng.choice(communes)
        kind = rng.choice(KINDS)
        label = LABELS[kind]
        producers.append(
            Producer(
                commune=commune,
                kind=kind,
                name=f"{label} {ctx.person() if kind == ProducerKind.HOUSEHOLD_BUSINESS else commune.name} {i + 1}",
                registration_number=f"{2400000000 + i}" if kind != ProducerKind.HOUSEHOLD_BUSINESS else "",
                representative_name=ctx.person(),
                representative_gender=rng.choice((Gender.MALE, Gender.FEMALE)),
                representative_ethnicity=rng.choice(("Kinh",) * 8 + ("Tày", "Nùng")),
                address=f"Thôn {rng.randint(1, 12)}",
                phone=f"09{rng.randint(10000000, 99999999)}",
                created_by=ctx.users["sonn"],
            )
        )
    producers = Producer.objects.bulk_create(producers, batch_size=BATCH)
    sets = ctx.extra["criteria_sets"]
    products, names = [], set()
    for i in range(ctx.products):
        producer = producers[i % len(producers)] if i < len(producers) else rng.choice(producers)
        name = f"{rng.choice(STEMS)} {producer.commune.name}"
        while (producer.pk, name) in names:
            name = f"{rng.choice(STEMS)} {producer.commune.name} {rng.randint(2, 99)}"
        names.add((producer.pk, name))
        products.append(Product(producer=producer, commune=producer.commune, name=name, criteria_set=rng.choice(sets)))
    products = Product.objects.bulk_create(products, batch_size=BATCH)
    ctx.extra["producer_by_id"] = {p.pk: p for p in producers}
    ctx.extra["criteria_set_by_id"] = {s.pk: s for s in sets}
    dossiers = _dossiers(ctx, products)
    Dossier.objects.bulk_create(dossiers, batch_size=BATCH)
    documents = _documents(ctx, dossiers)
    Document.objects.bulk_create(documents, batch_size=BATCH)
    ctx.counts.update(
        producers=len(producers), products=len(products), dossiers=len(dossiers), documents=len(documents)
    )


def _shares(total: int, parts: int) -> list[int]:
    base = [total // parts] * parts
    for i in range(total - sum(base)):
        base[i] += 1
    return base


def _dossiers(ctx: Context, products: list) -> list:
    rng = ctx.rng
    rounds = ctx.extra["rounds"]
    # Stages by value: products sits below evaluations and does not import its enums.
    past = [r for r in rounds if r.stage == "approved"]
    big = past[-2]  # last year's second round
    scoring = next(r for r in rounds if r.stage == "scoring")
    open_round = next(r for r in rounds if r.stage == "open")
    order = list(products)
    rng.shuffle(order)
    total = len(order)
    n_big, n_scoring = round(total * 0.28), round(total * 0.04)
    n_past = round(total * 0.252)  # the other approved rounds together
    n_rejected, n_open = round(total * 0.06), round(total * 0.30)
    cursor = 0

    def take(n):
        nonlocal cursor
        chunk = order[cursor : cursor + n]
        cursor += n
        return chunk

    plan = []  # (product, round, status)
    plan += [(p, big, DossierStatus.ACCEPTED) for p in take(n_big)]
    plan += [(p, scoring, DossierStatus.ACCEPTED) for p in take(n_scoring)]
    others = [r for r in past if r is not big]
    for round_, n in zip(others, _shares(n_past, len(others)), strict=True):
        plan += [(p, round_, DossierStatus.ACCEPTED) for p in take(n)]
    for product in take(n_rejected):
        plan.append((product, rng.choice([*past, scoring]), DossierStatus.REJECTED))
    open_states = (
        [DossierStatus.DRAFT] * 8
        + [DossierStatus.SUBMITTED] * 5
        + [DossierStatus.RETURNED] * 2
        + [DossierStatus.RESUBMITTED]
        + [DossierStatus.ACCEPTED] * 3
        + [DossierStatus.REJECTED]
    )
    plan += [(p, open_round, rng.choice(open_states)) for p in take(n_open)]
    # Re-evaluations: products recognised in the first round come back three years later.
    first = [p for p, r, s in plan if r is past[0] and s == DossierStatus.ACCEPTED]
    reevaluated = {p.pk for p in first[: len(first) // 2]}
    plan += [(p, open_round, DossierStatus.SUBMITTED) for p in first if p.pk in reevaluated]

    dossiers = []
    for product, round_, status in plan:
        registration = RegistrationType.REEVALUATION if product.pk in reevaluated and round_ is open_round else None
        registration = registration or rng.choice([RegistrationType.NEW] * 5 + [RegistrationType.UPGRADE])
        created = _day(round_.commune_deadline, -rng.randint(20, 60))
        submitted = status != DossierStatus.DRAFT
        times = 2 if status in (DossierStatus.RESUBMITTED,) else (1 if submitted else 0)
        verified = submitted or rng.random() < 0.5
        dossier = Dossier(
            product=product,
            round=round_,
            commune=product.commune,
            registration_type=registration,
            status=status,
            submitted_at=_aware(_day(round_.commune_deadline, -rng.randint(1, 15))) if submitted else None,
            submission_count=times,
            decided_at=_aware(_day(round_.commune_deadline, rng.randint(1, 6)))
            if status in (DossierStatus.ACCEPTED, DossierStatus.REJECTED)
            else None,
            rejection_reason="Hồ sơ không đáp ứng điều kiện tham gia." if status == DossierStatus.REJECTED else "",
            raw_material_origin="Nguyên liệu tại địa phương" if verified else "",
            local_raw_material_percent=rng.randint(50, 100) if verified else None,
            local_labour_percent=rng.randint(50, 100) if verified else None,
            idea_origin="Sản phẩm truyền thống của địa phương" if verified else "",
            local_identity="Gắn với làng nghề của xã" if verified else "",
            verified_by_name=f"{ctx.person()}, Chủ tịch UBND xã" if verified else "",
            verified_on=_day(round_.commune_deadline, -rng.randint(16, 19)) if verified else None,
            created_at=_aware(created),
        )
        dossiers.append(dossier)
    return dossiers


def _documents(ctx: Context, dossiers: list) -> list:
    name, size, digest = _sample_file()
    documents = []
    for dossier in dossiers:
        items = checklist.required_items(dossier.registration_type)
        if dossier.status == DossierStatus.DRAFT:
            items = items[: ctx.rng.randint(0, len(items))]
        elif ctx.rng.random() < 0.3:
            items = [*items, checklist.BY_CODE["ket_qua_kiem_nghiem"]]
        for item in items:
            documents.append(
                Document(
                    dossier=dossier,
                    item=item.code,
                    file=name,
                    original_name=f"{item.code}.pdf",
                    content_type="application/pdf",
                    size=size,
                    sha256=digest,
                    uploaded_at=dossier.created_at,
                    uploaded_by=ctx.officials.get(dossier.commune_id),
                )
            )
    return documents


def _day(day: datetime.date, delta: int) -> datetime.date:
    return day + datetime.timedelta(days=delta)


def _aware(day: datetime.date) -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
