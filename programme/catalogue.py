"""The catalogue of criteria sets: kept in step with the YAML files in programme/criteria/."""

from programme.criteria import sync
from programme.models import CriteriaSet


def sync_catalogue() -> int:
    """Load or refresh every criteria set from its file (idempotent); return how many sets exist."""
    sync()
    return CriteriaSet.objects.count()
