"""No stored text can break a page (issue 18, item 1).

A commune official once saved ``2025-02-31`` as a dossier's raw-material origin; the history rendered every
"YYYY-MM-DD"-looking text as a date, so the dossier's page answered 500 for everyone, for good (the audit row stays).
Here odd values go into **every free-text field** (found by introspecting the models' CharField/TextField without
choices) of a producer, a product, a dossier, a budget line and a programme year, through the domain functions where
they edit the field; a value the domain refuses (a phone number's validator, a field no form edits) is written to the
row with its audit entry directly, as an older version or an import could have stored it. Then every page that shows
these objects and their history is rendered: no server error, each value shown as the escaped text it is.
"""

import datetime

import pytest
from django.db import models, transaction
from django.urls import reverse
from django.utils.html import escape

from evaluations import programme
from funding import domain as funding_domain
from funding.enums import BudgetKind, Payer
from funding.models import BudgetLine
from ocop import audit
from products import domain as products_domain
from products.models import Dossier, Producer, Product
from products.tests.factories import DossierFactory, ProgrammeYearFactory, RoundFactory
from programme.models import ProgrammeYear

ODD_VALUES = [
    "2025-02-31",
    "9999-99-99",
    "2025-02-28",  # a possible date, but free text: shown as typed, not as 28/02/2025
    "0000-00-00",
    "<script>alert(1)</script>",
    "{{x}} {% now 'Y' %}",
    "%s %(name)s {0}",
    "1e309",
    "NaN",
    "Bánh 𝔘𝔫𝔦 ﷽ \u202eđảo\u202c 🍚",
    "Đ" * 5000,  # cut to the field's length
]


def free_text_fields(model):
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField) and not field.choices and field.editable
    ]


def fit(model, name, value):
    max_length = model._meta.get_field(name).max_length
    return value[:max_length] if max_length else value


@transaction.atomic
def store_directly(obj, values, by):
    """What an older version or an import could have stored: the row and its audit entry, without validation."""
    before = audit.snapshot(obj, values)
    type(obj).objects.filter(pk=obj.pk).update(**values)
    obj.refresh_from_db()
    audit.record(obj, "test.stored", by=by, changes=audit.diff(before, audit.snapshot(obj, values)))


def save(obj, values, by, through):
    """Save through the domain function; what it refuses (or does not edit) is stored directly."""
    from django.core.exceptions import ValidationError

    accepted = {}
    for name, value in values.items():
        try:
            through({name: value})
            accepted[name] = value
        except (ValidationError, ValueError):
            pass
    rest = {name: value for name, value in values.items() if name not in accepted}
    if rest:
        store_directly(type(obj).objects.get(pk=obj.pk), rest, by)


@pytest.fixture
def objects(authority, commune, district_officer):
    year = ProgrammeYearFactory(authority=authority, year=2024)
    round_ = RoundFactory(
        year=year, commune_deadline=datetime.date(2024, 6, 10), district_deadline=datetime.date(2024, 6, 15)
    )
    dossier = DossierFactory(round=round_, product__producer__commune=commune)
    line = funding_domain.save_budget_line(
        year=year,
        name="Tuyên truyền",
        source="Ngân sách tỉnh",
        amount=200_000_000,
        payer=Payer.PROVINCE,
        kind=BudgetKind.PROGRAMME,
        by=district_officer,
    )
    return {
        Producer: dossier.product.producer,
        Product: dossier.product,
        Dossier: dossier,
        BudgetLine: line,
        ProgrammeYear: year,
    }


def domain_savers(objects, by):
    line = objects[BudgetLine]

    def budget_line(values):
        current = BudgetLine.objects.get(pk=line.pk)
        fields = {"name": current.name, "source": current.source} | values
        funding_domain.save_budget_line(
            current,
            year=current.year,
            amount=current.amount,
            payer=current.payer,
            kind=current.kind,
            by=by,
            **fields,
        )

    editable = {
        Producer: set(products_domain.PRODUCER_FIELDS),
        Product: set(products_domain.PRODUCT_FIELDS),
        Dossier: set(Dossier.VERIFICATION_FIELDS),
        BudgetLine: {"name", "source"},
        ProgrammeYear: set(ProgrammeYear.EDITABLE_FIELDS),
    }
    functions = {
        Producer: lambda values: products_domain.update_producer(objects[Producer], by=by, **values),
        Product: lambda values: products_domain.update_product(objects[Product], by=by, **values),
        Dossier: lambda values: products_domain.save_verification(objects[Dossier], by=by, **values),
        BudgetLine: budget_line,
        ProgrammeYear: lambda values: programme.update_year(objects[ProgrammeYear], by=by, **values),
    }

    def through(model):
        def call(values):
            if set(values) - editable[model]:
                raise ValueError("not edited by the domain function")
            functions[model](values)

        return call

    return through


def pages(objects):
    """Every page that shows these objects or their history."""
    return [
        reverse("products:producer_detail", args=[objects[Producer].pk]),
        reverse("products:producer_list"),
        reverse("products:product_detail", args=[objects[Product].pk]),
        reverse("products:product_list"),
        reverse("products:dossier_detail", args=[objects[Dossier].pk]),
        reverse("products:dossier_list"),
        reverse("funding:budget_line", args=[objects[BudgetLine].pk]),
        reverse("funding:budget") + "?year=2024",
        reverse("evaluations:year_detail", args=[objects[ProgrammeYear].pk]),
        reverse("evaluations:year_list"),
    ] + [history_url(model, obj) for model, obj in objects.items() if model is not BudgetLine]


def history_url(model, obj):
    """The page with the object's whole history (a budget line shows its history on its own page)."""
    if model is BudgetLine:
        return reverse("funding:budget_line", args=[obj.pk])
    return reverse("history", args=[model._meta.label_lower, obj.pk])


def test_every_free_text_field_is_found():
    """The introspection finds the fields the bug report named (a guard against an empty sweep)."""
    assert "raw_material_origin" in free_text_fields(Dossier)
    assert {"name", "address"} <= set(free_text_fields(Producer))
    assert "plan_reference" in free_text_fields(ProgrammeYear)
    assert {"name", "source"} <= set(free_text_fields(BudgetLine))


@pytest.mark.parametrize("value", ODD_VALUES, ids=lambda v: v[:12])
def test_odd_text_in_every_free_text_field_breaks_no_page(value, objects, district_officer, client_for):
    through = domain_savers(objects, district_officer)
    stored = {}
    for model, obj in objects.items():
        values = {name: fit(model, name, value) for name in free_text_fields(model)}
        save(obj, values, district_officer, through(model))
        row = model.objects.get(pk=obj.pk)
        for name, typed in values.items():
            assert getattr(row, name) == typed.strip() or getattr(row, name) == typed, (model, name)
        stored[model] = values

    client = client_for(district_officer)
    for url in pages(objects):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "<script>alert(1)</script>" not in html, url
    for model, obj in objects.items():
        url = history_url(model, obj)
        html = client.get(url).content.decode()
        for name, typed in stored[model].items():
            assert escape(typed.strip()) in html, (model.__name__, name, url)
        if value == "2025-02-28":
            assert "28/02/2025" not in html, url  # free text is never re-read as a date


def test_a_date_field_still_reads_as_a_date(objects, district_officer, client_for):
    dossier = objects[Dossier]
    products_domain.save_verification(dossier, by=district_officer, verified_on=datetime.date(2024, 5, 20))
    html = client_for(district_officer).get(reverse("history", args=["products.dossier", dossier.pk])).content
    assert "20/05/2024" in html.decode()


def test_no_shape_of_a_stored_change_can_raise(objects, district_officer, client_for):
    """An audit row's changes as an import or an older version might have written them."""
    dossier = objects[Dossier]
    odd_changes = {
        "verified_on": ["2025-02-31", "9999-99-99"],
        "raw_material_origin": "not a pair",
        "local_identity": [1, 2, 3],
        "unknown_field": [{"a": 1}, ["x", None]],
        "idea_origin": [1e308, True],
    }
    with transaction.atomic():
        audit.record(dossier, "test.odd", by=district_officer, changes=odd_changes)
    client = client_for(district_officer)
    for url in (
        reverse("history", args=["products.dossier", dossier.pk]),
        reverse("products:dossier_detail", args=[dossier.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "2025-02-31" in response.content.decode()
