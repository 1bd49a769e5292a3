"""Text processing for the recommender: penalty detection, behaviour chunks, duty links, bigrams.

Why chunks: an officer describes an *act* (后厨使用过期牛奶), while a penalty article is mostly
sanction wording (由…责令改正，没收…并处…罚款). Embedding or indexing the whole article dilutes
the act; cutting each penalty clause down to the behaviour it punishes (the part before
``的，由/处/责令…``, or subject + each item of a ``有下列行为之一`` list) gives a text that
reads like the officer's description. Measured on the dev set this was the largest single gain
(see docs/laws-recommender.md and shared/recommender-notes.md).

Why duty links: many penalty articles only point at the article that sets the duty
(价格法 第四十条 "经营者有本法第十四条所列行为之一的"; 商标法 第六十条 → 第五十七条). The duty
article holds the words of the act, so its items become extra chunks of the penalty article
and the suggestion carries the duty article beside the penalty.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from fazhi.laws.numerals import to_int

from .docs import ArticleDoc

_NUM = "〇零一二两三四五六七八九十百千"

# Words that make an article a sanction provision (the kinds of administrative penalty in
# Administrative Penalty Law art. 9, plus 处分/通报批评 for sanctions on officials and 取缔/关闭).
PENALTY_RE = re.compile(
    r"罚款|拘留|警告|吊销|没收|责令停产停业|责令停业|责令关闭|处分|通报批评|取缔|暂扣|降低资质等级"
)
# A clause that only says where a fine goes or how to appeal is not a behaviour.
_NOT_BEHAVIOUR_RE = re.compile(
    r"^(罚款|当事人|对罚款|依照|本法|本条例|前款|有前款|有本条|对直接负责|尚不|不构成|构成犯罪|逾期|"
    r"情节严重|情节较轻|情节特别严重|除依照|对单位|对个人|单位有|个人有|给予|处以|没收)"
)
# A "behaviour" that still speaks of sanctions or amounts is the sanction half of a sentence the
# cut missed (货值金额不足十万元的，按十万元计算 / 没有违法所得的): it matched every query about
# money and crowded real behaviours out of the top five.
_SANCTION_TEXT_RE = re.compile(r"货值金额|违法所得|罚款|并处|处以|滞纳金")
_TAIL_RE = re.compile(r"[，,](?:尚不|不)?构成犯罪.*$|[，,]情节(?:严重|较重|较轻|特别严重).*$")

_LEAD_VIOLATION_RE = re.compile(
    rf"^(?:[^，。；]{{0,30}}?)违反(?:本|《[^》]+》|[^，]{{0,12}}?)(?:法|条例|办法|规定|细则)?"
    rf"(?:第[{_NUM}]+条(?:第[{_NUM}]+款)?(?:第[（(][{_NUM}]+[)）]项)?[、，和及或者]*)*"
    r"(?:的)?(?:规定|有关规定)?[的，,]+"
)
_CUT_RE = re.compile(
    r"的[，,；;](?=\s*(?:由|处|责令|依照|依法|给予|没收|并处|吊销|可以|对|予以|按照|应当|除))"
)
_LIST_RE = re.compile(r"有下列(?:行为|情形|情况|违法行为)?之一")
_ITEM_LABEL_RE = re.compile(rf"^(?:[（(][{_NUM}]+[)）]|\d+[.．、])\s*")

# Duty references inside a penalty article.
_REF_BLOCK_RE = re.compile(
    rf"(?:违反|有)本(?:法|条例|办法|规定|细则)"
    rf"((?:第[{_NUM}]+条(?:之[{_NUM}]+)?(?:第[{_NUM}]+款)?(?:第[（(][{_NUM}]+[)）]项)?[、，,和及或者]*)+)"
)
_ARTICLE_NO_RE = re.compile(rf"第([{_NUM}]+)条(?!之)")


def is_penalty_text(text: str) -> bool:
    """Does the article impose an administrative sanction? (wording test, see PENALTY_RE)."""
    return bool(PENALTY_RE.search(text))


def text_hash(text: str) -> str:
    """sha256 of the exact text embedded; the artifact reuses a vector only on equal hashes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def char_bigrams(text: str) -> list[str]:
    """Character bigrams of the CJK/alnum runs: the lexical unit that beat jieba words here."""
    out: list[str] = []
    for run in re.findall(r"[\u4e00-\u9fffA-Za-z0-9]+", text):
        run = run.lower()
        if len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def strip_item_label(text: str) -> str:
    return _ITEM_LABEL_RE.sub("", text.strip())


def behaviour_of(sentence: str) -> str:
    """The act a penalty sentence punishes: drop a leading 违反…规定， and cut at 的，由/处/…"""
    s = sentence.strip()
    s = _LEAD_VIOLATION_RE.sub("", s, count=1)
    m = _CUT_RE.search(s)
    if m:
        s = s[: m.start()]
    s = _TAIL_RE.sub("", s)
    return s.strip("，,；;。 ")


def _list_subject(lead: str) -> str:
    """The actor before 有下列行为之一 (电梯、客运索道…的运营使用单位), without 违反…规定."""
    m = _LIST_RE.search(lead)
    head = lead[: m.start()] if m else lead
    head = _LEAD_VIOLATION_RE.sub("", head.strip(), count=1)
    return head.strip("，,；;：: ")


@dataclass(frozen=True)
class Chunk:
    """A piece of text that stands for one penalty article in retrieval."""

    article_key: str  # the penalty article it scores
    text: str  # what is embedded / indexed (law short title + behaviour)
    snippet: str  # what the officer sees
    via: str = ""  # key of the duty article when the text comes from it


def paragraph_units(text: str) -> list[tuple[str, list[str]]]:
    """Split article text into (lead, items) pairs, as the parser printed them (one per line)."""
    units: list[tuple[str, list[str]]] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if _ITEM_LABEL_RE.match(line) and units:
            units[-1][1].append(line)
        else:
            units.append((line, []))
    return units


def behaviour_texts(text: str) -> list[str]:
    """Behaviour descriptions of one article (penalty or duty), in order, without duplicates."""
    out: list[str] = []
    for lead, items in paragraph_units(text):
        if items:
            subject = _list_subject(lead) if _LIST_RE.search(lead) else ""
            for item in items:
                body = behaviour_of(strip_item_label(item))
                if len(body) >= 4:
                    out.append(f"{subject}{body}" if subject and subject not in body else body)
            if not _LIST_RE.search(lead):
                body = behaviour_of(lead)
                if len(body) >= 6 and not _NOT_BEHAVIOUR_RE.match(body):
                    out.append(body)
            continue
        for sentence in re.split(r"(?<=[。；;])", lead):
            body = behaviour_of(sentence)
            if len(body) >= 6 and not _NOT_BEHAVIOUR_RE.match(body):
                out.append(body)
    seen: set[str] = set()
    return [b for b in out if not (b in seen or seen.add(b)) and not _SANCTION_TEXT_RE.search(b)]


def duty_article_numbers(text: str) -> list[int]:
    """Article numbers of the same law that a penalty article enforces (违反本法第X条…)."""
    numbers: list[int] = []
    for block in _REF_BLOCK_RE.finditer(text):
        for m in _ARTICLE_NO_RE.finditer(block.group(1)):
            try:
                n = to_int(m.group(1))
            except ValueError:
                continue
            if n not in numbers:
                numbers.append(n)
    return numbers


def doc_key(doc: ArticleDoc) -> str:
    return doc.key
