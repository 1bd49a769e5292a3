"""Unguessable public tokens (security.md QR-6, PII-5): capability URLs for case pages and links.

A token carries 24 random bytes from `secrets` (192 bits, above the 128-bit floor of ASVS
11.5.1), written as 32 URL-safe base64 characters. Only its SM3 digest is stored, so a copy of the
database cannot produce a working URL; lookups hash the presented token and compare digests.
SM3 comes from `cryptography` (``hashes.SM3``, GB/T 32905-2016).
"""

from __future__ import annotations

import base64
import hmac
import re
import secrets
from typing import NamedTuple

from cryptography.hazmat.primitives import hashes

TOKEN_BYTES = 24
TOKEN_LENGTH = 32  # base64url of 24 bytes, no padding
DIGEST_LENGTH = 64  # SM3 in hex
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{32}")


class NewToken(NamedTuple):
    token: str  # give to the holder (URL, QR code); never store it
    digest: str  # store this


def token_new() -> NewToken:
    """A fresh token and the digest to store in its place."""
    raw = secrets.token_bytes(TOKEN_BYTES)
    token = base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
    return NewToken(token=token, digest=token_digest(token))


def token_digest(token: str) -> str:
    """SM3 of the token's UTF-8 bytes as 64 lower-case hex characters."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(token.encode("utf-8"))
    return digest.finalize().hex()


def token_is_well_formed(token: str) -> bool:
    """True for a string shaped like a token (32 URL-safe characters); cheap pre-check."""
    return isinstance(token, str) and _TOKEN_RE.fullmatch(token) is not None


def digests_equal(left: str, right: str) -> bool:
    """Constant-time comparison of two digests (or any two strings)."""
    return hmac.compare_digest(left.encode("utf-8"), right.encode("utf-8"))


def token_matches(token: str, digest: str) -> bool:
    """True when `token` hashes to the stored `digest`, compared in constant time."""
    return token_is_well_formed(token) and digests_equal(token_digest(token), digest)
