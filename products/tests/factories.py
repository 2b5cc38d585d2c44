import datetime

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ocop.tests.factories import AuthorityFactory, CommuneFactory
from products.models import Dossier, Producer, Product
from programme.models import CriteriaSet, ProgrammeYear, Round

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf(name="tai-lieu.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class CriteriaSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CriteriaSet
        django_get_or_create = ("edition", "code", "version")

    edition = "qd148-2023"
    code = "06"
    version = 1
    name = "Chế biến từ gạo, ngũ cốc"
    industry = "Thực phẩm"
    group = "Thực phẩm chế biến"
    legal_basis = "148/QĐ-TTg ngày 24/02/2023"


class ProgrammeYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeYear
        django_get_or_create = ("authority", "year")

    authority = factory.SubFactory(AuthorityFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    year = factory.SubFactory(ProgrammeYearFactory)
    number = factory.Sequence(lambda n: n + 1)
    commune_deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=10))
    district_deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=15))


class ProducerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Producer

    commune = factory.SubFactory(CommuneFactory)
    kind = "to_hop_tac"
    name = factory.Sequence(lambda n: f"Tổ hợp tác số {n}")
    representative_name = "Nguyễn Thị Hạnh"
    address = "Thôn Sơn Đình 2"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    producer = factory.SubFactory(ProducerFactory)
    commune = factory.SelfAttribute("producer.commune")
    name = factory.Sequence(lambda n: f"Sản phẩm {n}")
    criteria_set = factory.SubFactory(CriteriaSetFactory)


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dossier

    product = factory.SubFactory(ProductFactory)
    commune = factory.SelfAttribute("product.commune")
    round = factory.SubFactory(RoundFactory)


COMPLETE_VERIFICATION = {
    "raw_material_origin": "Gạo nếp cái hoa vàng của thôn Sơn Đình",
    "local_raw_material_percent": 90,
    "local_labour_percent": 100,
    "idea_origin": "Nghề truyền thống của làng",
    "local_identity": "Bánh mật làm theo cách cổ truyền, gói lá chuối",
    "verified_by_name": "Nguyễn Văn An – Công chức Địa chính – Nông nghiệp xã",
    "verified_on": datetime.date(2026, 11, 20),
}


def known_regime(code: str):
    """A regime row by code; the rows come from a migration, which a transactional test's flush empties, so they
    are re-created first (``ensure_regimes`` is idempotent)."""
    from programme.models import Regime
    from programme.regimes import ensure_regimes

    ensure_regimes()
    return Regime.objects.get(code=code)
