"""Demo producers, products and dossiers of the Lục Nam 2024 plan (Phụ lục 1: 7 new products, 2 re-evaluations).

``seed_products(authority)`` expects ``ocop.demo.seed_all()`` to have run (communes, ProgrammeYear 2024, the demo
accounts ``xa-<commune>`` and ``thuky``). It is idempotent: rows are looked up by their natural keys (producer name +
commune, product name + producer, dossier product + round, document dossier + item + file name) and every step of a
dossier's story is guarded by the dossier's state, so a second run writes no row, no file and no audit entry. A
dossier that demo users have moved on since (e.g. xa-thanh-lam submitted the Bánh mật draft) is left as it is.

Every state change goes through ``products.domain`` acting as the user who would do it in real life: the commune
official ``xa-<slug>`` registers producers and products, opens dossiers, uploads documents, fills the verification and
submits; ``thuky`` (Tổ giúp việc) returns or accepts. The past stories pass ``now=`` so their history carries
dates in order (see ``_moments``): June 2024 for the 2024 round, the days before the commune deadline for the
current year's round 1.

The stories:

* open round (this year's round 2, commune deadline 21 days ahead), INVENTED products of Appendix 1's producers:
  Bánh gio Thanh Lâm – draft, some documents and half of the verification, for xa-thanh-lam to finish and submit;
  Giò lụa Tư Thủy – submitted; Vải thiều sấy khô Lục Sơn – returned with two comments;
  Khoai lang sấy dẻo Yên Sơn – returned once, fixed and resubmitted.
* scoring round (this year's round 1, commune deadline 10 days ago, council deadline 10 days ahead): two dossiers
  accepted for evaluation, Rượu nếp cái hoa vàng Bảo Sơn (re-evaluation) and Gà đồi Lục Nam (new). Both products
  and their producers are INVENTED for the demo (they are not in Appendix 1); ``evaluations.demo`` puts the round
  in scoring.
* 2024 round 1 (past): the two re-evaluations (Đông trùng hạ thảo khô, Trà hoa vàng, each "Dự kiến 4 sao" in the
  plan) and three new products (Rượu đông trùng hạ thảo, Mật ong đông trùng hạ thảo, Trà hoa vàng đông trùng túi
  lọc) accepted for evaluation; ``evaluations.demo`` scores, approves and recognises them.
* 2024 round 2 (past, commune deadline 10/10/2024): the plan's four other new products (Khoai lang Yên Sơn, Long
  nhãn Lục Sơn, Bánh mật Thanh Lâm, Nem chua Tư Thủy) submitted in early October and accepted for evaluation; the
  demo does not score round 2. So 2024 holds the nine rows of Appendix 1 as the plan gives them.

The plan's rows and the stories are data in ``products.demo_seeds``; the small PDF and PNG files come from
``products.demo_files``; this module plays them through ``products.domain`` in small steps.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from ocop.models import Authority, Commune
from products import checklist, domain
from products.demo_files import _stem, _upload
from products.demo_seeds import CHECKER, PRODUCERS, PRODUCTS, VN, ProducerSeed, ProductSeed
from products.enums import UNDER_CHECK_STATES, DossierStatus
from products.models import Document, Dossier, ItemComment, Producer, Product
from programme import demo as programme_demo
from programme.catalogue import sync_catalogue
from programme.models import CriteriaSet, Round


# ---------------------------------------------------------------------------------------------------- steps
def _user(username):
    return get_user_model().objects.get(username=username)


def _official(commune: Commune):
    return _user(f"xa-{commune.slug}")


def _producer(authority: Authority, seed: ProducerSeed) -> tuple[Producer, bool]:
    commune = Commune.objects.get(authority=authority, slug=seed.commune)
    existing = Producer.objects.filter(commune=commune, name=seed.name).first()
    if existing:
        return existing, False
    producer = domain.create_producer(
        commune=commune,
        by=_official(commune),
        kind=seed.kind,
        name=seed.name,
        representative_name=seed.representative_name,
        representative_gender=seed.representative_gender,
        representative_ethnicity=seed.representative_ethnicity,
        address=seed.address,
        phone=seed.phone,
    )
    return producer, True


def _product(producer: Producer, seed: ProductSeed) -> tuple[Product, bool]:
    existing = Product.objects.filter(producer=producer, name=seed.name).first()
    if existing:
        return existing, False
    product = domain.create_product(
        producer=producer,
        by=_official(producer.commune),
        name=seed.name,
        criteria_set=CriteriaSet.objects.get(edition="qd148-2023", code=seed.criteria_set, version=1),
        description=seed.description,
    )
    return product, True


def _moments(seed: ProductSeed, round: Round) -> dict:
    """When each step of a past story happened, so its history reads in order; None means now.

    2024 stories use the seed's ``submitted_at``; the scoring round's stories are submitted two days before its
    commune deadline and accepted on the deadline day, before ``evaluations.demo`` starts scoring."""
    submitted = seed.submitted_at
    if seed.stage == "scoring":
        day = round.commune_deadline - datetime.timedelta(days=2)
        submitted = datetime.datetime.combine(day, datetime.time(9, 30), tzinfo=VN)
    if submitted is None:
        return {"opened": None, "prepared": None, "submitted": None, "checked": None}
    return {
        "opened": submitted - datetime.timedelta(days=12),
        "prepared": submitted - datetime.timedelta(days=1),
        "submitted": submitted,
        "checked": submitted + datetime.timedelta(days=2),
    }


def _dossier(product: Product, round: Round, seed: ProductSeed, by, moments: dict) -> tuple[Dossier, bool]:
    existing = Dossier.objects.filter(product=product, round=round).first()
    if existing:
        return existing, False
    dossier = domain.create_dossier(
        product=product,
        round=round,
        registration_type=seed.registration_type,
        expected_star=seed.expected_star,
        by=by,
        now=moments["opened"],
    )
    return dossier, True


def _add_documents(dossier: Dossier, product: Product, files: list[tuple[str, str]], by, now=None) -> int:
    """Upload the (item, file stem) pairs not uploaded yet. Returns how many were added."""
    present = set(dossier.documents.values_list("item", "original_name"))
    added = 0
    for item, stem in files:
        upload = _upload(item, stem, product)
        if (item, upload.name) in present:
            continue
        domain.add_document(dossier, item=item, upload=upload, by=by, now=now)
        added += 1
    return added


def _fill_verification(dossier: Dossier, values: dict, by, now=None) -> None:
    """Fill the verification fields that are still empty; never overwrite what someone typed since."""
    missing = {name: value for name, value in values.items() if getattr(dossier, name) in (None, "")}
    if missing:
        domain.save_verification(dossier, by=by, now=now, **missing)


def _initial_files(seed: ProductSeed) -> list[tuple[str, str]]:
    if seed.upload_items is not None:
        items = list(seed.upload_items)
    else:
        items = [item.code for item in checklist.required_items(seed.registration_type)] + list(seed.extra_items)
    return [(item, _stem(item, seed.key)) for item in items]


def _verification(seed: ProductSeed, moments: dict) -> dict:
    values = dict(seed.verification)
    if seed.target != DossierStatus.DRAFT and "verified_on" not in values:
        if moments["prepared"] is not None:
            values["verified_on"] = timezone.localdate(moments["prepared"])
        else:
            values["verified_on"] = timezone.localdate() - datetime.timedelta(days=2)
    return values


def _play(dossier: Dossier, product: Product, seed: ProductSeed, official, checker, moments: dict) -> None:
    """Move the dossier along its story; each step runs only from the state it starts from."""
    if dossier.status == DossierStatus.DRAFT and dossier.submission_count == 0:
        _add_documents(dossier, product, _initial_files(seed), official, now=moments["prepared"])
        _fill_verification(dossier, _verification(seed, moments), official, now=moments["prepared"])
        if seed.target != DossierStatus.DRAFT:
            domain.submit_dossier(dossier, by=official, now=moments["submitted"])
        dossier.refresh_from_db()

    returns = seed.target in (DossierStatus.RETURNED, DossierStatus.RESUBMITTED)
    if returns and dossier.status == DossierStatus.SUBMITTED and dossier.submission_count == 1:
        domain.return_dossier(dossier, by=checker, comments=list(seed.comments))
        dossier.refresh_from_db()

    resubmits = seed.target == DossierStatus.RESUBMITTED
    if resubmits and dossier.status == DossierStatus.RETURNED and dossier.submission_count == 1:
        _add_documents(dossier, product, list(seed.fixes), official)
        domain.submit_dossier(dossier, by=official, now=moments["submitted"])
        dossier.refresh_from_db()

    if seed.target == DossierStatus.ACCEPTED and dossier.status in UNDER_CHECK_STATES:
        domain.accept_dossier(dossier, by=checker, now=moments["checked"])
        dossier.refresh_from_db()


# ---------------------------------------------------------------------------------------------------- entry point
@transaction.atomic
def seed_products(authority: Authority) -> dict:
    """Load the producers, products and dossiers of Appendix 1 and the two invented ones (idempotent).
    Returns row counts."""
    criteria_sets = sync_catalogue()
    rounds = programme_demo.seed_rounds(authority)
    checker = _user(CHECKER)
    created = {"producers": 0, "products": 0, "dossiers": 0}
    documents_before = Document.objects.filter(dossier__commune__authority=authority).count()

    producers = {}
    for seed in PRODUCERS:
        producers[seed.key], was_created = _producer(authority, seed)
        created["producers"] += was_created

    for seed in PRODUCTS:
        producer = producers[seed.producer]
        product, was_created = _product(producer, seed)
        created["products"] += was_created
        official = _official(product.commune)
        round = rounds[seed.stage]
        moments = _moments(seed, round)
        dossier, was_created = _dossier(product, round, seed, official, moments)
        created["dossiers"] += was_created
        _play(dossier, product, seed, official, checker, moments)

    dossiers = Dossier.objects.filter(commune__authority=authority)
    documents = Document.objects.filter(dossier__commune__authority=authority).count()
    created["documents"] = documents - documents_before
    return {
        "criteria_sets": criteria_sets,
        "rounds": Round.objects.filter(year__authority=authority).count(),
        "producers": Producer.objects.filter(commune__authority=authority).count(),
        "products": Product.objects.filter(commune__authority=authority).count(),
        "dossiers": dossiers.count(),
        "dossiers_by_status": dict(
            dossiers.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
        ),
        "documents": documents,
        "comments": ItemComment.objects.filter(dossier__commune__authority=authority).count(),
        "created": created,
    }


# ---------------------------------------------------------------------------------------------------- receipts
def seed_commune_receipts(authority: Authority) -> dict:
    """Under Decision 26/2026 (``--regime province`` in a year it is in force): the commune records the receipt of
    the open round's drafts when it opened them, so the demo shows the commune's clock running (idempotent: a
    dossier received stays as it was). Under the old regimes nothing is received."""
    received = 0
    drafts = Dossier.objects.filter(commune__authority=authority, status=DossierStatus.DRAFT).select_related(
        "commune", "regime", "round__year__authority"
    )
    for dossier in drafts.order_by("pk"):
        moment = dossier.created_at
        if dossier.round.stage != "open" or not domain.receipt_applies(dossier, now=moment):
            continue
        received += domain.receive_dossier(dossier, by=_official(dossier.commune), now=moment)
    return {"received": received}
