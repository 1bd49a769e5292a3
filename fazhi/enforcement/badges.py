"""The signed payload of an officer's badge QR (issue 4 §2; security.md QR-1..QR-3). Pure: no ORM.

Wire format (version 1), the bytes the QR fragment carries in base64url without padding::

    message   = "FZB1" US kid US number US name US agency_code US issued_on US expires_on
    payload   = message ‖ signature          (signature: SM2-with-SM3, raw r‖s, 64 bytes)

US is the ASCII unit separator 0x1F, which cannot occur in any field (checked on encoding); dates
are ISO ``YYYY-MM-DD``; text is UTF-8. The signature uses the default user ID 1234567812345678
(GB/T 35276 §5.4), so sm-crypto's ``doVerifySignature(msg, sig, "04"+pub, {hash: true})`` checks
it in the browser (shared/stack.md §3.5).

What the payload carries is the minimum that lets a holder of the public key tell a genuine badge
from a forged one offline: certificate number, name, agency code (unified social credit code),
issue and expiry dates and the key id. It never carries the resident ID number or the photo
(security.md QR-1, PIPL minimisation); the photo is fetched online by the verify page (QR-5).

Deviation from security.md QR-1: claims are a separator-joined UTF-8 string instead of CBOR in a
COSE_Sign1 envelope (no CBOR library in the stack, and the browser side would need one too); the
size budget of QR-3 (≤ 300 bytes, QR version ≤ 20 at ECC Q) holds, see ``PAYLOAD_BUDGET``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy

from fazhi.enforcement.rules.certificates import CertificateFacts, CertificateState, is_valid_on

MAGIC = "FZB1"
SEP = "\x1f"
SIGNATURE_BYTES = 64
#: security.md QR-3: the encoded payload stays within about 300 bytes.
PAYLOAD_BUDGET = 300
#: security.md QR-3: the whole QR (URL + fragment) is at most version 20 at ECC level Q.
QR_MAX_VERSION = 20
QR_ERROR = "q"
_FIELDS = 7  # magic + 6 claims


class BadgePayloadError(ValueError):
    """Claims that cannot be put in a badge payload."""


@dataclass(frozen=True)
class BadgeClaims:
    key_id: str
    number: str
    name: str
    agency_code: str
    issued_on: date
    expires_on: date

    def message(self) -> bytes:
        """The bytes that are signed."""
        parts = [
            MAGIC,
            self.key_id,
            self.number,
            self.name,
            self.agency_code,
            self.issued_on.isoformat(),
            self.expires_on.isoformat(),
        ]
        for part in parts:
            if not part or SEP in part:
                raise BadgePayloadError("badge claims must be non-empty and free of U+001F")
        return SEP.join(parts).encode("utf-8")


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def b64url_decode(text: str) -> bytes:
    """Strict base64url without padding; raises ValueError on anything else."""
    if not isinstance(text, str) or not text or any(c in text for c in "=+/ \n"):
        raise ValueError("not base64url")
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url") from exc
    if b64url_encode(data) != text:  # non-zero padding bits: two strings, same bytes
        raise ValueError("not canonical base64url")
    return data


def encode(claims: BadgeClaims, sign: Callable[[bytes], bytes]) -> str:
    """Sign the claims with `sign` (message → 64-byte r‖s) and return the payload as base64url."""
    message = claims.message()
    signature = sign(message)
    if len(signature) != SIGNATURE_BYTES:
        raise BadgePayloadError("an SM2 signature is 64 bytes r||s")
    payload = b64url_encode(message + signature)
    if len(payload) > PAYLOAD_BUDGET:
        raise BadgePayloadError(
            f"badge payload is {len(payload)} bytes, over the {PAYLOAD_BUDGET}-byte budget"
        )
    return payload


def parse(payload: str) -> tuple[BadgeClaims, bytes, bytes] | None:
    """Split a payload into (claims, signed message, signature) without checking the signature;
    None when it is not a well-formed version-1 payload."""
    try:
        raw = b64url_decode(payload)
    except ValueError:
        return None
    if len(raw) <= SIGNATURE_BYTES:
        return None
    message, signature = raw[:-SIGNATURE_BYTES], raw[-SIGNATURE_BYTES:]
    try:
        parts = message.decode("utf-8").split(SEP)
    except UnicodeDecodeError:
        return None
    if len(parts) != _FIELDS or parts[0] != MAGIC or not all(parts):
        return None
    try:
        issued_on, expires_on = date.fromisoformat(parts[5]), date.fromisoformat(parts[6])
    except ValueError:
        return None
    claims = BadgeClaims(parts[1], parts[2], parts[3], parts[4], issued_on, expires_on)
    if claims.message() != message:  # one canonical encoding only (e.g. no "2026-1-5")
        return None
    return claims, message, signature


def verify(
    payload: str,
    keys: Mapping[str, str],
    verify_signature: Callable[[str, bytes, bytes], bool],
) -> BadgeClaims | None:
    """The claims when `payload` is well formed, its key id is one of `keys` (key id → public key
    hex) and the SM2 signature checks with that key; otherwise None (forged, damaged or signed by
    a key we do not trust). Not for the server's request path (performance.md B3): the public
    page checks the signature in the browser; this is the reference the JS is tested against."""
    parsed = parse(payload)
    if parsed is None:
        return None
    claims, message, signature = parsed
    public_key = keys.get(claims.key_id)
    if public_key is None:
        return None
    return claims if verify_signature(public_key, message, signature) else None


def verify_url(base_url: str, token: str, payload: str) -> str:
    """The URL the QR encodes: the payload rides in the fragment, which browsers never send to
    the server (security.md QR-3), so the server learns only the token."""
    return f"{base_url.rstrip('/')}/public/verify/{token}/#{payload}"


def qr_for(url: str) -> object:
    """The badge QR: always a full QR (segno ``make_qr``; ``make`` may pick Micro QR, stack.md
    pitfall 3) at ECC level Q exactly, never above version 20."""
    import segno

    qr = segno.make_qr(url, error=QR_ERROR, boost_error=False)
    if qr.version > QR_MAX_VERSION:
        raise BadgePayloadError(f"badge QR is version {qr.version}, over {QR_MAX_VERSION}")
    return qr


# --------------------------------------------------------------------------- live status

#: What the public page says about the certificate behind a badge, from the live database.
STATUS_LABELS = {
    "valid": gettext_lazy("Valid badge"),
    "revoked": gettext_lazy("Certificate revoked"),
    "suspended": gettext_lazy("Certificate suspended"),
    "cancelled": gettext_lazy("Certificate cancelled"),
    "expired": gettext_lazy("Certificate expired"),
    "not_yet_valid": gettext_lazy("Certificate not yet valid"),
    "not_active": gettext_lazy("Certificate not yet in use"),
    "superseded": gettext_lazy("Badge replaced by a newer one"),
}


def badge_status(facts: CertificateFacts, today: date, *, superseded: bool = False) -> str:
    """The status code the verify page shows, whatever the QR says (issue 4 §2).

    Valid only when the certificate is valid on `today` under rulebook §8 (active and inside its
    dates; 《行政处罚法》第四十二条、第五十五条: only a certified officer may enforce and must show
    the certificate) and the badge is the certificate's current one. Otherwise the most specific
    reason: 吊销 / 暂扣 / 注销 beat the dates; an expired state or a passed expiry date is
    "expired" (the expiry day itself is still valid); before the issue date "not yet valid"; an
    issued but not activated certificate "not yet in use"; an older badge of a renewed
    certificate "superseded".
    """
    if superseded:
        return "superseded"
    if is_valid_on(facts, today):
        return "valid"
    state = facts.state
    if state == CertificateState.REVOKED:
        return "revoked"
    if state == CertificateState.SUSPENDED:
        return "suspended"
    if state == CertificateState.CANCELLED:
        return "cancelled"
    if state == CertificateState.EXPIRED or (facts.expires_on and facts.expires_on < today):
        return "expired"
    if facts.issued_on and today < facts.issued_on:
        return "not_yet_valid"
    return "not_active"
