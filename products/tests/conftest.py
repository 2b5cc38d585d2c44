import pytest

from products import checklist
from products.tests.factories import (
    COMPLETE_VERIFICATION,
    PDF_BYTES,
    DossierFactory,
    ProducerFactory,
    RoundFactory,
    known_regime,
)


@pytest.fixture
def round_open(authority):
    return RoundFactory(year__authority=authority)


@pytest.fixture
def producer(commune):
    return ProducerFactory(commune=commune, name="Tổ hợp tác bánh mật Thanh Lâm")


@pytest.fixture
def other_producer(other_commune):
    return ProducerFactory(commune=other_commune, name="HTX Yên Sơn")


@pytest.fixture
def dossier(producer, round_open):
    return DossierFactory(product__producer=producer, product__name="Bánh mật Thanh Lâm", round=round_open)


@pytest.fixture
def other_dossier(other_producer, round_open):
    return DossierFactory(product__producer=other_producer, product__name="Mì Chũ Yên Sơn", round=round_open)


def _complete(dossier):
    from products.models import Document

    for item in checklist.required_items(dossier.registration_type):
        Document.objects.create(
            dossier=dossier,
            item=item.code,
            file=f"dossiers/{dossier.pk}/{item.code}.pdf",
            original_name=f"{item.code}.pdf",
            content_type="application/pdf",
            size=len(PDF_BYTES),
            sha256="0" * 64,
        )
    for name, value in COMPLETE_VERIFICATION.items():
        setattr(dossier, name, value)
    dossier.save()
    return dossier


@pytest.fixture
def complete_dossier(dossier):
    return _complete(dossier)


@pytest.fixture
def submitted_dossier(complete_dossier, commune_official):
    from products import domain

    domain.submit_dossier(complete_dossier, by=commune_official)
    complete_dossier.refresh_from_db()
    return complete_dossier


# ---------------------------------------------------------------------------- Decision 26/2026's forms
@pytest.fixture
def set06(db):
    from programme.catalogue import sync_catalogue
    from programme.models import CriteriaSet

    sync_catalogue()
    return CriteriaSet.objects.get(edition="qd148-2023", code="06", version=1)


@pytest.fixture
def qd26(db):
    from programme.regimes import ensure_regimes

    ensure_regimes()
    return known_regime("qd26-2026")


@pytest.fixture
def forms_dossier(commune, set06, qd26, authority):
    """A draft dossier under Decision 26/2026 (its regime set), with official province and commune codes."""
    authority.province_code = "24"
    authority.save(update_fields=["province_code"])
    commune.code = "07360"
    commune.save(update_fields=["code"])
    return DossierFactory(
        product__producer=ProducerFactory(commune=commune, name="HTX Bánh mật Thanh Lâm", phone="0912345678"),
        product__name="Bánh mật Thanh Lâm",
        product__criteria_set=set06,
        round__year__authority=authority,
        regime=qd26,
    )
