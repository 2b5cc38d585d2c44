"""The home of each role (moved from ocop: the home reads every app, so it lives in insights)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone


# ---------------------------------------------------------------- home
@pytest.mark.parametrize(
    ("persona", "expected_text", "absent_text"),
    [
        ("district_officer", "Kiểm tra hồ sơ đã nộp", "Chấm điểm từng sản phẩm"),
        ("secretary", "Kiểm tra hồ sơ đã nộp", "Duyệt các khoản hỗ trợ"),
        ("council_member", "Chấm điểm từng sản phẩm", "Kiểm tra hồ sơ đã nộp"),
        ("chair", "Phê duyệt kết quả của đợt", "Đăng ký chủ thể"),
        ("commune_official", "Đăng ký chủ thể và sản phẩm của xã Thanh Lâm", "Chấm điểm từng sản phẩm"),
        ("finance_officer", "Duyệt các khoản hỗ trợ", "Kiểm tra hồ sơ đã nộp"),
    ],
    indirect=["persona"],
)
def test_home_shows_each_role_its_work_in_vietnamese(client_for, persona, expected_text, absent_text):
    response = client_for(persona).get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert expected_text in html
    assert absent_text not in html


def test_home_shows_plan_targets_and_budget_to_district(client_for, district_officer, authority):
    from funding.models import BudgetLine
    from programme.models import ProgrammeYear

    year = ProgrammeYear.objects.create(authority=authority, year=2024, target_new_products=7, target_reevaluations=2)
    BudgetLine.objects.create(year=year, name="Tuyên truyền", amount=Decimal("200000000"))
    html = client_for(district_officer).get(reverse("home")).content.decode()
    assert "Chương trình OCOP năm 2024" in html
    assert "200.000.000 ₫" in html


def test_home_hides_budget_from_council_member(client_for, council_member, authority):
    from funding.models import BudgetLine
    from programme.models import ProgrammeYear

    year = ProgrammeYear.objects.create(authority=authority, year=2024, target_new_products=7)
    BudgetLine.objects.create(year=year, name="Tuyên truyền", amount=Decimal("200000000"))
    html = client_for(council_member).get(reverse("home")).content.decode()
    assert "200.000.000" not in html
    assert "Kinh phí chương trình" not in html


def test_home_counts_the_members_open_sheets(client_for, make_user, authority):
    from evaluations.models import CouncilMember, ScoreSheet
    from ocop.enums import Role
    from products.tests.factories import CriteriaSetFactory, DossierFactory, RoundFactory
    from programme.enums import RoundStage

    member = make_user(Role.COUNCIL_MEMBER, username="tv-home")
    round_ = RoundFactory(year__authority=authority, stage=RoundStage.SCORING)
    seat = CouncilMember.objects.create(round=round_, user=member)
    for _ in range(2):
        dossier = DossierFactory(round=round_, product__producer__commune__authority=authority)
        ScoreSheet.objects.create(dossier=dossier, member=seat, criteria_set=CriteriaSetFactory())
    response = client_for(member).get(reverse("home"))
    sheets = response.context["sheets"]
    assert len(sheets["to_score"]) == 2
    assert sheets["done"] == 0
    html = response.content.decode()
    assert html.count('data-testid="sheet-to-score"') == 2
    assert "Phiếu cần chấm" in html
    assert 'data-testid="sheets-more"' not in html


def test_member_home_lists_a_bounded_number_of_sheets_and_says_how_many_more(
    client_for, make_user, authority, monkeypatch, django_assert_num_queries
):
    """A province council member holds thousands of sheets: the home lists the first few, the rest are counted."""
    from evaluations.models import CouncilMember, ScoreSheet
    from insights import homes
    from ocop.enums import Role
    from products.tests.factories import CriteriaSetFactory, DossierFactory, RoundFactory
    from programme.enums import RoundStage

    monkeypatch.setattr(homes, "HOME_SHEETS", 2)
    member = make_user(Role.COUNCIL_MEMBER, username="tv-many")
    round_ = RoundFactory(year__authority=authority, stage=RoundStage.SCORING)
    seat = CouncilMember.objects.create(round=round_, user=member)
    criteria_set = CriteriaSetFactory()
    for index, name in enumerate(["Bánh mật", "Bánh đa", "Đậu", "Gạo", "Chè"]):
        dossier = DossierFactory(round=round_, product__name=name)
        ScoreSheet.objects.create(
            dossier=dossier, member=seat, criteria_set=criteria_set, status="submitted" if index == 4 else "draft"
        )
    html = client_for(member).get(reverse("home")).content.decode()
    assert html.count('data-testid="sheet-to-score"') == 2
    listed = [s.dossier.product.name for s in homes.sheets_of(member)["to_score"]]
    assert listed == ["Bánh đa", "Bánh mật"]  # đ sorts before m in Vietnamese (not after z as in code points)
    assert "và 2 phiếu cần chấm khác" in html
    assert "Đã nộp 1/5 phiếu" in html
    with django_assert_num_queries(2):
        homes.sheets_of(member)


def test_home_shows_recognitions_against_the_plans_targets(client_for, district_officer, authority):

    from evaluations.models import Recognition, RecognitionDecision
    from products.tests.factories import DossierFactory, RoundFactory
    from programme.models import ProgrammeYear

    year = ProgrammeYear.objects.create(
        authority=authority, year=timezone.localdate().year, target_new_products=7, target_reevaluations=2
    )
    round_ = RoundFactory(year=year)
    decision = RecognitionDecision.objects.create(
        round=round_, number="1/QĐ", date=timezone.localdate(), signed_by="Lê Văn Thành"
    )
    for registration_type, star in [("moi", 3), ("moi", 3), ("danh_gia_lai", 3), ("moi", 2)]:
        dossier = DossierFactory(round=round_, registration_type=registration_type)
        Recognition.objects.create(decision=decision, dossier=dossier, star=star)
    response = client_for(district_officer).get(reverse("home"))
    assert response.context["progress"] == {"new": 2, "reevaluated": 1}
    html = response.content.decode()
    assert 'data-testid="progress-new">2/7<' in html
    assert 'data-testid="progress-reevaluated">1/2<' in html


# ---------------------------------------------------------------- commune home: task first
def _open_round(authority, days=5):
    import datetime

    from products.tests.factories import RoundFactory

    return RoundFactory(
        year__authority=authority,
        commune_deadline=timezone.localdate() + datetime.timedelta(days=days),
        district_deadline=timezone.localdate() + datetime.timedelta(days=days + 5),
    )


def test_commune_home_puts_the_dossiers_to_finish_first(client_for, commune_official, commune, authority):
    import datetime

    from products.models import ItemComment
    from products.tests.factories import DossierFactory, ProducerFactory, ProductFactory

    round_ = _open_round(authority, days=5)
    producer = ProducerFactory(commune=commune)
    draft = DossierFactory(product=ProductFactory(producer=producer, name="Bánh mật Thanh Lâm"), round=round_)
    returned = DossierFactory(
        product=ProductFactory(producer=producer, name="Long nhãn"),
        round=round_,
        status="returned",
        submission_count=1,
        extension_until=timezone.localdate() + datetime.timedelta(days=12),
    )
    ItemComment.objects.create(dossier=returned, item="", text="Bổ sung nhãn sản phẩm", submission_number=1)
    DossierFactory(product=ProductFactory(producer=producer, name="Nem chua"), round=round_, status="submitted")

    response = client_for(commune_official).get(reverse("home"))
    html = response.content.decode()
    tasks = response.context["to_finish"]
    assert [d.pk for d in tasks] == [draft.pk, returned.pk]  # soonest deadline first; submitted is not a task
    assert (tasks[0].days_left, tasks[1].days_left) == (5, 12)  # the extension counts
    assert len(tasks[0].missing_items) >= 5  # nothing uploaded yet: every required document is missing
    assert tasks[0].missing_fields  # the verification is empty
    assert [c.text for c in tasks[1].open_comments] == ["Bổ sung nhãn sản phẩm"]
    # the tasks come before everything else on the page
    assert html.index('data-testid="tasks"') < html.index('data-testid="plan-card"')
    assert html.index('data-testid="tasks"') < html.index('data-testid="work-card"')
    assert "Hồ sơ cần hoàn thiện" in html
    assert "còn 5 ngày" in html and "còn 12 ngày" in html
    assert "Còn thiếu:" in html
    assert "Bổ sung nhãn sản phẩm" in html
    assert "Nem chua" not in html.split('data-testid="tasks"')[1].split("</section>")[0]


def test_commune_home_shows_only_its_own_commune(client_for, outsider_official, commune, authority):
    from products.tests.factories import DossierFactory, ProducerFactory, ProductFactory

    round_ = _open_round(authority)
    DossierFactory(product=ProductFactory(producer=ProducerFactory(commune=commune), name="Bánh mật"), round=round_)
    response = client_for(outsider_official).get(reverse("home"))
    assert response.context["to_finish"] == []
    html = response.content.decode()
    assert "Bánh mật" not in html
    assert "Không có hồ sơ nào đang chờ bạn." in html
    # the commune's dossier counts are its own (zero here), never the district's
    assert sum(row["count"] for row in response.context["dossier_counts"]) == 0


def test_commune_home_lists_its_ocop_products_with_expiry(
    client_for, commune_official, outsider_official, commune, programme
):
    import datetime

    from evaluations.models import Certificate

    programme(1)
    Certificate.objects.update(valid_until=timezone.localdate() + datetime.timedelta(days=40))
    certificate = Certificate.objects.first()
    product = certificate.product
    product.commune = commune
    product.save(update_fields=["commune"])
    response = client_for(commune_official).get(reverse("home"))
    certified = response.context["certified"]
    assert [c.pk for c in certified["rows"]] == [certificate.pk]
    html = response.content.decode()
    assert certificate.number in html
    assert "còn 40 ngày" in html
    # another commune's official sees nothing of it
    outsider = client_for(outsider_official).get(reverse("home"))
    assert outsider.context["certified"]["rows"] == []
    assert certificate.number not in outsider.content.decode()


def test_commune_home_hides_the_district_budget(client_for, commune_official, authority):
    from funding.models import BudgetLine
    from programme.models import ProgrammeYear

    year = ProgrammeYear.objects.create(authority=authority, year=timezone.localdate().year, target_new_products=7)
    BudgetLine.objects.create(year=year, name="Tuyên truyền", amount=Decimal("200000000"))
    html = client_for(commune_official).get(reverse("home")).content.decode()
    assert "200.000.000" not in html
    assert 'data-testid="dashboard-link"' not in html


@pytest.mark.parametrize("count", [1, 3])
def test_commune_home_query_count_does_not_grow(client_for, commune_official, commune, authority, count):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from products.tests.factories import DossierFactory, ProducerFactory, ProductFactory

    round_ = _open_round(authority)
    producer = ProducerFactory(commune=commune)
    for _ in range(count):
        DossierFactory(product=ProductFactory(producer=producer), round=round_)
    client = client_for(commune_official)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("home"))
    assert len(response.context["to_finish"]) == count
    # session, the user with roles, profile and unread count (one query), authority, year, commune, dossier counts,
    # plan progress, the dossiers with their documents and comments (3), the certificates and their count (2), the
    # commune's entitlements, the authority again for the regime's word ("Ý kiến của huyện")
    assert len(captured) == 14, "\n".join(q["sql"][:120] for q in captured.captured_queries)


# ---------------------------------------------------------------- council home
def test_council_home_lists_sheets_to_score_with_deadlines_and_what_is_done(client_for, make_user, authority):
    import datetime

    from evaluations.models import CouncilMember, ScoreSheet
    from ocop.enums import Role
    from products.tests.factories import CriteriaSetFactory, DossierFactory, RoundFactory
    from programme.enums import RoundStage

    member = make_user(Role.COUNCIL_MEMBER, username="tv1")
    other = make_user(Role.COUNCIL_MEMBER, username="tv2")
    round_ = RoundFactory(
        year__authority=authority,
        stage=RoundStage.SCORING,
        district_deadline=timezone.localdate() + datetime.timedelta(days=3),
    )
    seat = CouncilMember.objects.create(round=round_, user=member)
    other_seat = CouncilMember.objects.create(round=round_, user=other)
    names = []
    for index in range(3):
        dossier = DossierFactory(round=round_, product__name=f"Sản phẩm chấm {index}")
        names.append(dossier.product.name)
        ScoreSheet.objects.create(
            dossier=dossier,
            member=seat,
            criteria_set=CriteriaSetFactory(),
            status="submitted" if index == 0 else "draft",
        )
        ScoreSheet.objects.create(dossier=dossier, member=other_seat, criteria_set=CriteriaSetFactory())
    response = client_for(member).get(reverse("home"))
    sheets = response.context["sheets"]
    assert [s.dossier.product.name for s in sheets["to_score"]] == names[1:]
    assert (sheets["done"], sheets["total"], sheets["more"]) == (1, 3, 0)
    assert all(s.member.user_id == member.pk for s in sheets["to_score"])
    html = response.content.decode()
    assert "còn 3 ngày" in html
    assert "Đã nộp 1/3 phiếu trong các đợt đang chấm." in html
    # a member sees no district figures and no dashboard
    assert response.context["dossier_counts"] is None
    assert 'data-testid="dashboard-link"' not in html
    assert client_for(member).get(reverse("insights:dashboard")).status_code == 403
