"""An independent generator of import files: categories, enterprises and standards as CSV,
in the columns of CONTRACT.md section 2, for measuring `import_csv standards` on data the
portal's own generator (`bench/scale_data.py`) did not choose.

    python bench/standards_csv.py DIRECTORY --standards 100000 [--seed 7]

writes DIRECTORY/categories.csv, enterprises.csv and standards.csv. It shares no code and no
vocabulary with `bench/scale_data.py`: its own word lists, its own USCC arithmetic (GB
32100-2015, written out here, not `apps.core.uscc`), and its own shape of data:
- enterprises of very uneven size (a few groups with hundreds of standards, most with one
  to five), 1 enterprise per ~6 standards, registered in Beijing's districts;
- standard names of the forms real enterprise standards take (a product, sometimes a model
  series or a qualifier, then what the standard is: 通用技术要求, 能效限定值及能效等级 ...;
  sometimes a part number), with a long-tailed length distribution (4 to ~50 characters,
  median ~13);
- numbers of every kind a standard may carry (Q/ of the enterprise's initials, T/ of an
  association, a few GB/T, DB11/T, QB/T ...); ~3 % abolished; products on about half.
Everything is deterministic for a seed. Nothing here touches the database.
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

# GB 32100-2015: 31 characters (no I, O, S, V, Z); check = (31 - sum(c_i * 3^(i-1)) mod 31) mod 31.
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
DISTRICTS = {
    "110101": "东城区",
    "110102": "西城区",
    "110105": "朝阳区",
    "110106": "丰台区",
    "110108": "海淀区",
    "110112": "通州区",
    "110113": "顺义区",
    "110114": "昌平区",
    "110115": "大兴区",
    "110116": "怀柔区",
}

PLACES = [
    "京华", "燕山", "北辰", "中关", "永定", "长城", "京东", "西山",
    "潮白", "通惠", "亦庄", "望京", "金台", "安贞", "五环",
]  # fmt: skip
TRADE_NAMES = [
    "瑞丰", "恒通", "嘉禾", "天诚", "博远", "星火", "汇智", "鼎新", "宏达", "泰和",
    "明德", "华信", "中科", "睿康", "安泰", "联创", "正元", "德润", "同舟", "远航",
    "精工", "清源", "海纳", "弘毅", "新锐", "卓越", "启明", "凯盛", "佳禾", "智行",
]  # fmt: skip
TRADES = [
    ("电器", "C3851"),
    ("家居用品", "C2110"),
    ("医疗器械", "C3581"),
    ("食品", "C1499"),
    ("新能源科技", "C3841"),
    ("智能装备", "C3490"),
    ("信息技术", "I6510"),
    ("环保设备", "C3591"),
    ("纺织服饰", "C1810"),
    ("汽车零部件", "C3670"),
    ("物业服务", "K7020"),
    ("检测认证", "M7450"),
]
FORMS = ["有限公司", "有限责任公司", "股份有限公司", "科技有限公司", "集团有限公司"]

# (category code, name, sector, kind, products of the category)
CATEGORIES = [
    ("GX-KT", "房间空气调节器", "consumer_goods", "product", ["房间空气调节器", "变频空调器"]),
    ("GX-BX", "家用电冰箱", "consumer_goods", "product", ["家用电冰箱", "冷藏冷冻箱"]),
    ("GX-XYJ", "洗衣机", "consumer_goods", "product", ["波轮洗衣机", "滚筒洗衣干衣机"]),
    ("GX-JSQ", "净水器", "consumer_goods", "product", ["反渗透净水器", "家用饮水机"]),
    ("GX-ZY", "婴幼儿纸尿裤", "consumer_goods", "product", ["婴儿纸尿裤", "成人纸尿裤"]),
    ("GX-NN", "灭菌乳", "consumer_goods", "product", ["灭菌乳", "调制乳", "发酵乳"]),
    ("GX-YL", "医用口罩", "equipment", "product", ["医用外科口罩", "颗粒物防护口罩"]),
    ("GX-DC", "锂离子电池", "emerging", "product", ["锂离子电池组", "储能电池"]),
    ("GX-CDZ", "电动汽车充电桩", "emerging", "product", ["交流充电桩", "直流充电机"]),
    ("GX-JQR", "服务机器人", "emerging", "product", ["扫地机器人", "配送机器人"]),
    ("GX-WY", "物业服务", "services", "service", ["住宅物业服务", "写字楼物业服务"]),
    ("GX-YLFW", "养老服务", "services", "service", ["居家养老服务", "社区日间照料"]),
]
QUALIFIERS = [
    "家用",
    "商用",
    "便携式",
    "智能",
    "低噪声",
    "节能型",
    "一级能效",
    "高效",
    "多功能",
    "户外用",
    "嵌入式",
    "无线",
]
SERIES = ["KFR-35GW", "BCD-520W", "XQG100", "RO-600G", "LFP-280", "AC-7kW", "SR-X3", "N95-9501"]
KINDS = [
    "通用技术要求",
    "技术条件",
    "技术规范",
    "安全要求",
    "能效限定值及能效等级",
    "性能要求及试验方法",
    "测试方法",
    "检验规则",
    "质量分级",
    "服务规范",
    "服务质量评价",
    "绿色产品评价要求",
    "标志、包装、运输和贮存",
    "卫生要求",
    "安装和验收规范",
]
PARTS = ["总则", "术语和定义", "安全", "性能", "试验方法", "标识与说明书", "可靠性"]
LONG_TAILS = [
    "（适用于额定制冷量14000W及以下的产品）",
    "——在线监测与远程运维数据接口",
    "及其在高海拔、低温地区使用的附加要求",
    "用于住宅小区及商业综合体的全过程管理",
]
# Indicators every category has (code, name, unit, direction, low, high, decimals), and
# some of its own; a standard states values for most of its category's indicators.
COMMON_INDICATORS = [
    ("ZL", "质量损失率", "%", "lower", 0, 5, 2),
    ("MYD", "用户满意度", "%", "higher", 60, 100, 1),
]
OWN_INDICATORS = [
    ("NX", "能效比", "W/W", "higher", 2, 7, 2),
    ("ZS", "噪声", "dB(A)", "lower", 30, 70, 1),
    ("DJ", "待机功率", "W", "lower", 0, 3, 3),
    ("SM", "使用寿命", "h", "higher", 5000, 60000, 0),
    ("HL", "有害物质含量", "mg/kg", "lower", 0, 1000, 1),
    ("XL", "效率", "%", "higher", 50, 99, 2),
    ("XY", "响应时间", "min", "lower", 5, 240, 0),
]
ASSOCIATIONS = ["CAS", "CHEAA", "ZZB", "BJAS", "CNTAC", "CSAE", "BSTS"]
INDUSTRY_PREFIXES = ["QB/T", "JB/T", "SJ/T", "YY/T", "FZ/T", "GB/T", "DB11/T"]


def check_char(first17: str) -> str:
    total = 0
    weight = 1
    for char in first17:
        total += CODE_CHARS.index(char) * weight
        weight = weight * 3 % 31
    return CODE_CHARS[(31 - total % 31) % 31]


def make_uscc(rng: random.Random, division: str) -> str:
    # 9 = registered by market regulation, 1 = enterprise; then the division; then a
    # 9-character organisation code (never starting with Y: bench/scale_data.py marks its
    # enterprises with YY, and these must never be taken for them).
    body = rng.choice(CODE_CHARS[:-1]) + "".join(rng.choice(CODE_CHARS) for _ in range(8))
    first17 = "91" + division + body
    return first17 + check_char(first17)


def _initials(trade_name: str, rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPQRSTWXYZ"
    return "".join(rng.choice(letters) for _ in range(len(trade_name) + rng.randint(0, 2)))


def make_name(rng: random.Random, products: list[str], service: bool) -> str:
    """A standard's name, drawn so that lengths have a long tail (4 to ~50 characters)."""
    product = rng.choice(products)
    roll = rng.random()
    if roll < 0.08:  # short: just the product
        return product
    parts = []
    if not service and rng.random() < 0.45:
        parts.append(rng.choice(QUALIFIERS))
    parts.append(product)
    if not service and rng.random() < 0.2:
        parts.append(rng.choice(SERIES) + "系列")
    name = "".join(parts)
    if roll < 0.85:
        name += rng.choice(KINDS)
    elif roll < 0.95:
        name += f" 第{rng.randint(1, 6)}部分：{rng.choice(PARTS)}"
    else:
        name += rng.choice(KINDS) + rng.choice(LONG_TAILS)
    return name


def category_indicators(code: str) -> list[tuple]:
    """The indicators of a category: the common ones and three or four of its own."""
    rng = random.Random(code)
    return COMMON_INDICATORS + rng.sample(OWN_INDICATORS, rng.randint(3, 4))


def _value(rng: random.Random, indicator: tuple) -> str:
    _code, _name, _unit, _direction, low, high, decimals = indicator
    return f"{rng.uniform(low, high):.{decimals}f}"


def generate(directory: Path, standards: int, seed: int = 7, values: bool = False) -> dict:
    """Write the files (with `values`, also indicators and indicator values); returns their
    paths and row counts."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {
        "categories": directory / "categories.csv",
        "enterprises": directory / "enterprises.csv",
        "standards": directory / "standards.csv",
    }
    with paths["categories"].open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["code", "name", "sector", "kind"])
        for code, name, sector, kind, _products in CATEGORIES:
            out.writerow([code, name, sector, kind])
    value_out = None
    if values:
        paths["indicators"] = directory / "indicators.csv"
        paths["indicator_values"] = directory / "indicator_values.csv"
        with paths["indicators"].open("w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(["category_code", "code", "name", "unit", "direction"])
            for code, *_rest in CATEGORIES:
                for indicator in category_indicators(code):
                    out.writerow([code, *indicator[:4]])
        value_handle = paths["indicator_values"].open("w", encoding="utf-8", newline="")
        value_out = csv.writer(value_handle)
        value_out.writerow(["统一社会信用代码", "标准编号", "指标代码", "指标值"])
    value_rows = 0
    value_rng = random.Random(seed + 1)  # its own stream: the standards stay the same

    # Enterprise sizes: Pareto-like, most small, a few large.
    sizes: list[int] = []
    remaining = standards
    while remaining > 0:
        size = min(remaining, max(1, int(rng.paretovariate(1.3))))
        sizes.append(size)
        remaining -= size
    usccs: set[str] = set()
    enterprise_rows = []
    for index in range(len(sizes)):
        division = rng.choice(list(DISTRICTS))
        while (uscc := make_uscc(rng, division)) in usccs:
            pass
        usccs.add(uscc)
        trade, industry = rng.choice(TRADES)
        trade_name = rng.choice(TRADE_NAMES) + (rng.choice(TRADE_NAMES) if index % 3 else "")
        name = f"北京{rng.choice(PLACES)}{trade_name}{trade}{rng.choice(FORMS)}"
        enterprise_rows.append(
            (uscc, name, DISTRICTS[division], industry, f"北京市{DISTRICTS[division]}", trade_name)
        )
    with paths["enterprises"].open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["统一社会信用代码", "企业名称", "所在区", "行业代码", "地址"])
        for uscc, name, district, industry, address, _trade_name in enterprise_rows:
            out.writerow([uscc, name, district, industry, address])

    written = 0
    with paths["standards"].open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            ["uscc", "standard_no", "name", "category_code", "published_on", "status", "products"]
        )
        for (uscc, _name, _d, _i, _a, trade_name), size in zip(enterprise_rows, sizes, strict=True):
            initials = _initials(trade_name, rng)
            for serial in range(1, size + 1):
                code, _cname, _sector, kind, products = rng.choice(CATEGORIES)
                year = rng.randint(2015, 2026)
                roll = rng.random()
                if roll < 0.82:
                    number = f"Q/{initials} {serial:03d}-{year}"
                elif roll < 0.95:
                    number = f"T/{rng.choice(ASSOCIATIONS)} {serial:03d}-{year}"
                else:
                    number = f"{rng.choice(INDUSTRY_PREFIXES)} {serial:05d}-{year}"
                published = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                status = "abolished" if rng.random() < 0.03 else ""
                product_cell = ""
                if rng.random() < 0.5:
                    product_cell = rng.choice(products)
                    if kind == "product":
                        product_cell += " " + rng.choice(SERIES)
                out.writerow(
                    [
                        uscc,
                        number,
                        make_name(rng, products, kind == "service"),
                        code,
                        published,
                        status,
                        product_cell,
                    ]
                )
                written += 1
                if value_out is not None:
                    for indicator in category_indicators(code):
                        if value_rng.random() < 0.9:  # a few indicators left unstated
                            value = _value(value_rng, indicator)
                            value_out.writerow([uscc, number, indicator[0], value])
                            value_rows += 1
    if value_out is not None:
        value_handle.close()
    return {
        "paths": paths,
        "categories": len(CATEGORIES),
        "enterprises": len(enterprise_rows),
        "standards": written,
        "indicator_values": value_rows,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--standards", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--values", action="store_true", help="also indicators and values")
    arguments = parser.parse_args()
    result = generate(arguments.directory, arguments.standards, arguments.seed, arguments.values)
    print({k: v for k, v in result.items() if k != "paths"})
