"""The support policies this project knows (decision 18), as data to load: Bắc Giang Resolution 67/2023."""

import datetime
from decimal import Decimal

from django.db import transaction

from funding.enums import Payer, SupportCase
from funding.models import SupportPolicy, SupportRate

NQ67 = {
    "legal_basis": "Nghị quyết số 67/2023/NQ-HĐND ngày 13/12/2023 của HĐND tỉnh Bắc Giang",
    "title": "Chính sách khuyến khích phát triển sản phẩm OCOP trên địa bàn tỉnh Bắc Giang, giai đoạn 2024–2025",
    "valid_from": datetime.date(2024, 1, 1),
    "valid_to": datetime.date(2025, 12, 31),
    "payers": {3: Payer.DISTRICT, 4: Payer.PROVINCE, 5: Payer.PROVINCE},
    "rates": {
        (SupportCase.NEW, 3): Decimal("50000000"),
        (SupportCase.NEW, 4): Decimal("150000000"),
        (SupportCase.NEW, 5): Decimal("300000000"),
        (SupportCase.KEPT, 3): Decimal("20000000"),
        (SupportCase.KEPT, 4): Decimal("60000000"),
        (SupportCase.UPGRADED, 4): Decimal("150000000"),
        (SupportCase.UPGRADED, 5): Decimal("300000000"),
    },
    "notes": "Hỗ trợ một lần cho mỗi sản phẩm theo mỗi quyết định công nhận. Hết hiệu lực ngày 31/12/2025.",
}


@transaction.atomic
def load_policy(authority, data=NQ67) -> SupportPolicy:
    """Load a policy as printed (idempotent: looked up by its legal basis). For seeding and tests; the office edits
    policies through ``funding.domain.save_policy``."""
    policy, _ = SupportPolicy.objects.update_or_create(
        authority=authority,
        legal_basis=data["legal_basis"],
        defaults={
            "title": data["title"],
            "valid_from": data["valid_from"],
            "valid_to": data["valid_to"],
            "notes": data["notes"],
            **{f"payer_{star}": payer for star, payer in data["payers"].items()},
        },
    )
    for (case, star), amount in data["rates"].items():
        SupportRate.objects.update_or_create(policy=policy, case=case, star=star, defaults={"amount": amount})
    return policy
