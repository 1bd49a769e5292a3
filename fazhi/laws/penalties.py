"""Recognise provisions that set an administrative penalty and extract structured facts from them.

Pure functions, no Django: the importer stores `PenaltyFacts.to_dict()` with the provision, the
provision page shows it, and `draft_authority_item` / `draft_benchmark` turn one provision into an
authority-list item (权力清单事项) and a discretion benchmark (裁量基准) draft in one step.

What counts as an administrative penalty (行政处罚法 art. 2, art. 9): a sanction that an
administrative organ imposes on a citizen, legal person or other organisation for breaching
administrative order. Therefore, by decision of this module:

* 依法追究刑事责任 (criminal liability) is not an administrative penalty (art. 8, 27): it is kept
  as the flag ``criminal_referral``; an article that only refers to criminal liability → ``None``.
* 处分 (政务处分 / 行政处分 / 纪律处分) is a disciplinary sanction on public officials or staff
  under the Public Officials Administrative Sanctions Law and the Civil Servants Law, not a
  penalty on a party: it is kept as the flag ``staff_sanction``; 警告/记过/降级/撤职/开除 inside a
  ``给予…处分`` phrase are not read as the penalty "warning". An article that only imposes 处分 →
  ``None``. (A fine on 直接负责的主管人员 of an offending unit *is* a penalty: 双罚制.)
* 罚款 / 拘留 imposed by a people's court (人民法院, Civil Procedure Law ch. 10, Administrative
  Litigation Law art. 59) are judicial compulsory measures, not administrative penalties → skipped.
* 责令改正 / 责令限期改正 (and 责令停止违法行为) are corrective orders, not penalties
  (行政处罚法 art. 28 ¶1): kept in ``corrective_orders``, never in ``types``.
* 加处罚款 (late-payment surcharge, 行政强制法 art. 45, 行政处罚法 art. 72) is enforcement, not a
  new fine: ignored.
* An article that only says 依法给予治安管理处罚 / 依法给予行政处罚 (no type, no article) names no
  penalty and returns ``None``; one that says 依照本法第X条的规定处罚 does set a penalty (by
  reference) and is returned with ``applies_penalty_of``.

Penalty type codes follow 行政处罚法 art. 9 (items 1–6), see `PENALTY_TYPES`.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from fazhi.laws.numerals import to_int
from fazhi.laws.parsing import ARTICLE_RE, ITEM_RE

# 行政处罚法 art. 9: (1) 警告、通报批评; (2) 罚款、没收违法所得、没收非法财物; (3) 暂扣许可证件、
# 降低资质等级、吊销许可证件; (4) 限制开展生产经营活动、责令停产停业、责令关闭、限制从业;
# (5) 行政拘留; (6) 法律、行政法规规定的其他行政处罚.
PENALTY_TYPES: dict[str, str] = {
    "warning": "警告",
    "circulated_criticism": "通报批评",
    "fine": "罚款",
    "confiscate_gains": "没收违法所得",
    "confiscate_property": "没收非法财物",
    "suspend_licence": "暂扣许可证件",
    "lower_qualification": "降低资质等级",
    "revoke_licence": "吊销许可证件",
    "restrict_activities": "限制开展生产经营活动",
    "order_suspension": "责令停产停业、责令关闭",
    "restrict_employment": "限制从业",
    "detention": "行政拘留",
    "other": "其他行政处罚",
}
TYPE_ORDER = {code: i for i, code in enumerate(PENALTY_TYPES)}
BASES = ("illegal_gains", "goods_value", "illegal_turnover", "other")

_CN = "〇零一二两三四五六七八九十百千万亿"
_NUM = f"(?:[0-9]+(?:\\.[0-9]+)?[万千百亿]?|[{_CN}]+)"
_LABEL_NUM = "〇零一二两三四五六七八九十百千"
_FULLWIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")

# A money amount; range forms 以上…以下, …以下, …以上, A至B, a single amount; then (的)罚款.
_AMT = rf"({_NUM})元"
FINE_RE = re.compile(
    rf"(?:{_AMT}(以上|至)[、，]?(?:{_AMT}以下|({_NUM})元)|{_AMT}(以下|以上)?)(?:的)?罚款"
)
_MUL = rf"(?:百分之({_NUM})|({_NUM})%|({_NUM})倍|([{_CN}]+)分之([{_CN}]+))"
MULTIPLE_RE = re.compile(rf"{_MUL}(?:(以上|至){_MUL}(以下)?|(以下|以上))?(?:的)?罚款")
PER_STANDARD_RE = re.compile(
    rf"(每[^，；。\d{_CN}]{{1,6}}?)({_NUM})元(?:以上|至)({_NUM})元(?:以下)?的标准(?:处以?|并处)?罚款"
)
DETENTION_RE = re.compile(rf"(?:({_NUM})日(以上|至))?({_NUM})日(以下)?(?:的)?(?:行政)?拘留")

_SEG_SPLIT = re.compile(r"[，,：:]")
_CLAUSE_SPLIT = re.compile(r"[；;。]")
STAFF_SANCTION_RE = re.compile(
    r"(给予|予以|依法给予|依纪|依规)[^，；。]{0,40}?处分|政务处分|行政处分|纪律处分"
)
CRIMINAL_RE = re.compile(r"追究[^，；。]{0,6}刑事责任|依法判处|(?<!不够)(?<!不予)(?<!免予)刑事处罚")
CORRECTIVE_RE = re.compile(
    r"责令(?:其)?(?:限期|立即)?(?:改正|纠正|整改|停止违法行为|停止(?:[^，；。]{0,8})?违法|"
    r"恢复原状|补办|拆除|退还|消除)"
)
_NOT_AFTER_BEI = r"(?<!被)(?<!已被)(?<!作出)(?<!拟作出)(?<!决定)"
# Noun-type penalties (警告, 通报批评, 罚款, 拘留) count only after an imposing verb
# (处 / 给予 / 予以…), so that 可以设定警告 (行政处罚法 art. 13) or 口头警告 are not read
# as a penalty. Verb-type penalties
# (没收, 吊销, 暂扣, 责令停产停业) are their own verb.
# 处 followed by 罚 (but not 罚款) is the noun 处罚 ("penalty"), not the verb "impose".
_IMPOSE = r"(?:处以|并处|处(?!罚(?!款))|给予|予以|可以处|可以并处|可以给予)"
TYPE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("warning", re.compile(_IMPOSE + r"(?:[^，；。]{0,12}?[、或]|)警告(?!标志|标识|牌|性)")),
    ("circulated_criticism", re.compile(_IMPOSE + r"[^，；。]{0,12}?通报批评")),
    (
        "suspend_licence",
        re.compile(
            _NOT_AFTER_BEI
            + r"(?:暂扣[^，；。]{0,12}(?:证|执照|许可)|暂停[^，；。]{0,12}(?:执业|营业|业务|资格|"
            r"许可|经营|从业)|吊扣)"
        ),
    ),
    ("lower_qualification", re.compile(r"降低资质等级|降低[^，；。]{0,4}资质|降低资格等级")),
    ("revoke_licence", re.compile(_NOT_AFTER_BEI + r"(?<!已)吊销")),
    ("restrict_activities", re.compile(r"限制开展生产经营活动|限制生产经营活动")),
    (
        "order_suspension",
        re.compile(
            r"停产停业|停业整顿|停产整顿|责令(?:其)?(?:停产|停业|停止营业|停止经营|停止生产|关闭)|予以关闭|"
            r"责令[^，；。]{0,10}关闭"
        ),
    ),
    (
        "restrict_employment",
        re.compile(
            r"限制从业|禁止从业|(?:年内|终身)不得(?:从事|担任)|(?:年内|终身)禁止[^，；。]{0,6}(?:从事|担任)"
        ),
    ),
    ("detention", re.compile(_IMPOSE + r"[^，；。]{0,20}?(?<!刑事)(?<!司法)拘留")),
    ("other", re.compile(r"驱逐出境|限期出境|取消[^，；。]{0,15}资格")),
]
# A penalty word used as a noun (作出吊销许可证…的处罚决定前, 给予行政拘留处罚的人)
# is not a penalty.
NOMINAL_AFTER_RE = re.compile(
    r"^[^，；。]{0,24}?(?:的(?:治安管理|行政)?处罚(?:决定)?|处罚决定|决定书?|的人|的当事人|的期限|"
    r"的数额|的执行|的案件|案件|处罚的|的权利)"
)
NEGATED_BEFORE_RE = re.compile(r"(?:不再|不得|不予|免予|免除|未|没有|尚未|拒不)[^，；。]{0,3}$")
STAFF_WORDS_RE = re.compile(r"记过|记大过|降级|撤职|开除")
FINE_WORD_RE = re.compile(
    r"(?<!加处)(?<!加处的)(?<!收缴)(?<!缴纳)(?<!代缴)(?<!受到)(?<!被处)罚款(?!数额|决定|的数额|幅度|金额|或者滞纳金)"
)
FINE_IMPOSE_RE = re.compile(_IMPOSE + r"[^，；。]{0,45}?(?<!加处)罚款")
CONFISCATE_RE = re.compile(_NOT_AFTER_BEI + r"没收(?!的)([^，；。]*)")
GAINS_WORDS = ("所得", "违法收入", "非法收入")
AUTHORITY_RE = re.compile(
    r"(?<![理自事缘])由(?!于|此)([^，；。]{2,60}?)"
    r"(?=按照|依照|依据|根据|责令|没收|处以|处|并处|给予|予以|吊销|暂扣|对(?!外)|可以|依法|收缴|降低|取消|"
    r"撤销|决定|将|移送|，|；|。|$)"
)
_AUTHORITY_WORDS = (
    "部门",
    "机关",
    "政府",
    "机构",
    "委员会",
    "局",
    "海关",
    "公安",
    "主管",
    "行政",
    "机",
)
JUDICIAL_RE = re.compile(r"人民法院")
# A court as the actor (民事诉讼法 ch. 10 强制措施): 人民法院可以… /
# 人民法院除…外，并可以… / 必须由人民法院决定
JUDICIAL_ACTOR_RE = re.compile(r"人民法院(?:可以|应当|根据|对|依照|除|决定)|由人民法院决定")
TARGET_RE = re.compile(
    r"(?<![针相面绝核应反])对([^，；。]{1,50}?)(?=可以并处|可以处|并处|处以|处(?!罚(?!款))|给予|予以|没收|吊销|依法)"
)
# Implementing regulations fix a law's open fine:
# 罚款额为违法所得的10%以上50%以下 (土地管理法实施条例),
# 罚款幅度为5万元以上10万元以下 (水土保持法实施条例).
AMOUNT_IS_RE = re.compile(r"罚款(?:额|幅度|数额)?为(.+)$")
OF_ONE_RE = re.compile(r"有[^，；。]{0,40}?(?:行为|情形|情况)之一")
LIST_LEAD_RE = re.compile(r"(?:有)?下列(?:[^，；。：:]{0,12}?)之一")
BREACH_SEG_RE = re.compile(r"^违反[^，；。]*(?:规定|要求|义务)$")
NOT_CRIME_RE = re.compile(r"^(?:尚)?不(?:够|构成)(?:犯罪|刑事处罚)的?$")
REF_RE = re.compile(
    rf"第([{_LABEL_NUM}]+)条(?:之([{_LABEL_NUM}]+))?(?:第([{_LABEL_NUM}]+)款)?(?:第([{_LABEL_NUM}]+)项)?"
)
PARA_REF_RE = re.compile(rf"(?:本条)?第([{_LABEL_NUM}]+)款|前(两|三)?款")
APPLY_AFTER_RE = re.compile(
    r"^[^，；。]{0,16}?(?:的)?规定(?:给予|予以|进行|从重|从轻)?(?:行政)?(?:处罚(?!决定)|处以|罚款|拘留)"
)
_LAW_BEFORE_RE = re.compile(
    r"(《[^》]+》|本法|本条例|本规定|本办法|本细则|本实施细则|本决定|本条|"
    r"[\u4e00-\u9fff]{2,30}?(?:法|条例|规定|办法|细则))$"
)
_SELF_LAW = {"本法", "本条例", "本规定", "本办法", "本细则", "本实施细则", "本决定"}
_REF_CUT_RE = re.compile(r".*(?:违反|依照|依据|按照|根据|适用|除|、|和|或者|以及|及|的|对)")


# ---------------------------------------------------------------- data classes


@dataclass
class ArticleRef:
    """A reference to an article (or a paragraph/item of one).

    ``article=None`` means this same article (前款 / 第一款 / 本条第二款);
    ``law=None`` means the same
    law; otherwise ``law`` holds the name as written (《中华人民共和国治安管理处罚法》, 刑法…).
    ``in_paragraph`` is the paragraph of *this* article where the reference stands.
    """

    article: int | None
    suffix: int = 0
    paragraph: int | None = None
    item: int | None = None
    law: str | None = None
    text: str = ""
    in_paragraph: int | None = None


@dataclass
class FineRange:
    """A fixed fine range in yuan. ``以下`` only → min 0; ``以上`` only → max None (no ceiling)."""

    min: int
    max: int | None
    condition: str | None
    paragraph: int
    item: int | None = None
    target: str | None = None  # 单位 / 个人 / 直接负责的主管人员… (the 对… phrase)
    discretionary: bool = False  # 可以（并）处
    text: str = ""


@dataclass
class MultipleRange:
    """A fine computed from a base: 货值金额十倍以上二十倍以下 → 10..20 × goods_value.

    ``unit`` is "times" (倍, 百分之, %) or "yuan_per_unit" (每平方米十元至三十元: yuan per unit
    named in ``basis_text``). Percentages are stored as fractions (百分之三十 → 0.3).
    """

    min: Decimal
    max: Decimal | None
    basis: str  # one of BASES
    basis_text: str
    condition: str | None
    paragraph: int
    item: int | None = None
    target: str | None = None
    discretionary: bool = False
    unit: str = "times"
    text: str = ""


@dataclass
class DetentionRange:
    """Administrative detention in days.

    治安管理处罚法 art. 10, 16: at most 15 days, 20 when combined.
    """

    min_days: int
    max_days: int
    condition: str | None
    paragraph: int
    item: int | None = None
    target: str | None = None
    text: str = ""


@dataclass
class Sanction:
    """One penalty phrase in the text with its type code, condition and paragraph."""

    type: str
    text: str
    condition: str | None
    paragraph: int
    item: int | None = None
    target: str | None = None
    discretionary: bool = False


@dataclass
class Behaviour:
    """The act described (leading 违反…规定 dropped); one per item for 有下列情形之一 lists."""

    text: str
    paragraph: int
    item: int | None = None


@dataclass
class PenaltyFacts:
    article_no: int | None
    types: list[str] = field(default_factory=list)
    sanctions: list[Sanction] = field(default_factory=list)
    fines: list[FineRange] = field(default_factory=list)
    multiples: list[MultipleRange] = field(default_factory=list)
    detentions: list[DetentionRange] = field(default_factory=list)
    authority: str | None = None
    authorities: list[dict[str, Any]] = field(default_factory=list)  # {text, paragraph}
    enforces: list[ArticleRef] = field(default_factory=list)
    applies_penalty_of: list[ArticleRef] = field(default_factory=list)
    other_refs: list[ArticleRef] = field(default_factory=list)  # 除…外, 有前款行为…
    breach: str | None = None  # the leading 违反…规定 phrase, e.g. 违反本法规定
    behaviours: list[Behaviour] = field(default_factory=list)
    corrective_orders: list[str] = field(default_factory=list)
    criminal_referral: bool = False
    staff_sanction: bool = False
    daily_penalty: bool = False  # 按日连续处罚 (环境保护法 art. 59)

    @property
    def orders_correction(self) -> bool:
        """责令改正 / 限期改正 present — a corrective order, not a penalty (行政处罚法 art. 28)."""
        return any(re.search("改正|纠正|整改", c) for c in self.corrective_orders)

    @property
    def has_range(self) -> bool:
        return bool(self.fines or self.multiples)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for m in data["multiples"]:
            m["min"] = dec_str(m["min"])
            m["max"] = None if m["max"] is None else dec_str(m["max"])
        data["orders_correction"] = self.orders_correction
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PenaltyFacts:
        # Stored facts may carry more than the extractor's fields (the importer adds
        # "inferred_enforces"; a later extractor may add fields): keep only ours.
        known = {f.name for f in dataclasses.fields(cls)}
        d = {k: v for k, v in data.items() if k in known}
        d["sanctions"] = [Sanction(**x) for x in d.get("sanctions", [])]
        d["fines"] = [FineRange(**x) for x in d.get("fines", [])]
        d["multiples"] = [
            MultipleRange(
                **{
                    **x,
                    "min": Decimal(x["min"]),
                    "max": None if x["max"] is None else Decimal(x["max"]),
                }
            )
            for x in d.get("multiples", [])
        ]
        d["detentions"] = [DetentionRange(**x) for x in d.get("detentions", [])]
        for key in ("enforces", "applies_penalty_of", "other_refs"):
            d[key] = [ArticleRef(**x) for x in d.get(key, [])]
        d["behaviours"] = [Behaviour(**x) for x in d.get("behaviours", [])]
        return cls(**d)


# ---------------------------------------------------------------- numbers


def dec_str(value: Decimal) -> str:
    """Plain decimal text without exponent or trailing zeros.

    Decimal('1E+1') → '10', Decimal('0.30') → '0.3'.
    """
    return format(value.normalize(), "f")


def parse_amount(text: str) -> Decimal:
    """Amount text to a Decimal.

    '五万' → 50000, '1万' → 10000, '2000' → 2000, '0.5' → 0.5, '一百万' → 1000000, '1亿' → 1e8.
    """
    text = text.translate(_FULLWIDTH)
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?[万千百亿]?", text):
        scale = {"万": 10_000, "千": 1000, "百": 100, "亿": 100_000_000}.get(text[-1], 1)
        digits = text[:-1] if text[-1] in "万千百亿" else text
        return Decimal(digits) * scale
    if "亿" in text:  # numerals.to_int stops at 万; 亿 is rare in fines (一亿元)
        head, _, tail = text.partition("亿")
        return Decimal(to_int(head or "一")) * 100_000_000 + (Decimal(to_int(tail)) if tail else 0)
    return Decimal(to_int(text))


def _yuan_int(value: Decimal) -> int:
    """Whole yuan (fractional amounts such as 0.5元 occur only in per-unit rates → multiples)."""
    return int(value.to_integral_value(ROUND_HALF_UP))


def _multiple(m: re.Match[str], offset: int) -> Decimal:
    """One multiple from groups offset..offset+4 of MULTIPLE_RE: 百分之N / N% / N倍 / A分之B."""
    pct, pct2, times, den, num = (m.group(offset + i) for i in range(5))
    if pct is not None or pct2 is not None:
        return parse_amount(pct if pct is not None else pct2) / 100
    if times is not None:
        return parse_amount(times)
    return parse_amount(num) / parse_amount(den)


def classify_basis(basis_text: str) -> str:
    """Map the base of a multiple to a code: 违法所得 → illegal_gains, 货值金额 → goods_value…"""
    if re.search("所得|违法收入|非法收入", basis_text):
        return "illegal_gains"
    if re.search("货值|价值|货物|商品金额", basis_text):  # not 工程合同价款 (a contract price)
        return "goods_value"
    if re.search("经营额|营业额|销售额|销售收入|经营收入|营业收入", basis_text):
        return "illegal_turnover"
    return "other"


# ---------------------------------------------------------------- structure


@dataclass
class _Unit:
    """A paragraph lead or one item: the text that the segment walker reads."""

    paragraph: int
    item: int | None
    text: str


def _units(text: str) -> list[tuple[int, str, list[tuple[int, str]]]]:
    """Re-split an article's text into (paragraph no, lead, [(item no, item text)]).

    Same rule as parsing.parse_law_text: one line per paragraph, an item line （一） belongs to the
    paragraph before it. A leading 第X条 label is dropped.
    """
    out: list[tuple[int, str, list[tuple[int, str]]]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if not out:
            m = ARTICLE_RE.match(line)
            if m:
                line = line[m.end() :].strip()
                if not line:
                    continue
        item = ITEM_RE.match(line)
        if item and out:
            out[-1][2].append((to_int(item[1]), line[item.end() :].strip()))
            continue
        out.append((len(out) + 1, line, []))
    return out


def _strip_de(text: str) -> str:
    return re.sub(r"[的；;。，,\s]+$", "", text).strip()


# ---------------------------------------------------------------- references


def _ref_law(before: str, last_law: str | None) -> tuple[str | None, bool]:
    """Which law the 第X条 right after ``before`` belongs to.

    Returns (law name, or None for the same law; whether the text named it).
    """
    before = before.rstrip()
    if not before:
        return last_law, False
    m = re.search(r"《([^》]+)》$", before)
    if m:
        return f"《{m[1]}》", True
    cut = _REF_CUT_RE.sub("", before[-40:])
    for own in sorted(_SELF_LAW, key=len, reverse=True):  # 不符合本条例第二十二条 → same law
        if cut.endswith(own):
            return None, True
    m = _LAW_BEFORE_RE.search(cut)
    if m:
        name = m[1]
        if name in _SELF_LAW:
            return None, True
        if name == "本条":
            return "本条", True
        return name, True
    return last_law, False


def _refs_in(seg: str, paragraph: int) -> list[tuple[ArticleRef, int, int]]:
    """All article / paragraph references in a segment with their span."""
    out: list[tuple[ArticleRef, int, int]] = []
    last_law: str | None = None
    prev_end = 0
    for m in REF_RE.finditer(seg):
        between = seg[prev_end : m.start()]
        # In a run (第三十三条、第三十四条) the law of the first reference carries over.
        if out and re.fullmatch(r"[、，和或者以及及]*", between):
            law = last_law
        else:
            law, _ = _ref_law(seg[: m.start()], None)
        last_law = law
        ref = ArticleRef(
            article=to_int(m[1]),
            suffix=to_int(m[2]) if m[2] else 0,
            paragraph=to_int(m[3]) if m[3] else None,
            item=to_int(m[4]) if m[4] else None,
            law=law,
            text=m[0],
            in_paragraph=paragraph,
        )
        if law == "本条":  # 本条第二款 is parsed by PARA_REF_RE; never here
            ref.law = None
        out.append((ref, m.start(), m.end()))
        prev_end = m.end()
    covered = [(s, e) for _, s, e in out]
    for m in PARA_REF_RE.finditer(seg):
        if any(s <= m.start() < e for s, e in covered):
            continue
        if m[0].startswith("前"):
            back = {"两": 2, "三": 3}.get(m[2] or "", 1)
            para = paragraph - back if paragraph - back >= 1 else None
            first = para
            paras = [first] if back == 1 else list(range(max(1, paragraph - back), paragraph))
            for p in paras:
                out.append(
                    (
                        ArticleRef(None, paragraph=p, text=m[0], in_paragraph=paragraph),
                        m.start(),
                        m.end(),
                    )
                )
        else:
            out.append(
                (
                    ArticleRef(None, paragraph=to_int(m[1]), text=m[0], in_paragraph=paragraph),
                    m.start(),
                    m.end(),
                )
            )
    out.sort(key=lambda t: t[1])
    return out


def _classify_refs(seg: str, paragraph: int, facts: PenaltyFacts, *, can_apply: bool) -> None:
    """violates → enforces; 依照…规定处罚 → applies_penalty_of; 除…外 and the rest → other_refs."""
    for ref, start, end in _refs_in(seg, paragraph):
        before, after = seg[:start], seg[end:]
        if re.search(r"违反[^，；。]*$", before) and not re.search("依照|依据|按照", before[-8:]):
            target = facts.enforces
        elif (
            can_apply
            and re.search(r"(依照|依据|按照|适用)[^，；。]*$", before)
            and APPLY_AFTER_RE.search(after)
        ):
            target = facts.applies_penalty_of
        else:
            target = facts.other_refs
        if ref not in target:
            target.append(ref)


# ---------------------------------------------------------------- the walker


@dataclass
class _State:
    facts: PenaltyFacts
    triggered: bool = False  # a behaviour/condition or 违反/由 was seen: sanctions count from here
    acted: bool = False  # an action segment (authority, sanction, order) was seen in this unit
    behaviour: list[str] = field(default_factory=list)
    list_lead: bool = False


_ACTION_START_RE = re.compile(
    r"^(?:并|可以|应当|依法|另|同时|也|还)*(?:由|处|给予|予以|没收|吊销|暂扣|责令|依照|依据|按照|对(?!外)|"
    r"降低|取消|限制|禁止|追究|构成|处以|罚款|拘留|警告|通报批评|收缴|撤销|注销)"
)


def _is_action(seg: str) -> bool:
    # 所称"较大数额罚款"，是指对个人处以二千元以上罚款: a definition, not a sanction
    if seg.endswith("的") or seg.endswith("的情形") or not seg or re.search("是指|所称", seg):
        return False
    if _ACTION_START_RE.search(seg) or AMOUNT_IS_RE.search(seg):
        return True
    return bool(
        FINE_WORD_RE.search(seg)
        or CONFISCATE_RE.search(seg)
        or CORRECTIVE_RE.search(seg)
        or CRIMINAL_RE.search(seg)
        or AUTHORITY_RE.search(seg)
        or any(p.search(seg) for _, p in TYPE_PATTERNS)
    )


def _add_sanction(
    facts: PenaltyFacts,
    code: str,
    text: str,
    cond: str | None,
    unit: _Unit,
    target: str | None,
    discretionary: bool,
) -> None:
    s = Sanction(code, text, cond, unit.paragraph, unit.item, target, discretionary)
    if s not in facts.sanctions:
        facts.sanctions.append(s)


def _sanctions_in(
    seg: str, cond: str | None, target: str | None, unit: _Unit, facts: PenaltyFacts
) -> None:
    """Type detection, fines, multiples and detention inside one action segment."""
    discretionary = bool(re.search(r"可以(?:并)?(?:处|给予|没收|吊销|责令|暂扣|由)|并可", seg))
    args = (cond, unit, target, discretionary)
    for m in FINE_RE.finditer(seg):
        if m[1] is not None:  # 以上 / 至 form
            lo_d = parse_amount(m[1])
            hi_d: Decimal | None = parse_amount(m[3] if m[3] is not None else m[4])
        else:
            value = parse_amount(m[5])
            lo_d, hi_d = {"以下": (Decimal(0), value), "以上": (value, None)}.get(
                m[6] or "", (value, value)
            )
        prefix = seg[: m.start()]
        if re.search(r"每[^，；。\d]{1,8}$", prefix) or re.search(r"每日|按日|日处", prefix[-6:]):
            # per-unit rate (每平方米十元至三十元, 按日处五十元至一百元): yuan per unit of a base
            _add_multiple(facts, lo_d, hi_d, prefix, "yuan_per_unit", m[0], *args)
            continue
        fine = FineRange(
            _yuan_int(lo_d),
            None if hi_d is None else _yuan_int(hi_d),
            cond,
            unit.paragraph,
            unit.item,
            target,
            discretionary,
            m[0],
        )
        if fine not in facts.fines:
            facts.fines.append(fine)
    for m in PER_STANDARD_RE.finditer(seg):
        # 以每人五百元以上二千元以下的标准处以罚款 (劳动合同法 art. 84): a per-unit rate
        lo_s, hi_s = parse_amount(m[2]), parse_amount(m[3]) if m[3] else None
        _add_multiple(facts, lo_s, hi_s, m[1], "yuan_per_unit", m[0], *args)
    # 货值金额等值以下的罚款 (产品质量法 art. 49–53): 等值 = one times the base.
    seg_m = re.sub(r"等值(?=以下|以上|的罚款|罚款)", "一倍", seg)
    for m in MULTIPLE_RE.finditer(seg_m):
        lo = _multiple(m, 1)
        if m[6] is not None:
            hi: Decimal | None = _multiple(m, 7)
        else:
            hi = {"以下": lo, "以上": None}.get(m[13] or "", lo)
            if m[13] == "以下":
                lo = Decimal(0)
        _add_multiple(facts, lo, hi, seg_m[: m.start()], "times", m[0], *args)
    if FINE_RE.search(seg) or MULTIPLE_RE.search(seg) or PER_STANDARD_RE.search(seg):
        _add_sanction(facts, "fine", "罚款", *args)
    for m in DETENTION_RE.finditer(seg):
        hi_days = _yuan_int(parse_amount(m[3]))
        lo_days = _yuan_int(parse_amount(m[1])) if m[1] else (0 if m[4] else hi_days)
        det = DetentionRange(lo_days, hi_days, cond, unit.paragraph, unit.item, target, m[0])
        if det not in facts.detentions:
            facts.detentions.append(det)

    def live(m: re.Match[str]) -> bool:
        return not (
            NOMINAL_AFTER_RE.match(seg[m.end() :]) or NEGATED_BEFORE_RE.search(seg[: m.start()])
        )

    fine_m = FINE_IMPOSE_RE.search(seg)
    if fine_m and FINE_WORD_RE.match(seg, fine_m.end() - 2) and live(fine_m):
        _add_sanction(facts, "fine", "罚款", *args)
    for m in CONFISCATE_RE.finditer(seg):
        if not live(m):
            continue
        # 没收违法所得和违法生产经营的食品: one phrase, two types (gains, property).
        parts = [p for p in re.split(r"和|以及|及|或者", m[1]) if p] or [""]
        for part in parts:
            gains = any(w in part for w in GAINS_WORDS)
            code = "confiscate_gains" if gains else "confiscate_property"
            _add_sanction(facts, code, "没收" + part, *args)
    staff = bool(STAFF_WORDS_RE.search(seg))
    if staff:
        facts.staff_sanction = True
    for code, pattern in TYPE_PATTERNS:
        if staff and code in ("warning", "lower_qualification"):
            continue
        m = pattern.search(seg)
        if m and live(m):
            _add_sanction(facts, code, m[0], *args)


def _add_multiple(
    facts: PenaltyFacts,
    lo: Decimal,
    hi: Decimal | None,
    prefix: str,
    unit_kind: str,
    text: str,
    cond: str | None,
    unit: _Unit,
    target: str | None,
    discretionary: bool,
) -> None:
    basis_text = (
        re.sub(r"^.*?(?:可以并处|可以处|并处|处以|处|按照|按)", "", prefix)
        if re.search("处|按", prefix)
        else prefix
    )
    basis_text = re.sub(r"^(?:其|以)", "", basis_text).strip()
    basis_text = re.sub(r"的$", "", basis_text)  # 违法所得的10%以上50%以下
    mult = MultipleRange(
        lo,
        hi,
        classify_basis(basis_text),
        basis_text,
        cond,
        unit.paragraph,
        unit.item,
        target,
        discretionary,
        unit_kind,
        text,
    )
    if mult not in facts.multiples:
        facts.multiples.append(mult)


def _walk_unit(unit: _Unit, state: _State, judicial: bool) -> None:
    facts = state.facts
    for clause in _CLAUSE_SPLIT.split(unit.text):
        clause = clause.strip()
        if not clause:
            continue
        if STAFF_SANCTION_RE.search(clause):
            facts.staff_sanction = True
            clause = STAFF_SANCTION_RE.sub("", clause)
        if CRIMINAL_RE.search(clause):
            facts.criminal_referral = True
        if "按日连续处罚" in clause:
            facts.daily_penalty = True
        cond: str | None = None
        target: str | None = None
        clause_acted = False
        for seg in (s.strip() for s in _SEG_SPLIT.split(clause)):
            if not seg:
                continue
            action = _is_action(seg)
            _classify_refs(
                seg,
                unit.paragraph,
                facts,
                can_apply=action and not judicial and (state.triggered or "违反" in seg),
            )
            if not state.acted and not action:
                if LIST_LEAD_RE.search(seg):
                    state.list_lead = True
                    state.triggered = True
                    rest = _strip_de(LIST_LEAD_RE.sub("", seg))
                    if rest and not NOT_CRIME_RE.match(rest + "的"):
                        state.behaviour.append(rest)
                    continue
                if BREACH_SEG_RE.match(seg):
                    facts.breach = facts.breach or seg
                    state.triggered = True
                    continue
                if NOT_CRIME_RE.match(seg):  # 尚不构成犯罪的: a condition, so a trigger
                    state.triggered = True
                    continue
                if re.match(r"^除.*外$", seg):
                    continue
                state.behaviour.append(seg)
                if seg.endswith("的") or "违反" in seg or OF_ONE_RE.search(seg):
                    state.triggered = True
                continue
            if not action:
                # After an action: a "…的" segment, or the opening of a new clause
                # (；单位有前款第二项行为之一，处…), is the condition of what follows.
                if NOT_CRIME_RE.match(seg):
                    continue
                if seg.endswith("的") or seg.endswith("的情形") or OF_ONE_RE.search(seg):
                    state.triggered = True
                if seg.endswith("的") or seg.endswith("的情形") or not clause_acted:
                    cond = seg if clause_acted or cond is None else f"{cond}，{seg}"
                    target = None
                continue
            state.acted = clause_acted = True
            auth = AUTHORITY_RE.search(seg)
            if auth and any(w in auth[1] for w in _AUTHORITY_WORDS):
                state.triggered = True
                text = auth[1].strip()
                if JUDICIAL_RE.search(text):
                    judicial = True
                if not judicial and not any(a["text"] == text for a in facts.authorities):
                    facts.authorities.append({"text": text, "paragraph": unit.paragraph})
            if "违反" in seg or (seg.startswith("对") and "的" in seg):
                state.triggered = True  # 违反… / 对存在重大事故隐患仍然进行生产的煤矿企业
            if unit.item is not None and cond is None and state.behaviour:
                cond = _strip_de("，".join(state.behaviour)) + ("的" if unit.item else "")
            if "按日连续处罚" in seg and state.triggered:
                _add_sanction(facts, "fine", "按日连续处罚", cond, unit, target, False)
            if re.search(r"人民法院(?:可以|应当|根据|对)", seg):
                judicial = True
            for m in CORRECTIVE_RE.finditer(seg):
                if m[0] not in facts.corrective_orders:
                    facts.corrective_orders.append(m[0])
            tm = TARGET_RE.search(seg)
            if tm:
                target = tm[1]
            elif (
                clause_acted
                and state.acted
                and re.fullmatch(r"对(?!外)[^，；。]{1,50}", seg)
                and not re.search(r"处|给予|予以|没收|吊销|责令", seg)
            ):
                target = seg[1:]  # 对其直接负责的主管人员和其他直接责任人员，处十日以上…拘留
            if state.triggered and not judicial:
                full = "，".join(x for x in (cond, f"对{target}" if target else None) if x) or None
                work = CORRECTIVE_RE.sub("", seg)
                amount_is = AMOUNT_IS_RE.search(work)
                if amount_is:  # read "罚款额为X" as "处X罚款"
                    work = "处" + amount_is[1] + "罚款"
                _sanctions_in(work, full, target, unit, facts)


def extract_penalty(text: str, *, article_no: int | None = None) -> PenaltyFacts | None:
    """Facts of an article that sets an administrative penalty, or None (see the module docstring).

    ``text`` is the article text as parsed (paragraphs one per line, items on lines of their own);
    a leading 第X条 label is allowed.
    """
    text = text.translate(_FULLWIDTH)
    facts = PenaltyFacts(article_no)
    for number, lead, items in _units(text):
        state = _State(facts)
        judicial = bool(JUDICIAL_ACTOR_RE.search(lead))  # per paragraph: 种子法 art. 72 mixes both
        _walk_unit(_Unit(number, None, lead), state, judicial)
        # The subject before 有下列情形之一 (建设单位有下列行为之一的) prefixes each item's act.
        lead_behaviour = _strip_de("，".join(state.behaviour))
        for item_no, item_text in items:
            # Items carry their own behaviour; they count as penalty text only when the lead
            # imposes through them (依照下列规定处以罚款：（一）发生一般事故，处…).
            item_state = _State(
                facts,
                triggered=state.acted
                and state.triggered
                and bool(re.search(r"下列[^，；。]{0,6}(?:规定|标准)", lead)),
            )
            _walk_unit(_Unit(number, item_no, item_text), item_state, judicial)
            if state.list_lead:
                b = _strip_de("，".join(item_state.behaviour) or item_text)
                if b:
                    subject = (
                        lead_behaviour
                        if lead_behaviour and not b.startswith(lead_behaviour)
                        else ""
                    )
                    facts.behaviours.append(Behaviour(subject + b, number, item_no))
        if lead_behaviour and not (state.list_lead and items):
            facts.behaviours.append(Behaviour(lead_behaviour, number, None))
    facts.types = sorted({s.type for s in facts.sanctions}, key=TYPE_ORDER.__getitem__)
    facts.authority = facts.authorities[0]["text"] if facts.authorities else None
    specific_apply = [r for r in facts.applies_penalty_of if r.article is not None or r.paragraph]
    if not facts.types and not specific_apply:
        return None
    return facts


FINE_NO_AMOUNT = (
    "fine without a stated amount (处以罚款 / 可以并处罚款; amount left to other rules)"
)
BY_REFERENCE = "penalty by reference to another provision or law (依照…规定处罚)"


def explain_none(text: str) -> str:
    """Why `extract_penalty` returned None (or what it lacks): used for the coverage report."""
    probe = PenaltyFacts(None)
    for number, lead, items in _units(text.translate(_FULLWIDTH)):
        st = _State(probe, triggered=True)
        judicial = bool(JUDICIAL_ACTOR_RE.search(lead))
        _walk_unit(_Unit(number, None, lead), st, judicial)
        for item_no, item_text in items:
            _walk_unit(_Unit(number, item_no, item_text), _State(probe, triggered=True), judicial)
    if JUDICIAL_ACTOR_RE.search(text) and "罚款" in text:
        return "judicial measure (court fine/detention), not an administrative penalty"
    if "加处罚款" in text and not probe.fines and not probe.multiples:
        return "late-payment surcharge 加处罚款 (enforcement), not a new fine"
    if re.search(r"依照[^，；。]{0,30}(?:规定|法律)[^，；。]{0,6}(?:处罚|予以处罚|给予处罚)", text):
        return BY_REFERENCE
    if re.search("罚款", text) and not (probe.fines or probe.multiples):
        if re.search(r"(?:处|并处|处以)罚款", text):
            return FINE_NO_AMOUNT
        return "罚款 mentioned in a procedural or definitional sentence"
    if probe.fines or probe.multiples:
        return "range found but no behaviour/authority context (definitional text)"
    if probe.staff_sanction:
        return "only 处分 of staff"
    if probe.criminal_referral:
        return "only criminal liability"
    return "no penalty phrase recognised"


# ---------------------------------------------------------------- enforced duty inference


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"[，。；：、（）()\s第条款项一二三四五六七八九十的或者和及等]", "", text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


DutyIndex = list[tuple[Any, "int | None", "set[str]"]]


def duty_index(articles: list[Any]) -> DutyIndex:
    """The duty units (paragraph leads and items outside the 法律责任 chapter) of one law with
    their bigram sets, computed once per law and shared by every penalty article's inference."""
    duty = [a for a in articles if not any("法律责任" in h or "罚则" in h for h in a.chapter_path)]
    units: DutyIndex = []
    for a in duty:
        for p in a.paragraphs:
            units.append((a, None, _bigrams(p.lead)))
            units.extend((a, i.number, _bigrams(i.text)) for i in p.items)
    return units


def infer_enforced_articles(
    facts: PenaltyFacts,
    articles: list[Any],
    *,
    threshold: float = 0.45,
    index: DutyIndex | None = None,
) -> list[dict[str, Any]]:
    """Suggest the duty articles a penalty article enforces when it only says 违反本法规定.

    Compares each behaviour (item) with the articles outside the 法律责任 chapter (character
    bigram containment: share of the behaviour's bigrams found in the duty article) and keeps the
    best match above ``threshold``. Results are marked ``inferred`` — a drafting aid that a lawyer
    confirms, never a citation the text makes itself. Pass ``index`` (``duty_index(articles)``)
    when inferring for many articles of one law.
    """
    units = index if index is not None else duty_index(articles)
    out: list[dict[str, Any]] = []
    for b in facts.behaviours:
        grams = _bigrams(b.text)
        if len(grams) < 4:
            continue
        best: tuple[float, Any, int | None] | None = None
        for a, item_no, g in units:
            score = len(grams & g) / len(grams)
            if best is None or score > best[0]:
                best = (score, a, item_no)
        if best and best[0] >= threshold:
            score, a, item_no = best
            out.append(
                {
                    "behaviour_paragraph": b.paragraph,
                    "behaviour_item": b.item,
                    "article": a.number,
                    "suffix": a.suffix,
                    "label": a.label,
                    "item": item_no,
                    "score": round(score, 2),
                    "inferred": True,
                }
            )
    return out


def _yuan_text(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def describe_ranges(facts: PenaltyFacts) -> list[dict[str, Any]]:
    """One row per parsed range for the provision page: paragraph, condition, range, source text.

    ``range`` is a compact, language-neutral rendering (50,000–100,000 yuan; 10–20 × goods_value);
    the template labels it and shows ``text`` (the statute's own words) next to it.
    """
    rows: list[dict[str, Any]] = []
    for f in facts.fines:
        rows.append(
            {
                "kind": "fixed",
                "paragraph": f.paragraph,
                "item": f.item,
                "condition": f.condition,
                "range": f"{_yuan_text(f.min)}–{_yuan_text(f.max)}",
                "unit": "yuan",
                "text": f.text,
            }
        )
    for m in facts.multiples:
        hi = "—" if m.max is None else dec_str(m.max)
        rows.append(
            {
                "kind": "multiple",
                "paragraph": m.paragraph,
                "item": m.item,
                "condition": m.condition,
                "range": f"{dec_str(m.min)}–{hi}",
                "unit": m.unit,
                "basis": m.basis,
                "basis_text": m.basis_text,
                "text": m.text,
            }
        )
    for d in facts.detentions:
        rows.append(
            {
                "kind": "detention",
                "paragraph": d.paragraph,
                "item": d.item,
                "condition": d.condition,
                "range": f"{d.min_days}–{d.max_days}",
                "unit": "days",
                "text": d.text,
            }
        )
    rows.sort(key=lambda r: (r["paragraph"], r["item"] or 0))
    return rows


# ---------------------------------------------------------------- drafts


def _ref_label(ref: ArticleRef, law_title: str, article_label: str) -> str:
    from fazhi.laws.numerals import from_int

    if ref.article is None:
        base = f"《{law_title}》{article_label}"
    else:
        law = ref.law.strip("《》") if ref.law else law_title
        base = f"《{law}》第{from_int(ref.article)}条" + (
            f"之{from_int(ref.suffix)}" if ref.suffix else ""
        )
    if ref.paragraph:
        base += f"第{from_int(ref.paragraph)}款"
    if ref.item:
        base += f"第{from_int(ref.item)}项"
    return base


def draft_authority_item(
    facts: PenaltyFacts,
    *,
    law_title: str,
    article_label: str,
    inferred_duties: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An authority-list item (权力清单事项) drafted from one penalty provision.

    act_type "penalty" (行政处罚, one of the authority categories); the name follows the common
    listing form 对…的行政处罚 from the behaviour; a list article (有下列情形之一) gets one
    sub-item per
    behaviour. Legal basis: the penalty article itself, then the duty articles it enforces (text
    references first, inferred ones marked as such).
    """
    behaviours = [b for b in facts.behaviours if b.paragraph == 1] or facts.behaviours
    if len(behaviours) == 1:
        name = f"对{behaviours[0].text}的行政处罚"
    else:
        name = f"对违反《{law_title}》{article_label}规定行为的行政处罚"
    basis = [{"text": f"《{law_title}》{article_label}", "role": "penalty"}]
    # References inside the same article (依照前款规定处罚) add nothing to the basis.
    for ref in facts.enforces:
        entry = {"text": _ref_label(ref, law_title, article_label), "role": "duty"}
        if ref.article is not None and entry not in basis:
            basis.append(entry)
    for ref in facts.applies_penalty_of:
        entry = {"text": _ref_label(ref, law_title, article_label), "role": "penalty_applied"}
        if ref.article is not None and entry not in basis:
            basis.append(entry)
    for d in inferred_duties or []:
        label = f"《{law_title}》{d['label']}"
        if d.get("item"):
            from fazhi.laws.numerals import from_int

            label += f"第{from_int(d['item'])}项"
        if not any(b["text"] == label for b in basis):
            basis.append({"text": label, "role": "duty", "inferred": True})
    return {
        "act_type": "penalty",
        "name": name,
        "sub_items": [
            {"name": f"对{b.text}的行政处罚", "paragraph": b.paragraph, "item": b.item}
            for b in facts.behaviours
        ]
        if len(facts.behaviours) > 1
        else [],
        "legal_basis": basis,
        "penalty_types": list(facts.types),
        "authority": facts.authority,
        "corrective_order": facts.orders_correction,
    }


# Tier split of a range [min, max] (rulebook §10.2 [PRAC], configurable): lighter
# [min, min + 30 %], ordinary [min + 30 %, min + 70 %], heavier [min + 70 %, max].
DEFAULT_SPLIT = (Decimal("0.3"), Decimal("0.7"))
HEAVY_CONDITION_RE = re.compile(r"情节(?:特别)?严重|情节较重|严重后果|后果严重")
# Types that usually put a decision in the legal-review catalogue (rulebook §2.3 [PRAC]: ordering
# suspension, revoking licences; detention and lowering a qualification added as equally grave).
# Amount thresholds are decided per case, not here.
MAJOR_TYPES = frozenset({"order_suspension", "revoke_licence", "detention", "lower_qualification"})
TIER_LEVELS = ("no_penalty", "mitigated", "lighter", "ordinary", "heavier")


def _split(
    lo: Decimal, hi: Decimal, split: tuple[Decimal, Decimal], *, places: Decimal
) -> list[tuple[Decimal, Decimal]]:
    span = hi - lo
    a = (lo + span * split[0]).quantize(places, ROUND_HALF_UP)
    b = (lo + span * split[1]).quantize(places, ROUND_HALF_UP)
    return [(lo, a), (a, b), (b, hi)]


def draft_benchmark(
    facts: PenaltyFacts, *, split: tuple[Decimal, Decimal] = DEFAULT_SPLIT
) -> dict[str, Any]:
    """A discretion benchmark draft (裁量基准, 行政处罚法 art. 34; rulebook §10).

    Tiers, in the order the engine applies them (rulebook §10.3):
    * no_penalty — 行政处罚法 art. 33 ¶1 (minor, promptly corrected, no harm: must not; first
      violation with slight harm, promptly corrected: may not), ¶2 (no fault). No types; the
      corrective order and education (art. 33 ¶3) still apply.
    * mitigated (减轻) — below the statutory minimum, only on a ground of arts. 30–32 and with
      legal review (rulebook §10.2): fine range [0, statutory min]; where the minimum is 0 there is
      no room below it and mitigation means a lighter type; types with a 情节严重-type condition
      are dropped.
    * lighter / ordinary / heavier — the statutory range split at 30 % / 70 % of its span
      (rulebook §10.2 gives this as common practice, [PRAC]; the split is a parameter). An open
      range (以上 only) cannot be split: the tiers carry the minimum only. Sanctions whose
      condition is 情节严重 / 拒不改正 and the like go into the heavier tier only.
    Fine ranges are split per (paragraph, condition, target) regime, so art. 124's
    不足一万元 / 一万元以上 regimes get their own tier ranges.
    """
    regimes: list[dict[str, Any]] = []
    for f in facts.fines:
        regimes.append(
            {
                "kind": "fixed",
                "paragraph": f.paragraph,
                "item": f.item,
                "condition": f.condition,
                "min": Decimal(f.min),
                "max": None if f.max is None else Decimal(f.max),
                "unit": "yuan",
                "basis": None,
            }
        )
    for m in facts.multiples:
        regimes.append(
            {
                "kind": "multiple",
                "paragraph": m.paragraph,
                "item": m.item,
                "condition": m.condition,
                "min": m.min,
                "max": m.max,
                "unit": m.unit,
                "basis": m.basis,
                "basis_text": m.basis_text,
            }
        )
    for d in facts.detentions:
        regimes.append(
            {
                "kind": "detention",
                "paragraph": d.paragraph,
                "item": d.item,
                "condition": d.condition,
                "min": Decimal(d.min_days),
                "max": Decimal(d.max_days),
                "unit": "days",
                "basis": None,
            }
        )

    def fmt(value: Decimal | None, kind: str) -> Any:
        if value is None:
            return None
        return int(value) if kind in ("fixed", "detention") else dec_str(value)

    def heavy(cond: str | None) -> bool:
        return bool(cond and HEAVY_CONDITION_RE.search(cond))

    base_types = sorted(
        {s.type for s in facts.sanctions if not heavy(s.condition)}, key=TYPE_ORDER.__getitem__
    )
    tiers: list[dict[str, Any]] = [
        {
            "level": "no_penalty",
            "legal_ground": "行政处罚法第三十三条",
            "types": [],
            "ranges": [],
            "requires_legal_review": False,
            "note": "Order correction and educate the party (art. 33 ¶3).",
        }
    ]
    mitigated_ranges = []
    for r in regimes:
        if heavy(r["condition"]) or r["kind"] == "detention":
            continue
        if r["min"] > 0:
            mitigated_ranges.append(
                {
                    **_regime_head(r),
                    "min": fmt(Decimal(0), r["kind"]),
                    "max": fmt(r["min"], r["kind"]),
                    "below_minimum": True,
                }
            )
    tiers.append(
        {
            "level": "mitigated",
            "legal_ground": "行政处罚法第三十条、第三十一条、第三十二条",
            "types": base_types,
            "ranges": mitigated_ranges,
            "requires_legal_review": True,
            "note": (
                "Below the statutory minimum or a lighter type; needs a legal ground and review."
            ),
        }
    )
    for i, level in enumerate(("lighter", "ordinary", "heavier")):
        ranges = []
        for r in regimes:
            if heavy(r["condition"]):
                if level == "heavier":
                    ranges.append(
                        {
                            **_regime_head(r),
                            "min": fmt(r["min"], r["kind"]),
                            "max": fmt(r["max"], r["kind"]),
                        }
                    )
                continue
            places = Decimal(1) if r["kind"] in ("fixed", "detention") else Decimal("0.01")
            if r["max"] is None:
                ranges.append(
                    {
                        **_regime_head(r),
                        "min": fmt(r["min"], r["kind"]),
                        "max": None,
                        "note": "open range (以上 only): not split",
                    }
                )
                continue
            lo, hi = _split(r["min"], r["max"], split, places=places)[i]
            ranges.append({**_regime_head(r), "min": fmt(lo, r["kind"]), "max": fmt(hi, r["kind"])})
        types = base_types if level != "heavier" else list(facts.types)
        tiers.append(
            {
                "level": level,
                "legal_ground": "行政处罚法第三十四条 (裁量基准)",
                "types": types,
                "ranges": ranges,
                "requires_legal_review": bool(set(types) & MAJOR_TYPES),
            }
        )
    return {
        "statutory_range": [
            {**_regime_head(r), "min": fmt(r["min"], r["kind"]), "max": fmt(r["max"], r["kind"])}
            for r in regimes
        ],
        "types": list(facts.types),
        "split": [str(split[0]), str(split[1])],
        "split_basis": "rulebook §10.2 [PRAC]: 30 % / 70 % of the span; configurable",
        "tiers": tiers,
    }


def _regime_head(r: dict[str, Any]) -> dict[str, Any]:
    head = {
        "kind": r["kind"],
        "paragraph": r["paragraph"],
        "item": r["item"],
        "condition": r["condition"],
        "unit": r["unit"],
    }
    if r["kind"] == "multiple":
        head["basis"] = r["basis"]
        head["basis_text"] = r.get("basis_text")
    return head


# ---------------------------------------------------------------- corpus report


EXAMPLE = ("food-safety-law.md", 124)


def corpus_report(laws_dir: Path) -> dict[str, Any]:
    """Run the extractor over every law in ``laws_dir`` (index.json order) and count."""
    from fazhi.laws.parsing import parse_law_file

    index = json.loads((laws_dir / "index.json").read_text(encoding="utf-8"))
    by_type: Counter[str] = Counter()
    per_law = []
    misses: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    provisions = with_range = fine_articles = fine_with_range = 0
    for entry in index["laws"]:
        law = parse_law_file(laws_dir / entry["file"])
        n_prov = n_fine = n_fine_range = 0
        for a in law.articles:
            text = a.text
            facts = extract_penalty(text, article_no=a.number)
            if facts:
                n_prov += 1
                by_type.update(facts.types)
                with_range += facts.has_range
            if "罚款" in text:  # the index's articles_mentioning_fines criterion
                n_fine += 1
                if facts and facts.has_range:
                    n_fine_range += 1
                else:
                    reason = explain_none(text) if not facts else _found_reason(facts)
                    misses[reason].append((entry["short_title"], a.label, text))
        if n_fine != entry["articles_mentioning_fines"]:  # same criterion as index.json
            raise RuntimeError(
                f"{entry['file']}: {n_fine} articles mention 罚款, index says "
                f"{entry['articles_mentioning_fines']}"
            )
        provisions += n_prov
        fine_articles += n_fine
        fine_with_range += n_fine_range
        per_law.append(
            {
                "file": entry["file"],
                "title": entry["short_title"],
                "provisions": n_prov,
                "fine_articles": n_fine,
                "fine_with_range": n_fine_range,
            }
        )
    ex_law = parse_law_file(laws_dir / EXAMPLE[0])
    ex_article = next(a for a in ex_law.articles if a.number == EXAMPLE[1] and not a.suffix)
    ex_facts = extract_penalty(ex_article.text, article_no=EXAMPLE[1])
    example = {
        "title": ex_law.title,
        "label": ex_article.label,
        "ranges": describe_ranges(ex_facts) if ex_facts else [],
        "applies": [r.text for r in ex_facts.applies_penalty_of] if ex_facts else [],
        "inferred": infer_enforced_articles(ex_facts, ex_law.articles) if ex_facts else [],
    }
    return {
        "provisions": provisions,
        "provisions_with_range": with_range,
        "example": example,
        "by_type": dict(by_type),
        "fine_articles": fine_articles,
        "fine_with_range": fine_with_range,
        "per_law": per_law,
        "misses": misses,
        "laws": len(index["laws"]),
    }


def _found_reason(facts: PenaltyFacts) -> str:
    """Why a provision that sets a penalty and mentions 罚款 has no parsed range."""
    if facts.daily_penalty:
        return "daily penalty (按日连续处罚): amount = the original fine per day, no range"
    if "fine" in facts.types:
        return FINE_NO_AMOUNT
    if facts.applies_penalty_of:
        return BY_REFERENCE
    return "penalty provision; 罚款 only in a procedural or descriptive phrase"


def render_report(rep: dict[str, Any]) -> str:
    pct = 100 * rep["fine_with_range"] / rep["fine_articles"] if rep["fine_articles"] else 0
    lines = [
        "# Penalty provision extraction (laws)",
        "",
        "Generated by `python -m fazhi.laws.penalties` (fazhi/laws/penalties.py) over the "
        f"{rep['laws']} texts in data/laws/. Do not edit by hand.",
        "",
        "## Counts",
        "",
        f"* Penalty provisions found (`extract_penalty` not None): **{rep['provisions']}**, of "
        f"which {rep['provisions_with_range']} carry a parsed fine range (fixed or multiple).",
        f"* index.json `articles_mentioning_fines` (summed): **{rep['fine_articles']}**; with a "
        f"parsed range: **{rep['fine_with_range']}** ({pct:.1f} %).",
        "",
        "## Provisions by penalty type (行政处罚法 art. 9)",
        "",
        "| type | 中文 | provisions |",
        "| --- | --- | ---: |",
    ]
    for code in PENALTY_TYPES:
        lines.append(f"| {code} | {PENALTY_TYPES[code]} | {rep['by_type'].get(code, 0)} |")
    ex = rep["example"]
    lines += [
        "",
        f"## Example: 《{ex['title']}》{ex['label']}",
        "",
        "| ¶ | condition | kind | range | statute text |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in ex["ranges"]:
        unit = {"yuan": "yuan", "times": "× " + r.get("basis", ""), "days": "days"}.get(
            r["unit"], r["unit"]
        )
        lines.append(
            f"| {r['paragraph']} | {r['condition'] or '—'} | {r['kind']} | "
            f"{r['range']} {unit} | {r['text']} |"
        )
    lines += [
        "",
        "¶2 and ¶3 apply ¶1's penalty (" + "、".join(ex["applies"]) + "). The article "
        "names no duty article (违反本法规定); `infer_enforced_articles` suggests: "
        + "; ".join(
            f"item {d['behaviour_item'] or '¶' + str(d['behaviour_paragraph'])} → "
            f"{d['label']}" + (f"（{d['item']}）" if d["item"] else "") + f" ({d['score']})"
            for d in ex["inferred"]
        )
        + ".",
    ]
    lines += [
        "",
        "## Worst coverage of articles mentioning fines (≥ 3 such articles)",
        "",
        "| law | file | articles mentioning 罚款 | with parsed range | coverage |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    rows = [r for r in rep["per_law"] if r["fine_articles"] >= 3]
    rows.sort(key=lambda r: (r["fine_with_range"] / r["fine_articles"], -r["fine_articles"]))
    for r in rows[:20]:
        cov = 100 * r["fine_with_range"] / r["fine_articles"]
        lines.append(
            f"| {r['title']} | {r['file']} | {r['fine_articles']} | "
            f"{r['fine_with_range']} | {cov:.0f} % |"
        )
    lines += [
        "",
        "## Articles mentioning 罚款 without a parsed range, by reason",
        "",
        "| reason | articles |",
        "| --- | ---: |",
    ]
    misses = rep["misses"]
    for reason, rows_ in sorted(misses.items(), key=lambda kv: -len(kv[1])):
        lines.append(f"| {reason} | {len(rows_)} |")
    lines += ["", "### Examples", ""]
    for reason, rows_ in sorted(misses.items(), key=lambda kv: -len(kv[1])):
        lines.append(f"**{reason}**")
        lines.append("")
        for title, label, text in rows_[:3]:
            snippet = text.replace("\n", " ")
            i = snippet.find("罚款")
            snippet = snippet[max(0, i - 60) : i + 40]
            lines.append(f"* {title} {label}: …{snippet}…")
        lines.append("")
    lines += [
        "## API (fazhi/laws/penalties.py, pure functions)",
        "",
        "* `extract_penalty(text, article_no=None) -> PenaltyFacts | None`; store "
        "`facts.to_dict()` (JSON) with the provision, rebuild with `PenaltyFacts.from_dict`.",
        "* `describe_ranges(facts)` — rows for the provision page (paragraph, condition, range, "
        "statute text).",
        "* `infer_enforced_articles(facts, parsed_law.articles)` — suggested duty articles when "
        "the text only says 违反本法规定 (marked `inferred`).",
        "* `draft_authority_item(facts, law_title=…, article_label=…, inferred_duties=…)` and "
        "`draft_benchmark(facts)` — the one-step drafts.",
        "",
        "## Decisions",
        "",
        "* 处分 of staff, criminal liability (依法追究刑事责任) and court fines/detention are not "
        "administrative penalties (行政处罚法 art. 2, 8); 责令改正 is a corrective order "
        "(art. 28), kept as a flag.",
        "* 依法给予治安管理处罚 / 依法给予行政处罚 without a type or article is not counted as a "
        "penalty provision; 依照本法第X条的规定处罚 is (with `applies_penalty_of`).",
        "* Per-unit rates (每平方米十元至三十元, 按日处五十元至一百元) are stored as "
        "multiples with "
        "unit `yuan_per_unit`.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    root = Path(__file__).resolve().parents[2]
    rep = corpus_report(root / "data" / "laws")
    text = render_report(rep)
    out = root / "docs" / "laws-penalty-extraction.md"
    out.write_text(text, encoding="utf-8")
    sys.stdout.write(text + "\n")
    sys.stderr.write(f"written: {out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
