"""Generate national-scale data for benchmarks: enterprises, declared standards and their
indicator values, deterministically from a seed, written with COPY.

    bench/scale_data.py [--scale S] [--seed N] [--replace]

The benchmarks (bench/run.py, `make bench`) call `generate` themselves through
`bench.common.ensure_scale_data`; the script is for loading a data set by hand.

Scale 1.0 is the national platform at the end of 2023 (docs/domain.md): about 472,000 enterprises
and 3.17 million standards in 240 categories (key areas) of very different sizes (Zipf), about
16 million indicator values. The 19 demo categories are among the 240; the other 221 (codes
`N-001` ...) are generated from a fixed seed, so the catalogue is the same for every
`--seed`, and kept by `--replace`. Generated enterprises are recognisable by their USCC: the
organisation code (characters 9-17) starts with `YY`; `--replace` removes them (and their
standards) before generating again. The search index is filled by the database triggers, as
for any bulk import; the GIN index is rebuilt once after the load at large scales.
"""

from __future__ import annotations

import argparse
import bisect
import io
import random
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

if __name__ == "__main__":  # run as a script: Django is set up before the models are imported
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.common import setup_django

    setup_django()

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from apps.catalog.models import Category, Indicator, KeyArea
from apps.core.uscc import ALPHABET, check_character
from apps.enterprises.enums import District
from apps.portal.management.commands.seed_demo import Command as SeedDemo

ENTERPRISES_PER_SCALE = 472_000
STANDARDS_PER_SCALE = 3_170_000
CATEGORIES = 240  # the national key areas (docs/domain.md); the 19 demo categories are among them
CATEGORY_PREFIX = "N-"  # code prefix of generated categories (N-001 ...)
CATALOGUE_SEED = 240  # the catalogue is the same for every --seed, so --replace keeps it
CATEGORY_SKEW = 0.9  # Zipf exponent of category sizes: the largest ~400 times the smallest
MARKER = "YY"  # organisation-code prefix of generated enterprises
BATCH = 50_000

# (division code, region name, weight): registering authority of the USCC and name prefix.
REGIONS = [
    ("110108", "北京", 14),
    ("110105", "北京", 8),
    ("310115", "上海", 12),
    ("440300", "深圳", 11),
    ("440100", "广州", 8),
    ("330100", "杭州", 8),
    ("320500", "苏州", 8),
    ("370200", "青岛", 6),
    ("120116", "天津", 5),
    ("500000", "重庆", 4),
    ("510100", "成都", 5),
    ("420100", "武汉", 4),
    ("350200", "厦门", 3),
    ("330200", "宁波", 4),
    ("320100", "南京", 4),
    ("610100", "西安", 3),
]
# Common characters of Chinese company names, most frequent first (Zipf-like choice).
NAME_CHARS = (
    "华中金泰康瑞恒源达信通宏安盛新兴海东方科电明光正远鼎丰隆德天美创智博佳永昌鑫和立"
    "凯利嘉万宇晨星汇同益诚祥嘉旭辉顺发荣升力腾飞龙凤广福寿"
)
TRADES = {
    "consumer_goods": ["电器", "家电", "日用品", "纺织", "厨具", "电子"],
    "equipment": ["机械", "装备", "机床", "重工", "精密", "动力"],
    "emerging": ["新能源", "智能科技", "电池", "无人机", "光电", "信息技术"],
    "services": ["物业管理", "物流", "快递", "电子商务", "养老服务", "家电维修"],
}
SUFFIXES = [("有限公司", 70), ("股份有限公司", 18), ("集团有限公司", 8), ("科技有限公司", 12)]
NAME_VARIANTS = ["", "企业标准", "技术条件", "通用技术要求", "产品标准", "质量要求", "规范"]
PRODUCT_PREFIXES = ["", "家用", "商用", "智能", "节能型", "变频", "便携式", "高端"]
GROUPS = ["CAS", "CEEIA", "CHEAA", "CNTAC", "ZZB", "CSAE", "CSTM", "CECA"]
INDUSTRY = ["QB", "JB", "SJ", "HG", "FZ", "SB", "YD", "JT"]
TYPES = [
    ("enterprise", 85),
    ("group", 8),
    ("national", 4),
    ("industry", 2),
    ("local", 1),
]
BEIJING_DISTRICTS = [d.value for d in District]
MODEL_LETTERS = "ABCDEFGHKLMPRSTXYZ"
SERVICE_PLACES = ["社区", "写字楼", "园区", "城区"]
# Generated categories: a base product or service and a qualifier, per sector.
CATEGORY_BASES = {
    "consumer_goods": [
        "电冰箱",
        "微波炉",
        "电热水壶",
        "洗碗机",
        "电风扇",
        "吸尘器",
        "电视机",
        "储水式热水器",
        "净水器",
        "电磁灶",
        "豆浆机",
        "吹风机",
        "台灯",
        "床垫",
        "儿童服装",
        "运动鞋",
        "毛巾",
        "陶瓷餐具",
        "婴儿纸尿裤",
        "牙膏",
        "洗衣液",
        "羽绒服",
        "眼镜架",
        "自行车",
        "电动牙刷",
    ],
    "equipment": [
        "离心泵",
        "空气压缩机",
        "三相异步电动机",
        "电力变压器",
        "齿轮减速机",
        "工业锅炉",
        "叉车",
        "桥式起重机",
        "液压缸",
        "滚动轴承",
        "工业阀门",
        "电梯",
        "风机",
        "数控车床",
        "注塑机",
        "柴油发电机组",
        "冷却塔",
        "换热器",
    ],
    "emerging": [
        "光伏组件",
        "储能系统",
        "电动汽车充电桩",
        "服务机器人",
        "智能手表",
        "三维打印机",
        "工业机器人",
        "LED照明产品",
        "智能门锁",
        "路由器",
        "固态硬盘",
        "动力电池",
        "智能音箱",
        "可穿戴设备",
        "无线耳机",
    ],
    "services": [
        "家政服务",
        "餐饮服务",
        "酒店服务",
        "旅游服务",
        "汽车维修服务",
        "停车服务",
        "教育培训服务",
        "体育健身服务",
        "美容美发服务",
        "洗染服务",
        "搬家服务",
        "会展服务",
        "养老照护服务",
        "托育服务",
        "网约车服务",
    ],
}
CATEGORY_QUALIFIERS = {
    "consumer_goods": ["", "家用", "儿童用", "智能", "节能型"],
    "equipment": ["", "大型", "小型", "高效", "防爆型"],
    "emerging": ["", "家用", "商用", "车载", "工业级"],
    "services": ["", "社区", "连锁", "线上", "农村"],
}
# (code, name, unit, direction, typical national value) of generated indicators.
PRODUCT_INDICATORS = [
    ("EFF", "能效", "%", "higher", 80),
    ("POWER", "额定功率消耗", "W", "lower", 120),
    ("STANDBY", "待机功率", "W", "lower", 1.0),
    ("NOISE", "噪声", "dB(A)", "lower", 55),
    ("LIFE", "使用寿命", "h", "higher", 8000),
    ("MTBF", "平均无故障时间", "h", "higher", 20000),
    ("FAIL", "早期故障率", "%", "lower", 2.0),
    ("WATER", "单位用水量", "L", "lower", 12),
    ("HAZARD", "有害物质含量", "mg/kg", "lower", 100),
    ("PRECISION", "精度", "μm", "lower", 8),
]
SERVICE_INDICATORS = [
    ("SATISFY", "顾客满意度", "%", "higher", 85),
    ("COMPLAINT", "有效投诉率", "‰", "lower", 2.0),
    ("RESPONSE", "平均响应时间", "min", "lower", 30),
    ("ONTIME", "按时完成率", "%", "higher", 95),
    ("TRAINED", "持证上岗率", "%", "higher", 90),
    ("REPEAT", "返工率", "%", "lower", 3.0),
    ("SAFETY", "安全事故率", "‰", "lower", 0.5),
]


class Weighted:
    """Fast repeated weighted choice (bisect over the cumulative weights)."""

    def __init__(self, items, weights):
        self.items = list(items)
        self.cumulative = []
        total = 0.0
        for weight in weights:
            total += weight
            self.cumulative.append(total)
        self.total = total

    def pick(self, rng: random.Random):
        return self.items[bisect.bisect(self.cumulative, rng.random() * self.total)]


def generated_uscc(division: str, serial: int) -> str:
    digits = []
    value = serial
    for _ in range(7):
        digits.append(ALPHABET[value % 31])
        value //= 31
    first17 = f"91{division}{MARKER}{''.join(reversed(digits))}"
    return first17 + check_character(first17)


def latin_code(serial: int) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    out = []
    value = serial
    for _ in range(4):
        out.append(letters[value % len(letters)])
        value //= len(letters)
    return "".join(reversed(out))


class ScaleDataError(Exception):
    """The generator was asked for something it will not do (a bad scale, data present)."""


class _Lines:
    """Progress lines to standard output (or nowhere)."""

    def __init__(self, stream=None):
        self.stream = stream

    def write(self, text: str) -> None:
        if self.stream is not None:
            self.stream.write(text + "\n")
            self.stream.flush()


def generate(*, scale: float = 1.0, seed: int = 1, replace: bool = False, out=sys.stdout) -> None:
    """Generate enterprises, standards and indicator values at `scale` (1.0 = national,
    3.17 million standards) from `seed`; `replace` removes previously generated data first.
    Progress goes to `out` (None: silent)."""
    _Generator(_Lines(out)).handle(scale=scale, seed=seed, replace=replace)


class _Generator:
    def __init__(self, stdout):
        self.stdout = stdout

    def handle(self, *, scale: float, seed: int, replace: bool) -> None:
        if scale <= 0:
            raise ScaleDataError("--scale must be positive")
        started = time.monotonic()
        if generated_enterprise_count():
            if not replace:
                raise ScaleDataError("generated data already present: pass --replace")
            self._remove()
        categories, category_weights = self._categories()
        n_enterprises = max(1, round(ENTERPRISES_PER_SCALE * scale))
        n_standards = max(1, round(STANDARDS_PER_SCALE * scale))
        rng = random.Random(seed)
        ids = self._enterprises(rng, n_enterprises)
        self._standards(rng, ids, categories, category_weights, n_standards)
        self._values(seed)
        # VACUUM sets the visibility map (index-only scans, no hint-bit writes on first
        # read); it cannot run inside a transaction, as in tests, where ANALYZE does.
        in_transaction = connection.in_atomic_block or not connection.get_autocommit()
        command = "ANALYZE" if in_transaction else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            for table in (
                "enterprises_enterprise",
                "declarations_standard",
                "declarations_indicatorvalue",
            ):
                cursor.execute(f"{command} {table}")
        self.stdout.write(
            f"generated {n_enterprises} enterprises and {n_standards} standards "
            f"(scale {scale}, seed {seed}) in {time.monotonic() - started:.1f}s"
        )

    # -- steps -------------------------------------------------------------------------------

    def _categories(self):
        """The demo catalogue plus generated categories up to CATEGORIES, each with its
        indicators and a key area of the current year; created once, the same for every
        seed. Returns (id, name, sector) in a fixed order, and the weights skewing the
        number of standards per category."""
        if not Category.objects.filter(code__in=DEMO_CATEGORY_CODES).exists():
            SeedDemo()._catalogue()
        ensure_generated_catalogue()
        rows = list(
            Category.objects.filter(
                Q(code__in=DEMO_CATEGORY_CODES) | Q(code__startswith=CATEGORY_PREFIX)
            )
            .order_by("code")
            .values_list("id", "name", "sector")
        )
        # Sizes follow Zipf's law over a fixed shuffle, so demo and generated categories
        # mix among the large and the small ones.
        random.Random(CATALOGUE_SEED).shuffle(rows)
        weights = [1 / (rank + 1) ** CATEGORY_SKEW for rank in range(len(rows))]
        return rows, weights

    def _remove(self):
        t = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            generated = "SELECT id FROM enterprises_enterprise WHERE substr(uscc, 9, 2) = %s"
            cursor.execute(
                "DELETE FROM declarations_indicatorvalue v USING declarations_standard s "
                f"WHERE v.standard_id = s.id AND s.enterprise_id IN ({generated})",
                [MARKER],
            )
            cursor.execute(
                f"DELETE FROM declarations_standardversion WHERE standard_id IN "
                f"(SELECT id FROM declarations_standard WHERE enterprise_id IN ({generated}))",
                [MARKER],
            )
            cursor.execute(
                f"DELETE FROM declarations_standard WHERE enterprise_id IN ({generated})",
                [MARKER],
            )
            cursor.execute(
                "DELETE FROM enterprises_enterprise WHERE substr(uscc, 9, 2) = %s", [MARKER]
            )
        self.stdout.write(f"removed previously generated data in {time.monotonic() - t:.1f}s")

    def _enterprises(self, rng: random.Random, count: int) -> list[int]:
        t = time.monotonic()
        regions = Weighted(REGIONS, [w for _, _, w in REGIONS])
        chars = Weighted(NAME_CHARS, [1 / (i + 1) ** 0.6 for i in range(len(NAME_CHARS))])
        suffixes = Weighted([s for s, _ in SUFFIXES], [w for _, w in SUFFIXES])
        trades = [t for values in TRADES.values() for t in values]
        now = "2024-01-01 00:00:00+08"
        buffer = io.StringIO()
        for serial in range(count):
            division, region, _ = regions.pick(rng)
            name = (
                f"{region}{chars.pick(rng)}{chars.pick(rng)}{rng.choice(trades)}"
                f"{suffixes.pick(rng)}"
            )
            district = rng.choice(BEIJING_DISTRICTS) if division.startswith("11") else ""
            buffer.write(
                f"{generated_uscc(division, serial)}\t{name}\t{district}\t\t\t\t\t{now}\t{now}\n"
            )
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                "COPY enterprises_enterprise (uscc, name, district, industry_code, address,"
                " contact_email, contact_phone, created_at, updated_at) FROM STDIN",
                buffer,
            )
            cursor.execute(
                "SELECT id FROM enterprises_enterprise WHERE substr(uscc, 9, 2) = %s ORDER BY id",
                [MARKER],
            )
            ids = [row[0] for row in cursor.fetchall()]
        self.stdout.write(f"  enterprises: {count} in {time.monotonic() - t:.1f}s")
        return ids

    def _standards(self, rng, enterprise_ids, categories, weights, count: int) -> None:
        """COPY the rows into an unlogged staging table, then insert them set-based with their
        search document computed by the same database function the trigger uses."""
        t = time.monotonic()
        category_pick = Weighted(categories, weights)
        type_pick = Weighted([k for k, _ in TYPES], [w for _, w in TYPES])
        counters = [0] * len(enterprise_ids)
        n = len(enterprise_ids)
        first_day = date(2015, 1, 1).toordinal()
        days = date(2025, 12, 31).toordinal() - first_day
        columns = (
            "enterprise_id, standard_no, name, category_id, standard_type, products, status,"
            " published_on, abolished_on, created_at, updated_at"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE UNLOGGED TABLE IF NOT EXISTS generate_standards_staging "
                "(LIKE declarations_standard INCLUDING DEFAULTS)"
            )
            cursor.execute("TRUNCATE generate_standards_staging")
            written = 0
            while written < count:
                size = min(BATCH, count - written)
                buffer = io.StringIO()
                for offset in range(size):
                    # Skew: a few enterprises declare hundreds of standards, most a few.
                    index = int(n * rng.random() ** 3)
                    counters[index] += 1
                    seq = counters[index]
                    category_id, category_name, sector = category_pick.pick(rng)
                    kind = type_pick.pick(rng)
                    year = 2015 + rng.randrange(11)
                    number = self._number(kind, index, seq, year, rng)
                    name = f"{rng.choice(PRODUCT_PREFIXES)}{category_name}"
                    name += rng.choice(NAME_VARIANTS)
                    if sector != "services":
                        model = f"{rng.choice(MODEL_LETTERS)}{rng.choice(MODEL_LETTERS)}"
                        products = f"{category_name} {model}-{rng.randint(10, 999)}"
                    else:
                        products = f"{category_name}（{rng.choice(SERVICE_PLACES)}）"
                    published = date.fromordinal(first_day + rng.randrange(days))
                    abolished = rng.random() < 0.08
                    status = "abolished" if abolished else "public"
                    abolished_on = (
                        (published + timedelta(days=rng.randint(30, 900))).isoformat()
                        if abolished
                        else "\\N"
                    )
                    stamp = f"{published.isoformat()} 09:00:00+08"
                    buffer.write(
                        f"{written + offset + 1}\t{enterprise_ids[index]}\t{number}\t{name}\t"
                        f"{category_id}\t{kind}\t{products}\t{status}\t{published.isoformat()}\t"
                        f"{abolished_on}\t{stamp}\t{stamp}\n"
                    )
                buffer.seek(0)
                cursor.cursor.copy_expert(
                    f"COPY generate_standards_staging (id, {columns}) FROM STDIN", buffer
                )
                written += size
            self.stdout.write(f"  standards generated: {count} in {time.monotonic() - t:.1f}s")
            t = time.monotonic()
            with without_secondary_indexes(cursor, "declarations_standard", self.stdout):
                cursor.execute(
                    f"""
                    INSERT INTO declarations_standard
                        ({columns}, search_document, search_text)
                    SELECT g.enterprise_id, g.standard_no, g.name, g.category_id,
                           g.standard_type, g.products, g.status, g.published_on,
                           g.abolished_on, g.created_at, g.updated_at,
                           declarations_search_document(g.standard_no, g.name, g.products,
                                                        e.name),
                           declarations_search_text(g.standard_no, g.name, g.products, e.name)
                    FROM generate_standards_staging g
                    JOIN enterprises_enterprise e ON e.id = g.enterprise_id
                    ORDER BY g.id
                    """
                )
                self.stdout.write(f"  standards inserted in {time.monotonic() - t:.1f}s")
            cursor.execute("DROP TABLE generate_standards_staging")
        self.stdout.write(f"  standards: {count} in {time.monotonic() - t:.1f}s")

    @staticmethod
    def _number(kind: str, index: int, seq: int, year: int, rng: random.Random) -> str:
        # seq makes every number unique within its enterprise.
        serial = 100 * seq + rng.randrange(100)
        if kind == "enterprise":
            return f"Q/{latin_code(index)} {seq:03d}-{year}"
        if kind == "group":
            return f"T/{rng.choice(GROUPS)} {serial:03d}-{year}"
        if kind == "national":
            return f"GB{rng.choice(['/T', '/T', ''])} {serial}-{year}"
        if kind == "industry":
            return f"{rng.choice(INDUSTRY)}/T {serial}-{year}"
        return f"DB11/T {serial}-{year}"

    def _values(self, seed: int) -> None:
        """One value per indicator of the standard's category, around the national value
        (mostly better, about one in six worse), derived from a hash so it is deterministic."""
        t = time.monotonic()
        with (
            connection.cursor() as cursor,
            without_secondary_indexes(cursor, "declarations_indicatorvalue", self.stdout),
        ):
            cursor.execute(
                """
                INSERT INTO declarations_indicatorvalue (standard_id, indicator_id, value)
                SELECT s.id, i.id,
                       CASE WHEN btrim(i.unit) = '%%' THEN least(v.value, 100) ELSE v.value END
                FROM declarations_standard s
                JOIN enterprises_enterprise e ON e.id = s.enterprise_id
                JOIN catalog_indicator i ON i.category_id = s.category_id
                CROSS JOIN LATERAL (
                  SELECT round(coalesce(i.national_value, 10) * (1 +
                    CASE WHEN i.direction = 'higher' THEN 1 ELSE -1 END *
                    ((abs(hashtext(e.uscc || s.standard_no || i.code || %s)) %% 3000)
                      / 10000.0 - 0.05)), 3) AS value
                ) v
                WHERE substr(e.uscc, 9, 2) = %s
                """,
                [str(seed), MARKER],
            )
            rows = cursor.rowcount
        self.stdout.write(f"  indicator values: {rows} in {time.monotonic() - t:.1f}s")


DEMO_CATEGORY_CODES = [
    "C-AC",
    "C-RICE",
    "C-WASH",
    "C-HOOD",
    "C-WATERHEAT",
    "C-PURIFIER",
    "C-KNITWEAR",
    "C-ABRASIVE",
    "C-CNC",
    "C-CHILLER",
    "C-PROJECTOR",
    "C-EBIKE-BAT",
    "C-DRONE",
    "S-PROPERTY",
    "S-EXPRESS",
    "S-ECOMMERCE",
    "S-LOGISTICS",
    "S-APPLIANCE-REPAIR",
    "S-ELDERCARE",
]  # data/demo/categories.csv


def generated_catalogue() -> list[tuple[str, str, str, list[tuple]]]:
    """(code, name, sector, indicators) of the generated categories, from CATALOGUE_SEED:
    3 to 8 indicators each, national values spread around the typical value."""
    rng = random.Random(CATALOGUE_SEED)
    names = []
    for sector, bases in CATEGORY_BASES.items():
        for qualifier in CATEGORY_QUALIFIERS[sector]:
            names.extend((sector, f"{qualifier}{base}") for base in bases)
    rng.shuffle(names)
    wanted = CATEGORIES - len(DEMO_CATEGORY_CODES)
    out = []
    for serial, (sector, name) in enumerate(names[:wanted], start=1):
        pool = SERVICE_INDICATORS if sector == "services" else PRODUCT_INDICATORS
        count = min(len(pool), 3 + int(rng.random() * 5.6))
        indicators = [
            (code, label, unit, direction, round(typical * rng.uniform(0.7, 1.3), 2))
            for code, label, unit, direction, typical in rng.sample(pool, count)
        ]
        out.append((f"{CATEGORY_PREFIX}{serial:03d}", name, sector, indicators))
    return out


def ensure_generated_catalogue() -> None:
    """Create the generated categories, their indicators and key areas (idempotent)."""
    existing = set(
        Category.objects.filter(code__startswith=CATEGORY_PREFIX).values_list("code", flat=True)
    )
    year = timezone.localdate().year
    with transaction.atomic():
        for code, name, sector, indicators in generated_catalogue():
            if code in existing:
                continue
            kind = "service" if sector == "services" else "product"
            category = Category.objects.create(code=code, name=name, sector=sector, kind=kind)
            Indicator.objects.bulk_create(
                Indicator(
                    category=category,
                    code=icode,
                    name=label,
                    unit=unit,
                    direction=direction,
                    national_value=value,
                )
                for icode, label, unit, direction, value in indicators
            )
            KeyArea.objects.get_or_create(year=year, category=category)


def generated_enterprise_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM enterprises_enterprise WHERE substr(uscc, 9, 2) = %s", [MARKER]
        )
        return cursor.fetchone()[0]


def generated_standard_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM declarations_standard s JOIN enterprises_enterprise e"
            " ON e.id = s.enterprise_id WHERE substr(e.uscc, 9, 2) = %s",
            [MARKER],
        )
        return cursor.fetchone()[0]


@contextmanager
def without_secondary_indexes(cursor, table: str, out=None):
    """Bulk-load `table` without maintaining its secondary indexes, unique constraints and
    foreign keys row by row: drop them, load, then rebuild each once (validated set-based).
    The definitions are read from the catalogue, so they come back exactly as migrated."""
    # Deferred foreign-key checks still pending in this transaction would block the DDL.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC",
        [table],
    )
    constraints = cursor.fetchall()  # unique first, then foreign keys
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND i.indexrelid NOT IN "
        "(SELECT conindid FROM pg_constraint WHERE conrelid = %s::regclass)",
        [table, table],
    )
    indexes = cursor.fetchall()
    for name, _definition, _kind in reversed(constraints):
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    try:
        yield
    finally:
        started = time.monotonic()
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition, _kind in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("RESET maintenance_work_mem")
        if out is not None:
            out.write(
                f"  {table}: indexes and constraints rebuilt in {time.monotonic() - started:.1f}s"
            )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = national (3.17M)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--replace", action="store_true", help="remove previously generated data first"
    )
    args = parser.parse_args(argv)
    try:
        generate(scale=args.scale, seed=args.seed, replace=args.replace)
    except ScaleDataError as error:
        parser.error(str(error))
    return 0


if __name__ == "__main__":
    sys.exit(main())
