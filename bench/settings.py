"""Settings for the province bench: the application's settings plus the bench's floor view (``bench/urls.py``)."""

from ocop.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# The bench serves no static files; skip WhiteNoise's manifest (no collectstatic needed).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# The layout floor's template (bench/templates/bench_layout.html), looked up after the application's.
TEMPLATES = [{**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]}]  # noqa: F405
