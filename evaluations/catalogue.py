"""The catalogue of criteria sets, read from the YAML files kept in evaluations/criteria/."""

from pathlib import Path

import yaml

from evaluations.models import CriteriaSet

CRITERIA_DIR = Path(__file__).resolve().parent / "criteria"


def read_headers() -> list[dict]:
    headers = []
    for path in sorted(CRITERIA_DIR.glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
        headers.append(
            {
                "code": str(data["code"]),
                "name": data["name"],
                "industry": data["industry"],
                "group": data["group"],
                "legal_basis": data["legal_basis"],
                "verified": bool(data.get("verified", False)),
            }
        )
    return headers


def sync_catalogue() -> int:
    """Create or update version 1 of each set's catalogue entry. Idempotent."""
    for header in read_headers():
        CriteriaSet.objects.update_or_create(
            code=header["code"], version=1, defaults={k: v for k, v in header.items() if k != "code"}
        )
    return CriteriaSet.objects.count()
