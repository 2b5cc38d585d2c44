"""Province scale: one query before the view for the user, the synthetic province generator, search indexes."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ocop import notify
from ocop.auth import ProfileBackend
from ocop.enums import Role
from ocop.models import NotificationKind


# ---------------------------------------------------------------------------------------------------- auth backend
def test_backend_loads_roles_profile_and_unread_count_in_one_query(make_user, commune, django_assert_num_queries):
    official = make_user(Role.COMMUNE_OFFICIAL, commune=commune, username="xa-a")
    official.profile.full_name = "Cán bộ A"
    official.profile.save()
    notify.notify(official, NotificationKind.CEREMONY, None, "k1", channels=["in_app"])
    notify.notify(official, NotificationKind.CEREMONY, None, "k2", channels=["in_app"])
    with django_assert_num_queries(1):
        user = ProfileBackend().get_user(official.pk)
        assert user.profile.full_name == "Cán bộ A"
        assert user.profile.commune_id == commune.pk
        from ocop import rules

        assert rules.roles_of(user) == {Role.COMMUNE_OFFICIAL}
        assert rules.commune_id_of(user) == commune.pk
        assert user._ocop_unread == 2


def test_backend_refuses_inactive_users_and_marks_superusers(make_user, sysadmin):
    user = make_user(Role.SECRETARIAT, username="gone")
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    assert ProfileBackend().get_user(user.pk) is None
    from ocop import rules

    assert Role.SYSADMIN in rules.roles_of(ProfileBackend().get_user(sysadmin.pk))


def test_a_page_runs_two_queries_before_its_view(client_for, district_officer):
    """Session, then the user with groups, profile and unread count; the home page's own queries come after."""
    client = client_for(district_officer)
    client.get(reverse("notifications"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("notifications"))
    assert response.status_code == 200
    sqls = [q["sql"] for q in queries.captured_queries]
    assert sqls[0].startswith('SELECT "django_session"')
    assert sqls[1].startswith('SELECT "auth_user"."id"')
    assert all(table in sqls[1] for table in ('"auth_group"', '"ocop_notification"', '"ocop_profile"'))
    # Nothing after it loads the groups, the profile or the unread count again.
    assert not [sql for sql in sqls[2:] if '"auth_group"' in sql or sql.startswith('SELECT "ocop_profile"')]


def test_the_badge_counts_unread_rows_loaded_with_the_user(client_for, council_member):
    notify.notify(council_member, NotificationKind.CEREMONY, None, "badge-1", channels=["in_app"])
    later = timezone.now() + datetime.timedelta(days=2)
    notify.notify(council_member, NotificationKind.CEREMONY, None, "badge-2", channels=["in_app"], due_at=later)
    html = client_for(council_member).get(reverse("home")).content.decode()
    assert 'data-testid="notification-badge">1<' in html  # the row due later is not counted yet


# ---------------------------------------------------------------------------------------------------- generator
@pytest.mark.django_db
def test_generate_synthetic_is_deterministic_and_valid(tmp_path, settings):
    from evaluations import scoring
    from evaluations.enums import SheetStatus
    from evaluations.models import Certificate, Recognition, Result, ScoreSheet
    from products import checklist
    from products.enums import DossierStatus
    from products.models import Document, Dossier, Product
    from programme.enums import RoundStage
    from programme.models import Round

    settings.MEDIA_ROOT = str(tmp_path)
    call_command("generate_synthetic", communes=4, products=60, seed=3, today=datetime.date(2026, 11, 30))
    assert Product.objects.count() == 60
    assert Round.objects.filter(stage=RoundStage.SCORING).count() == 1
    assert Round.objects.filter(stage=RoundStage.OPEN).count() == 1

    # Every accepted dossier of a scored round has a sheet per scorer and a result that the scoring rules confirm.
    for dossier in Dossier.objects.filter(status=DossierStatus.ACCEPTED, round__stage=RoundStage.APPROVED)[:10]:
        sheets = list(dossier.sheets.select_related("criteria_set"))
        assert len(sheets) == 7 and all(s.status == SheetStatus.SUBMITTED for s in sheets)
        outcome = scoring.compute(sheets[0].criteria_set.sheet, [s.choices for s in sheets], expected_count=7)
        result = Result.objects.get(dossier=dossier)
        assert (result.star, result.sheet_count) == (outcome.star, 7)
        assert all(scoring.missing_criteria(s.criteria_set.sheet, s.choices) == [] for s in sheets)
    # Submitted dossiers carry every required document; approved rounds are free of blocking flags.
    for dossier in Dossier.objects.exclude(status=DossierStatus.DRAFT):
        items = set(Document.objects.filter(dossier=dossier).values_list("item", flat=True))
        assert {i.code for i in checklist.required_items(dossier.registration_type)} <= items
    assert not [r for r in Result.objects.filter(dossier__round__stage=RoundStage.APPROVED) if r.blocking]
    # Certificates: one per recognition, numbered without a gap in each year.
    assert Certificate.objects.count() == Recognition.objects.count() > 0
    for year in Certificate.objects.values_list("year", flat=True).distinct():
        sequences = sorted(Certificate.objects.filter(year=year).values_list("sequence", flat=True))
        assert sequences == list(range(1, len(sequences) + 1))
    assert ScoreSheet.objects.count() > 0

    # Entitlements: computed by funding.domain for the decisions Resolution 67 covers (2024–2025) and none other;
    # every paid one has its paid payment from the support line of its year and payer, within the line.
    from funding import assessment as funding_assessment
    from funding import figures as funding_figures
    from funding.enums import EntitlementStatus
    from funding.models import Entitlement, Payment

    entitlements = list(Entitlement.objects.select_related("recognition__decision", "year"))
    assert entitlements and {e.decision.date.year for e in entitlements} <= {2024, 2025}
    for entitlement in entitlements:
        assessment = funding_assessment.assess(entitlement.recognition)
        assert (entitlement.amount, entitlement.case, entitlement.payer) == (
            assessment.amount,
            assessment.case,
            assessment.payer,
        )
    paid = [e for e in entitlements if e.status == EntitlementStatus.PAID]
    assert paid and Payment.objects.filter(outcome="paid").count() == len(paid)
    for payment in Payment.objects.filter(outcome="paid").select_related("line", "entitlement"):
        assert (payment.line.year_id, payment.line.payer) == (payment.entitlement.year_id, payment.entitlement.payer)
        assert funding_figures.line_totals(payment.line)["paid"] <= payment.line.amount

    # A second run refuses a database that already holds a programme; on an empty one the same seed gives the
    # same province.
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("generate_synthetic", communes=4, products=60, seed=3)


@pytest.mark.django_db
def test_generate_synthetic_twice_gives_the_same_rows(tmp_path, settings):
    from django.db import transaction

    from products.models import Product

    settings.MEDIA_ROOT = str(tmp_path)
    runs = []
    for _ in range(2):
        with transaction.atomic():
            call_command("generate_synthetic", communes=3, products=30, seed=5, today=datetime.date(2026, 11, 30))
            runs.append(
                list(
                    Product.objects.order_by("name", "commune__name", "criteria_set__code").values_list(
                        "name", "commune__name", "criteria_set__code"
                    )
                )
            )
            transaction.set_rollback(True)
    assert runs[0] == runs[1]
    assert len(runs[0]) == 30


# ---------------------------------------------------------------------------------------------------- search index
def test_name_search_uses_the_trigram_index(producer_factory_commune):
    from products.models import Product

    queryset = Product.objects.order_by()
    from ocop.lib.search import search_filter

    sql, params = search_filter(queryset, "mat ong", "name").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "product_name_trgm" in plan


def test_search_over_a_related_tables_name_is_a_sub_select_of_that_table(producer_factory_commune):
    """An OR across the joined tables would fold every row of both; each field is a sub-select using its index."""
    from ocop.lib.search import search_filter
    from products.models import Product
    from products.tests.factories import ProductFactory

    ProductFactory(
        name="Gạo nếp cái hoa vàng", producer__name="HTX Mật Ong Bảo Sơn", producer__commune=producer_factory_commune
    )
    ProductFactory(name="Chè xanh", producer__commune=producer_factory_commune)
    queryset = Product.objects.order_by("name")
    found = search_filter(queryset, "MAT ong", "name", "producer__name")
    assert [p.name for p in found] == ["Gạo nếp cái hoa vàng", "Mật ong rừng"]  # by producer, by product
    assert [p.name for p in search_filter(queryset, "mật gạo", "name", "producer__name")] == ["Gạo nếp cái hoa vàng"]
    # The producer's name is a sub-select of its own table (planned alone, so it can use that table's trigram
    # index, as the single-field search above does); seen from a dossier, both names are.
    from products.models import Dossier

    sql = str(found.query)
    assert '"products_product"."producer_id" = ANY(ARRAY(SELECT' in sql
    assert 'FROM "products_producer" U0 WHERE ocop_fold(U0."name")' in sql
    sql = str(search_filter(Dossier.objects.order_by(), "mat", "product__name", "product__producer__name").query)
    assert sql.count("= ANY(ARRAY(SELECT") == 2 and "products_dossier" not in sql.split("ANY(ARRAY(", 1)[1]


@pytest.fixture
def producer_factory_commune(commune):
    from products.tests.factories import ProductFactory

    ProductFactory(name="Mật ong rừng", producer__commune=commune)
    return commune


# ---------------------------------------------------------------------------------------------------- list pages
def test_filter_select_marks_the_chosen_value_and_reads_the_choices_once(
    district_officer, commune, other_commune, django_assert_num_queries
):
    from django.utils import translation

    from ocop.templatetags.ocop_tags import filter_select
    from products.filters import ListFilterForm

    form = ListFilterForm({"commune": str(other_commune.pk), "criteria_set": "x"}, user=district_officer)
    form.is_valid()
    with translation.override("vi"), django_assert_num_queries(1):  # the communes, no COUNT first
        html = filter_select(form["commune"])
    assert html.startswith('<select name="commune" id="id_commune" class="form-select form-select-sm">')
    assert '<option value="">Tất cả</option>' in html
    assert f'<option value="{other_commune.pk}" selected>{other_commune}</option>' in html
    assert f'<option value="{commune.pk}">' in html and html.count(" selected") == 1
    # an invalid value is marked, and nothing is selected
    invalid = filter_select(form["criteria_set"])
    assert 'class="form-select form-select-sm is-invalid"' in invalid and " selected" not in invalid
