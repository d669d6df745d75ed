"""Benchmark: `import_csv indicator_values` and `import_csv standards` against raw COPYs.

    python bench/imports.py [--rows 1000000] [--keep] [--standards 400000] [--only KIND]

Both are measured in one run, on the same database and the same table state
(declarations_indicatorvalue with its indexes and foreign keys, the bench rows absent):
1. baseline: `COPY declarations_indicatorvalue (standard_id, indicator_id, value) FROM STDIN`
   of the rows with their ids already resolved, straight into the final table;
2. import: `python manage.py import_csv indicator_values FILE` as a child process (the
   whole command: start-up, reading and parsing the CSV, staging, every check, the merge),
   with the child's peak resident memory from `wait4`.
`main()` returns the figures as a dict (and the script prints them as JSON); `run(scale=...)`
is the same for `bench/run.py` (scale 1 = one million rows).
Targets (issue 4): >= 50,000 rows/s, <= 2x the baseline's time, peak RSS < 500 MB.

Standards (issue 20), on files from a generator other than the portal's own
(`bench/standards_csv.py`; scale 1 = 400,000 standards of ~114,000 enterprises):
1. set-up, not measured: the generator's categories and enterprises through `import_csv`;
2. import: `python manage.py import_csv standards FILE` as a child process (the whole
   command, as above), into the standards table as it is (at S >= 0.1 with the generated
   national data in it, and its search index);
3. baseline: `COPY declarations_standard (...) FROM STDIN` of the very rows the import wrote,
   ids resolved and the two search columns already computed (so no trigger runs): what the
   database must do at least to hold the rows searchable (heap, keys and the bigram index);
4. then the generator's indicator values for those standards (~5 per standard: 2 million at
   scale 1), imported and COPYed the same way (the generator's indicators set up first).
Each measured phase starts from the same state: its rows absent, the tables vacuumed and
analysed, no checkpoint owed. Targets: >= 30,000 standards/s, >= 50,000 values/s.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

INDICATORS = 10
STANDARDS_PER_ENTERPRISE = 10
CATEGORY = "BENCH-CAT"


def _setup(rows: int):
    """Bench catalogue, enterprises and standards (created once, reused); no values."""
    from django.db import connection, transaction

    from apps.core.uscc import ALPHABET, check_character

    standards = -(-rows // INDICATORS)
    enterprises = -(-standards // STANDARDS_PER_ENTERPRISE)

    def uscc(serial: int) -> str:
        digits, value = [], serial
        for _ in range(9):
            digits.append(ALPHABET[value % 31])
            value //= 31
        first17 = "91110105" + "".join(reversed(digits))
        return first17 + check_character(first17)

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO catalog_category (code, name, sector, kind, created_at, updated_at) "
            "VALUES (%s, '基准测试类别', 'emerging', 'product', now(), now()) "
            "ON CONFLICT (code) DO NOTHING",
            [CATEGORY],
        )
        cursor.execute("SELECT id FROM catalog_category WHERE code = %s", [CATEGORY])
        category_id = cursor.fetchone()[0]
        for n in range(INDICATORS):
            cursor.execute(
                "INSERT INTO catalog_indicator (category_id, code, name, unit, direction, "
                "created_at, updated_at) VALUES (%s, %s, %s, '', 'higher', now(), now()) "
                "ON CONFLICT DO NOTHING",
                [category_id, f"I{n}", f"指标{n}"],
            )
        cursor.execute(
            "SELECT count(*) FROM declarations_standard WHERE category_id = %s", [category_id]
        )
        if cursor.fetchone()[0] < standards:
            # Serials from 10**6 keep clear of demo and test data.
            cursor.execute(
                "INSERT INTO enterprises_enterprise (uscc, name, district, industry_code, "
                "address, contact_email, contact_phone, created_at, updated_at) "
                "SELECT u, '基准企业' || u, '', '', '', '', '', now(), now() "
                "FROM unnest(%s::text[]) u ON CONFLICT (uscc) DO NOTHING",
                [[uscc(10**6 + n) for n in range(enterprises)]],
            )
            cursor.execute(
                "INSERT INTO declarations_standard (enterprise_id, standard_no, name, "
                "category_id, standard_type, products, status, published_on, created_at, "
                "updated_at) SELECT e.id, 'Q/BENCH ' || g, '便携式基准测试用空气调节器' || g "
                "|| '号通用技术要求', %s, 'enterprise', '基准测试用空气调节器 BX-' || g, "
                "'public', '2026-01-01', now(), now() "
                "FROM enterprises_enterprise e "
                "CROSS JOIN generate_series(1, %s) g "
                "WHERE e.uscc = ANY(%s) ON CONFLICT DO NOTHING",
                [
                    category_id,
                    STANDARDS_PER_ENTERPRISE,
                    [uscc(10**6 + n) for n in range(enterprises)],
                ],
            )
        cursor.execute(
            "SELECT e.uscc, s.standard_no, s.id FROM declarations_standard s "
            "JOIN enterprises_enterprise e ON e.id = s.enterprise_id "
            "WHERE s.category_id = %s ORDER BY e.uscc, s.standard_no LIMIT %s",
            [category_id, standards],
        )
        standard_rows = cursor.fetchall()
        cursor.execute(
            "SELECT code, id FROM catalog_indicator WHERE category_id = %s ORDER BY code",
            [category_id],
        )
        indicator_rows = cursor.fetchall()
    with connection.cursor() as cursor:
        # As autovacuum would have long since done for standards imported before their
        # values: the planner knows the new category, and no measured phase pays for the
        # first visit to 100,000 freshly written rows.
        cursor.execute("VACUUM ANALYZE declarations_standard")
        cursor.execute("VACUUM ANALYZE enterprises_enterprise")
    return category_id, standard_rows, indicator_rows


def _clear(category_id: int) -> None:
    from django.db import DatabaseError, connection

    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM declarations_indicatorvalue WHERE indicator_id IN "
            "(SELECT id FROM catalog_indicator WHERE category_id = %s)",
            [category_id],
        )
        cursor.execute("VACUUM ANALYZE declarations_indicatorvalue")
        # Each measured phase starts with no checkpoint owed: otherwise the import pays for
        # writing out the pages the baseline, the delete and the vacuum dirtied before it.
        # CHECKPOINT needs a superuser or pg_checkpoint: without either, measure without it.
        with contextlib.suppress(DatabaseError):
            cursor.execute("CHECKPOINT")


def _remove_fixtures(category_id: int) -> None:
    """Remove the bench enterprises, standards and category again: left behind as the newest
    rows of the standards table, they would stand in front of every other benchmark's data
    (a search reading the newest standards first would wade through 100,000 of them)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        schemes = "SELECT id FROM evaluators_scheme WHERE category_id = %s"
        rankings = f"SELECT id FROM leaders_ranking WHERE scheme_id IN ({schemes})"
        for statement in (
            f"DELETE FROM leaders_rankingentry WHERE ranking_id IN ({rankings})",
            f"DELETE FROM leaders_rankingjob WHERE scheme_id IN ({schemes})",
            f"DELETE FROM leaders_ranking WHERE scheme_id IN ({schemes})",
            f"DELETE FROM evaluators_assessment WHERE scheme_id IN ({schemes})",
            f"DELETE FROM evaluators_schemecriterion WHERE scheme_id IN ({schemes})",
            "DELETE FROM evaluators_scheme WHERE category_id = %s",
            "DELETE FROM declarations_indicatorvalue WHERE indicator_id IN "
            "(SELECT id FROM catalog_indicator WHERE category_id = %s)",
            "CREATE TEMP TABLE bench_enterprises ON COMMIT DROP AS SELECT DISTINCT "
            "enterprise_id AS id FROM declarations_standard WHERE category_id = %s",
            "DELETE FROM declarations_standard WHERE category_id = %s",
            "DELETE FROM catalog_indicator WHERE category_id = %s",
            "DELETE FROM catalog_category WHERE id = %s",
        ):
            cursor.execute(statement, [category_id])
        cursor.execute(
            "DELETE FROM enterprises_enterprise WHERE id IN (SELECT id FROM bench_enterprises) "
            "AND NOT EXISTS (SELECT 1 FROM declarations_standard s "
            "WHERE s.enterprise_id = enterprises_enterprise.id)"
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE declarations_standard")
        cursor.execute("VACUUM ANALYZE enterprises_enterprise")


def _write_files(directory: Path, rows: int, standard_rows, indicator_rows):
    csv_path = directory / "indicator_values.csv"
    raw_path = directory / "indicator_values.tsv"
    written = 0
    with (
        csv_path.open("w", encoding="utf-8", newline="") as csv_file,
        raw_path.open("w", encoding="utf-8") as raw_file,
    ):
        csv_file.write("uscc,standard_no,indicator_code,value\n")
        for uscc, standard_no, standard_id in standard_rows:
            for code, indicator_id in indicator_rows:
                if written == rows:
                    break
                value = f"{(written * 7919) % 100000 / 100:.2f}"
                csv_file.write(f"{uscc},{standard_no},{code},{value}\n")
                raw_file.write(f"{standard_id}\t{indicator_id}\t{value}\n")
                written += 1
    return csv_path, raw_path


def _raw_copy(raw_path: Path) -> float:
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor, raw_path.open() as handle:
        cursor.copy_expert(
            "COPY declarations_indicatorvalue (standard_id, indicator_id, value) FROM STDIN",
            handle,
            65536,
        )
    return time.perf_counter() - started


def _import(csv_path: Path, kind: str = "indicator_values") -> tuple[float, int, str]:
    """Run `import_csv KIND PATH` as a child: wall time, the child's own peak RSS, output."""
    with tempfile.TemporaryFile(mode="w+") as errors:
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "manage.py", "import_csv", kind, str(csv_path)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
        out = child.stdout.read()
        # wait4 gives this child's own rusage (RUSAGE_CHILDREN would be the largest of all).
        _pid, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        child.stdout.close()
        errors.seek(0)
        err = errors.read()
    if child.returncode != 0:
        raise SystemExit(f"import {kind} failed ({child.returncode}):\n{err[:2000]}")
    return elapsed, usage.ru_maxrss, out.strip()


def main(rows: int = 50_000, keep: bool = False) -> dict:
    import django

    django.setup()
    category_id, standard_rows, indicator_rows = _setup(rows)
    with tempfile.TemporaryDirectory() as directory:
        csv_path, raw_path = _write_files(Path(directory), rows, standard_rows, indicator_rows)
        _clear(category_id)
        baseline = _raw_copy(raw_path)
        _clear(category_id)
        elapsed, peak_kb, summary = _import(csv_path)
        size = csv_path.stat().st_size
    if not keep:
        _remove_fixtures(category_id)
    rate = rows / elapsed
    ratio = elapsed / baseline
    peak_mb = peak_kb / 1024
    return {
        "benchmark": "imports.indicator_values",
        "rows": rows,
        "file_mb": round(size / 2**20, 1),
        "raw_copy_seconds": round(baseline, 2),
        "raw_copy_rows_per_second": round(rows / baseline),
        "import_seconds": round(elapsed, 2),
        "import_rows_per_second": round(rate),
        "import_vs_raw_copy": round(ratio, 2),
        "import_peak_rss_mb": round(peak_mb, 1),
        "output": summary,
        "targets": {
            "rows_per_second": 50_000,
            "max_ratio_to_raw_copy": 2.0,
            "max_peak_rss_mb": 500,
        },
        "summary": {
            "rows": rows,
            "import_rows_per_second": round(rate),
            "import_vs_raw_copy": round(ratio, 2),
            "import_peak_rss_mb": round(peak_mb, 1),
            "met": rate >= 50_000 and ratio <= 2.0 and peak_mb < 500,
        },
    }


# -- standards (issue 20) ----------------------------------------------------------------

STANDARDS_PER_SCALE = 400_000
STANDARDS_TARGET = 30_000  # rows/s
BASELINE_COLUMNS = (
    "enterprise_id, standard_no, name, category_id, standard_type, products, status, "
    "published_on, abolished_on, created_at, updated_at, search_document, search_text"
)


def _bench_categories() -> list[int]:
    from django.db import connection

    from bench.standards_csv import CATEGORIES

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM catalog_category WHERE code = ANY(%s)", [[c[0] for c in CATEGORIES]]
        )
        return [row[0] for row in cursor.fetchall()]


def _settle() -> None:
    """VACUUM ANALYZE the tables the phases write, then a checkpoint (where allowed)."""
    from django.db import DatabaseError, connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE declarations_standard")
        cursor.execute("VACUUM ANALYZE enterprises_enterprise")
        cursor.execute("VACUUM ANALYZE declarations_indicatorvalue")
        with contextlib.suppress(DatabaseError):
            cursor.execute("CHECKPOINT")


def _delete_standards(categories: list[int]) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM declarations_standard WHERE category_id = ANY(%s)", [categories]
        )
    _settle()


def _remove_standards_fixtures(enterprises_csv: Path, keep_catalogue: bool = False) -> None:
    """Remove the generator's standards, enterprises and categories again (with
    `keep_catalogue`, only standards and values: the start of a run)."""
    import csv

    from django.db import connection, transaction

    categories = _bench_categories()
    with enterprises_csv.open(encoding="utf-8") as handle:
        usccs = [row[0] for row in list(csv.reader(handle))[1:]]
    indicators = "SELECT id FROM catalog_indicator WHERE category_id = ANY(%s)"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM declarations_indicatorvalue WHERE indicator_id IN ({indicators})",
            [categories],
        )
        cursor.execute(
            "DELETE FROM declarations_standard WHERE category_id = ANY(%s)", [categories]
        )
        if not keep_catalogue:
            cursor.execute(
                "DELETE FROM enterprises_enterprise e WHERE e.uscc = ANY(%s) AND NOT EXISTS "
                "(SELECT 1 FROM declarations_standard s WHERE s.enterprise_id = e.id)",
                [usccs],
            )
            cursor.execute(
                "DELETE FROM catalog_indicator i WHERE i.category_id = ANY(%s) AND NOT EXISTS "
                "(SELECT 1 FROM evaluators_schemecriterion c WHERE c.indicator_id = i.id)",
                [categories],
            )
            cursor.execute(
                "DELETE FROM catalog_category c WHERE c.id = ANY(%s) AND NOT EXISTS "
                "(SELECT 1 FROM declarations_standard s WHERE s.category_id = c.id) "
                "AND NOT EXISTS (SELECT 1 FROM catalog_indicator i WHERE i.category_id = c.id)",
                [categories],
            )
    _settle()


def _copy_baseline(categories: list[int], path: Path) -> float:
    """Write the imported rows out (ids and search columns as stored), delete them, and
    time a plain COPY of them back into the table."""
    from django.db import connection, transaction

    with connection.cursor() as cursor, path.open("w", encoding="utf-8") as handle:
        cursor.copy_expert(
            f"COPY (SELECT {BASELINE_COLUMNS} FROM declarations_standard "
            f"WHERE category_id IN ({', '.join(map(str, categories))}) "
            "ORDER BY enterprise_id, standard_no) TO STDOUT",
            handle,
        )
    _delete_standards(categories)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor, path.open(encoding="utf-8") as f:
        cursor.copy_expert(f"COPY declarations_standard ({BASELINE_COLUMNS}) FROM STDIN", f, 65536)
    return time.perf_counter() - started


def _figures(name: str, rows: int, measured: tuple, baseline: float, target: int) -> dict:
    elapsed, peak_kb, output = measured
    rate, ratio, peak_mb = rows / elapsed, elapsed / baseline, peak_kb / 1024
    return {
        "benchmark": f"imports.{name}",
        "rows": rows,
        "raw_copy_seconds": round(baseline, 2),
        "raw_copy_rows_per_second": round(rows / baseline),
        "import_seconds": round(elapsed, 2),
        "import_rows_per_second": round(rate),
        "import_vs_raw_copy": round(ratio, 2),
        "import_peak_rss_mb": round(peak_mb, 1),
        "output": output,
        "targets": {"rows_per_second": target},
        "summary": {
            "rows": rows,
            "import_rows_per_second": round(rate),
            "import_vs_raw_copy": round(ratio, 2),
            "import_peak_rss_mb": round(peak_mb, 1),
            "met": rate >= target,
        },
    }


def _copy_values_baseline(categories: list[int], path: Path) -> float:
    """The values the import wrote, out and back in by a plain COPY (as `_copy_baseline`)."""
    from django.db import connection, transaction

    indicators = (
        f"SELECT id FROM catalog_indicator WHERE category_id IN ({', '.join(map(str, categories))})"
    )
    with connection.cursor() as cursor, path.open("w", encoding="utf-8") as handle:
        cursor.copy_expert(
            "COPY (SELECT standard_id, indicator_id, value FROM declarations_indicatorvalue "
            f"WHERE indicator_id IN ({indicators}) ORDER BY standard_id, indicator_id) TO STDOUT",
            handle,
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM declarations_indicatorvalue WHERE indicator_id IN ({indicators})"
        )
        cursor.execute("VACUUM ANALYZE declarations_indicatorvalue")
    _settle()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor, path.open(encoding="utf-8") as f:
        cursor.copy_expert(
            "COPY declarations_indicatorvalue (standard_id, indicator_id, value) FROM STDIN",
            f,
            65536,
        )
    return time.perf_counter() - started


def standards(rows: int = 100_000, seed: int = 7, keep: bool = False, values: bool = True):
    """Import `rows` generated standards, then COPY the same rows; with `values`, then the
    generator's indicator values for them (~5 per standard) the same way. The figures as a
    dict: the standards' and, under "indicator_values", the values'."""
    import django

    django.setup()
    from django.db import connection

    from apps.declarations.services import search_index_pending
    from bench.standards_csv import generate

    load_before = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory() as directory:
        files = generate(Path(directory), rows, seed, values=values)
        paths = files["paths"]
        for kind in ("categories", "enterprises"):
            _import(paths[kind], kind)
        categories = _bench_categories()
        _remove_standards_fixtures(paths["enterprises"], keep_catalogue=True)  # a stopped run's
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM declarations_standard")
            table_rows = cursor.fetchone()[0]
        try:
            measured = _import(paths["standards"], "standards")
            # What the background job does after the import's commit (no worker runs here).
            started = time.perf_counter()
            indexed = search_index_pending()
            indexing = time.perf_counter() - started
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*), count(*) FILTER (WHERE search_text IS NULL "
                    "OR search_document IS NULL) FROM declarations_standard "
                    "WHERE category_id = ANY(%s)",
                    [categories],
                )
                written, unsearchable = cursor.fetchone()
            if (written, unsearchable) != (rows, 0):
                raise SystemExit(f"standards import wrote {written} rows, {unsearchable} bad")
            baseline = _copy_baseline(categories, Path(directory) / "standards.tsv")
            result = _figures("standards", rows, measured, baseline, STANDARDS_TARGET)
            result.update(
                search_indexed=indexed,
                search_index_seconds=round(indexing, 2),
                enterprises=files["enterprises"],
                standards_in_table_before=table_rows,
                file_mb=round(paths["standards"].stat().st_size / 2**20, 1),
            )
            if values:
                # The standards are back (the baseline's COPY): their values now, likewise.
                _import(paths["indicators"], "indicators")
                _settle()
                count = files["indicator_values"]
                measured = _import(paths["indicator_values"], "indicator_values")
                baseline = _copy_values_baseline(categories, Path(directory) / "values.tsv")
                result["indicator_values"] = _figures(
                    "indicator_values_independent", count, measured, baseline, 50_000
                )
        finally:
            if not keep:
                _remove_standards_fixtures(paths["enterprises"])
    result["load_average_before"] = load_before
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return result


def _row(result: dict, kind: str, target: str) -> dict:
    s = result["summary"]
    measured = f"{s['import_rows_per_second']:,} rows/s"
    if "search_index_seconds" in result:  # the documents follow in the background
        measured += f" (search index {result['search_index_seconds']} s after)"
    return {
        "path": f"import {kind} ({s['rows']:,} rows)",
        "target": target,
        "measured": measured,
        "baseline": f"COPY {result['raw_copy_rows_per_second']:,} rows/s",
        "ratio": s["import_vs_raw_copy"],
        "met": s["met"],
    }


def run(*, scale: float = 1.0, seed: int = 1) -> dict:
    """For bench/run.py: scale 1.0 imports one million indicator values (the data is
    deterministic); from scale 0.1 up, 400,000 generated standards and their ~2 M values."""
    values = main(max(1000, int(1_000_000 * scale)))
    # The standards targets are for files of 400,000 rows and more (issue 20): that file
    # at every scale from 0.1, a proportional one below (quick runs, informative only).
    count = STANDARDS_PER_SCALE if scale >= 0.1 else max(1000, int(STANDARDS_PER_SCALE * scale))
    standard_rows = standards(count, seed=seed)
    return {
        **values,
        "standards": standard_rows,
        "summary": {
            **values["summary"],
            "standards": standard_rows["summary"],
            "indicator_values_independent": standard_rows["indicator_values"]["summary"],
        },
        "table": [
            _row(values, "indicator_values", ">= 50,000 rows/s, <= 2x baseline"),
            _row(standard_rows, "standards", ">= 30,000 rows/s"),
            _row(
                standard_rows["indicator_values"],
                "indicator_values, independent data",
                ">= 50,000 rows/s",
            ),
        ],
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000, help="indicator values")
    parser.add_argument("--standards", type=int, default=100_000, help="generated standards")
    parser.add_argument("--seed", type=int, default=7, help="the standards generator's seed")
    parser.add_argument("--only", choices=["indicator_values", "standards"])
    parser.add_argument(
        "--no-values", action="store_true", help="standards only, without their values"
    )
    parser.add_argument("--keep", action="store_true", help="leave the imported rows in place")
    arguments = parser.parse_args()
    report = {}
    if arguments.only != "standards":
        report["indicator_values"] = main(arguments.rows, arguments.keep)
    if arguments.only != "indicator_values":
        report["standards"] = standards(
            arguments.standards, arguments.seed, arguments.keep, not arguments.no_values
        )
    print(json.dumps(report, ensure_ascii=False, indent=2))
