"""Redaction for publication (security.md PII-3): hypothesis texts with PII in many forms."""

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fazhi.core.identifiers import resident_id_check_char, validate_resident_id
from fazhi.core.redaction import PiiKind, find_pii, mask_name, redact

# ---------------------------------------------------------------- examples


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张某"),
        ("王小明", "王某"),
        ("欧阳娜娜", "欧阳某"),
        ("司马光", "司马某"),
        ("诸葛 亮", "诸葛某"),
        ("巴特尔", "巴某"),
        ("阿依古丽·买买提", "阿某"),
    ],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_redact_example_decision():
    text = (
        "当事人张三，公民身份号码11010519491231002X，住所略。联系电话138-1234-5678，"
        "证人李四（电话0471-6612345）。驾驶蒙A·12345号车辆。"
        "2026年3月5日，依据《行政处罚法》第五十一条，罚款5000元，"
        "缴至账号6222 0212 3456 7890 123。案号（2026）内0102行初15号。"
    )
    out = redact(text, names=["张三"], others=["李四"])
    assert out == (
        "当事人张某，公民身份号码1****************X，住所略。联系电话138********，"
        "证人某某（电话0471*******）。驾驶蒙A*****号车辆。"
        "2026年3月5日，依据《行政处罚法》第五十一条，罚款5000元，"
        "缴至账号***************0123。案号（2026）内0102行初15号。"
    )
    assert find_pii(out) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("身份证11010519491231002X。", PiiKind.RESIDENT_ID),
        ("身份证 110105 19491231 002x。", PiiKind.RESIDENT_ID),
        ("身份证１１０１０５１９４９１２３１００２Ｘ。", PiiKind.RESIDENT_ID),
        ("旧证150102900307123。", PiiKind.RESIDENT_ID),
        ("手机13812345678。", PiiKind.MOBILE),
        ("手机+86 138 1234 5678。", PiiKind.MOBILE),
        ("手机0086-13812345678。", PiiKind.MOBILE),
        ("手机幺三八一二三四五六七八。", PiiKind.MOBILE),
        ("电话（0471）6612345。", PiiKind.LANDLINE),
        ("电话010-12345678。", PiiKind.LANDLINE),
        ("联系电话：6612345。", PiiKind.LANDLINE),
        ("卡号6222021234567890。", PiiKind.BANK_ACCOUNT),
        ("开户行账号 123456789012。", PiiKind.BANK_ACCOUNT),
        ("车辆蒙AD12345。", PiiKind.VEHICLE_PLATE),
    ],
)
def test_each_kind_is_found_and_masked(text, kind):
    assert [hit.kind for hit in find_pii(text)] == [kind]
    assert find_pii(redact(text)) == []


@pytest.mark.parametrize(
    "text",
    [
        "2026年3月5日",
        "二〇二六年三月五日",
        "罚款5000元",
        "罚款人民币50,000.00元",
        "第五十一条第二款",
        "第51条",
        "（2026）内0102行初15号",
        "蒙市监处罚〔2026〕150号",
        "统一社会信用代码91150100MA0N00008Q",
        "统一社会信用代码911501007360043010",
        "编号202603050001",
        "占比30%，共1234567户",
    ],
)
def test_non_pii_is_left_intact(text):
    assert find_pii(text) == []
    assert redact(text) == text


def test_chinese_numerals_do_not_join_arabic_digits():
    # 三 in a name must not turn a mobile number into a 12-digit run that nothing matches.
    assert redact("证人张三13812345678") == "证人张三138********"
    assert redact("电话一三八一二三四五六七八，二〇二六年") == "电话138********，二〇二六年"


def test_plates_can_be_kept():
    assert redact("车辆蒙A12345", plates=False) == "车辆蒙A12345"
    assert redact("车辆蒙A12345") == "车辆蒙A*****"


def test_all_digit_credit_code_is_kept_but_resident_id_is_not():
    from fazhi.core.identifiers import validate_credit_code

    code = "911501007360043010"
    assert validate_credit_code(code) == code
    assert redact(f"统一社会信用代码：{code}") == f"统一社会信用代码：{code}"
    # the same digits without a label may be an 18-digit bank card: masked
    assert redact(f"编号{code}") == "编号9****************0"
    assert redact("号码150102199003071237") == "号码1****************7"


# ---------------------------------------------------------------- generated texts

FULL_WIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")
CHINESE = str.maketrans("0123456789", "〇一二三四五六七八九")
SURNAMES = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "吴", "周", "欧阳", "司马", "诸葛"]
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红"
DIVISIONS = ["150102", "150602", "152502", "150202", "110105", "440524"]


@st.composite
def person_names(draw):
    return draw(st.sampled_from(SURNAMES)) + "".join(
        draw(st.lists(st.sampled_from(GIVEN), min_size=1, max_size=2))
    )


def _group(digits: str, sizes: list[int], sep: str) -> str:
    parts, i = [], 0
    for size in sizes:
        parts.append(digits[i : i + size])
        i += size
    if i < len(digits):
        parts.append(digits[i:])
    return sep.join(p for p in parts if p)


@st.composite
def resident_ids(draw):
    year = draw(st.integers(1930, 2010))
    month, day = draw(st.integers(1, 12)), draw(st.integers(1, 28))
    first17 = f"{draw(st.sampled_from(DIVISIONS))}{year}{month:02d}{day:02d}"
    first17 += f"{draw(st.integers(0, 999)):03d}"
    value = first17 + resident_id_check_char(first17)
    assert validate_resident_id(value) == value
    form = draw(st.sampled_from(["plain", "lower", "space", "hyphen", "full"]))
    shown = {
        "plain": value,
        "lower": value.lower(),
        "space": _group(value, [6, 8, 4], " "),
        "hyphen": _group(value, [6, 8, 4], "-"),
        "full": value.translate(FULL_WIDTH),
    }[form]
    return value, shown


@st.composite
def legacy_ids(draw):
    value = f"{draw(st.sampled_from(DIVISIONS))}{draw(st.integers(30, 99))}"
    value += f"{draw(st.integers(1, 12)):02d}{draw(st.integers(1, 28)):02d}"
    value += f"{draw(st.integers(0, 999)):03d}"
    return value, draw(st.sampled_from([value, _group(value, [6, 6], " ")]))


@st.composite
def mobiles(draw):
    value = f"1{draw(st.integers(3, 9))}{draw(st.integers(0, 999_999_999)):09d}"
    form = draw(st.sampled_from(["plain", "344", "hyphen", "+86", "0086", "full", "chinese"]))
    shown = {
        "plain": value,
        "344": _group(value, [3, 4, 4], " "),
        "hyphen": _group(value, [3, 4, 4], "-"),
        "+86": "+86 " + value,
        "0086": "0086-" + _group(value, [3, 4, 4], "-"),
        "full": value.translate(FULL_WIDTH),
        "chinese": value.translate(CHINESE).replace("一", draw(st.sampled_from(["一", "幺"]))),
    }[form]
    return value, shown


@st.composite
def landlines(draw):
    area = draw(st.sampled_from(["0471", "0472", "0477", "010", "021"]))
    local = f"{draw(st.integers(2, 8))}{draw(st.integers(0, 9_999_999)):07d}"
    local = local[: draw(st.sampled_from([7, 8]))]
    form = draw(st.sampled_from(["hyphen", "paren", "fullparen", "space", "local"]))
    shown = {
        "hyphen": f"{area}-{local}",
        "paren": f"({area}){local}",
        "fullparen": f"（{area}）{local}",
        "space": f"{area} {local}",
        "local": local,
    }[form]
    return local, "电话" + shown  # a local number alone is a phone only next to a keyword


@st.composite
def bank_cards(draw):
    length = draw(st.integers(16, 19))
    value = "62" + "".join(str(draw(st.integers(0, 9))) for _ in range(length - 2))
    return value, draw(st.sampled_from([value, _group(value, [4, 4, 4, 4], " ")]))


@st.composite
def plates(draw):
    tail = "".join(draw(st.lists(st.sampled_from("0123456789ABCDEFGHJK"), min_size=5, max_size=6)))
    letter = draw(st.sampled_from("ABCDEFGHJKLM"))
    raw = f"蒙{letter}{tail}"
    return raw, draw(st.sampled_from([raw, f"蒙{letter}·{tail}"]))


LABELS = {
    "id": "公民身份号码",
    "legacy": "身份证号",
    "mobile": "手机",
    "landline": "",
    "card": "银行卡号",
    "plate": "车牌号",
}
pii_items = st.one_of(
    resident_ids().map(lambda v: ("id", *v)),
    legacy_ids().map(lambda v: ("legacy", *v)),
    mobiles().map(lambda v: ("mobile", *v)),
    landlines().map(lambda v: ("landline", *v)),
    bank_cards().map(lambda v: ("card", *v)),
    plates().map(lambda v: ("plate", *v)),
)
NON_PII = [
    "2026年3月5日",
    "二〇二六年三月五日",
    "罚款5000元",
    "没收违法所得12,345.60元",
    "依据第五十一条",
    "依据第51条第2款",
    "案号（2026）内0102行初15号",
    "决定书文号蒙市监处罚〔2026〕150号",
    "统一社会信用代码91150100MA0N00008Q",
    "违法行为持续30日",
]
FILLER = ["经查", "当事人", "证人", "另查明", "现场检查时", "询问笔录载明", "其陈述"]


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(
        str.maketrans("〇一二三四五六七八九幺", "01234567891")
    )
    return re.sub(r"[\s\-‐‑‒–—]", "", text)


@st.composite
def decision_texts(draw):
    names = draw(st.lists(person_names(), min_size=1, max_size=3, unique=True))
    others = draw(st.lists(person_names(), max_size=2, unique=True))
    others = [o for o in others if o not in names]
    segments, secrets_, kept = [], [], []
    for _ in range(draw(st.integers(1, 8))):
        choice = draw(st.integers(0, 3))
        if choice == 0:
            kind, raw, shown = draw(pii_items)
            segments.append(draw(st.sampled_from(FILLER)) + LABELS[kind] + shown)
            secrets_.append(raw)
        elif choice == 1:
            item = draw(st.sampled_from(NON_PII))
            segments.append(item)
            kept.append(item)
        else:
            name = draw(st.sampled_from(names + others))
            if draw(st.booleans()) and len(name) == 2:
                name = " ".join(name)  # 张 三, as in some typeset documents
            segments.append(draw(st.sampled_from(FILLER)) + name)
    return "，".join(segments) + "。", names, others, secrets_, kept


@settings(max_examples=300, deadline=None)
@given(decision_texts())
def test_generated_texts_leave_no_pii(case):
    text, names, others, secrets_, kept = case
    out = redact(text, names=names, others=others)
    assert find_pii(out) == []
    flat = _normalise(out)
    for secret in secrets_:
        assert _normalise(secret).upper() not in flat.upper(), (secret, out)
    assert re.search(r"\d{11,}", flat) is None, out
    for name in names + others:
        assert name not in out, (name, out)
        assert name not in out.replace(" ", ""), (name, out)
    for item in kept:
        assert item in out, (item, out)
