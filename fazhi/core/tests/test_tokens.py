"""Public tokens: ≥128 bits from secrets, URL-safe, stored only as SM3 digests (QR-6)."""

import base64
import re
import string

from fazhi.core import tokens
from fazhi.core.tokens import (
    digests_equal,
    token_digest,
    token_is_well_formed,
    token_matches,
    token_new,
)

URLSAFE = set(string.ascii_letters + string.digits + "-_")


def test_token_shape_and_entropy():
    token, digest = token_new()
    assert len(token) == 32
    assert set(token) <= URLSAFE
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert len(raw) * 8 == 192 >= 128
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert token_is_well_formed(token)


def test_tokens_come_from_secrets(monkeypatch):
    calls = []

    def fake(n):
        calls.append(n)
        return bytes(range(n))

    monkeypatch.setattr(tokens.secrets, "token_bytes", fake)
    token, _ = token_new()
    assert calls == [24]
    assert token == base64.urlsafe_b64encode(bytes(range(24))).decode()


def test_tokens_are_unique_and_use_the_whole_alphabet():
    many = [token_new().token for _ in range(2000)]
    assert len(set(many)) == len(many)
    used = set("".join(many))
    assert used == URLSAFE  # 64 000 characters: every symbol appears


def test_digest_is_sm3():
    # GB/T 32905-2016 appendix A, example 1: SM3("abc").
    assert token_digest("abc") == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )


def test_only_the_digest_is_stored_and_a_dump_opens_nothing():
    store = {}  # what a model row would hold: digest → record
    token, digest = token_new()
    store[digest] = "case-1"
    assert token not in store
    assert all(token not in key for key in store)
    assert store.get(token_digest(token)) == "case-1"  # the holder's URL works
    assert store.get(token_digest(digest)) is None  # a leaked digest used as a token does not
    assert not token_matches(digest, digest)


def test_token_matches_in_constant_time_helper():
    token, digest = token_new()
    assert token_matches(token, digest)
    other, _ = token_new()
    assert not token_matches(other, digest)
    assert not token_matches(token[:-1], digest)
    assert not token_matches(token + "=", digest)
    assert digests_equal(digest, digest)
    assert not digests_equal(digest, digest[:-1] + ("0" if digest[-1] != "0" else "1"))


def test_malformed_tokens_are_refused_before_hashing():
    for bad in ["", "short", "a" * 31, "a" * 33, "a" * 31 + "/", "a" * 31 + "+", "中" * 32]:
        assert not token_is_well_formed(bad)
