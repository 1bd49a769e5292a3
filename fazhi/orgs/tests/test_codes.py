"""GB 11714 organisation-code check and the fictitious organ credit codes (rulebook §9.2)."""

import pytest

from fazhi.core.identifiers import validate_credit_code
from fazhi.orgs.seeding.codes import org_code_check_char, organ_credit_code


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ("M000100Y", "4"),  # 91350100M000100Y43, the common example
        ("MA0N0000", "8"),  # 91150100MA0N00008Q, rulebook test vector
        ("80210043", "3"),  # 91110000802100433B
    ],
)
def test_org_code_check_matches_rulebook_vectors(body: str, check: str) -> None:
    assert org_code_check_char(body) == check


def test_org_code_check_maps_ten_to_x_and_eleven_to_zero() -> None:
    assert org_code_check_char("00000006") == "X"  # S = 6 × 2 = 12, 12 mod 11 = 1 → C = 10
    assert org_code_check_char("00000000") == "0"  # S = 0 → C = 11
    assert org_code_check_char("00000005") == "1"  # S = 10 → C = 1


def test_organ_credit_code_is_valid_stable_and_encodes_the_division() -> None:
    code = organ_credit_code("150100", "呼和浩特市市场监督管理局")
    assert validate_credit_code(code) == code
    assert code.startswith("11150100")
    assert code[16] == org_code_check_char(code[8:16])
    assert organ_credit_code("150100", "呼和浩特市市场监督管理局") == code
    assert organ_credit_code("150102", "呼和浩特市市场监督管理局") != code
