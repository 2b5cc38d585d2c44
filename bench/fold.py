"""The measured fold: a former district of 25 communes and 500 products folded into Bắc Ninh (issue 21).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/fold.py

Only the server named by DATABASE_URL is used (its database is not touched). The script:

1. builds the district in a scratch database with the project's generator (``generate_synthetic --communes 25
   --products 500``), then makes it Lục Nam: the authority becomes "UBND huyện Lục Nam" (district, code LN) and the
   25 synthetic communes take the names of Lục Nam's 25 communes and townships (the demo's list); then
   ``manage.py backup``, as the district's server would;
2. builds the province in a second scratch database: "UBND tỉnh Bắc Ninh" (code 24) and its 99 units
   (``sync_units``); records Thanh Lâm as split between xã Bảo Đài and xã Lục Nam (so the review path is measured;
   the official list has it whole) — Vũ Xá, merged before 2025, is unknown to the list as it is;
3. runs ``fold_district --dry-run``, then ``fold_district`` twice (the second must add nothing), each timed;
4. checks that every producer of the district is either in its new unit, or on the office's review page (split,
   provisional unit), or held back with a ledger entry: nothing unmapped without a review entry;
5. prints the figures and drops both databases.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent

LUC_NAM = """
from ocop.demo import COMMUNES, TOWNSHIPS
from ocop.enums import AuthorityLevel, UnitKind
from ocop.lib.text import vn_slugify
from ocop.models import Authority, Commune
a = Authority.objects.get()
Authority.objects.filter(pk=a.pk).update(name="UBND huyện Lục Nam", short_name="Lục Nam", code="LN",
    province="Bắc Giang", province_code="BG", level=AuthorityLevel.DISTRICT, max_recognised_star=3)
names = [(UnitKind.TOWNSHIP, n) for n in TOWNSHIPS] + [(UnitKind.COMMUNE, n) for n in COMMUNES]
communes = list(Commune.objects.filter(authority=a).order_by("pk"))
assert len(communes) == len(names) == 25, (len(communes), len(names))
for c in communes:  # two passes: a new name may be another synthetic commune's old slug
    Commune.objects.filter(pk=c.pk).update(slug=f"tmp-{c.pk}")
for c, (kind, name) in zip(communes, names):
    Commune.objects.filter(pk=c.pk).update(name=name, kind=kind, slug=vn_slugify(name))
"""

BAC_NINH = """
from ocop.enums import AuthorityLevel
from ocop.models import Authority, Commune
from ocop.units import record_former_unit, sync_units
a = Authority.objects.create(name="UBND tỉnh Bắc Ninh", short_name="Bắc Ninh", code="24", province="Bắc Ninh",
    province_code="24", level=AuthorityLevel.PROVINCE, max_recognised_star=4)
print(sync_units(a, "24").line())
bao_dai, luc_nam = (Commune.objects.get(authority=a, name=n) for n in ("Bảo Đài", "Lục Nam"))
record_former_unit("Thanh Lâm", "Lục Nam", "Bắc Giang", candidates=[bao_dai, luc_nam])
"""

CHECK = """
import json
from products.models import Producer
from products.units import producers_needing_choice
from takeover.models import LedgerEntry
entries = LedgerEntry.objects.filter(table="products.Producer")
imported = set(entries.filter(status="imported").values_list("target_pk", flat=True))
held = entries.filter(status="held").count()
review = set(producers_needing_choice().values_list("pk", flat=True))
print(json.dumps({
    "ledger_producers": entries.count(), "imported": len(imported), "held_with_entry": held,
    "on_review_page": len(review & imported),
    "in_a_unit_of_the_province": Producer.objects.filter(pk__in=imported, commune__authority__code="24").count(),
    "producers_here": Producer.objects.count(),
}))
"""


def url_for(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def manage(env, *args, stdin=None) -> str:
    done = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def psql(base: str, sql: str) -> None:
    subprocess.run(["psql", url_for(base, "postgres"), "-qc", sql], check=True)  # noqa: S603, S607 - the client


def timed(env, *args) -> tuple[float, str]:
    started = time.perf_counter()
    out = manage(env, *args)
    return time.perf_counter() - started, out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=25)
    parser.add_argument("--products", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", default="2026-12-08")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    tag = uuid.uuid4().hex[:6]
    source_db, target_db = f"ocop_bench_fold_src_{tag}", f"ocop_bench_fold_dst_{tag}"
    work = Path(tempfile.mkdtemp(prefix="ocop-bench-fold-"))
    common = dict(os.environ, DEBUG="1", DJANGO_SETTINGS_MODULE="ocop.settings")
    source = dict(common, DATABASE_URL=url_for(base, source_db), MEDIA_ROOT=str(work / "district-media"))
    target = dict(common, DATABASE_URL=url_for(base, target_db), MEDIA_ROOT=str(work / "province-media"))
    figures = {}
    psql(base, f'CREATE DATABASE "{source_db}"')
    psql(base, f'CREATE DATABASE "{target_db}"')
    try:
        manage(source, "migrate", "-v0")
        figures["generate_s"], _ = timed(
            source,
            "generate_synthetic",
            f"--communes={args.communes}",
            f"--products={args.products}",
            f"--seed={args.seed}",
            f"--today={args.today}",
        )
        manage(source, "shell", "-c", LUC_NAM)
        manage(source, "backup", "--output", str(work / "backups"))
        (backup,) = sorted((work / "backups").glob("ocop-*"))
        manifest = json.loads((backup / "manifest.json").read_text())
        figures["source_rows"] = sum(manifest["rows"].values())
        figures["dump_bytes"] = (backup / "db.dump").stat().st_size
        figures["media_bytes"] = (backup / "media.tar.gz").stat().st_size
        manage(target, "migrate", "-v0")
        print(manage(target, "shell", "-c", BAC_NINH).strip())
        runs = {}
        for name, extra in (("dry run", ["--dry-run"]), ("first run", []), ("second run", [])):
            seconds, out = timed(target, "fold_district", str(backup), "--into", "24", *extra)
            runs[name] = (seconds, out)
            created = re.search(r"Created \(.*?\): (\d+) rows, (\d+) files \((\d+) bytes\)", out)
            fold_seconds = float(re.search(r"^([\d.]+) s$", out, re.M).group(1))
            restore_seconds = float(re.search(r"^restore and migrate: ([\d.]+) s$", out, re.M).group(1))
            print(
                f"{name:>10}: {seconds:6.1f} s wall, {fold_seconds:.1f} s in fold() of which {restore_seconds:.1f} s "
                f"restoring and migrating the copy; {created.group(1)} rows, {created.group(2)} files"
            )
        print("\n".join(runs["first run"][1].splitlines()[:60]))
        check = json.loads(manage(target, "shell", "-c", CHECK).strip().splitlines()[-1])
        print(json.dumps({**figures, **check}, indent=2))
        unmapped = check["ledger_producers"] - check["imported"] - check["held_with_entry"]
        outside = check["imported"] - check["in_a_unit_of_the_province"]
        print(
            f"producers unmapped without a review entry: {unmapped}; imported outside the province's units: {outside}"
        )
        if unmapped or outside:
            sys.exit(1)
    finally:
        psql(base, f'DROP DATABASE IF EXISTS "{source_db}" WITH (FORCE)')
        psql(base, f'DROP DATABASE IF EXISTS "{target_db}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
