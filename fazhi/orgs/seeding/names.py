"""Invented people and township names: plausible for Inner Mongolia, attached to no one real."""

from __future__ import annotations

import random

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
    "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建红宇晨欣雪琳志宏海峰亮斌婷慧颖"
MONGOLIAN_NAMES = (
    "巴特尔", "其木格", "乌云", "斯琴", "朝鲁", "阿拉坦", "苏日娜", "额尔敦", "孟和", "哈斯",
    "图雅", "萨仁", "宝音", "格日勒", "那日苏", "乌兰", "敖其尔", "满都拉", "托娅", "布和",
    "吉日嘎拉", "特木尔", "娜仁", "苏和", "阿古拉", "塔娜", "必力格", "达来", "恩和", "高娃",
)
_STEMS = """
    城关 新华 东风 红旗 乌兰 巴彦 阿拉坦 额尔敦 宝音图
    察汗 哈达 白音 锡林 查干 呼和 塔拉 图门 杭盖 沙尔
    乌力吉 朝阳 新民 团结 胜利 和平 友谊 前进 永丰 太平
    长胜 双河 五一 大营 北山 南湾 西沟 东滩 柳树 榆树
    杨树 黄花 兴隆 丰收 金山 银河 宝山 新城 古城 河口
    沙圪堵 敖包 那仁 希拉 达拉 宝日 吉兰 额木 苏尼 孟恩
"""
TOWN_STEMS = tuple(_STEMS.split())
TOWN_SUFFIXES = ("镇", "镇", "镇", "苏木", "乡", "街道")


def person_name(rng: random.Random) -> str:
    """A fictitious full name: mostly Han, about one in six Mongolian."""
    if rng.random() < 0.16:
        return rng.choice(MONGOLIAN_NAMES)
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def town_names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """`count` distinct (stem, full name) pairs, e.g. ("巴彦", "巴彦镇")."""
    result: list[tuple[str, str]] = []
    seen: set[str] = set()
    while len(result) < count:
        stem = rng.choice(TOWN_STEMS)
        roll = rng.random()
        if roll < 0.25:
            stem += rng.choice(TOWN_STEMS)
        elif roll < 0.4:
            stem += rng.choice("东西南北")
        if stem in seen:
            continue
        seen.add(stem)
        result.append((stem, stem + rng.choice(TOWN_SUFFIXES)))
    return result
