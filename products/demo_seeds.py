"""The demo's data: the producers and products of the Lục Nam 2024 plan's Appendix 1 (and the invented ones, marked),
each product's story (round, verification, documents, what the district does), as plain values. ``products.demo``
plays them through the domain functions."""

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from products.enums import DossierStatus, Gender, ProducerKind
from products.enums import RegistrationType as Reg

VN = ZoneInfo("Asia/Ho_Chi_Minh")


CHECKER = "thuky"  # Tổ giúp việc Hội đồng OCOP: checks dossiers for the district


# ---------------------------------------------------------------------------------------------------- producers
@dataclass(frozen=True)
class ProducerSeed:
    key: str
    commune: str  # commune slug
    kind: str
    name: str
    representative_name: str
    representative_gender: str
    address: str
    phone: str
    representative_ethnicity: str = "Kinh"


# Appendix 1 as printed, with its typos fixed ("Hộ kinh doang: Dương Văn Sỹ" -> "Hộ kinh doanh Dương Văn Sỹ").
# The plan names only the two household heads; the other representatives are invented. Three are women and two
# belong to ethnic minorities (Tày, Nùng), which criterion 3b of every criteria set rewards.
# Phone numbers are invented.
PRODUCERS = [
    ProducerSeed(
        "duong-van-sy",
        "yen-son",
        ProducerKind.HOUSEHOLD_BUSINESS,
        "Hộ kinh doanh Dương Văn Sỹ",
        "Dương Văn Sỹ",
        Gender.MALE,
        "Thôn Nội Chùa",
        "0984316205",
    ),
    ProducerSeed(
        "htx-luc-son",
        "luc-son",
        ProducerKind.COOPERATIVE,
        "Hợp tác xã dịch vụ nông nghiệp xã Lục Sơn",
        "Hoàng Văn Khánh",
        Gender.MALE,
        "Thôn Vĩnh Tân",
        "0915672148",
        representative_ethnicity="Nùng",
    ),
    ProducerSeed(
        "truong-tho",
        "dong-hung",
        ProducerKind.ENTERPRISE,
        "Công ty trách nhiệm hữu hạn dược thảo Trường Thọ",
        "Phạm Thị Thu Hà",
        Gender.FEMALE,
        "Thôn Đông Sơn",
        "0968204731",
    ),
    ProducerSeed(
        "tht-banh-mat",
        "thanh-lam",
        ProducerKind.COOPERATIVE_GROUP,
        "Tổ hợp tác bánh mật",
        "Nguyễn Thị Mận",
        Gender.FEMALE,
        "Thôn Sơn Đình 2",
        "0973158620",
    ),
    ProducerSeed(
        "tran-van-tu",
        "truong-son",
        ProducerKind.HOUSEHOLD_BUSINESS,
        "Hộ kinh doanh Trần Văn Tư",
        "Trần Văn Tư",
        Gender.MALE,
        "Thôn Lầm",
        "0945827316",
    ),
    ProducerSeed(
        "htx-duoc-lieu-truong-son",
        "truong-son",
        ProducerKind.COOPERATIVE,
        "Hợp tác xã dược liệu công nghệ cao Trường Sơn",
        "Nông Thị Hằng",
        Gender.FEMALE,
        "Thôn Nhân Lý",
        "0912486093",
        representative_ethnicity="Tày",
    ),
    # INVENTED for the current year's scoring round (not in Appendix 1 of the 2024 plan): a cooperative distilling
    # rượu nếp cái hoa vàng in xã Bảo Sơn and a cooperative group raising hill chickens in xã Bắc Lũng. Names,
    # villages, representatives and phone numbers are made up; they stand for the kind of product Lục Nam registers.
    ProducerSeed(
        "htx-ruou-bao-son",
        "bao-son",
        ProducerKind.COOPERATIVE,
        "Hợp tác xã sản xuất rượu nếp Bảo Sơn",
        "Nguyễn Văn Tiến",
        Gender.MALE,
        "Thôn Đồng Quýt",
        "0978342615",
    ),
    ProducerSeed(
        "tht-ga-doi-bac-lung",
        "bac-lung",
        ProducerKind.COOPERATIVE_GROUP,
        "Tổ hợp tác chăn nuôi gà đồi Bắc Lũng",
        "Hoàng Thị Nhung",
        Gender.FEMALE,
        "Thôn Khuôn Mạ",
        "0962815947",
        representative_ethnicity="Tày",
    ),
]


# ---------------------------------------------------------------------------------------------------- products
@dataclass(frozen=True)
class ProductSeed:
    key: str  # also the stem of the demo file names
    producer: str  # ProducerSeed.key
    name: str
    criteria_set: str  # code "01".."26"
    description: str
    registration_type: str
    verification: dict
    stage: str  # "current" (this year's open round), "scoring" (this year's round in scoring), "2024", "2024-2"
    target: str  # DossierStatus the story ends in
    submitted_at: datetime.datetime | None = None  # for the 2024 round: a moment inside its window
    upload_items: tuple | None = None  # None: every required item plus EXTRA_ITEMS
    comments: tuple = ()  # the district's comments when it returns the dossier
    fixes: tuple = ()  # (item, file stem) uploaded before resubmitting
    extra_items: tuple = field(default=("ket_qua_kiem_nghiem",))
    expected_star: int | None = None  # the plan's "Dự kiến N sao"


def _verifier(name, commune):
    return f"{name} – Công chức Địa chính – Nông nghiệp xã {commune}"


def _at(day, hour, minute=0, *, month=6):
    return datetime.datetime(2024, month, day, hour, minute, tzinfo=VN)


# Product names as in Appendix 1, with the PDF's line breaks joined and the capitals of "Khoai Lang" and "Long Nhãn"
# put in sentence case. The plan prints "Tư Thuỷ" (old accent placement); the app writes "Tư Thủy".
# Criteria sets, by the names in programme/criteria/*.yaml (the council may change a product's set before it
# accepts a dossier; see ocop-facts.md §10 q.10 on the ambiguous ones):
PRODUCTS = [
    # ---- 2024 round 2 (commune deadline 10/10/2024): the other four new products of Appendix 1, accepted for
    # evaluation. The plan lists them for 2024; the demo's council has not scored round 2.
    ProductSeed(
        "khoai-lang",
        "duong-van-sy",
        "Khoai lang Yên Sơn",
        "01",  # Rau, củ, quả, hạt tươi
        "Khoai lang ruột vàng trồng trên đất cát pha, củ đều, bở và ngọt; đóng thùng 5 kg và 10 kg.",
        Reg.NEW,
        {
            "raw_material_origin": "Khoai lang do hộ tự trồng và liên kết với các hộ tại thôn Nội Chùa, xã Yên Sơn.",
            "local_raw_material_percent": 100,
            "local_labour_percent": 100,
            "idea_origin": "Khoai lang là cây trồng vụ đông quen thuộc của xã; hộ đăng ký sản phẩm để có nhãn mác "
            "và đưa vào cửa hàng nông sản.",
            "local_identity": "Khoai trồng trên chân đất cát pha của thôn Nội Chùa, củ bở, vị ngọt bùi.",
            "verified_by_name": _verifier("Nguyễn Đức Mạnh", "Yên Sơn"),
            "verified_on": datetime.date(2024, 9, 30),
        },
        "2024-2",
        DossierStatus.ACCEPTED,
        submitted_at=_at(1, 9, 0, month=10),
    ),
    ProductSeed(
        "long-nhan",
        "htx-luc-son",
        "Long nhãn Lục Sơn",
        "07",  # Chế biến từ rau, củ, quả, hạt (dried longan: processed fruit)
        "Cùi nhãn tách hạt, sấy khô bằng lò sấy của hợp tác xã, đóng túi 500 g.",
        Reg.NEW,
        {
            "raw_material_origin": "Nhãn tươi thu mua của các thành viên hợp tác xã tại thôn Vĩnh Tân và các thôn "
            "trong xã Lục Sơn; sấy tại xưởng của hợp tác xã.",
            "local_raw_material_percent": 95,
            "local_labour_percent": 90,
            "idea_origin": "Hợp tác xã sấy long nhãn để tiêu thụ nhãn chính vụ, tránh ép giá quả tươi.",
            "local_identity": "Nhãn trồng trên đất đồi dưới chân dãy Yên Tử, cùi dày, vị ngọt đậm.",
            "verified_by_name": _verifier("Nguyễn Văn Tùng", "Lục Sơn"),
            "verified_on": datetime.date(2024, 10, 1),
        },
        "2024-2",
        DossierStatus.ACCEPTED,
        submitted_at=_at(2, 10, 30, month=10),
    ),
    ProductSeed(
        "banh-mat",
        "tht-banh-mat",
        "Bánh mật Thanh Lâm",
        "06",  # Chế biến từ gạo, ngũ cốc
        "Bánh làm từ gạo nếp cái hoa vàng, mật mía và lạc, gói lá dong, luộc chín; món quà quê của xã Thanh Lâm.",
        Reg.NEW,
        {
            "raw_material_origin": "Gạo nếp cái hoa vàng mua của các hộ trong thôn Sơn Đình 2 và các thôn lân cận; "
            "mật mía và lạc mua trong huyện; lá dong do thành viên tổ hợp tác trồng.",
            "local_raw_material_percent": 85,
            "local_labour_percent": 100,
            "idea_origin": "Các hộ trong thôn làm bánh mật bán dịp Tết và lễ hội; tổ hợp tác thống nhất quy trình, "
            "nhãn mác để đăng ký OCOP.",
            "local_identity": "Bánh mật gói lá dong, làm dịp Tết và lễ hội làng Sơn Đình.",
            "verified_by_name": _verifier("Đỗ Văn Hải", "Thanh Lâm"),
            "verified_on": datetime.date(2024, 10, 3),
        },
        "2024-2",
        DossierStatus.ACCEPTED,
        submitted_at=_at(4, 8, 45, month=10),
    ),
    ProductSeed(
        "nem-chua",
        "tran-van-tu",
        "Nem chua Tư Thủy",
        "08",  # Chế biến từ thịt, thủy sản, trứng, sữa, các sản phẩm từ mật ong
        "Nem chua lên men tự nhiên từ thịt lợn nạc, bì lợn và thính gạo, gói lá ổi và lá chuối.",
        Reg.NEW,
        {
            "raw_material_origin": "Thịt lợn nạc và bì lợn mua của các trại chăn nuôi trên địa bàn xã Trường Sơn "
            "và xã Vô Tranh; thính gạo, lá ổi, lá chuối của các hộ trong thôn Lầm.",
            "local_raw_material_percent": 80,
            "local_labour_percent": 100,
            "idea_origin": "Hộ gia đình làm nem chua theo công thức gia truyền, bán tại chợ xã từ nhiều năm; "
            "nay chuẩn hóa quy trình, bao bì để đăng ký OCOP.",
            "local_identity": "Nem gói lá ổi, vị chua dịu, ăn kèm lá sung và tương ớt; món quen của chợ phiên "
            "vùng Trường Sơn.",
            "verified_by_name": _verifier("Nguyễn Thị Huyền", "Trường Sơn"),
            "verified_on": datetime.date(2024, 10, 4),
        },
        "2024-2",
        DossierStatus.ACCEPTED,
        submitted_at=_at(7, 14, 15, month=10),
    ),
    # ---- this year's open round: INVENTED products of the same producers (not in Appendix 1 of the 2024 plan,
    # which lists what the district expected for 2024). Names and descriptions are made up for the demo.
    ProductSeed(
        "banh-gio",
        "tht-banh-mat",
        "Bánh gio Thanh Lâm",
        "06",  # Chế biến từ gạo, ngũ cốc
        "Bánh gio làm từ gạo nếp ngâm nước tro rơm nếp, gói lá dong, luộc chín; bán theo chục.",
        Reg.NEW,
        # Only half filled in: xa-thanh-lam finishes it in the demo.
        {
            "raw_material_origin": "Gạo nếp mua của các hộ trong thôn Sơn Đình 2 và các thôn lân cận; tro rơm nếp "
            "và lá dong do thành viên tổ hợp tác chuẩn bị.",
            "local_raw_material_percent": 90,
            "local_labour_percent": 100,
        },
        "current",
        DossierStatus.DRAFT,
        upload_items=("phieu_dang_ky", "giay_dang_ky_kinh_doanh", "nhan_san_pham"),
        extra_items=(),
    ),
    ProductSeed(
        "gio-lua",
        "tran-van-tu",
        "Giò lụa Tư Thủy",
        "08",  # Chế biến từ thịt, thủy sản, trứng, sữa, các sản phẩm từ mật ong
        "Giò lụa giã từ thịt lợn nạc tươi trong ngày và nước mắm, gói lá chuối, luộc chín; cây 500 g và 1 kg.",
        Reg.NEW,
        {
            "raw_material_origin": "Thịt lợn nạc mua của các trại chăn nuôi trên địa bàn xã Trường Sơn và xã Vô "
            "Tranh; lá chuối của các hộ trong thôn Lầm.",
            "local_raw_material_percent": 80,
            "local_labour_percent": 100,
            "idea_origin": "Hộ làm giò lụa cùng nem chua từ nhiều năm; nay chuẩn hóa quy trình, bao bì để đăng ký "
            "OCOP.",
            "local_identity": "Giò lụa gói lá chuối tươi, dai giòn; món quen của chợ phiên vùng Trường Sơn.",
            "verified_by_name": _verifier("Nguyễn Thị Huyền", "Trường Sơn"),
        },
        "current",
        DossierStatus.SUBMITTED,
    ),
    ProductSeed(
        "vai-say",
        "htx-luc-son",
        "Vải thiều sấy khô Lục Sơn",
        "07",  # Chế biến từ rau, củ, quả, hạt (dried lychee: processed fruit)
        "Vải thiều sấy nguyên quả bằng lò sấy của hợp tác xã, đóng túi 1 kg.",
        Reg.NEW,
        {
            "raw_material_origin": "Vải thiều tươi thu mua của các thành viên hợp tác xã tại thôn Vĩnh Tân và các "
            "thôn trong xã Lục Sơn; sấy tại xưởng của hợp tác xã.",
            "local_raw_material_percent": 95,
            "local_labour_percent": 90,
            "idea_origin": "Hợp tác xã sấy vải để tiêu thụ vải chính vụ, tránh ép giá quả tươi.",
            "local_identity": "Vải trồng trên đất đồi dưới chân dãy Yên Tử, cùi dày, vị ngọt đậm.",
            "verified_by_name": _verifier("Nguyễn Văn Tùng", "Lục Sơn"),
        },
        "current",
        DossierStatus.RETURNED,
        comments=(
            (
                "giay_chung_nhan_attp",
                "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đã hết hiệu lực; đề nghị hợp tác xã bổ sung "
                "bản còn hiệu lực (bản sao chứng thực).",
            ),
            (
                "cong_bo_chat_luong",
                "Bản tự công bố sản phẩm chưa kèm phiếu kết quả kiểm nghiệm trong thời hạn 12 tháng; đề nghị bổ sung.",
            ),
        ),
        extra_items=(),
    ),
    ProductSeed(
        "khoai-lang-say",
        "duong-van-sy",
        "Khoai lang sấy dẻo Yên Sơn",
        "07",  # Chế biến từ rau, củ, quả, hạt
        "Khoai lang ruột vàng hấp chín, cắt lát, sấy dẻo không đường; túi 250 g và 500 g.",
        Reg.NEW,
        {
            "raw_material_origin": "Khoai lang do hộ tự trồng và liên kết với các hộ tại thôn Nội Chùa, xã Yên Sơn.",
            "local_raw_material_percent": 100,
            "local_labour_percent": 100,
            "idea_origin": "Hộ chế biến khoai lang sấy dẻo để bán quanh năm, không phụ thuộc giá khoai tươi vụ đông.",
            "local_identity": "Khoai trồng trên chân đất cát pha của thôn Nội Chùa, vị ngọt bùi tự nhiên.",
            "verified_by_name": _verifier("Nguyễn Đức Mạnh", "Yên Sơn"),
        },
        "current",
        DossierStatus.RESUBMITTED,
        comments=(
            (
                "nhan_san_pham",
                "Nhãn sản phẩm thiếu ngày đóng gói, hạn sử dụng và địa chỉ cơ sở sản xuất; đề nghị sửa theo "
                "Nghị định 43/2017/NĐ-CP và Nghị định 111/2021/NĐ-CP.",
            ),
        ),
        fixes=(("nhan_san_pham", "nhan-san-pham-khoai-lang-say-ban-sua"),),
        extra_items=(),
    ),
    # ---- 2024 round 1: accepted for evaluation
    ProductSeed(
        "ruou-dong-trung",
        "truong-tho",
        "Rượu đông trùng hạ thảo",
        "15",  # Đồ uống có cồn khác (macerated, not distilled from the product)
        "Rượu nếp ngâm đông trùng hạ thảo (Cordyceps militaris) do công ty nuôi trồng, chai 500 ml.",
        Reg.NEW,
        {
            "raw_material_origin": "Đông trùng hạ thảo nuôi trồng tại cơ sở của công ty ở thôn Đông Sơn; rượu nếp "
            "nấu từ gạo nếp mua của các hộ trong xã Đông Hưng.",
            "local_raw_material_percent": 90,
            "local_labour_percent": 85,
            "idea_origin": "Công ty phát triển thêm sản phẩm từ đông trùng hạ thảo tự nuôi trồng để tận dụng "
            "nguyên liệu và nghề nấu rượu nếp của địa phương.",
            "local_identity": "Kết hợp rượu nếp truyền thống của xã với đông trùng hạ thảo nuôi trồng tại chỗ.",
            "verified_by_name": _verifier("Nguyễn Văn Quyết", "Đông Hưng"),
            "verified_on": datetime.date(2024, 6, 3),
        },
        "2024",
        DossierStatus.ACCEPTED,
        submitted_at=_at(4, 9, 15),
    ),
    ProductSeed(
        "mat-ong-dong-trung",
        "truong-tho",
        "Mật ong đông trùng hạ thảo",
        "08",  # Chế biến từ thịt, thủy sản, trứng, sữa, các sản phẩm từ mật ong (honey with cordyceps: processed)
        "Mật ong ngâm đông trùng hạ thảo, lọ 300 ml.",
        Reg.NEW,
        {
            "raw_material_origin": "Mật ong hoa vải, hoa nhãn thu mua của các hộ nuôi ong trong huyện; đông trùng "
            "hạ thảo do công ty nuôi trồng tại thôn Đông Sơn.",
            "local_raw_material_percent": 80,
            "local_labour_percent": 85,
            "idea_origin": "Sản phẩm kết hợp mật ong địa phương với đông trùng hạ thảo của công ty, làm quà biếu.",
            "local_identity": "Mật ong từ vùng vải, nhãn của Lục Nam và Lục Ngạn.",
            "verified_by_name": _verifier("Nguyễn Văn Quyết", "Đông Hưng"),
            "verified_on": datetime.date(2024, 6, 3),
        },
        "2024",
        DossierStatus.ACCEPTED,
        submitted_at=_at(4, 9, 40),
    ),
    ProductSeed(
        "tra-hoa-vang-tui-loc",
        "htx-duoc-lieu-truong-son",
        "Trà hoa vàng đông trùng túi lọc",
        "12",  # Sản phẩm trà từ thực vật khác (trà hoa vàng is not Camellia sinensis, so not set 11 "Chè")
        "Trà túi lọc phối trộn hoa trà hoa vàng sấy và đông trùng hạ thảo, hộp 20 túi.",
        Reg.NEW,
        {
            "raw_material_origin": "Hoa trà hoa vàng thu hái tại vùng trồng dưới tán rừng của hợp tác xã ở thôn "
            "Nhân Lý; đông trùng hạ thảo do hợp tác xã nuôi cấy.",
            "local_raw_material_percent": 100,
            "local_labour_percent": 90,
            "idea_origin": "Hợp tác xã phát triển dạng túi lọc tiện dùng từ sản phẩm trà hoa vàng đã đạt OCOP.",
            "local_identity": "Trà hoa vàng mọc tự nhiên và được trồng dưới tán rừng vùng Tây Yên Tử.",
            "verified_by_name": _verifier("Nguyễn Thị Huyền", "Trường Sơn"),
            "verified_on": datetime.date(2024, 6, 4),
        },
        "2024",
        DossierStatus.ACCEPTED,
        submitted_at=_at(5, 14, 0),
    ),
    ProductSeed(
        "dong-trung-kho",
        # Appendix 1, part II, row 1 prints the product's name in the producer column: the plan names no producer.
        # The only producer at the address it prints (Thôn Đông Sơn, xã Đông Hưng) is Công ty TNHH dược thảo Trường
        # Thọ (part I, rows 3 and 4), so the demo gives the product to that company rather than invent one.
        "truong-tho",
        "Đông trùng hạ thảo khô",
        "20",  # Tinh dầu và thảo dược khác (dried medicinal fungus; not a registered functional food, so not 18)
        "Quả thể đông trùng hạ thảo (Cordyceps militaris) sấy thăng hoa, hộp 10 g và 20 g.",
        Reg.REEVALUATION,
        {
            "raw_material_origin": "Đông trùng hạ thảo nuôi cấy trong phòng sạch của công ty tại thôn Đông Sơn; "
            "giống mua của viện nghiên cứu, giá thể tự phối trộn.",
            "local_raw_material_percent": 90,
            "local_labour_percent": 100,
            "idea_origin": "Sản phẩm đã được công nhận OCOP 4 sao; công ty đăng ký đánh giá lại khi giấy chứng "
            "nhận hết hiệu lực.",
            "local_identity": "Mô hình nuôi trồng dược liệu công nghệ cao đầu tiên của xã Đông Hưng.",
            "verified_by_name": _verifier("Nguyễn Văn Quyết", "Đông Hưng"),
            "verified_on": datetime.date(2024, 6, 1),
        },
        "2024",
        DossierStatus.ACCEPTED,
        submitted_at=_at(3, 10, 0),
        extra_items=("ket_qua_kiem_nghiem", "so_huu_tri_tue"),
        expected_star=4,  # "Dự kiến 4 sao"
    ),
    ProductSeed(
        "tra-hoa-vang",
        "htx-duoc-lieu-truong-son",
        "Trà hoa vàng",
        "12",  # Sản phẩm trà từ thực vật khác
        "Hoa trà hoa vàng sấy khô nguyên bông, hộp 50 g.",
        Reg.REEVALUATION,
        {
            "raw_material_origin": "Hoa trà hoa vàng thu hái tại vùng trồng của hợp tác xã ở thôn Nhân Lý và các "
            "hộ liên kết trong xã Trường Sơn.",
            "local_raw_material_percent": 100,
            "local_labour_percent": 90,
            "idea_origin": "Sản phẩm đã được công nhận OCOP 4 sao; hợp tác xã đăng ký đánh giá lại khi giấy chứng "
            "nhận hết hiệu lực.",
            "local_identity": "Cây trà hoa vàng bản địa của vùng Tây Yên Tử, được bảo tồn và trồng dưới tán rừng.",
            "verified_by_name": _verifier("Nguyễn Thị Huyền", "Trường Sơn"),
            "verified_on": datetime.date(2024, 6, 4),
        },
        "2024",
        DossierStatus.ACCEPTED,
        submitted_at=_at(5, 14, 30),
        extra_items=("ket_qua_kiem_nghiem", "so_huu_tri_tue"),
        expected_star=4,  # "Dự kiến 4 sao"
    ),
    # ---- this year's round 1, in scoring: INVENTED products (see the producers above), accepted for evaluation.
    # Their dates are computed from the round's commune deadline (see _moments).
    ProductSeed(
        "ruou-nep-bao-son",
        "htx-ruou-bao-son",
        "Rượu nếp cái hoa vàng Bảo Sơn",
        "14",  # Rượu trắng (distilled from the fermented glutinous rice)
        "Rượu chưng cất thủ công từ gạo nếp cái hoa vàng lên men bằng men lá, hạ thổ 6 tháng, chai 500 ml.",
        Reg.REEVALUATION,
        {
            "raw_material_origin": "Gạo nếp cái hoa vàng do các thành viên hợp tác xã trồng tại thôn Đồng Quýt và "
            "các thôn trong xã Bảo Sơn; men lá tự làm theo bài thuốc của hợp tác xã.",
            "local_raw_material_percent": 95,
            "local_labour_percent": 100,
            "idea_origin": "Sản phẩm đã được công nhận OCOP 3 sao; hợp tác xã đăng ký đánh giá lại khi giấy chứng "
            "nhận sắp hết hiệu lực.",
            "local_identity": "Nghề nấu rượu nếp bằng men lá truyền thống của các thôn vùng Bảo Sơn.",
            "verified_by_name": _verifier("Lê Văn Hưng", "Bảo Sơn"),
        },
        "scoring",
        DossierStatus.ACCEPTED,
        extra_items=("ket_qua_kiem_nghiem", "so_huu_tri_tue"),
    ),
    ProductSeed(
        "ga-doi",
        "tht-ga-doi-bac-lung",
        "Gà đồi Lục Nam",
        "02",  # Thịt, thủy sản, trứng, sữa tươi (chickens sold whole, fresh)
        "Gà ri lai thả đồi dưới tán vải thiều, nuôi 5–6 tháng, làm sạch và đóng túi hút chân không từng con.",
        Reg.NEW,
        {
            "raw_material_origin": "Gà giống mua của cơ sở ấp trong huyện, nuôi thả đồi tại các hộ thành viên tổ "
            "hợp tác ở thôn Khuôn Mạ; thức ăn bổ sung thóc, ngô của địa phương.",
            "local_raw_material_percent": 90,
            "local_labour_percent": 100,
            "idea_origin": "Tổ hợp tác chuẩn hóa quy trình nuôi, giết mổ và đóng gói để bán gà đồi có nhãn mác "
            "thay vì bán gà sống cho thương lái.",
            "local_identity": "Gà thả trên đồi vải của vùng núi Bắc Lũng, thịt săn, da vàng, ít mỡ.",
            "verified_by_name": _verifier("Triệu Văn Thắng", "Bắc Lũng"),
        },
        "scoring",
        DossierStatus.ACCEPTED,
    ),
]


# Vietnamese titles printed inside the demo files.
DOCUMENT_TITLES = {
    "phieu_dang_ky": "Phiếu đăng ký sản phẩm tham gia đánh giá, phân hạng OCOP",
    "phuong_an_kinh_doanh": "Phương án sản xuất kinh doanh",
    "bao_cao_danh_gia_lai": "Báo cáo của chủ thể về các tiêu chí từ khi được công nhận",
    "giay_dang_ky_kinh_doanh": "Giấy chứng nhận đăng ký kinh doanh (bản sao)",
    "giay_chung_nhan_attp": "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm (bản sao)",
    "cong_bo_chat_luong": "Bản tự công bố sản phẩm",
    "nhan_san_pham": "Nhãn sản phẩm",
    "cau_chuyen_san_pham": "Câu chuyện sản phẩm",
    "ket_qua_kiem_nghiem": "Phiếu kết quả kiểm nghiệm",
    "so_huu_tri_tue": "Giấy chứng nhận đăng ký nhãn hiệu",
}


IMAGE_ITEMS = {"nhan_san_pham"}
