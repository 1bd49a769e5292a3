# ruff: noqa: E501 - the violation catalogue keeps one violation per line
"""A year of enforcement for `manage.py seed` (performance.md §2.2–2.3), in bulk.

`enforcement_seed(scale=..., seed=..., today=...)` adds, deterministically from the seed:

- an `Officer` (with an active `Certificate` and its issue/activate events) for every seeded
  officer account, plus certificate holders without an account for agencies that would otherwise
  have fewer than two (every penalty case needs two officers, 《行政处罚法》第四十二条);
- an authority list per agency (`ITEMS_PER_AGENCY` items from a per-sector catalogue: six
  penalty items with statutory fine ranges, two coercion items, three inspection items and one
  licensing item — fewer than the ~150 per agency of §2.1, which only the real lists will give);
- parties (citizens with valid resident IDs, organisations with valid credit codes);
- penalty, coercion and inspection cases with a Zipf-like spread over agencies (s = 0.7) and
  working-day dates of the official calendar (seasonal weights), each with its officers and steps
  (general 12, simple 4, inspection 3, coercion 6 when complete);
- legal reviews for ~10 % of general penalty and coercion cases (marked major, reviewed and
  agreeing before the decision, by a reviewer who is not on the case, art. 58);
- a redacted `Disclosure` for every decided penalty and coercion case (the platform discloses
  them all: services/disclosure, rules/supervision `not_disclosed`), published within 7 working
  days (20 for coercion), a late share flagged, with unguessable public tokens (HMAC of the
  secret key);
- `Alert`s for ~5 % of acts with the supervision rules' codes (rules/supervision.py), live
  exactly while the rule's condition holds on the generated facts, so a sweep keeps them:
  decision overdue / near, not disclosed, audio-video record missing, single officer on an
  inspection, payment step overdue, repeated inspections of a party.

The big tables (parties, cases, steps, case officers, disclosures, alerts) are written with
`COPY` on PostgreSQL and `executemany` on SQLite, one transaction per batch of cases; the smaller
ones with `bulk_create`. Running it again over a period that already has cases creates nothing.

Rules honoured by construction (the seeding tests check them): simple procedure only for a
warning or a fine ≤ 200 yuan (citizen) / ≤ 3,000 yuan (organisation), art. 51; decisions within
90 days of filing, art. 60, except the overdue share, which carries an alert; service within 7
working days, art. 61; payment due 15 days after service, art. 67.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import sys
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from tqdm import tqdm

from fazhi.core.calendar import CalendarYearNotSupported, official_calendar
from fazhi.core.identifiers import credit_code_check_char, resident_id_check_char
from fazhi.core.redaction import mask_name, redact
from fazhi.enforcement.models import (
    Alert,
    AuthorityItem,
    Case,
    CaseOfficer,
    Certificate,
    CertificateEvent,
    Disclosure,
    LegalReview,
    Officer,
    Party,
    Step,
)
from fazhi.enforcement.rules.enums import CaseState

SHANGHAI = ZoneInfo("Asia/Shanghai")
BATCH = 5000  # cases per write batch
ITEMS_PER_AGENCY = 12
ZIPF_S = 0.7  # agency case counts ∝ 1 / rank^s (performance.md §2.3)

# Deadlines (《行政处罚法》): decision within 90 days of filing (art. 60); service within 7 days
# (art. 61, counted on working days as the issue states); payment within 15 days (art. 67);
# publication within 7 working days (rulebook §2.1).
DECISION_DAYS = 90
SERVICE_WD = 7
PAYMENT_DAYS = 15
DISCLOSURE_WD = {"penalty": 7, "coercion": 20}
SIMPLE_FINE_LIMIT = {"citizen": Decimal("200"), "organisation": Decimal("3000")}  # art. 51

# Shares of acts that break a rule (together ≈5 % of acts, performance.md §2.2 Alert row); the
# alerts themselves use the supervision rules' codes, messages, bases and indicators
# (fazhi.enforcement.rules.supervision), so a sweep over the seeded data keeps them.
SHARE_GENERAL_OVERDUE = 0.04
SHARE_SIMPLE_UNPAID = 0.04
SHARE_DISCLOSURE_LATE = 0.05
SHARE_AV_MISSING = 0.03
SHARE_COERCION_AV_MISSING = 0.05
SHARE_SINGLE_OFFICER = 0.02
SHARE_LEGAL_REVIEW = 0.10


@dataclass(frozen=True)
class EnforcementScale:
    general: int  # general-procedure penalty cases
    simple: int  # simple-procedure (on-the-spot) penalty cases
    coercion: int
    inspections: int
    steps: bool = True  # write Step rows (7.9M at region scale)
    days: int = 365  # the period the acts spread over, ending today
    citizens: int = 0  # party pool sizes (0: derived from the case counts)
    organisations: int = 0

    @property
    def total(self) -> int:
        return self.general + self.simple + self.coercion + self.inspections


# performance.md §2.2: 315,000 penalty and coercion cases (225k simple = 75 % of the 300k
# penalties, 75k general, 15k coercion) and 2,000,000 inspections per year.
ENFORCEMENT_SCALES = {
    "demo": EnforcementScale(general=14, simple=14, coercion=4, inspections=20, days=150),
    "region": EnforcementScale(general=75_000, simple=225_000, coercion=15_000,
                               inspections=2_000_000),
}


def scale_with(base: EnforcementScale, *, cases: int | None = None,
               inspections: int | None = None, steps: bool | None = None) -> EnforcementScale:
    """`base` with the penalty/coercion total and inspection count overridden (same shares)."""
    general, simple, coercion = base.general, base.simple, base.coercion
    if cases is not None:
        total = base.general + base.simple + base.coercion
        general = round(cases * base.general / total)
        coercion = round(cases * base.coercion / total)
        simple = cases - general - coercion
    return EnforcementScale(
        general=general, simple=simple, coercion=coercion,
        inspections=base.inspections if inspections is None else inspections,
        steps=base.steps if steps is None else steps, days=base.days,
    )


# --- catalogue -----------------------------------------------------------------------------------

# Per sector: (violation key, violation, basis, statutory fine min, max). Invented but in the
# shape of the real lists (the fine ranges are those typical of the cited kind of provision).
_V = tuple[str, str, str, int, int]
CATALOGUE: dict[str, tuple[_V, ...]] = {
    "market": (
        ("food-expired", "经营超过保质期的食品", "《中华人民共和国食品安全法》第一百二十四条", 5000, 100000),
        ("food-label", "经营标签不符合规定的预包装食品", "《中华人民共和国食品安全法》第一百二十五条", 2000, 50000),
        ("price-label", "不明码标价", "《中华人民共和国价格法》第四十二条", 100, 5000),
        ("unlicensed", "未取得营业执照从事经营活动", "《无证无照经营查处办法》第十四条", 100, 10000),
        ("scale-cheat", "使用不合格计量器具", "《中华人民共和国计量法实施细则》第四十三条", 100, 1000),
        ("false-ad", "发布虚假广告", "《中华人民共和国广告法》第五十五条", 20000, 1000000),
    ),
    "comprehensive": (
        ("street-vending", "占道经营", "《城市市容和环境卫生管理条例》第三十六条", 50, 500),
        ("illegal-build", "未取得建设工程规划许可证进行建设", "《中华人民共和国城乡规划法》第六十四条", 5000, 200000),
        ("litter", "随意倾倒、抛撒建筑垃圾", "《城市建筑垃圾管理规定》第二十六条", 50, 3000),
        ("ad-sign", "擅自设置户外广告设施", "《城市市容和环境卫生管理条例》第三十六条", 100, 2000),
        ("noise", "夜间施工噪声扰民", "《中华人民共和国噪声污染防治法》第七十七条", 1000, 100000),
        ("greenbelt", "擅自占用城市绿地", "《城市绿化条例》第二十七条", 200, 2000),
    ),
    "transport": (
        ("overload", "货运车辆超限运输", "《公路安全保护条例》第六十四条", 200, 30000),
        ("no-permit-transport", "未取得道路运输经营许可擅自从事道路运输经营", "《中华人民共和国道路运输条例》第六十三条", 10000, 100000),
        ("coal-cover", "运输煤炭未采取密闭措施", "《中华人民共和国大气污染防治法》第一百一十六条", 2000, 20000),
        ("taxi-refuse", "出租汽车驾驶员拒载", "《巡游出租汽车经营服务管理规定》第五十条", 200, 500),
        ("driver-hours", "驾驶人员疲劳驾驶", "《道路运输从业人员管理规定》第四十七条", 200, 2000),
        ("vehicle-check", "未按规定进行车辆综合性能检测", "《道路运输车辆技术管理规定》第三十一条", 1000, 5000),
    ),
    "ecology": (
        ("dust", "未采取扬尘防治措施", "《中华人民共和国大气污染防治法》第一百一十五条", 10000, 100000),
        ("wastewater", "超标排放水污染物", "《中华人民共和国水污染防治法》第八十三条", 100000, 1000000),
        ("eia", "未依法进行环境影响评价擅自开工建设", "《中华人民共和国环境影响评价法》第三十一条", 50000, 200000),
        ("hazwaste", "未按规定贮存危险废物", "《中华人民共和国固体废物污染环境防治法》第一百一十二条", 100000, 1000000),
        ("monitor", "未按规定安装使用自动监测设备", "《中华人民共和国大气污染防治法》第一百条", 20000, 200000),
        ("boiler", "使用不符合标准的燃煤锅炉", "《中华人民共和国大气污染防治法》第一百零七条", 20000, 200000),
    ),
    "agriculture": (
        ("grazing-ban", "在禁牧区放牧", "《内蒙古自治区基本草原保护条例》第四十五条", 500, 5000),
        ("pesticide", "经营假农药", "《农药管理条例》第五十五条", 5000, 50000),
        ("quarantine", "未经检疫调运动物", "《中华人民共和国动物防疫法》第一百条", 1000, 30000),
        ("seed", "销售假劣种子", "《中华人民共和国种子法》第七十五条", 2000, 50000),
        ("feed", "经营不符合标准的饲料", "《饲料和饲料添加剂管理条例》第四十六条", 2000, 20000),
        ("fishing", "在禁渔期捕捞", "《中华人民共和国渔业法》第三十八条", 500, 50000),
    ),
    "natural_resources": (
        ("illegal-land", "非法占用土地", "《中华人民共和国土地管理法》第七十七条", 10000, 500000),
        ("illegal-mining", "未取得采矿许可证擅自采矿", "《中华人民共和国矿产资源法》第三十九条", 10000, 500000),
        ("survey", "未取得测绘资质从事测绘活动", "《中华人民共和国测绘法》第五十五条", 10000, 200000),
        ("grassland-occupy", "非法占用草原", "《中华人民共和国草原法》第六十五条", 5000, 100000),
        ("over-border", "越界开采矿产资源", "《中华人民共和国矿产资源法》第四十条", 10000, 300000),
        ("land-change", "擅自改变土地用途", "《中华人民共和国土地管理法》第八十一条", 5000, 100000),
    ),
    "public_security": (
        ("disorder", "扰乱单位秩序", "《中华人民共和国治安管理处罚法》第二十三条", 50, 500),
        ("fight", "殴打他人", "《中华人民共和国治安管理处罚法》第四十三条", 200, 500),
        ("gamble", "参与赌博", "《中华人民共和国治安管理处罚法》第七十条", 50, 3000),
        ("hotel-register", "旅馆业不按规定登记住宿旅客信息", "《中华人民共和国治安管理处罚法》第五十六条", 200, 500),
        ("fireworks", "违规燃放烟花爆竹", "《烟花爆竹安全管理条例》第四十二条", 100, 500),
        ("dog", "饲养动物干扰他人正常生活", "《中华人民共和国治安管理处罚法》第七十五条", 200, 500),
    ),
    "culture_tourism": (
        ("tour-guide", "未取得导游证从事导游活动", "《中华人民共和国旅游法》第一百零二条", 1000, 20000),
        ("internet-cafe", "网吧接纳未成年人", "《互联网上网服务营业场所管理条例》第三十一条", 5000, 15000),
        ("performance", "未经批准举办营业性演出", "《营业性演出管理条例》第四十三条", 50000, 200000),
        ("forced-shopping", "旅行社安排购物强迫交易", "《中华人民共和国旅游法》第九十八条", 30000, 300000),
        ("publication", "出售非法出版物", "《出版管理条例》第六十二条", 5000, 50000),
        ("karaoke", "娱乐场所超时营业", "《娱乐场所管理条例》第四十八条", 5000, 20000),
    ),
    "emergency": (
        ("safety-training", "未按规定对从业人员进行安全生产教育培训", "《中华人民共和国安全生产法》第九十七条", 10000, 100000),
        ("hazard", "未采取措施消除事故隐患", "《中华人民共和国安全生产法》第一百零二条", 50000, 200000),
        ("chem-storage", "危险化学品储存不符合规定", "《危险化学品安全管理条例》第八十条", 50000, 100000),
        ("mine-safety", "煤矿未按规定进行瓦斯检查", "《煤矿安全生产条例》第六十七条", 30000, 300000),
        ("plan", "未制定生产安全事故应急救援预案", "《中华人民共和国安全生产法》第九十七条", 10000, 50000),
        ("equipment", "安全设备未经检测使用", "《中华人民共和国安全生产法》第九十九条", 20000, 200000),
    ),
    "forestry_grassland": (
        ("logging", "滥伐林木", "《中华人民共和国森林法》第七十六条", 3000, 50000),
        ("grass-dig", "在草原上滥挖甘草、麻黄草", "《中华人民共和国草原法》第六十七条", 1000, 20000),
        ("wildlife", "非法收购陆生野生动物", "《中华人民共和国野生动物保护法》第五十二条", 5000, 100000),
        ("forest-fire", "在森林防火期内野外用火", "《森林防火条例》第五十条", 200, 3000),
        ("forest-land", "擅自改变林地用途", "《中华人民共和国森林法》第七十三条", 5000, 100000),
        ("seedling", "销售未经检疫的林木种苗", "《植物检疫条例》第十八条", 1000, 10000),
    ),
    "health": (
        ("unlicensed-doctor", "非医师行医", "《中华人民共和国基本医疗卫生与健康促进法》第九十九条", 50000, 200000),
        ("public-place", "公共场所未取得卫生许可证经营", "《公共场所卫生管理条例实施细则》第三十五条", 500, 5000),
        ("drinking-water", "供水单位未取得卫生许可证", "《生活饮用水卫生监督管理办法》第二十六条", 20, 1000),
        ("med-waste", "未按规定处置医疗废物", "《医疗废物管理条例》第四十六条", 5000, 30000),
        ("smoking", "在禁止吸烟场所吸烟", "《公共场所卫生管理条例实施细则》第三十八条", 50, 200),
        ("occupational", "未按规定组织职业健康检查", "《中华人民共和国职业病防治法》第七十一条", 50000, 100000),
    ),
    "housing": (
        ("no-permit-build", "未取得施工许可证擅自施工", "《建筑工程施工许可管理办法》第十二条", 10000, 50000),
        ("quality", "施工单位偷工减料", "《建设工程质量管理条例》第六十四条", 100000, 500000),
        ("property-mgmt", "物业服务企业擅自改变公共部位用途", "《物业管理条例》第六十三条", 20000, 200000),
        ("gas", "燃气经营者未按规定进行安全检查", "《城镇燃气管理条例》第四十七条", 10000, 100000),
        ("presale", "未取得预售许可证销售商品房", "《城市商品房预售管理办法》第十五条", 10000, 30000),
        ("agency", "房地产经纪机构发布虚假房源信息", "《房地产经纪管理办法》第三十七条", 10000, 30000),
    ),
}
GENERIC: tuple[_V, ...] = (
    ("no-licence", "未经许可从事相关活动", "《中华人民共和国行政许可法》第八十一条", 1000, 50000),
    ("records", "未按规定建立管理台账", "相关行政法规", 500, 10000),
    ("obstruct", "拒绝、阻碍监督检查", "相关法律", 2000, 20000),
    ("false-info", "提供虚假材料", "《中华人民共和国行政许可法》第七十八条", 1000, 20000),
    ("report", "未按规定报送有关材料", "相关地方性法规", 200, 5000),
    ("rectify", "逾期不改正违法行为", "相关法律", 1000, 30000),
)
COERCION_ITEMS = (("seal", "查封场所、设施或者财物"), ("seize", "扣押财物"))
INSPECTION_ITEMS = (
    ("random", "“双随机、一公开”抽查"), ("routine", "日常监督检查"), ("special", "专项检查"),
)
LICENSING_ITEMS = (("licence", "行政许可事项审批"),)


def catalogue_for(sector: str) -> tuple[_V, ...]:
    return CATALOGUE.get(sector, GENERIC)


# --- helpers -------------------------------------------------------------------------------------

class WorkingDays:
    """Working days of the official calendar around `today`, with index arithmetic.

    Years the calendar does not know (after the package's last year) fall back to Monday–Friday;
    only dates the seed places in the future can land there.
    """

    def __init__(self, first: date, last: date) -> None:
        cal = official_calendar()
        days: list[int] = []
        day = first
        while day <= last:
            try:
                working = cal.is_working_day(day)
            except CalendarYearNotSupported:
                working = day.weekday() < 5
            if working:
                days.append(day.toordinal())
            day += timedelta(days=1)
        self.ordinals = days

    def on_or_after(self, day: date) -> date:
        i = bisect_left(self.ordinals, day.toordinal())
        return date.fromordinal(self.ordinals[min(i, len(self.ordinals) - 1)])

    def add(self, day: date, n: int) -> date:
        """The n-th working day after `day` (day itself not counted)."""
        i = bisect_left(self.ordinals, day.toordinal())
        if i < len(self.ordinals) and self.ordinals[i] == day.toordinal():
            i += 1
        return date.fromordinal(self.ordinals[min(i + n - 1, len(self.ordinals) - 1)])

    def between(self, first: date, last: date) -> list[date]:
        lo = bisect_left(self.ordinals, first.toordinal())
        hi = bisect_left(self.ordinals, last.toordinal() + 1)
        return [date.fromordinal(o) for o in self.ordinals[lo:hi]]


# Seasonal weight per month (Spring Festival trough, spring grazing-ban and summer tourist peaks).
MONTH_WEIGHT = {1: 0.8, 2: 0.6, 3: 1.0, 4: 1.15, 5: 1.15, 6: 1.1, 7: 1.2, 8: 1.2, 9: 1.0,
                10: 0.9, 11: 0.95, 12: 0.85}
# Hour of day (local) with a morning peak.
HOURS = (8, 9, 10, 11, 13, 14, 15, 16, 17)
HOUR_WEIGHTS = tuple(accumulate((6, 12, 14, 10, 5, 8, 9, 7, 3)))


def public_token(seed: int, number: str) -> str:
    """An unguessable 32-character URL token: HMAC-SHA256 of the case number under the secret
    key (192 bits kept), so the same seed gives the same tokens without their being guessable
    from the data (security.md PII-5)."""
    mac = hmac.new(settings.SECRET_KEY.encode(), f"disclosure:{seed}:{number}".encode(),
                   hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:24]).decode("ascii")


def resident_id(rng: random.Random, division: str, taken: set[str]) -> str:
    while True:
        birth = date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 42))
        first17 = f"{division}{birth:%Y%m%d}{rng.randrange(1000):03d}"
        value = first17 + resident_id_check_char(first17)
        if value not in taken:
            taken.add(value)
            return value


def enterprise_credit_code(division: str, serial: int) -> str:
    """A well-formed GB 32100 code of an enterprise (authority 9, category 1) in `division`;
    the organisation-code body is unique per serial (7919 is coprime to 10^8)."""
    from fazhi.orgs.seeding.codes import org_code_check_char

    body = f"{serial * 7919 % 10**8:08d}"
    first17 = f"91{division}{body}{org_code_check_char(body)}"
    return first17 + credit_code_check_char(first17)


def _column(model: type[models.Model], name: str) -> str:
    return model._meta.get_field(name).column


class Writer:
    """Batched raw inserts: COPY on PostgreSQL, executemany on SQLite. Values must already be in
    database form (`ts()` for datetimes, `js()` for JSON)."""

    def __init__(self) -> None:
        self.pg = connection.vendor == "postgresql"
        self.counts: dict[str, int] = defaultdict(int)

    def ts(self, value: datetime) -> Any:
        if self.pg:
            return value
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")

    @staticmethod
    def js(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    def insert(self, model: type[models.Model], fields: Sequence[str],
               rows: Sequence[Sequence[Any]]) -> None:
        """Insert `rows` (values for `fields`, in that order). Columns of the model not named
        get their field default, so fields other parts add later (with a default) need no
        change here."""
        if not rows:
            return
        given = {model._meta.get_field(f).attname for f in fields}
        extra = [
            f for f in model._meta.concrete_fields
            if f.attname not in given and not (f.primary_key and f.attname == "id")
        ]
        tail = tuple(self._default(f) for f in extra)
        qn = connection.ops.quote_name
        table = qn(model._meta.db_table)
        names = [_column(model, f) for f in fields] + [f.column for f in extra]
        cols = ", ".join(qn(c) for c in names)
        with connection.cursor() as cursor:
            if self.pg:
                raw = cursor.cursor
                with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row((*row, *tail))
            else:
                marks = ", ".join(["%s"] * len(names))
                cursor.executemany(
                    f"INSERT INTO {table} ({cols}) VALUES ({marks})",  # noqa: S608
                    [(*row, *tail) for row in rows] if tail else rows,
                )
        self.counts[model._meta.model_name] += len(rows)

    def _default(self, f: models.Field) -> Any:
        value = f.get_default()
        if isinstance(f, models.JSONField):
            return self.js(value)
        if isinstance(value, datetime):
            return self.ts(value)
        return value

    def reset_sequences(self, models_: Iterable[type[models.Model]]) -> None:
        if not self.pg:
            return
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(models_)):
                cursor.execute(sql)


def _next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1


def _bar(total: int, unit: str, progress: bool) -> tqdm:
    return tqdm(total=total, unit=unit, file=sys.stderr, disable=not progress, leave=False,
                mininterval=1.0)


# --- agencies, officers, authority items ---------------------------------------------------------

@dataclass
class AgencyInfo:
    id: int
    name: str
    division_id: int
    division_code: str
    division_name: str
    sector_id: int | None
    sector: str
    officers: list[tuple[int, int | None]] = field(default_factory=list)  # (officer id, user id)
    reviewers: list[int] = field(default_factory=list)  # user ids that may review
    items: dict[str, list[tuple[int, _V | None]]] = field(default_factory=dict)


def _agencies(agency_ids: Sequence[int] | None) -> list[AgencyInfo]:
    from fazhi.orgs.models import Agency

    qs = Agency.objects.all()
    if agency_ids is not None:
        qs = qs.filter(id__in=agency_ids)
    rows = qs.order_by("id").values_list(
        "id", "name", "government__division_id", "government__division__code",
        "government__division__name", "sector_id", "sector__code",
    )
    return [AgencyInfo(a, n, d, dc, dn, s, sc or "") for a, n, d, dc, dn, s, sc in rows]


def officers_ensure(agencies: list[AgencyInfo], rng: random.Random, today: date,
                    progress: bool) -> dict[str, int]:
    """An Officer + active Certificate for every officer account of the agencies, and enough
    account-less certificate holders that each agency has at least two (art. 42)."""
    from fazhi.accounts.models import RoleAssignment
    from fazhi.orgs.seeding.names import person_name

    by_id = {a.id: a for a in agencies}
    counts = {"officers": 0, "certificates": 0, "certificate_events": 0}
    have_officer = set(Officer.objects.filter(user__isnull=False).values_list("user_id", flat=True))
    accounts = (
        RoleAssignment.objects.filter(role="officer", user__agency_id__in=list(by_id))
        .order_by("user_id").values_list("user_id", "user__full_name", "user__agency_id")
        .distinct()
    )
    taken = set(Officer.objects.values_list("resident_id", flat=True))
    new: list[Officer] = []
    for user_id, full_name, agency_id in accounts:
        if user_id in have_officer:
            continue
        agency = by_id[agency_id]
        new.append(Officer(name=full_name or person_name(rng), agency_id=agency_id,
                           user_id=user_id, resident_id=resident_id(rng, agency.division_code, taken)))
    holders: dict[int, int] = defaultdict(int)
    for agency_id in Officer.objects.filter(agency_id__in=list(by_id), is_auxiliary=False
                                            ).values_list("agency_id", flat=True):
        holders[agency_id] += 1
    for o in new:
        holders[o.agency_id] += 1
    for agency in agencies:
        for _ in range(max(0, 2 - holders[agency.id])):
            new.append(Officer(name=person_name(rng), agency_id=agency.id,
                               resident_id=resident_id(rng, agency.division_code, taken)))
    bar = _bar(len(new), "officer", progress)
    for start in range(0, len(new), 2000):
        chunk = new[start:start + 2000]
        Officer.objects.bulk_create(chunk)
        bar.update(len(chunk))
    bar.close()
    counts["officers"] = len(new)
    # Certificates for officers without one (active, issued 13 months to 5 years ago, 6-year life).
    with_cert = set(Certificate.objects.values_list("officer_id", flat=True))
    serial = Certificate.objects.count()
    certs: list[Certificate] = []
    for officer_id, agency_id in (
        Officer.objects.filter(agency_id__in=list(by_id), is_auxiliary=False)
        .order_by("id").values_list("id", "agency_id")
    ):
        if officer_id in with_cert:
            continue
        agency = by_id[agency_id]
        if agency.sector_id is None:
            continue
        serial += 1
        issued = today - timedelta(days=rng.randrange(400, 365 * 5))  # valid all year
        certs.append(Certificate(
            officer_id=officer_id, number=f"15{agency.division_code[2:4]}{serial:09d}",
            sector_id=agency.sector_id, area=agency.division_name,
            issuing_body="内蒙古自治区人民政府", issued_on=issued,
            expires_on=issued + timedelta(days=365 * 6 + 1),
            last_reviewed_on=issued, state="active",
        ))
    for start in range(0, len(certs), 2000):
        Certificate.objects.bulk_create(certs[start:start + 2000])
    events: list[CertificateEvent] = []
    for cert in certs:
        at = datetime.combine(cert.issued_on, datetime.min.time().replace(hour=10), SHANGHAI)
        events.append(CertificateEvent(certificate_id=cert.pk, event="issue",
                                       from_state="exam_passed", to_state="issued", at=at,
                                       basis="rulebook §8"))
        events.append(CertificateEvent(certificate_id=cert.pk, event="activate",
                                       from_state="issued", to_state="active",
                                       at=at + timedelta(days=1), basis="rulebook §8"))
    CertificateEvent.objects.bulk_create(events, batch_size=2000)
    counts["certificates"] = len(certs)
    counts["certificate_events"] = len(events)
    # Who may act and who may review, per agency (active certificate holders / account holders).
    valid = set(Certificate.objects.filter(state="active", expires_on__gte=today)
                .values_list("officer_id", flat=True))
    for officer_id, agency_id, user_id in (
        Officer.objects.filter(agency_id__in=list(by_id), is_auxiliary=False)
        .order_by("id").values_list("id", "agency_id", "user_id")
    ):
        if officer_id in valid:
            by_id[agency_id].officers.append((officer_id, user_id))
            if user_id is not None:
                by_id[agency_id].reviewers.append(user_id)
    return counts


def authority_items_ensure(agencies: list[AgencyInfo], today: date) -> int:
    """ITEMS_PER_AGENCY published items per agency (kept when present); fills `agency.items`."""
    existing = set(AuthorityItem.objects.filter(agency_id__in=[a.id for a in agencies])
                   .values_list("agency_id", "code"))
    new: list[AuthorityItem] = []
    valid_from = date(today.year - 1, 1, 1)
    published = datetime.combine(valid_from, datetime.min.time(), SHANGHAI)
    for agency in agencies:
        specs: list[tuple[str, str, str, _V | None]] = []
        for v in catalogue_for(agency.sector):
            specs.append((f"CF-{v[0]}", "penalty", v[1], v))
        specs += [(f"QZ-{k}", "coercion", n, None) for k, n in COERCION_ITEMS]
        specs += [(f"JC-{k}", "inspection", n, None) for k, n in INSPECTION_ITEMS]
        specs += [(f"XK-{k}", "licensing", n, None) for k, n in LICENSING_ITEMS]
        for code, act, name, v in specs:
            if (agency.id, code) in existing:
                continue
            new.append(AuthorityItem(
                agency_id=agency.id, code=code, act_type=act,
                name=f"对{v[1]}的行政处罚" if v else name, sector_id=agency.sector_id,
                responsible_post="执法科室", violation_key=f"{agency.sector}:{v[0]}" if v else "",
                penalty_types=["warning", "fine"] if v else [],
                fine_min=Decimal(v[3]) if v else None, fine_max=Decimal(v[4]) if v else None,
                is_published=True, published_at=published, valid_from=valid_from,
            ))
    AuthorityItem.objects.bulk_create(new, batch_size=2000)
    by_id = {a.id: a for a in agencies}
    vmap = {(s, f"CF-{v[0]}"): v for s in [*CATALOGUE, ""] for v in catalogue_for(s)}
    for item_id, agency_id, code, act in (
        AuthorityItem.objects.filter(agency_id__in=list(by_id)).order_by("id")
        .values_list("id", "agency_id", "code", "act_type")
    ):
        agency = by_id[agency_id]
        key = (agency.sector if agency.sector in CATALOGUE else "", code)
        agency.items.setdefault(act, []).append((item_id, vmap.get(key)))
    return len(new)


# --- parties -------------------------------------------------------------------------------------

ORG_WORDS = ("商贸", "餐饮", "建材", "物流", "矿业", "农牧业", "乳业", "肉业", "能源", "化工",
             "旅游", "文化传媒", "汽车服务", "食品", "医药", "建筑工程", "绒毛制品", "信息技术")
ORG_FORMS = ("有限公司", "有限责任公司", "经销部", "个体工商户", "合作社", "股份有限公司")
STREETS = ("新华大街", "中山路", "锡林南路", "乌兰察布路", "钢铁大街", "鄂尔多斯大街", "昭乌达路",
           "建设路", "胜利街", "团结路", "友谊大街", "北京路")


@dataclass
class PartyPool:
    citizens: list[tuple[int, str]]  # (id, name)
    organisations: list[tuple[int, str]]
    info: dict[int, tuple[str, str, str, str]]  # id → (kind, name, id number, phone)


def parties_write(w: Writer, rng: random.Random, agencies: list[AgencyInfo], citizens: int,
                  organisations: int, progress: bool) -> PartyPool:
    from fazhi.orgs.seeding.names import person_name, town_names

    towns = [t for _, t in town_names(random.Random(rng.random()), 60)]  # noqa: S311
    next_id = _next_id(Party)
    taken = set(Party.objects.filter(kind="citizen").values_list("id_number", flat=True))
    serial0 = Party.objects.filter(kind="organisation").count() + 1
    divisions = sorted({(a.division_code, a.division_name) for a in agencies})
    now = w.ts(datetime.now(UTC))
    fields = ("id", "kind", "name", "id_number", "birth_date", "address", "phone",
              "legal_representative", "created_at")
    pool = PartyPool([], [], {})
    bar = _bar(citizens + organisations, "party", progress)
    rows: list[tuple[Any, ...]] = []
    for i in range(citizens + organisations):
        code, dname = rng.choice(divisions)
        address = f"{dname}{rng.choice(towns)}{rng.choice(STREETS)}{rng.randrange(1, 300)}号"
        phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
        pid = next_id + i
        if i < citizens:
            name = person_name(rng)
            number = resident_id(rng, code, taken)
            birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
            rows.append((pid, "citizen", name, number, birth, address, phone, "", now))
            pool.citizens.append((pid, name))
            pool.info[pid] = ("citizen", name, number, phone)
        else:
            serial = serial0 + i - citizens
            place = dname.removesuffix("市").removesuffix("旗").removesuffix("县")[:4]
            name = (f"{place}{rng.choice(towns)[:2]}{rng.choice(ORG_WORDS)}"
                    f"{rng.choice(ORG_FORMS)}")
            number = enterprise_credit_code(code, serial)
            rows.append((pid, "organisation", name, number, None, address, phone,
                         person_name(rng), now))
            pool.organisations.append((pid, name))
            pool.info[pid] = ("organisation", name, number, phone)
        if len(rows) >= 20_000:
            w.insert(Party, fields, rows)
            bar.update(len(rows))
            rows = []
    w.insert(Party, fields, rows)
    bar.update(len(rows))
    bar.close()
    return pool


# --- cases ---------------------------------------------------------------------------------------

@dataclass
class Batch:
    cases: list[tuple[Any, ...]] = field(default_factory=list)
    steps: list[tuple[Any, ...]] = field(default_factory=list)
    officers: list[tuple[Any, ...]] = field(default_factory=list)
    reviews: list[LegalReview] = field(default_factory=list)
    disclosures: list[tuple[Any, ...]] = field(default_factory=list)
    alerts: list[tuple[Any, ...]] = field(default_factory=list)


CASE_FIELDS = (
    "id", "number", "agency", "division", "sector", "act_type", "procedure", "state",
    "authority_item", "party", "title", "source", "facts", "place", "act_started_on",
    "act_ended_on", "discovered_on", "filed_on", "decision_due_on", "decided_on", "served_on",
    "payment_due_on", "closed_on", "penalty_types", "fine_amount", "tier",
    "outside_benchmark_reason", "no_penalty_ground", "is_major", "major_reasons", "created_by",
    "created_at", "updated_at",
)
# Written when the case model has them (fields of the cases part, branch h/cases).
CASE_OPTIONAL = ("decided_at", "service_due_on", "notified_on", "statement_due_on")
STEP_FIELDS = ("case", "code", "state_from", "state_to", "actor", "occurred_at", "place", "note",
               "documents", "due_on", "done_on", "av_required", "av_recorded")
OFFICER_FIELDS = ("case", "officer", "role", "added_at")
DISCLOSURE_FIELDS = (
    "case", "public_token", "agency", "division", "sector", "act_type", "decision_number",
    "party_name", "violation", "facts", "basis", "outcome", "decided_on", "due_on", "state",
    "published_at",
)
DISCLOSURE_OPTIONAL = ("party_kind",)
ALERT_FIELDS = (
    "rule", "subject_key", "agency", "division", "sector", "case", "state", "severity",
    "message", "basis", "indicator_code", "facts", "opened_at", "due_on", "closed_at",
)
ALERT_OPTIONAL = ("resolution",)
SOURCES = ("inspection", "complaint", "report", "referral", "monitoring")
SOURCE_WEIGHTS = tuple(accumulate((50, 20, 15, 10, 5)))
DOCS = {
    "filed": ["filing_approval"], "notified": ["prior_notice"], "decided": ["decision"],
    "served": ["service_receipt"], "on_the_spot": ["on_the_spot_decision"],
}


def _has(model: type[models.Model], names: Sequence[str]) -> tuple[str, ...]:
    have = {f.name for f in model._meta.concrete_fields}
    return tuple(n for n in names if n in have)


def _rules() -> dict[str, Any]:
    """The supervision rules (code → Rule with title, template, basis, indicator, severity)."""
    try:
        from fazhi.enforcement.rules.supervision import RULES_BY_CODE
    except ImportError:  # before the supervision part is merged: the same codes, bare
        from types import SimpleNamespace

        return defaultdict(lambda: SimpleNamespace(template="{number}", basis="", indicator="",
                                                   severity="warning"))
    return RULES_BY_CODE


class SameActKeys:
    """The (party, violation, act dates) of the penalty cases written so far (《行政处罚法》
    第二十九条, the `double_penalty` rule's key). The seed never means to fine one act twice: a
    draw that repeats a key moves the act's start a day earlier until the key is free (its end,
    the day of discovery, stays), so no case meets the rule by accident and every other row
    stays as drawn (no extra random draws). In memory, no queries: one set entry per case."""

    def __init__(self) -> None:
        self.used: set[tuple[int, str, date, date]] = set()

    def act_dates(self, party_id: int | None, violation_key: str, discovered: date
                  ) -> tuple[date, date]:
        """(act_started_on, act_ended_on) for a penalty case, the key reserved."""
        start, end = discovered - timedelta(days=1), discovered
        if party_id is None or not violation_key:
            return start, end
        while (party_id, violation_key, start, end) in self.used:
            start -= timedelta(days=1)
        self.used.add((party_id, violation_key, start, end))
        return start, end


class CaseMaker:
    """Builds the rows of one case at a time into a `Batch` (pure Python, no queries)."""

    def __init__(self, *, w: Writer, rng: random.Random, seed: int, today: date,
                 wd: WorkingDays, pool: PartyPool, steps: bool) -> None:
        self.w, self.rng, self.seed, self.today, self.wd = w, rng, seed, today, wd
        self.pool, self.with_steps = pool, steps
        self.counts: dict[str, int] = defaultdict(int)
        self.serial: dict[tuple[int, str], int] = defaultdict(int)
        self.rules = _rules()
        self.case_optional = _has(Case, CASE_OPTIONAL)
        self.disclosure_optional = _has(Disclosure, DISCLOSURE_OPTIONAL)
        self.alert_optional = _has(Alert, ALERT_OPTIONAL)
        # Inspections per party inside the repeated-inspection window (party → [(case, agency)]).
        self.window_start = today - timedelta(days=29)
        self.inspected: dict[int, list[tuple[int, AgencyInfo]]] = defaultdict(list)
        self.same_act = SameActKeys()
        self.violation_keys: dict[int, str] = {}  # penalty item id → its violation key

    def violation_key(self, agency: AgencyInfo, item_id: int | None) -> str:
        """The item's `violation_key` as `authority_items_ensure` writes it."""
        if item_id is None:
            return ""
        if item_id not in self.violation_keys:
            for i, v in agency.items.get("penalty", []):
                self.violation_keys[i] = f"{agency.sector}:{v[0]}" if v else ""
        return self.violation_keys.get(item_id, "")

    # small helpers
    def at(self, day: date, hour: int | None = None) -> datetime:
        rng = self.rng
        if hour is None:
            hour = rng.choices(HOURS, cum_weights=HOUR_WEIGHTS)[0]
        return datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60),
                        tzinfo=SHANGHAI)

    def step(self, b: Batch, case_id: int, code: str, frm: str, to: str, actor: int | None,
             when: datetime, place: str, *, docs: Sequence[str] = (), due: date | None = None,
             av_required: bool = False, av_recorded: bool = False, note: str = "",
             done: bool = True) -> None:
        self.counts["steps"] += 1
        if not self.with_steps:
            return
        b.steps.append((case_id, code, frm, to, actor, self.w.ts(when), place, note,
                        self.w.js(list(docs)), due, when.date() if done else None, av_required,
                        av_recorded))

    def alert(self, b: Batch, agency: AgencyInfo, case_id: int, rule: str, opened: datetime, *,
              subject: str = "", resolved: datetime | None = None, **detail: Any) -> None:
        """An alert as the sweep raises it: live (open, or being rectified) while the rule's
        condition holds; closed when it ended (`resolved`)."""
        r = self.rules[rule]
        live = resolved is None or resolved.date() > self.today
        state = ("rectifying" if self.rng.random() < 0.3 else "open") if live else "closed"
        message = r.template.format(**detail)
        row = (
            rule, subject or f"case:{case_id}", agency.id, agency.division_id, agency.sector_id,
            case_id, state, r.severity, message[:300], r.basis, r.indicator,
            self.w.js({"number": detail.get("number", "")}), self.w.ts(opened),
            (opened + timedelta(days=15)).date(), None if live else self.w.ts(resolved),
        )
        extra = {"resolution": "" if live else "条件已消除，系统自动关闭。"}
        b.alerts.append((*row, *(extra[n] for n in self.alert_optional)))

    def officers_for(self, agency: AgencyInfo, n: int, lead: tuple[int, int | None] | None
                     ) -> list[tuple[int, int | None]]:
        pool = agency.officers
        chosen = self.rng.sample(pool, min(n, len(pool)))
        if lead is not None and lead in pool:
            chosen = [lead, *[o for o in chosen if o != lead]][:n]
        return chosen

    def number(self, agency: AgencyInfo, kind: str, year: int) -> str:
        self.serial[(agency.id, kind)] += 1
        return f"{kind}{year}-{agency.division_code}-{agency.id:05d}-{self.serial[(agency.id, kind)]:06d}"

    def party(self, kind: str, *, skew: float = 1.6) -> tuple[int, str, str, str, str]:
        pool = self.pool.citizens if kind == "citizen" else self.pool.organisations
        # Repeat parties are common among penalties (skewed reuse of the start of the pool);
        # inspections draw evenly (skew 1), so repeated inspections stay a small share.
        idx = int(len(pool) * self.rng.random() ** skew)
        pid, name = pool[min(idx, len(pool) - 1)]
        _, _, number, phone = self.pool.info[pid]
        return pid, kind, name, number, phone

    def item(self, agency: AgencyInfo, act: str) -> tuple[int | None, _V | None]:
        items = agency.items.get(act) or [(None, None)]
        return self.rng.choice(items)

    def place(self, agency: AgencyInfo) -> str:
        return f"{agency.division_name}{self.rng.choice(STREETS)}{self.rng.randrange(1, 300)}号"

    def case_row(self, *, cid: int, number: str, agency: AgencyInfo, act: str, procedure: str,
                 state: str, item_id: int | None, party_id: int | None, title: str, facts: str,
                 place: str, filed: date, created: datetime, creator: int | None,
                 due: date | None = None, decided: date | None = None,
                 served: date | None = None, payment_due: date | None = None,
                 closed: date | None = None, penalty_types: Sequence[str] = (),
                 fine: Decimal | None = None, tier: str = "", major: bool = False,
                 decided_at: datetime | None = None, notified: date | None = None,
                 statement_due: date | None = None, discovered: date | None = None) -> tuple:
        rng = self.rng
        source = rng.choices(SOURCES, cum_weights=SOURCE_WEIGHTS)[0]
        if discovered is None:
            discovered = filed - timedelta(days=rng.randrange(0, 8))
        updated = closed or served or decided or filed
        act_start, act_end = discovered - timedelta(days=1), discovered
        if act == "penalty":
            act_start, act_end = self.same_act.act_dates(
                party_id, self.violation_key(agency, item_id), discovered
            )
        optional = {
            "decided_at": self.w.ts(decided_at) if decided_at else None,
            "service_due_on": self.wd.add(decided, SERVICE_WD) if decided else None,
            "notified_on": notified, "statement_due_on": statement_due,
        }
        return (
            cid, number, agency.id, agency.division_id, agency.sector_id, act, procedure, state,
            item_id, party_id, title, source, facts, place, act_start,
            act_end, discovered, filed, due, decided, served, payment_due, closed,
            self.w.js(list(penalty_types)), str(fine) if fine is not None else None, tier, "", "",
            major, self.w.js(["amount"] if major else []), creator, self.w.ts(created),
            self.w.ts(self.at(min(updated, self.today))),
            *(optional[n] for n in self.case_optional),
        )

    def disclose(self, b: Batch, *, cid: int, agency: AgencyInfo, act: str, number: str,
                 kind: str, pname: str, violation: str, facts: str, basis: str, outcome: str,
                 decided: date) -> None:
        """Publish within 7 working days (20 for coercion; rulebook §2.1, art. 48), a late
        share after the deadline; `not_disclosed` flags the late ones until they appear."""
        rng, wd, today = self.rng, self.wd, self.today
        limit = DISCLOSURE_WD[act]
        pub_due = wd.add(decided, limit)
        late = rng.random() < SHARE_DISCLOSURE_LATE
        published = wd.add(decided, rng.randrange(limit + 1, limit + 9) if late
                           else rng.randrange(1, limit))
        if published <= today:
            citizen = kind == "citizen"
            row = (
                cid, public_token(self.seed, number), agency.id, agency.division_id,
                agency.sector_id, act, number + "-J", mask_name(pname) if citizen else pname,
                violation, redact(facts, names=[pname] if citizen else []), basis, outcome,
                decided, pub_due, "published", self.w.ts(self.at(published)),
            )
            b.disclosures.append((*row, *({"party_kind": kind}[n]
                                          for n in self.disclosure_optional)))
            self.counts["disclosures"] += 1
        if published > pub_due and pub_due < today:
            self.alert(b, agency, cid, "not_disclosed", self.at(pub_due + timedelta(days=1), 2),
                       resolved=self.at(published), number=number, due=pub_due.isoformat())

    def acting(self, b: Batch, cid: int, officers: list[tuple[int, int | None]],
               when: datetime) -> None:
        for i, (oid, _uid) in enumerate(officers):
            b.officers.append((cid, oid, "lead" if i == 0 else "investigator", self.w.ts(when)))

    # --- the four shapes ---
    def general(self, b: Batch, cid: int, agency: AgencyInfo, filed: date,
                lead: tuple[int, int | None] | None = None) -> None:
        """General procedure (arts. 54–65): 12 steps when complete; decided within 90 days of
        filing except the overdue share (`decision_overdue` while undecided, art. 60)."""
        rng, wd, today = self.rng, self.wd, self.today
        officers = self.officers_for(agency, 2 if rng.random() < 0.8 else 3, lead)
        actor = officers[0][1]
        kind = "organisation" if rng.random() < 0.7 else "citizen"
        party_id, _, pname, pnumber, phone = self.party(kind)
        item_id, v = self.item(agency, "penalty")
        v = v or GENERIC[0]
        lo, hi = v[3], v[4]
        tier = rng.choices(("lighter", "ordinary", "heavier"), cum_weights=(30, 85, 100))[0]
        frac = {"lighter": (0.0, 0.3), "ordinary": (0.3, 0.7), "heavier": (0.7, 1.0)}[tier]
        fine = Decimal(round(lo + (hi - lo) * rng.uniform(*frac), -1 if hi < 10000 else -2))
        fine = max(Decimal(lo), min(Decimal(hi), fine))
        types = ["fine"] if rng.random() < 0.85 else ["fine", "confiscate_gains"]
        due = filed + timedelta(days=DECISION_DAYS)
        overdue = rng.random() < SHARE_GENERAL_OVERDUE
        span = rng.randrange(DECISION_DAYS + 3, DECISION_DAYS + 60) if overdue else int(
            min(DECISION_DAYS - 2, max(20, rng.lognormvariate(3.4, 0.45))))
        decided = wd.on_or_after(filed + timedelta(days=span))
        if not overdue and decided > due:  # a holiday pushed it over: decide the day before
            decided = due - timedelta(days=1)
        investigated = filed + timedelta(days=max(3, int(span * rng.uniform(0.45, 0.7))))
        notified = wd.add(investigated, rng.randrange(1, 4))
        statement = wd.add(notified, 3)  # 3 days to state and defend (art. 45 [PRAC] window)
        if statement >= decided:
            notified, statement = wd.add(filed, 2), wd.add(filed, 4)
            investigated = min(investigated, notified - timedelta(days=1))
        served = wd.add(decided, rng.randrange(0, SERVICE_WD)) if rng.random() < 0.9 else decided
        payment_due = served + timedelta(days=PAYMENT_DAYS)
        paid = served + timedelta(days=rng.randrange(1, PAYMENT_DAYS))
        closed = wd.on_or_after(paid + timedelta(days=rng.randrange(1, 10)))
        review = rng.random() < SHARE_LEGAL_REVIEW and len(agency.reviewers) > len(officers)
        milestones = [
            (filed, CaseState.FILED), (filed + timedelta(days=1), CaseState.INVESTIGATING),
            (investigated, CaseState.INVESTIGATED),
            (wd.add(investigated, 1), CaseState.LEGAL_REVIEW if review else CaseState.INVESTIGATED),
            (notified, CaseState.NOTIFIED), (statement, CaseState.STATEMENT),
            (decided, CaseState.DECIDED), (served, CaseState.SERVED),
            (paid, CaseState.EXECUTING), (closed, CaseState.CLOSED),
        ]
        state = CaseState.FILED
        for day, st in milestones:
            if day <= today:
                state = st
        done = {st for day, st in milestones if day <= today}
        is_decided = CaseState.DECIDED in done
        place = self.place(agency)
        number = self.number(agency, "CF", filed.year)
        facts = (f"{filed:%Y年%m月%d日}，本机关执法人员在{place}检查时发现，当事人{pname}"
                 f"（{'统一社会信用代码' if kind == 'organisation' else '身份证号'}{pnumber}，"
                 f"联系电话{phone}）{v[1]}，违反了{v[2]}的规定。")
        created = self.at(filed)
        decided_at = self.at(decided, 16) if is_decided else None
        b.cases.append(self.case_row(
            cid=cid, number=number, agency=agency, act="penalty", procedure="general",
            state=state.value, item_id=item_id, party_id=party_id, title=f"{pname}{v[1]}案",
            facts=facts, place=place, filed=filed, created=created, creator=actor, due=due,
            decided=decided if is_decided else None,
            served=served if CaseState.SERVED in done else None,
            payment_due=payment_due if CaseState.SERVED in done else None,
            closed=closed if state == CaseState.CLOSED else None,
            penalty_types=types if is_decided else (), fine=fine if is_decided else None,
            tier=tier if is_decided else "", major=review, decided_at=decided_at,
            notified=notified if notified <= today else None,
            statement_due=statement if notified <= today else None,
        ))
        self.counts["general"] += 1
        self.acting(b, cid, officers, created)
        # 12 steps when complete: clue, filing, investigation, investigation closed, legal
        # review or approval, prior notice, statement, decision, service, execution, payment,
        # closing.
        seq: list[tuple[date, str, str, str, list[str], date | None]] = [
            (filed, "clue", "", "clue", [], None),
            (filed, "filed", "clue", "filed", DOCS["filed"], None),
            (filed + timedelta(days=1), "investigating", "filed", "investigating", [], None),
            (investigated, "investigated", "investigating", "investigated", [], None),
            (wd.add(investigated, 1), "legal_review" if review else "approval", "investigated",
             "legal_review" if review else "investigated", [], None),
            (notified, "notified", "investigated", "notified", DOCS["notified"], None),
            (statement, "statement", "notified", "statement", [], None),
            (decided, "decided", "statement", "decided", DOCS["decided"], due),
            (served, "served", "decided", "served", DOCS["served"], wd.add(decided, SERVICE_WD)),
            (paid, "executing", "served", "executing", [], None),
            (paid, "payment", "executing", "executing", [], payment_due),
            (closed, "closed", "executing", "closed", [], None),
        ]
        for day, code, frm, to, docs, sdue in seq:
            if day > today:
                break
            when = decided_at if code == "decided" and decided_at else self.at(day)
            self.step(b, cid, code, frm, to, actor, when, place, docs=docs, due=sdue)
        if review:
            reviewer = rng.choice([u for u in agency.reviewers
                                   if u not in {o[1] for o in officers}])
            submitted = self.at(wd.add(investigated, 1), 9)
            reviewed = submitted + timedelta(hours=rng.randrange(2, 7))
            if submitted.date() <= today:
                done_review = reviewed.date() <= today
                b.reviews.append(LegalReview(
                    case_id=cid, reviewer_id=reviewer, submitted_at=submitted,
                    reviewed_at=reviewed if done_review else None,
                    result="agree" if done_review else "",
                    opinion="事实清楚，证据确凿，适用依据正确，程序合法，裁量适当。" if done_review else "",
                ))
                self.counts["reviews"] += 1
        # Deadline (art. 60): near when ≤ 10 days are left, overdue from the day after.
        if not is_decided and 0 <= (due - today).days <= 10:
            self.alert(b, agency, cid, "decision_deadline_near",
                       self.at(due - timedelta(days=10), 2), number=number,
                       due=due.isoformat(), days=(due - today).days)
        if due < today and (not is_decided or decided > due):
            self.alert(b, agency, cid, "decision_overdue", self.at(due + timedelta(days=1), 2),
                       resolved=decided_at if is_decided else None, number=number,
                       due=due.isoformat(), days=((decided if is_decided else today) - due).days)
        if is_decided:
            outcome = f"罚款人民币{fine:,.0f}元" + ("，没收违法所得" if len(types) > 1 else "")
            self.disclose(b, cid=cid, agency=agency, act="penalty", number=number, kind=kind,
                          pname=pname, violation=v[1], facts=facts, basis=v[2], outcome=outcome,
                          decided=decided)

    def simple(self, b: Batch, cid: int, agency: AgencyInfo, day: date,
               lead: tuple[int, int | None] | None = None) -> None:
        """Simple procedure (arts. 51–52): a warning, or a fine ≤ 200 yuan (citizen) / ≤ 3,000
        yuan (organisation), decided on the spot; 4 steps; payment due 15 days after (art. 67),
        an unpaid share left as an overdue payment step (`step_overdue`)."""
        rng, today = self.rng, self.today
        officers = self.officers_for(agency, 2, lead)
        actor = officers[0][1]
        kind = "citizen" if rng.random() < 0.6 else "organisation"
        party_id, _, pname, _, _ = self.party(kind)
        limit = SIMPLE_FINE_LIMIT[kind]
        # Only items whose statutory minimum fits under the art. 51 limit can be fined on the spot.
        fits = [(i, x) for i, x in agency.items.get("penalty", []) if x and x[3] <= limit]
        item_id, v = rng.choice(fits) if fits else self.item(agency, "penalty")
        v = v or GENERIC[0]
        if not fits or rng.random() < 0.3:
            types, fine = ["warning"], None
        else:
            top = int(min(limit, Decimal(v[4])))
            fine = Decimal(max(v[3], min(top, round(rng.uniform(v[3], top), -1))))
            types = ["fine"]
        when = self.at(day)
        payment_due = day + timedelta(days=PAYMENT_DAYS) if fine is not None else None
        unpaid = fine is not None and rng.random() < SHARE_SIMPLE_UNPAID
        paid = None if unpaid or fine is None else day + timedelta(days=rng.randrange(0, PAYMENT_DAYS))
        if fine is None:
            closed = day
        elif paid is not None and paid <= today:
            closed = paid
        else:
            closed = None
        state = CaseState.CLOSED if closed else CaseState.EXECUTING
        place = self.place(agency)
        number = self.number(agency, "JY", day.year)
        facts = f"当事人{pname}{v[1]}，事实清楚，当场作出处罚决定。"
        b.cases.append(self.case_row(
            cid=cid, number=number, agency=agency, act="penalty", procedure="simple",
            state=state.value, item_id=item_id, party_id=party_id, title=f"{pname}{v[1]}",
            facts=facts, place=place, filed=day, created=when, creator=actor, decided=day,
            served=day, payment_due=payment_due, closed=closed, penalty_types=types, fine=fine,
            tier="ordinary", decided_at=when + timedelta(minutes=20), discovered=day,
        ))
        self.counts["simple"] += 1
        self.acting(b, cid, officers, when)
        self.step(b, cid, "investigating", "clue", "investigating", actor, when, place)
        self.step(b, cid, "decided", "investigating", "decided", actor, when + timedelta(minutes=20),
                  place, docs=DOCS["on_the_spot"])
        self.step(b, cid, "served", "decided", "served", actor, when + timedelta(minutes=25),
                  place, docs=DOCS["served"])
        if fine is None:
            self.step(b, cid, "closed", "served", "closed", actor, when + timedelta(minutes=30),
                      place)
        else:  # payment (art. 67): done when paid, else pending past its due day
            self.step(b, cid, "payment", "served", "closed" if closed else "executing", actor,
                      self.at(closed) if closed else when + timedelta(minutes=30), place,
                      due=payment_due, done=closed is not None)
            if closed is None and payment_due is not None and payment_due < today:
                self.alert(b, agency, cid, "step_overdue",
                           self.at(payment_due + timedelta(days=1), 2), number=number,
                           steps="payment")
        outcome = "警告" if fine is None else f"罚款人民币{fine:,.0f}元"
        self.disclose(b, cid=cid, agency=agency, act="penalty", number=number, kind=kind,
                      pname=pname, violation=v[1], facts=facts, basis=v[2], outcome=outcome,
                      decided=day)

    def coercion(self, b: Batch, cid: int, agency: AgencyInfo, day: date,
                 lead: tuple[int, int | None] | None = None) -> None:
        """Coercive measure (sealing/seizure, 行政强制法 arts. 18, 24–25): 6 steps; the
        implementation needs a whole-process audio-video record (rulebook §2.2)."""
        rng, wd, today = self.rng, self.wd, self.today
        officers = self.officers_for(agency, 2, lead)
        actor = officers[0][1]
        party_id, _, pname, _, _ = self.party("organisation")
        item_id, _ = self.item(agency, "coercion")
        measure = rng.choice(COERCION_ITEMS)[1]
        review = rng.random() < SHARE_LEGAL_REVIEW and len(agency.reviewers) > len(officers)
        av_missing = rng.random() < SHARE_COERCION_AV_MISSING
        decided = wd.add(day, rng.randrange(1, 3))
        served = decided
        closed = decided + timedelta(days=rng.randrange(5, 30))  # 30-day limit (art. 25)
        place = self.place(agency)
        number = self.number(agency, "QZ", day.year)
        seq = [
            (day, "filed", "clue", "filed", DOCS["filed"]),
            (day, "investigating", "filed", "investigating", []),
            (decided, "notified", "investigating", "notified", []),
            (decided, "decided", "notified", "decided", ["coercion_decision"]),
            (served, "served", "decided", "served", DOCS["served"]),
            (closed, "closed", "served", "closed", ["release_decision"]),
        ]
        state = "filed"
        for d, _code, _frm, to, _docs in seq:
            if d <= today:
                state = to
        when = self.at(day)
        is_decided = decided <= today
        decided_at = self.at(decided, 15) if is_decided else None
        facts = f"为制止违法行为、防止证据损毁，依法对{pname}{measure}。"
        b.cases.append(self.case_row(
            cid=cid, number=number, agency=agency, act="coercion", procedure="general",
            state=state, item_id=item_id, party_id=party_id, title=f"对{pname}{measure}",
            facts=facts, place=place, filed=day, created=when, creator=actor,
            decided=decided if is_decided else None,
            served=served if served <= today else None,
            closed=closed if closed <= today else None, major=review, decided_at=decided_at,
        ))
        self.counts["coercion"] += 1
        self.acting(b, cid, officers, when)
        for d, code, frm, to, docs in seq:
            if d > today:
                break
            self.step(b, cid, code, frm, to, actor,
                      decided_at if code == "decided" and decided_at else self.at(d), place,
                      docs=docs, av_required=code == "decided",
                      av_recorded=code == "decided" and not av_missing)
        if review:
            reviewer = rng.choice([u for u in agency.reviewers
                                   if u not in {o[1] for o in officers}])
            b.reviews.append(LegalReview(
                case_id=cid, reviewer_id=reviewer, submitted_at=when,
                reviewed_at=when + timedelta(hours=2), result="agree",
                opinion="强制措施有法定依据，程序合法。",
            ))
            self.counts["reviews"] += 1
        if av_missing and is_decided:
            self.alert(b, agency, cid, "av_missing", decided_at, number=number, steps="decided")
        if is_decided:
            self.disclose(b, cid=cid, agency=agency, act="coercion", number=number,
                          kind="organisation", pname=pname, violation=measure, facts=facts,
                          basis="《中华人民共和国行政强制法》第二十二条", outcome=measure,
                          decided=decided)

    def inspection(self, b: Batch, cid: int, agency: AgencyInfo, day: date,
                   lead: tuple[int, int | None] | None = None) -> None:
        """An inspection: 3 steps (task, on-site inspection with audio-video record, result);
        two officers, except a flagged share with one (`single_officer` while it is open)."""
        rng, today = self.rng, self.today
        single = rng.random() < SHARE_SINGLE_OFFICER
        officers = self.officers_for(agency, 1 if single else 2, lead)
        actor = officers[0][1]
        party_id, _, pname, _, _ = self.party("organisation", skew=1.0)
        item_id, _ = self.item(agency, "inspection")
        av_missing = rng.random() < SHARE_AV_MISSING
        when = self.at(day)
        finished = day if rng.random() < 0.9 else day + timedelta(days=rng.randrange(1, 5))
        state = "closed" if finished <= today else "investigating"
        place = self.place(agency)
        number = self.number(agency, "JC", day.year)
        b.cases.append(self.case_row(
            cid=cid, number=number, agency=agency, act="inspection", procedure="general",
            state=state, item_id=item_id, party_id=party_id, title=f"对{pname}的监督检查",
            facts="", place=place, filed=day, created=when, creator=actor,
            closed=finished if state == "closed" else None, discovered=day,
        ))
        self.counts["inspections"] += 1
        if day >= self.window_start:
            self.inspected[party_id].append((cid, agency))
        self.acting(b, cid, officers, when)
        closed_at = self.at(finished) if finished > day else when + timedelta(hours=1)
        self.step(b, cid, "filed", "clue", "filed", actor, when - timedelta(hours=1), place,
                  docs=["inspection_task"])
        self.step(b, cid, "investigating", "filed", "investigating", actor, when, place,
                  docs=["inspection_record"], av_required=True, av_recorded=not av_missing)
        if state == "closed":
            self.step(b, cid, "closed", "investigating", "closed", actor, closed_at, place)
        if single:
            self.alert(b, agency, cid, "single_officer", when + timedelta(minutes=5),
                       resolved=closed_at if state == "closed" else None, number=number,
                       count=1)
        if av_missing:
            self.alert(b, agency, cid, "av_missing", when + timedelta(hours=2), number=number,
                       steps="investigating")

    def repeated_inspections(self, b: Batch, limit: int = 2) -> None:
        """Parties inspected more than `limit` times in the 30 days ending today (any agency):
        one live alert per party on its latest inspection (the sweep's `repeated_inspection`)."""
        for party_id, seen in self.inspected.items():
            if len(seen) > limit:
                cid, agency = max(seen, key=lambda s: s[0])
                self.alert(b, agency, cid, "repeated_inspection",
                           self.at(self.today, 2), subject=f"party:{party_id}",
                           count=len(seen), days=30)


def _flush(w: Writer, maker: CaseMaker, b: Batch) -> None:
    w.insert(Case, (*CASE_FIELDS, *maker.case_optional), b.cases)
    w.insert(CaseOfficer, OFFICER_FIELDS, b.officers)
    w.insert(Step, STEP_FIELDS, b.steps)
    LegalReview.objects.bulk_create(b.reviews)
    w.counts["legalreview"] += len(b.reviews)
    w.insert(Disclosure, (*DISCLOSURE_FIELDS, *maker.disclosure_optional), b.disclosures)
    w.insert(Alert, (*ALERT_FIELDS, *maker.alert_optional), b.alerts)


def _zipf_weights(agencies: list[AgencyInfo], rng: random.Random) -> list[float]:
    """Zipf-like case weights (1/rank^s) over agencies ranked by their officers with noise, so
    big bureaus do most work and a long tail does a handful of cases a year."""
    order = sorted(agencies, key=lambda a: -len(a.officers) * rng.uniform(0.5, 1.5))
    rank = {a.id: i + 1 for i, a in enumerate(order)}
    return [1.0 / rank[a.id] ** ZIPF_S for a in agencies]


def enforcement_seed(*, scale: EnforcementScale, seed: int, today: date, progress: bool = False,
                     agency_ids: Sequence[int] | None = None, focus_username: str = ""
                     ) -> dict[str, int]:
    """Write a period of enforcement ending `today`; returns the rows created per table.

    Writes in one transaction per batch (savepoints when called inside one). `agency_ids` limits the agencies (default: all);
    `focus_username` makes that officer the lead of about half of the cases (the demo officer,
    so `make run` shows their cases).
    """
    rng = random.Random(f"enforcement:{seed}")  # noqa: S311 - reproducible fake data
    agencies = _agencies(agency_ids)
    counts: dict[str, int] = {}
    if not agencies or scale.total == 0:
        return counts
    with transaction.atomic():
        counts.update(officers_ensure(agencies, rng, today, progress))
        counts["authority_items"] = authority_items_ensure(agencies, today)
    agencies = [a for a in agencies if len(a.officers) >= 2]
    period_start = today - timedelta(days=scale.days - 1)
    if not agencies or Case.objects.filter(agency_id__in=[a.id for a in agencies],
                                           filed_on__gte=period_start).exists():
        return counts  # this period was seeded already: a second run creates no cases
    w = Writer()
    citizens = scale.citizens or max(20, (scale.simple + scale.general) // 2)
    organisations = scale.organisations or max(20, scale.total // 4)
    with transaction.atomic():
        pool = parties_write(w, rng, agencies, citizens, organisations, progress)
    wd = WorkingDays(period_start - timedelta(days=60), today + timedelta(days=400))
    days = wd.between(period_start, today)
    day_weights = list(accumulate(MONTH_WEIGHT[d.month] for d in days))
    weights = list(accumulate(_zipf_weights(agencies, rng)))
    maker = CaseMaker(w=w, rng=rng, seed=seed, today=today, wd=wd, pool=pool, steps=scale.steps)
    focus: tuple[AgencyInfo, tuple[int, int | None]] | None = None
    if focus_username:
        from fazhi.accounts.models import User

        user = User.objects.filter(username=focus_username).first()
        for a in agencies:
            for o in a.officers:
                if user is not None and o[1] == user.pk:
                    focus = (a, o)
    kinds = (["general"] * scale.general + ["simple"] * scale.simple
             + ["coercion"] * scale.coercion + ["inspection"] * scale.inspections)
    rng.shuffle(kinds)
    next_id = _next_id(Case)
    bar = _bar(len(kinds), "case", progress)
    for start in range(0, len(kinds), BATCH):
        batch = Batch()
        chunk = kinds[start:start + BATCH]
        chosen = rng.choices(agencies, cum_weights=weights, k=len(chunk))
        dates = rng.choices(days, cum_weights=day_weights, k=len(chunk))
        for i, (kind, agency, day) in enumerate(zip(chunk, chosen, dates, strict=True)):
            lead = None
            if focus is not None and rng.random() < 0.5:
                agency, lead = focus
            getattr(maker, kind)(batch, next_id + start + i, agency, day, lead)
        with transaction.atomic():  # one commit per batch (a savepoint inside a caller's one)
            _flush(w, maker, batch)
        bar.update(len(chunk))
    bar.close()
    batch = Batch()
    maker.repeated_inspections(batch)
    with transaction.atomic():
        _flush(w, maker, batch)
    w.reset_sequences([Party, Case])
    counts.update({
        "parties": w.counts["party"], "cases": w.counts["case"],
        "penalty_general": maker.counts["general"], "penalty_simple": maker.counts["simple"],
        "coercion": maker.counts["coercion"], "inspections": maker.counts["inspections"],
        "steps": w.counts["step"], "case_officers": w.counts["caseofficer"],
        "legal_reviews": w.counts["legalreview"], "disclosures": w.counts["disclosure"],
        "alerts": w.counts["alert"],
    })
    return counts
