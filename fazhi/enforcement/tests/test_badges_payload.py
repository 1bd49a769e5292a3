"""The badge payload (issue 4 §2; security.md QR-1..QR-3): round trip, any changed byte is
invalid, unknown key ids are invalid, the size budget and the QR version, the live status table,
and the browser verifier (sm-crypto in Node) on Python-signed payloads."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from fazhi.core.crypto import SM2KeyPair, sm2_generate, sm2_sign, sm2_verify
from fazhi.enforcement import badges as b
from fazhi.enforcement.rules.certificates import CertificateFacts

ROOT = Path(__file__).resolve().parents[3]
KEY = sm2_generate(key_id="sm2-0123456789ab")
OTHER = sm2_generate(key_id="sm2-ba9876543210")
KEYS = {KEY.key_id: KEY.public_key}

CLAIMS = b.BadgeClaims(
    key_id=KEY.key_id,
    number="15010201000001",
    name="张三",
    agency_code="11150102MB0000021X",
    issued_on=date(2026, 1, 10),
    expires_on=date(2032, 1, 9),
)
# A long but real-world case: a Mongolian name in Chinese transcription, the longest number the
# registry stores (32 characters), the key id as core.crypto makes it.
LONG = b.BadgeClaims(
    key_id="sm2-0123456789ab",
    number="N" * 32,
    name="额尔登巴特尔·乌力吉巴雅尔",
    agency_code="11150102MB0000021X",
    issued_on=date(2026, 1, 10),
    expires_on=date(2032, 1, 9),
)
BASE = "https://fazhi.nmg.gov.cn"
TOKEN = "A" * 32


def _sign(key: SM2KeyPair = KEY):
    return lambda message: sm2_sign(key, message)


def _encode(claims: b.BadgeClaims = CLAIMS, key: SM2KeyPair = KEY) -> str:
    return b.encode(claims, _sign(key))


def test_round_trip() -> None:
    payload = _encode()
    assert b.verify(payload, KEYS, sm2_verify) == CLAIMS
    claims, message, signature = b.parse(payload)  # type: ignore[misc]
    assert claims == CLAIMS
    assert len(signature) == 64
    assert message == CLAIMS.message()


def test_payload_never_carries_the_resident_id_or_a_photo() -> None:
    raw = b.b64url_decode(_encode())
    text = raw[:-64].decode("utf-8")
    assert text.split(b.SEP) == [
        "FZB1", KEY.key_id, "15010201000001", "张三", "11150102MB0000021X",
        "2026-01-10", "2032-01-09",
    ]


def test_every_single_byte_change_is_invalid() -> None:
    payload = _encode()
    raw = b.b64url_decode(payload)
    for i in range(len(raw)):
        for flip in (0x01, 0x80, 0xFF):
            tampered = raw[:i] + bytes([raw[i] ^ flip]) + raw[i + 1 :]
            assert b.verify(b.b64url_encode(tampered), KEYS, sm2_verify) is None, (i, flip)


def test_every_single_character_change_of_the_fragment_is_invalid() -> None:
    """One changed character of the base64url text the QR carries, at every position, with
    neighbours in the alphabet (including changes of only the unused padding bits)."""
    payload = _encode()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for i, char in enumerate(payload):
        pos = alphabet.index(char)
        for other in {alphabet[(pos + 1) % 64], alphabet[(pos - 1) % 64], alphabet[pos ^ 1]}:
            tampered = payload[:i] + other + payload[i + 1 :]
            assert b.verify(tampered, KEYS, sm2_verify) is None, (i, char, other)


def test_truncated_extended_and_garbage_payloads_are_invalid() -> None:
    payload = _encode()
    for bad in (payload[:-1], payload[:-4], payload + "A", payload + "AAAA", "", "%%%", "FZB1",
                payload.replace("-", "+")):
        assert b.verify(bad, KEYS, sm2_verify) is None, bad


def test_unknown_key_id_is_invalid() -> None:
    payload = _encode(b.BadgeClaims(**{**CLAIMS.__dict__, "key_id": OTHER.key_id}), OTHER)
    assert b.verify(payload, KEYS, sm2_verify) is None
    assert b.verify(payload, {**KEYS, OTHER.key_id: OTHER.public_key}, sm2_verify) is not None


def test_key_id_naming_another_trusted_key_is_invalid() -> None:
    """Signed by OTHER but claiming KEY's id: the signature is checked with KEY and fails."""
    payload = _encode(CLAIMS, OTHER)
    assert b.verify(payload, {**KEYS, OTHER.key_id: OTHER.public_key}, sm2_verify) is None


def test_both_backends_verify_the_payload() -> None:
    payload = _encode()
    for backend in ("gmssl", "libcrypto"):
        try:
            ok = b.verify(
                payload, KEYS, lambda p, m, s, be=backend: sm2_verify(p, m, s, backend=be)
            )
        except Exception:  # libcrypto missing on this machine
            if backend == "libcrypto":
                continue
            raise
        assert ok == CLAIMS, backend


def test_claims_with_the_separator_or_empty_fields_are_refused() -> None:
    for field in ("name", "number", "agency_code", "key_id"):
        with pytest.raises(b.BadgePayloadError):
            _encode(b.BadgeClaims(**{**CLAIMS.__dict__, field: "a\x1fb"}))
        with pytest.raises(b.BadgePayloadError):
            _encode(b.BadgeClaims(**{**CLAIMS.__dict__, field: ""}))


@pytest.mark.parametrize("claims", [CLAIMS, LONG], ids=["typical", "long"])
def test_payload_budget_and_qr_version(claims: b.BadgeClaims) -> None:
    """security.md QR-3: ≤ 300 bytes, and the whole URL as a full QR (never Micro QR) of
    version ≤ 20 at ECC level Q."""
    payload = _encode(claims)
    assert len(payload.encode("ascii")) <= b.PAYLOAD_BUDGET
    url = b.verify_url(BASE, TOKEN, payload)
    qr = b.qr_for(url)
    assert not qr.is_micro
    assert qr.error == "Q"
    assert qr.version <= 20
    assert url.split("#", 1)[1] == payload  # the payload is in the fragment only
    assert payload not in url.split("#", 1)[0]


def test_over_budget_payload_is_refused() -> None:
    """Boundary: the budget is 300 bytes of base64url; a name long enough to pass it is refused."""
    fits, over = None, None
    for n in range(1, 80):
        claims = b.BadgeClaims(**{**CLAIMS.__dict__, "name": "张" * n})
        size = len(b.b64url_encode(claims.message() + b"\0" * 64))
        if size <= 300:
            fits = claims
        elif over is None:
            over = claims
    assert fits is not None
    assert over is not None
    assert len(_encode(fits)) <= 300
    with pytest.raises(b.BadgePayloadError):
        _encode(over)


def test_qr_over_version_20_is_refused() -> None:
    with pytest.raises(b.BadgePayloadError):
        b.qr_for(BASE + "/" + "x" * 600)


def test_strict_base64url() -> None:
    assert b.b64url_decode("QUJD") == b"ABC"
    for bad in ("QUJD=", "QUI=", "QUJ", "QR", "Q+JD", "Q/JD", ""):
        with pytest.raises(ValueError, match="base64url"):
            b.b64url_decode(bad)


# --- the live status: the QR never decides validity ----------------------------------------------

D = date


@pytest.mark.parametrize(
    ("state", "issued", "expires", "today", "superseded", "expected"),
    [
        ("active", D(2026, 1, 10), D(2032, 1, 9), D(2026, 1, 10), False, "valid"),  # first day
        ("active", D(2026, 1, 10), D(2032, 1, 9), D(2032, 1, 9), False, "valid"),  # last day
        ("active", D(2026, 1, 10), D(2032, 1, 9), D(2032, 1, 10), False, "expired"),  # day after
        ("active", D(2026, 1, 10), D(2032, 1, 9), D(2026, 1, 9), False, "not_yet_valid"),
        ("expired", D(2026, 1, 10), D(2032, 1, 9), D(2032, 1, 10), False, "expired"),
        ("revoked", D(2026, 1, 10), D(2032, 1, 9), D(2027, 1, 1), False, "revoked"),
        ("revoked", D(2026, 1, 10), D(2032, 1, 9), D(2033, 1, 1), False, "revoked"),
        ("suspended", D(2026, 1, 10), D(2032, 1, 9), D(2027, 1, 1), False, "suspended"),
        ("cancelled", D(2026, 1, 10), D(2032, 1, 9), D(2027, 1, 1), False, "cancelled"),
        ("issued", D(2026, 1, 10), D(2032, 1, 9), D(2027, 1, 1), False, "not_active"),
        ("active", D(2026, 1, 10), D(2032, 1, 9), D(2027, 1, 1), True, "superseded"),
    ],
)
def test_badge_status(state, issued, expires, today, superseded, expected) -> None:
    facts = CertificateFacts(state=state, issued_on=issued, expires_on=expires)
    assert b.badge_status(facts, today, superseded=superseded) == expected
    assert (expected == "valid") == (b.badge_status(facts, today, superseded=superseded) == "valid")


# --- the browser verifier, run in Node on Python-signed payloads ---------------------------------

SM2_JS = ROOT / "node_modules" / "sm-crypto" / "dist" / "sm2.js"
VERIFY_JS = ROOT / "fazhi" / "enforcement" / "static" / "enforcement" / "badge-verify.js"
NODE_SCRIPT = """
const sm2 = require(process.argv[1]);
const { verifyBadge } = require(process.argv[2]);
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
console.log(JSON.stringify(cases.map(c => verifyBadge(c.payload, c.keys, sm2, c.shown).state)));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.skipif(not SM2_JS.exists(), reason="sm-crypto not installed: run `make assets`")
def test_sm_crypto_in_node_accepts_python_signatures_and_calls_tampering_forged() -> None:
    payload = _encode()
    raw = b.b64url_decode(payload)
    keys = {KEY.key_id: "04" + KEY.public_key}
    shown = {
        "number": CLAIMS.number, "name": CLAIMS.name, "agency_code": CLAIMS.agency_code,
        "issued_on": "2026-01-10", "expires_on": "2032-01-09",
    }
    cases = [{"payload": payload, "keys": keys, "shown": shown}]  # 0: genuine
    cases.append({"payload": payload, "keys": keys, "shown": {**shown, "name": "李四"}})  # 1
    cases.append({"payload": _encode(CLAIMS, OTHER), "keys": keys, "shown": shown})  # 2
    cases.append({"payload": payload, "keys": {"sm2-unknown": keys[KEY.key_id]},
                  "shown": shown})  # 3: unknown kid
    cases.append({"payload": _encode(LONG), "keys": keys, "shown": None})  # 4: long, genuine
    tampered_positions = [*list(range(0, len(raw), 7)), len(raw) - 1]
    for i in tampered_positions:
        changed = raw[:i] + bytes([raw[i] ^ 0x01]) + raw[i + 1 :]
        cases.append({"payload": b.b64url_encode(changed), "keys": keys, "shown": shown})
    last = payload[-1]
    cases.append({"payload": payload[:-1] + ("B" if last == "A" else "A"), "keys": keys,
                  "shown": shown})
    result = subprocess.run(
        ["node", "-e", NODE_SCRIPT, str(SM2_JS), str(VERIFY_JS)],
        input=json.dumps(cases), capture_output=True, text=True, check=True, timeout=120,
    )
    states = json.loads(result.stdout)
    assert states[:5] == ["ok", "mismatch", "forged", "forged", "ok"]
    assert set(states[5:]) == {"forged"}, states
    assert len(states) == len(cases)
