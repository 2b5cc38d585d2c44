"""Printouts: the member's score sheet and the council's minutes (PDF, .xlsx) and the forwarded list (.xlsx)."""

import datetime
import io
import os
import subprocess
import sys
import unicodedata
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader

from evaluations import printouts
from evaluations.domain import refresh_result
from evaluations.enums import CouncilRole, SheetStatus
from evaluations.models import CouncilMember, ScoreSheet
from ocop.enums import Role
from ocop.lib.pdf import _fetcher, pdf_response
from products.tests.factories import DossierFactory, ProducerFactory, RoundFactory
from programme.catalogue import sync_catalogue
from programme.enums import RoundStage
from programme.models import CriteriaSet

SUBMITTED_AT = timezone.make_aware(datetime.datetime(2024, 9, 10, 9, 30))


# ---------------------------------------------------------------------------- building a scored round
def choices_for(criteria_set, total: int, floor_star: int = 4) -> dict:
    """Valid choices adding up to ``total``: every criterion starts at the points its marks up to ``floor_star``
    require (0: the lowest option), then criteria are raised in sheet order until the total is reached."""
    criteria = [criterion for _p, _s, criterion in criteria_set.criteria()]
    choices = {}
    for criterion in criteria:
        points = [o["points"] for o in criterion["options"]]
        required = [
            o["points"] for o in criterion["options"] if o.get("min_for_star") and o["min_for_star"] <= floor_star
        ]
        choices[criterion["code"]] = max(required or [min(points)])
    current = sum(choices.values())
    assert current <= total, f"{total} is below the floor ({current})"
    for criterion in criteria:
        code = criterion["code"]
        room = total - current + choices[code]
        best = max(o["points"] for o in criterion["options"] if o["points"] <= room)
        if best > choices[code]:
            current += best - choices[code]
            choices[code] = best
    assert current == total, f"cannot reach {total}"
    return choices


def name(user, full_name):
    user.profile.full_name = full_name
    user.profile.save()
    return user


@pytest.fixture
def scored(authority, commune, other_commune, make_user, chair, council_member, secretary):
    """Round 1/2024 in scoring with three scoring members and the secretary; three accepted dossiers:

    - Bánh mật Thanh Lâm: 72, 73, 72 → mean 72,33, 4★ (forwarded to the province at ≥ 70);
    - Mì Chũ Yên Sơn: 55, 50 and a draft → quorum not reached; 3★ marks missed → 2★;
    - Rượu làng Vân Hà: 91, 78, 90 → 13 points apart, accepted by the chair with a reason.
    """
    sync_catalogue()
    criteria_set = CriteriaSet.objects.filter(edition="qd148-2023", code="06").order_by("-version").first()
    round_ = RoundFactory(
        year__authority=authority,
        year__year=2024,
        number=1,
        stage=RoundStage.SCORING,
        meeting_date=datetime.date(2024, 9, 12),
        meeting_place="Hội trường UBND huyện Lục Nam",
    )
    name(chair, "Trần Văn Chủ")
    name(council_member, "Lê Thị Hương")
    other_member = name(make_user(Role.COUNCIL_MEMBER, username="member2"), "Phạm Đức Thắng")
    name(secretary, "Nguyễn Thu Thủy")
    chair_title = "Phó Chủ tịch UBND huyện"
    seats = {
        "chair": CouncilMember.objects.create(round=round_, user=chair, role=CouncilRole.CHAIR, title=chair_title),
        "member": CouncilMember.objects.create(round=round_, user=council_member, role=CouncilRole.MEMBER),
        "member2": CouncilMember.objects.create(round=round_, user=other_member, role=CouncilRole.MEMBER),
        "secretary": CouncilMember.objects.create(round=round_, user=secretary, role=CouncilRole.SECRETARY),
    }

    def dossier(product, producer, in_commune):
        return DossierFactory(
            product__producer=ProducerFactory(commune=in_commune, name=producer),
            product__name=product,
            product__criteria_set=criteria_set,
            round=round_,
            status="accepted",
        )

    banh = dossier("Bánh mật Thanh Lâm", "Tổ hợp tác bánh mật Thanh Lâm", commune)
    mi = dossier("Mì Chũ Yên Sơn", "HTX Mì Chũ Yên Sơn", other_commune)
    ruou = dossier("Rượu làng Vân Hà", "HTX rượu làng Vân Hà", commune)

    sheets = {}

    def sheet(d, seat, total, *, floor_star=4, draft_total=None):
        if draft_total is not None:
            choices = choices_for(criteria_set, draft_total, floor_star)
            del choices[next(iter(choices))]  # a draft: one criterion not chosen yet
            made = ScoreSheet.objects.create(dossier=d, member=seats[seat], criteria_set=criteria_set, choices=choices)
        else:
            made = ScoreSheet.objects.create(
                dossier=d,
                member=seats[seat],
                criteria_set=criteria_set,
                choices=choices_for(criteria_set, total, floor_star),
                comment=f"Ý kiến của {seats[seat]}: bao bì đẹp.",
                status=SheetStatus.SUBMITTED,
                total=total,
                submitted_at=SUBMITTED_AT,
            )
        sheets[(d.product.name, seat)] = made
        return made

    for seat, total in (("chair", 72), ("member", 73), ("member2", 72)):
        sheet(banh, seat, total)
    sheet(mi, "chair", 55, floor_star=0)
    sheet(mi, "member", 50, floor_star=0)
    sheet(mi, "member2", None, floor_star=0, draft_total=40)
    for seat, total in (("chair", 91), ("member", 78), ("member2", 90)):
        sheet(ruou, seat, total)
    results = {d.product.name: refresh_result(d) for d in (banh, mi, ruou)}
    ruou_result = results["Rượu làng Vân Hà"]
    ruou_result.resolution = "Hội đồng thống nhất giữ nguyên điểm sau khi thảo luận."
    ruou_result.save()
    return SimpleNamespace(
        round=round_,
        criteria_set=criteria_set,
        seats=seats,
        banh=banh,
        mi=mi,
        ruou=ruou,
        sheets=sheets,
        results=results,
        other_member=other_member,
    )


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))


def flat(text: str) -> str:
    """Text with line breaks and repeated spaces folded (table cells wrap)."""
    return " ".join(text.split())


# ---------------------------------------------------------------------------- the data
def test_the_round_is_scored_as_the_printouts_expect(scored):
    banh, mi, ruou = (scored.results[n] for n in ("Bánh mật Thanh Lâm", "Mì Chũ Yên Sơn", "Rượu làng Vân Hà"))
    assert (banh.mean, banh.star, banh.flags) == (Decimal("72.33"), 4, [])
    assert (mi.mean, mi.star, mi.flags) == (Decimal("52.50"), 2, ["quorum"])
    assert mi.failed_marks
    assert (ruou.mean, ruou.flags) == (Decimal("86.33"), ["spread"])


# ---------------------------------------------------------------------------- the score sheet
def test_sheet_pdf_shows_the_sheet_with_its_choices(scored):
    sheet = scored.sheets[("Bánh mật Thanh Lâm", "member")]
    content = printouts.sheet_pdf(printouts.load_sheet(sheet.pk))
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    words = flat(text)
    for expected in (
        "UBND HUYỆN LỤC NAM",  # the issuer, in capitals
        "Bánh mật Thanh Lâm",
        "Tổ hợp tác bánh mật Thanh Lâm",
        "Thanh Lâm",
        "Chế biến từ gạo, ngũ cốc",
        "Lê Thị Hương",
        "Ý kiến của Lê Thị Hương: bao bì đẹp.",
        "Nguồn nguyên liệu",  # criterion 1a
        "Nguyên liệu có nguồn gốc trong tỉnh dưới 50%",  # an option that was not chosen
        "10/09/2024",  # submitted (dd/mm/yyyy)
    ):
        assert expected in words, expected
    assert "☑" in text and "☐" in text
    assert text.count("☑") == len(sheet.choices)
    # Per-part subtotals and the total.
    parts = printouts.sheet_parts(sheet)
    assert sum(p["subtotal"] for p in parts) == 73
    assert "73" in words.split()
    assert pgettext("watermark", "DRAFT") not in text


def test_a_draft_sheet_is_watermarked(scored):
    sheet = scored.sheets[("Mì Chũ Yên Sơn", "member2")]
    text = pdf_text(printouts.sheet_pdf(printouts.load_sheet(sheet.pk)))
    watermark = pgettext("watermark", "DRAFT")
    assert watermark in text
    assert "Phạm Đức Thắng" in text
    # One criterion is not chosen yet: it shows a dash and no ticked option.
    assert text.count("☑") == len(sheet.choices) == sum(1 for _ in scored.criteria_set.criteria()) - 1


def test_sheet_footer_numbers_the_pages(scored):
    sheet = scored.sheets[("Bánh mật Thanh Lâm", "chair")]
    content = printouts.sheet_pdf(printouts.load_sheet(sheet.pk))
    reader = PdfReader(io.BytesIO(content))
    pages = len(reader.pages)
    assert pages >= 2
    last = flat(reader.pages[-1].extract_text())
    assert f"{pages}/{pages}" in last
    assert "1/" + str(pages) in flat(reader.pages[0].extract_text())


def test_sheet_xlsx_has_a_row_per_criterion_with_the_chosen_points(scored):
    sheet = scored.sheets[("Bánh mật Thanh Lâm", "member")]
    ws = load_workbook(io.BytesIO(printouts.sheet_xlsx(printouts.load_sheet(sheet.pk)))).active
    rows = list(ws.iter_rows(values_only=True))
    facts = {
        row[0]: row[1]
        for row in rows
        if row and row[0] and row[1] is not None and len([c for c in row if c is not None]) == 2
    }
    assert "Bánh mật Thanh Lâm" in facts.values()
    assert "Tổ hợp tác bánh mật Thanh Lâm" in facts.values()
    criterion_rows = {row[2]: row for row in rows if row[2] in sheet.choices}
    assert set(criterion_rows) == set(sheet.choices)
    for code, points in sheet.choices.items():
        assert criterion_rows[code][5] == points
    assert criterion_rows["1a"][3] == "Nguồn nguyên liệu"
    total_row = rows[-1]
    assert (total_row[5], total_row[6]) == (73, 100)


# ---------------------------------------------------------------------------- the minutes
def test_minutes_pdf_has_the_table_members_marks_and_forwarded_products(scored):
    content = printouts.minutes_pdf(scored.round)
    text = pdf_text(content)
    words = flat(text)
    for expected in (
        "UBND HUYỆN LỤC NAM",  # the issuer, in capitals
        "12/09/2024",
        "Hội trường UBND huyện Lục Nam",
        "Trần Văn Chủ",
        "Lê Thị Hương",
        "Phạm Đức Thắng",
        "Nguyễn Thu Thủy",
        "Phó Chủ tịch UBND huyện",
        "Bánh mật Thanh Lâm",
        "Tổ hợp tác bánh mật Thanh Lâm",
        "Mì Chũ Yên Sơn",
        "Yên Sơn",
        "72,33",
        "52,50",
        "86,33",
        "Hội đồng thống nhất giữ nguyên điểm sau khi thảo luận.",
        "70,00",  # the province threshold
    ):
        assert expected in words, expected
    for total in ("72", "73", "55", "50", "91", "78", "90"):
        assert total in words.split()
    assert "4★" in words and "2★" in words
    # Failed minimums of Mì Chũ: criterion code and name, star, required points, council mean.
    mark = scored.results["Mì Chũ Yên Sơn"].failed_marks[0]
    assert f"{mark['criterion']} – {mark['name']}" in words
    assert printouts.decimal_text(mark["mean"]) in words
    # Forwarded: only the products at ≥ 70, highest mean first.
    forwarded = words[words.rindex("70,00") :]
    assert forwarded.index("Rượu làng Vân Hà") < forwarded.index("Bánh mật Thanh Lâm")
    assert "Mì Chũ Yên Sơn" not in forwarded
    assert "%PDF" not in text and len(PdfReader(io.BytesIO(content)).pages) >= 1


def test_minutes_pdf_is_landscape_a4(scored):
    page = PdfReader(io.BytesIO(printouts.minutes_pdf(scored.round))).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert round(width) == 842 and round(height) == 595  # A4 landscape in points


def test_minutes_data_columns_follow_the_council(scored):
    data = printouts.minutes_data(scored.round)
    assert data["scorer_names"] == ["Trần Văn Chủ", "Lê Thị Hương", "Phạm Đức Thắng"]
    rows = {row.product.name: row for row in data["rows"]}
    assert rows["Bánh mật Thanh Lâm"].totals == [72, 73, 72]
    assert rows["Mì Chũ Yên Sơn"].totals == [55, 50, "draft"]
    assert [r.product.name for r in data["forwarded"]] == ["Rượu làng Vân Hà", "Bánh mật Thanh Lâm"]
    members = {m["name"]: m for m in data["members"]}
    assert (members["Phạm Đức Thắng"]["submitted"], members["Phạm Đức Thắng"]["assigned"]) == (2, 3)
    assert members["Nguyễn Thu Thủy"]["scores"] is False
    assert data["chair_name"] == "Trần Văn Chủ" and data["secretary_name"] == "Nguyễn Thu Thủy"


def test_minutes_queries_do_not_grow_with_the_dossiers(scored, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        printouts.minutes_data(scored.round)


def test_minutes_xlsx_has_the_same_table(scored):
    workbook = load_workbook(io.BytesIO(printouts.minutes_xlsx(scored.round)))
    ws = workbook.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    header_index = next(i for i, row in enumerate(rows) if row[1] == "Trần Văn Chủ" or "Trần Văn Chủ" in row)
    header = rows[header_index]
    data = {row[1]: dict(zip(header, row, strict=True)) for row in rows[header_index + 1 :]}
    banh = data["Bánh mật Thanh Lâm"]
    assert banh[header[2]] == "Tổ hợp tác bánh mật Thanh Lâm"
    assert banh[header[3]] == "Thanh Lâm"
    assert [banh["Trần Văn Chủ"], banh["Lê Thị Hương"], banh["Phạm Đức Thắng"]] == [72, 73, 72]
    mean_column = header.index("Trần Văn Chủ") + 3
    assert banh[header[mean_column]] == pytest.approx(72.33)
    assert banh[header[mean_column + 3]] == 4  # star
    mi = data["Mì Chũ Yên Sơn"]
    assert mi["Phạm Đức Thắng"] == printouts._total_text("draft")
    assert data["Rượu làng Vân Hà"][header[-1]] == "Hội đồng thống nhất giữ nguyên điểm sau khi thảo luận."
    mean_cell = ws.cell(row=header_index + 2, column=mean_column + 1)
    assert mean_cell.number_format == "0.00"
    marks = workbook.worksheets[1]
    mark_rows = list(marks.iter_rows(min_row=2, values_only=True))
    assert mark_rows and all(row[0] == "Mì Chũ Yên Sơn" for row in mark_rows)
    result = scored.results["Mì Chũ Yên Sơn"]
    relevant = [m for m in result.failed_marks if m["star"] <= result.band_star]  # 3★ band: no 4★/5★ marks
    assert relevant
    assert [(row[1], row[3], row[4]) for row in mark_rows] == [
        (m["criterion"], m["star"], m["required"]) for m in relevant
    ]


def test_forwarded_xlsx_lists_approved_results_at_the_threshold(scored):
    round_ = scored.round
    empty = load_workbook(io.BytesIO(printouts.forwarded_xlsx(round_))).active
    assert "Bánh mật Thanh Lâm" not in [c for row in empty.iter_rows(values_only=True) for c in row]  # not approved
    round_.stage = RoundStage.APPROVED
    round_.save()
    result = scored.results["Bánh mật Thanh Lâm"]
    result.province_result_star = 4
    result.province_decision = "1234/QĐ-UBND"
    result.province_decision_date = datetime.date(2024, 12, 20)
    result.save()
    ws = load_workbook(io.BytesIO(printouts.forwarded_xlsx(round_))).active
    rows = [row for row in ws.iter_rows(values_only=True) if row and isinstance(row[0], int)]
    assert [row[1] for row in rows] == ["Rượu làng Vân Hà", "Bánh mật Thanh Lâm"]
    banh = rows[1]
    assert banh[2:4] == ("Tổ hợp tác bánh mật Thanh Lâm", "Thanh Lâm")
    assert banh[4] == pytest.approx(72.33) and banh[5] == 4
    assert banh[6:8] == (4, "1234/QĐ-UBND")
    assert banh[8].date() == datetime.date(2024, 12, 20)


def test_xlsx_neutralises_formula_like_text(scored):
    product = scored.banh.product
    product.name = '=HYPERLINK("http://evil.example","x")'
    product.save()
    ws = load_workbook(io.BytesIO(printouts.minutes_xlsx(scored.round))).worksheets[0]
    values = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert product.name not in values
    assert "'" + product.name in values
    sheet = scored.sheets[("Bánh mật Thanh Lâm", "member")]
    ws = load_workbook(io.BytesIO(printouts.sheet_xlsx(printouts.load_sheet(sheet.pk)))).active
    assert not any(isinstance(c, str) and c.startswith("=") for row in ws.iter_rows(values_only=True) for c in row)


def test_filenames_are_ascii(scored):
    assert printouts.minutes_filename(scored.round, "pdf") == "bien-ban-dot-1-2024.pdf"
    assert printouts.forwarded_filename(scored.round) == "de-nghi-tinh-dot-1-2024.xlsx"
    sheet = scored.sheets[("Bánh mật Thanh Lâm", "member")]
    filename = printouts.sheet_filename(sheet, "pdf")
    assert filename == f"phieu-cham-{sheet.pk}-banh-mat-thanh-lam-le-thi-huong.pdf"
    assert filename.isascii()


@given(st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False))
def test_decimal_text_uses_the_vietnamese_decimal_comma(value):
    text = printouts.decimal_text(value)
    assert "," in text and "." not in text
    assert Decimal(text.replace(",", ".")) == value


# ---------------------------------------------------------------------------- the PDF helper
def embedded_fonts(content: bytes) -> set[str]:
    """Base names of the fonts a PDF embeds, without the subset prefix ("ABCDEF+")."""
    names = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+", 1)[-1])
    return names


def test_pdfs_use_only_the_fonts_shipped_in_static(scored):
    """Every face comes from static/fonts/ (the families are named "OCOP …"): none from the machine."""
    sheet = scored.sheets[("Bánh mật Thanh Lâm", "member")]
    for content in (printouts.sheet_pdf(printouts.load_sheet(sheet.pk)), printouts.minutes_pdf(scored.round)):
        fonts = embedded_fonts(content)
        assert "OCOP-Noto-Serif" in fonts and "OCOP-Noto-Serif-Bold" in fonts
        assert any(name.startswith("OCOP-DejaVu-Sans") for name in fonts)  # ★ ☑ ☐
        assert all(name.startswith("OCOP-") for name in fonts), fonts


NO_SYSTEM_FONTS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig><cachedir>{cache}</cachedir></fontconfig>
"""
RENDER_SCRIPT = """
import django
django.setup()
from ocop.lib.pdf import render_pdf
from ocop.models import Authority
authority = Authority(name="UBND huyện Lục Nam", short_name="Lục Nam")
content = render_pdf("pdf/base.html", {"title": "Thử", "authority": authority, "watermark": "Nháp ★"})
open(OUT, "wb").write(content)
"""


def test_render_pdf_needs_no_installed_font(tmp_path):
    """With fontconfig seeing no font at all, the PDF still has the Vietnamese text and the star."""
    config = tmp_path / "fonts.conf"
    config.write_text(NO_SYSTEM_FONTS.format(cache=tmp_path / "cache"))
    out = tmp_path / "out.pdf"
    env = {
        **os.environ,
        "FONTCONFIG_FILE": str(config),
        "DJANGO_SETTINGS_MODULE": "ocop.settings_test",
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    subprocess.run(
        [sys.executable, "-W", "ignore", "-c", f"OUT = {str(out)!r}\n" + RENDER_SCRIPT],
        env=env,
        cwd=settings.BASE_DIR,
        check=True,
        capture_output=True,
        timeout=120,
    )
    content = out.read_bytes()
    assert all(name.startswith("OCOP-") for name in embedded_fonts(content))
    text = pdf_text(content)
    assert "UBND HUYỆN LỤC NAM" in text and "Nháp ★" in text


def test_pdf_response():
    response = pdf_response(b"%PDF-1.7", "bien-ban.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="bien-ban.pdf"'
    assert response["Cache-Control"] == "private, no-store"


def test_render_pdf_reads_no_resource_outside_the_static_folder(scored, tmp_path):
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    with pytest.raises(ValueError):
        _fetcher().fetch(secret.as_uri())
    with pytest.raises(ValueError):
        _fetcher().fetch("http://example.com/x.css")


# ---------------------------------------------------------------------------- the views
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("district_officer", 200),
        ("secretary", 200),
        ("chair", 200),
        ("sysadmin", 200),
        ("council_member", 403),
        ("commune_official", 403),
        ("outsider_official", 403),
        ("finance_officer", 403),
    ],
    indirect=["persona"],
)
def test_minutes_pdf_per_role(scored, client_for, persona, status):
    response = client_for(persona).get(reverse("evaluations:minutes_pdf", args=[scored.round.pk]))
    assert response.status_code == status


@pytest.mark.parametrize("view", ("evaluations:minutes_xlsx", "evaluations:forwarded_xlsx"))
@pytest.mark.parametrize(
    ("persona", "status"),
    [("district_officer", 200), ("chair", 200), ("council_member", 403), ("commune_official", 403)],
    indirect=["persona"],
)
def test_round_workbooks_per_role(scored, client_for, persona, status, view):
    response = client_for(persona).get(reverse(view, args=[scored.round.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"].startswith("attachment; filename=")
        assert response["Content-Disposition"].isascii()


def test_minutes_pdf_view_sends_the_pdf(scored, client_for, secretary):
    response = client_for(secretary).get(reverse("evaluations:minutes_pdf", args=[scored.round.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="bien-ban-dot-1-2024.pdf"'
    assert "72,33" in flat(pdf_text(response.content))


def test_minutes_xlsx_view_sends_a_workbook(scored, client_for, chair):
    response = client_for(chair).get(reverse("evaluations:minutes_xlsx", args=[scored.round.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="bien-ban-dot-1-2024.xlsx"'
    assert load_workbook(io.BytesIO(response.content)).worksheets[0].title == "Bien ban"


def test_printouts_need_login_and_get(scored, client, client_for, secretary):
    sheet = scored.sheets[("Bánh mật Thanh Lâm", "member")]
    for url in (
        reverse("evaluations:minutes_pdf", args=[scored.round.pk]),
        reverse("evaluations:sheet_pdf", args=[sheet.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "next=" in response["Location"]
        assert client_for(secretary).post(url).status_code == 405


def test_missing_objects_are_404(scored, client_for, secretary):
    assert client_for(secretary).get(reverse("evaluations:minutes_pdf", args=[99999])).status_code == 404
    assert client_for(secretary).get(reverse("evaluations:sheet_pdf", args=[99999])).status_code == 404


@pytest.mark.parametrize("view", ("evaluations:sheet_pdf", "evaluations:sheet_xlsx"))
def test_a_member_downloads_their_own_sheet(scored, client_for, council_member, view):
    sheet = scored.sheets[("Bánh mật Thanh Lâm", "member")]
    response = client_for(council_member).get(reverse(view, args=[sheet.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{printouts.sheet_filename(sheet, view.rsplit("_", 1)[1])}"'
    )


def test_sheet_pdf_view_content(scored, client_for, council_member):
    sheet = scored.sheets[("Bánh mật Thanh Lâm", "member")]
    response = client_for(council_member).get(reverse("evaluations:sheet_pdf", args=[sheet.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "Lê Thị Hương" in pdf_text(response.content)


@pytest.mark.parametrize(
    ("sheet_key", "persona", "status"),
    [
        # Managers and the chair see every sheet, drafts included.
        (("Mì Chũ Yên Sơn", "member2"), "district_officer", 200),
        (("Mì Chũ Yên Sơn", "member2"), "secretary", 200),
        (("Mì Chũ Yên Sơn", "member2"), "chair", 200),
        # A member: another member's draft never; a submitted sheet once their own is submitted (decision 11).
        (("Mì Chũ Yên Sơn", "member2"), "council_member", 403),
        (("Bánh mật Thanh Lâm", "chair"), "council_member", 200),
        # Commune officials: no right in their own commune, another commune's sheet does not exist for them.
        (("Bánh mật Thanh Lâm", "member"), "commune_official", 403),
        (("Mì Chũ Yên Sơn", "member"), "commune_official", 404),
        (("Bánh mật Thanh Lâm", "member"), "outsider_official", 404),
        (("Bánh mật Thanh Lâm", "member"), "finance_officer", 403),
    ],
    indirect=["persona"],
)
def test_sheet_pdf_per_role(scored, client_for, sheet_key, persona, status):
    sheet = scored.sheets[sheet_key]
    assert client_for(persona).get(reverse("evaluations:sheet_pdf", args=[sheet.pk])).status_code == status


def test_a_member_who_has_not_submitted_sees_no_other_sheet(scored, client_for):
    """member2's own sheet for Mì Chũ is a draft: the others' submitted sheets stay hidden from them."""
    sheet = scored.sheets[("Mì Chũ Yên Sơn", "member")]
    client = client_for(scored.other_member)
    assert client.get(reverse("evaluations:sheet_pdf", args=[sheet.pk])).status_code == 403
    own = scored.sheets[("Mì Chũ Yên Sơn", "member2")]
    assert client.get(reverse("evaluations:sheet_pdf", args=[own.pk])).status_code == 200
