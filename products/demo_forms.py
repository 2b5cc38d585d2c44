"""Demo of Decision 26/2026's forms: the Bánh gio Thanh Lâm draft gets its registration (Mẫu 01), the general parts of
its self-assessment report (Mẫu 02) and half of its self-score with evidence, entered by ``xa-thanh-lam`` through
``products.registration``; the rest is left for the demo's user to finish. Only where the dossier's regime has the
forms (``seed_demo --regime province`` on a date under 26/2026); idempotent: a second run changes nothing, and a
dossier demo users have moved on is left as it is."""

from django.contrib.auth import get_user_model

from products import forms_data, registration
from products.enums import EDITABLE_STATES
from products.models import Dossier, Registration

DOSSIER = "Bánh gio Thanh Lâm"
OFFICIAL = "xa-thanh-lam"
REGISTRATION = {
    "representative_position": "Tổ trưởng tổ hợp tác",
    "product_description": "Bánh gio gói lá dong, 10 chiếc/túi, tiêu chuẩn cơ sở của tổ hợp tác.",
    "has_business_registration": True,
    "has_food_safety_certificate": True,
    "ip_titles": ["trademark"],
    "history": "Tổ hợp tác lập năm 2019 từ 12 hộ làm bánh truyền thống của thôn.",
    "business_results": "Năm 2025 bán khoảng 48.000 chiếc; bao bì mới có mã QR truy xuất nguồn gốc.",
    "business_plan": "Liên kết thêm vùng gạo nếp; bán qua đại lý ngoài xã và sàn thương mại điện tử.",
}
EVIDENCE = "Hợp đồng mua gạo nếp với các hộ trong thôn"


def seed_forms(authority) -> dict:
    dossier = (
        Dossier.objects.select_related("product__criteria_set", "round__year__authority", "regime")
        .filter(commune__authority=authority, product__name=DOSSIER)
        .first()
    )
    if dossier is None or dossier.status not in EDITABLE_STATES or not forms_data.uses_forms(dossier):
        return {"forms": 0}
    if Registration.objects.filter(dossier=dossier).exists():
        return {"forms": 0}  # entered already (by a previous run or a demo user): left as it is
    official = get_user_model().objects.get(username=OFFICIAL)
    criteria_set = forms_data.scoring_set(dossier)
    registration.save_registration(
        dossier, by=official, sample_count=forms_data.default_sample_count(criteria_set), **REGISTRATION
    )
    # Part A of the sheet scored (the middle option of each criterion), the rest for the demo's user.
    part_a = criteria_set.sheet[0]
    choices = {}
    for section in part_a["sections"]:
        for criterion in section["criteria"][:1] if section.get("choose_one") else section["criteria"]:
            options = criterion["options"]
            choices[criterion["code"]] = options[len(options) // 2]["points"]
    first = next(iter(choices), None)
    evidence = {first: (EVIDENCE, None)} if first else {}
    registration.save_self_assessment(dossier, by=official, choices=choices, evidence=evidence)
    return {"forms": 1}
