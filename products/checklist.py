"""The dossier's document checklist, by registration type (ocop-facts.md §5).

Each item has a stable code (stored on uploaded documents and on the district's comments), a label,
and the registration types for which it is required. Items not required for a type are optional
supporting evidence.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from products.enums import RegistrationType

ALL = frozenset(RegistrationType)
NEW_OR_UPGRADE = frozenset({RegistrationType.NEW, RegistrationType.UPGRADE})


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    required_for: frozenset
    hint: str = ""

    def required(self, registration_type) -> bool:
        return registration_type in self.required_for


ITEMS = [
    Item("phieu_dang_ky", _("Registration form (phiếu đăng ký)"), ALL),
    Item("phuong_an_kinh_doanh", _("Business plan (phương án kinh doanh)"), NEW_OR_UPGRADE),
    Item(
        "bao_cao_danh_gia_lai",
        _("Producer's report against the criteria since recognition"),
        frozenset({RegistrationType.REEVALUATION}),
        _("Changes in raw material, markets and quality declaration, and the three years' results."),
    ),
    Item("giay_dang_ky_kinh_doanh", _("Business registration certificate (copy)"), ALL),
    Item("giay_chung_nhan_attp", _("Food safety eligibility certificate (copy)"), ALL),
    Item("cong_bo_chat_luong", _("Quality declaration and product standard"), ALL),
    Item("nhan_san_pham", _("Product label"), ALL),
    Item("cau_chuyen_san_pham", _("Product story"), NEW_OR_UPGRADE, _("Leaflet, photos or video script.")),
    Item("ket_qua_kiem_nghiem", _("Test results against the declared standard"), frozenset()),
    Item("ma_vach_truy_xuat", _("Barcode and traceability"), frozenset()),
    Item("so_huu_tri_tue", _("Intellectual property (trademark, geographical indication)"), frozenset()),
    Item("hop_dong_nguyen_lieu", _("Raw material origin and supply contracts"), frozenset()),
    Item("ho_so_moi_truong", _("Environmental dossier"), frozenset()),
    Item("lao_dong_dia_phuong", _("List of local workers with insurance"), frozenset()),
    Item("phat_trien_thi_truong", _("Distribution and trade promotion evidence"), frozenset()),
    Item("he_thong_quan_ly_chat_luong", _("Quality management system certificates"), frozenset()),
    Item("giai_thuong", _("Awards"), frozenset()),
    Item("khac", _("Other evidence"), frozenset()),
]

BY_CODE = {item.code: item for item in ITEMS}
CHOICES = [(item.code, item.label) for item in ITEMS]


def required_items(registration_type) -> list[Item]:
    return [item for item in ITEMS if item.required(registration_type)]
