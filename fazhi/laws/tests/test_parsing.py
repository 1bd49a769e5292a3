"""The Markdown law parser on the real texts of data/laws/ (issue 3 item 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fazhi.laws.numerals import from_int, to_int
from fazhi.laws.parsing import LawFormatError, parse_law_file, parse_law_text

LAWS = Path(__file__).resolve().parents[3] / "data" / "laws"
INDEX = json.loads((LAWS / "index.json").read_text(encoding="utf-8"))["laws"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("一百", 100),
        ("一百零五", 105),
        ("一百一十", 110),
        ("一百二十四", 124),
        ("二百零一", 201),
        ("一千零一", 1001),
        ("两千", 2000),
        ("二〇二一", 2021),
        ("五万", 50_000),
        ("十万", 100_000),
        ("一百二十万", 1_200_000),
        ("万", 10_000),
        ("十万零五", 100_005),
    ],
)
def test_chinese_numerals(text: str, value: int) -> None:
    assert to_int(text) == value


@pytest.mark.parametrize(
    "n", [1, 9, 10, 11, 19, 20, 21, 99, 100, 101, 105, 110, 111, 124, 1000, 1001, 1010, 1100, 9999]
)
def test_numerals_round_trip(n: int) -> None:
    assert to_int(from_int(n)) == n


@pytest.mark.parametrize("bad", ["", "第一", "1", "一x"])
def test_numeral_rejects_non_numerals(bad: str) -> None:
    with pytest.raises(ValueError, match="not a Chinese numeral"):
        to_int(bad)


def test_from_int_statute_style() -> None:
    assert from_int(124) == "一百二十四"
    assert from_int(105) == "一百零五"
    assert from_int(10) == "十"
    assert from_int(110) == "一百一十"


@pytest.mark.parametrize("meta", INDEX, ids=[m["file"] for m in INDEX])
def test_every_file_parses_with_the_indexed_article_count(meta: dict) -> None:
    parsed = parse_law_file(LAWS / meta["file"])
    assert parsed.title == meta["title"]
    assert len(parsed.articles) == meta["article_count"]
    numbers = [(a.number, a.suffix) for a in parsed.articles]
    assert len(set(numbers)) == len(numbers), "article numbers repeat"
    assert all(a.paragraphs for a in parsed.articles), "an article without text"


def test_index_covers_all_148_texts() -> None:
    assert len(INDEX) == 148
    texts = {p.name for p in LAWS.glob("*.md")} - {"README.md", "recommend-dev.md"}
    assert {m["file"] for m in INDEX} == texts


def test_administrative_penalty_law_article_51_reads_as_in_the_file() -> None:
    parsed = parse_law_file(LAWS / "administrative-penalty-law.md")
    art = next(a for a in parsed.articles if a.number == 51)
    line = next(
        ln
        for ln in (LAWS / "administrative-penalty-law.md").read_text("utf-8").splitlines()
        if ln.startswith("第五十一条")
    )
    assert art.label == "第五十一条"
    assert art.text == line.removeprefix("第五十一条").strip()
    assert art.chapter_path == ("第五章 行政处罚的决定", "第二节 简易程序")
    assert len(art.paragraphs) == 1


def test_items_belong_to_the_paragraph_before_them() -> None:
    parsed = parse_law_file(LAWS / "food-safety-law.md")
    art = next(a for a in parsed.articles if a.number == 124)
    assert [len(p.items) for p in art.paragraphs] == [9, 0, 0]
    assert art.paragraphs[0].items[1].number == 2
    assert art.paragraphs[0].items[1].text.startswith("（二）用超过保质期的食品原料")
    assert art.paragraphs[1].lead.startswith("除前款和本法第一百二十三条")
    assert art.chapter_path == ("第九章 法律责任",)


def test_history_lines_and_dates() -> None:
    parsed = parse_law_file(LAWS / "food-safety-law.md")
    assert [h.date.isoformat() for h in parsed.history if h.date] == [
        "2009-02-28",
        "2015-04-24",
        "2018-12-29",
        "2021-04-29",
    ]
    assert parsed.latest_history_date.isoformat() == "2021-04-29"


def test_heading_broken_over_two_lines_is_joined() -> None:
    parsed = parse_law_file(LAWS / "tobacco-monopoly-law.md")
    titles = [t for _, t in parsed.headings]
    assert "第五章 卷烟纸、滤嘴棒、烟用丝束、烟草专用机械的生产和销售" in titles


def test_article_with_suffix_and_zero_width_lines() -> None:
    text = (
        "# 示例法\n\n2020年1月1日 通过\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n"
        "第一条 为了示例，制定本法。\n\u200b\n第一条之一 补充条文：\n\n（一）甲；\n\n（二）乙。\n\n"
        "第二条 本法自2020年1月1日起施行。\n"
    )
    parsed = parse_law_text(text)
    assert [(a.number, a.suffix, a.label, a.slug) for a in parsed.articles] == [
        (1, 0, "第一条", "art-1"),
        (1, 1, "第一条之一", "art-1-1"),
        (2, 0, "第二条", "art-2"),
    ]
    assert [i.text for i in parsed.articles[1].paragraphs[0].items] == ["（一）甲；", "（二）乙。"]


def test_text_mentioning_an_article_is_not_an_article() -> None:
    text = "# 示例法\n\n<!-- INFO END -->\n\n第一条 甲。\n\n第三人明知的，视为侵权。\n"
    parsed = parse_law_text(text)
    assert len(parsed.articles) == 1
    assert parsed.articles[0].paragraphs[1].lead == "第三人明知的，视为侵权。"


@pytest.mark.parametrize(
    ("text", "message"),
    [("无标题\n", "line 1"), ("# 示例法\n第一条 甲。\n", "INFO END")],
)
def test_malformed_texts_are_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(LawFormatError, match=message):
        parse_law_text(text)
