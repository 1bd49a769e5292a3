"""National cryptography: SM3 digests and SM2-with-SM3 signatures (GB/T 32905, GB/T 32918).

- SM3 comes from `cryptography` (``hashes.SM3``); never from ``hashlib.new("sm3")``, which depends
  on how the interpreter's OpenSSL was built (stack.md pitfall 6).
- SM2 signatures use the default user ID ``1234567812345678`` (GB/T 35276 §5.4 / GM/T 0009), which
  enters the Z value, and are exchanged as raw r‖s (64 bytes, 128 hex characters).
  Two backends give identical, cross-verifiable results:
  * ``libcrypto``: a thin ctypes wrapper over the system OpenSSL 3 (d2i_AutoPrivateKey/d2i_PUBKEY,
    EVP_PKEY_CTX_set1_id, EVP_DigestSign/EVP_DigestVerify), about 40× faster than
  * ``gmssl``: gmssl 3.2.2, pure Python, wrapped around its two bugs (stack.md pitfall 4): its nonce
    comes from ``random``, so we always pass a CSPRNG nonce from ``secrets``; and it strips a
    ``04`` prefix character-wise, so we always pass the 128-hex public key without ``04``.
- Keys: ``SM2KeyPair`` (private scalar d as 64 hex, public point x‖y as 128 hex) and a key
  store, ``signing_key()``. Production reads the key from the environment
  (``FAZHI_SM2_PRIVATE_KEY`` hex with ``FAZHI_SM2_KEY_ID``, or ``FAZHI_SM2_KEY_FILE``, a JSON file
  ``{"key_id", "private_key", "public_key"}``); local use generates one key once into
  ``VAR_DIR/keys/audit-sm2.json`` (mode 0600). Retired keys whose old signatures must still verify
  go in ``FAZHI_SM2_TRUSTED_KEYS`` (JSON ``{key_id: public_key_hex}``).
  A software key passes functional tests only: 密评 level 3 needs a certified signing server
  (security.md a3), which would implement the same ``sign``/``verify`` interface.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

SM2_USER_ID = b"1234567812345678"
# SM2 curve order n (GB/T 32918.5).
SM2_N = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)

# DER building blocks for SM2 keys (OID 1.2.156.10197.1.301 on id-ecPublicKey).
_SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d034200")
_SM2_OID = bytes.fromhex("06082a811ccf5501822d")


class CryptoError(Exception):
    """A key or signature could not be used."""


def sm3_hex(data: bytes) -> str:
    """SM3 digest of `data` as 64 lower-case hex characters (GB/T 32905-2016)."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


@dataclass(frozen=True)
class SM2KeyPair:
    private_key: str  # d, 64 hex
    public_key: str  # x‖y, 128 hex, no "04" prefix
    key_id: str = ""

    def __repr__(self) -> str:  # never print the private key
        return f"SM2KeyPair(key_id={self.key_id!r}, public_key={self.public_key[:16]}…)"


def _norm_public(public_key: str) -> str:
    """Accept x‖y (128 hex) or 04‖x‖y (130 hex); return x‖y. A *prefix* is removed, never chars."""
    key = public_key.strip().lower()
    if len(key) == 130 and key.startswith("04"):
        key = key[2:]
    if len(key) != 128:
        raise CryptoError("SM2 public key must be 64 bytes x||y")
    bytes.fromhex(key)
    return key


def sm2_public_from_private(private_key: str) -> str:
    from gmssl.sm2 import default_ecc_table

    d = int(private_key, 16)
    if not 1 <= d < SM2_N - 1:
        raise CryptoError("SM2 private key out of range")
    sm2 = _gmssl(private_key, "0" * 128)
    return sm2._kg(d, default_ecc_table["g"])  # type: ignore[no-any-return]


def sm2_generate(*, key_id: str = "") -> SM2KeyPair:
    """A new SM2 key pair; d uniform in [1, n-2] from `secrets` (GB/T 32918.1 §6.1)."""
    d = secrets.randbelow(SM2_N - 2) + 1
    private_key = f"{d:064x}"
    return SM2KeyPair(private_key, sm2_public_from_private(private_key), key_id)


def _raw_to_der(signature: bytes) -> bytes:
    if len(signature) != 64:
        raise CryptoError("SM2 signature must be 64 bytes r||s")
    return encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )


def _valid_rs(signature: bytes) -> bool:
    if len(signature) != 64:
        return False
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    return 1 <= r < SM2_N and 1 <= s < SM2_N


# --------------------------------------------------------------------------- gmssl backend


def _gmssl(private_key: str, public_key: str) -> Any:
    from gmssl.sm2 import CryptSM2

    # gmssl's constructor runs lstrip("04") when the key starts with "04", which eats the leading
    # 0/4 digits of x: with a 04 prefix always, and without one when x itself starts with 04
    # (pitfall 4b). Set the x‖y we validated after construction instead.
    sm2 = CryptSM2(private_key=private_key, public_key=public_key)
    sm2.public_key = public_key
    return sm2


def _gmssl_sign(key: SM2KeyPair, message: bytes) -> bytes:
    sm2 = _gmssl(key.private_key, _norm_public(key.public_key))
    for _ in range(16):
        nonce = f"{secrets.randbelow(SM2_N - 1) + 1:064x}"  # CSPRNG nonce (pitfall 4a)
        signature = sm2.sign_with_sm3(message, nonce)
        if signature:  # gmssl returns None for the (negligible) r = 0 / s = 0 cases: retry
            return bytes.fromhex(signature)
    raise CryptoError("SM2 signing failed")


def _gmssl_verify(public_key: str, message: bytes, signature: bytes) -> bool:
    if not _valid_rs(signature):
        return False
    try:
        return bool(_gmssl("", _norm_public(public_key)).verify_with_sm3(signature.hex(), message))
    except (ValueError, TypeError, CryptoError):
        return False


# --------------------------------------------------------------------------- libcrypto backend


class _LibCrypto:
    """The handful of OpenSSL 3 calls SM2-with-SM3 needs, through ctypes."""

    def __init__(self, path: str) -> None:
        lib = ctypes.CDLL(path)
        vp, sz, cp = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p
        pp = ctypes.POINTER(ctypes.c_char_p)
        sigs: dict[str, tuple[Any, list[Any]]] = {
            "OpenSSL_version_num": (ctypes.c_ulong, []),
            "d2i_PUBKEY": (vp, [vp, pp, ctypes.c_long]),
            "d2i_AutoPrivateKey": (vp, [vp, pp, ctypes.c_long]),
            "EVP_PKEY_free": (None, [vp]),
            "EVP_PKEY_CTX_new": (vp, [vp, vp]),
            "EVP_PKEY_CTX_free": (None, [vp]),
            "EVP_PKEY_CTX_set1_id": (ctypes.c_int, [vp, cp, ctypes.c_int]),
            "EVP_MD_CTX_new": (vp, []),
            "EVP_MD_CTX_free": (None, [vp]),
            "EVP_MD_CTX_set_pkey_ctx": (None, [vp, vp]),
            "EVP_sm3": (vp, []),
            "EVP_DigestSignInit": (ctypes.c_int, [vp, vp, vp, vp, vp]),
            "EVP_DigestSign": (ctypes.c_int, [vp, cp, ctypes.POINTER(sz), cp, sz]),
            "EVP_DigestVerifyInit": (ctypes.c_int, [vp, vp, vp, vp, vp]),
            "EVP_DigestVerify": (ctypes.c_int, [vp, cp, sz, cp, sz]),
            "ERR_clear_error": (None, []),
        }
        for name, (restype, argtypes) in sigs.items():
            fn = getattr(lib, name)
            fn.restype, fn.argtypes = restype, argtypes
        if lib.OpenSSL_version_num() < 0x30000000:
            raise OSError("libcrypto 3.x is required")
        self.lib = lib

    def _load(self, der: bytes, *, private: bool) -> int:
        buf = ctypes.c_char_p(der)
        loader = self.lib.d2i_AutoPrivateKey if private else self.lib.d2i_PUBKEY
        pkey = loader(None, ctypes.byref(buf), len(der))
        if not pkey:
            self.lib.ERR_clear_error()
            raise CryptoError("SM2 key rejected by libcrypto")
        return int(pkey)

    def _run(self, pkey: int, *, sign: bool, message: bytes, signature: bytes = b"") -> Any:
        lib = self.lib
        mctx = lib.EVP_MD_CTX_new()
        pctx = lib.EVP_PKEY_CTX_new(pkey, None)
        try:
            if not (mctx and pctx):
                raise CryptoError("libcrypto out of memory")
            if lib.EVP_PKEY_CTX_set1_id(pctx, SM2_USER_ID, len(SM2_USER_ID)) <= 0:
                raise CryptoError("EVP_PKEY_CTX_set1_id failed")
            lib.EVP_MD_CTX_set_pkey_ctx(mctx, pctx)
            init = lib.EVP_DigestSignInit if sign else lib.EVP_DigestVerifyInit
            if init(mctx, None, lib.EVP_sm3(), None, pkey) != 1:
                raise CryptoError("EVP_Digest*Init failed")
            if not sign:
                return lib.EVP_DigestVerify(mctx, signature, len(signature), message, len(message))
            size = ctypes.c_size_t(0)
            if lib.EVP_DigestSign(mctx, None, ctypes.byref(size), message, len(message)) != 1:
                raise CryptoError("EVP_DigestSign failed")
            out = ctypes.create_string_buffer(size.value)
            if lib.EVP_DigestSign(mctx, out, ctypes.byref(size), message, len(message)) != 1:
                raise CryptoError("EVP_DigestSign failed")
            return out.raw[: size.value]
        finally:
            lib.ERR_clear_error()
            if mctx:
                lib.EVP_MD_CTX_free(mctx)  # does not free a pkey ctx set with set_pkey_ctx
            if pctx:
                lib.EVP_PKEY_CTX_free(pctx)

    def sign(self, key: SM2KeyPair, message: bytes) -> bytes:
        public = bytes.fromhex(_norm_public(key.public_key))
        der = (
            bytes.fromhex("30770201010420")
            + bytes.fromhex(key.private_key.rjust(64, "0"))
            + b"\xa0\x0a"
            + _SM2_OID
            + bytes.fromhex("a144034200")
            + b"\x04"
            + public
        )
        pkey = self._load(der, private=True)
        try:
            r, s = decode_dss_signature(self._run(pkey, sign=True, message=message))
        finally:
            self.lib.EVP_PKEY_free(pkey)
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def verify(self, public_key: str, message: bytes, signature: bytes) -> bool:
        if not _valid_rs(signature):
            return False
        try:
            der = _SPKI_PREFIX + b"\x04" + bytes.fromhex(_norm_public(public_key))
            pkey = self._load(der, private=False)
        except (CryptoError, ValueError):
            return False
        try:
            result = self._run(pkey, sign=False, message=message, signature=_raw_to_der(signature))
        finally:
            self.lib.EVP_PKEY_free(pkey)
        return bool(result == 1)


@cache
def libcrypto() -> _LibCrypto | None:
    """The system OpenSSL 3 libcrypto, or None when it is missing (then gmssl is used)."""
    path = os.environ.get("FAZHI_LIBCRYPTO") or ctypes.util.find_library("crypto")
    if not path:
        return None
    try:
        return _LibCrypto(path)
    except (OSError, AttributeError):
        return None


def _backend(backend: str | None) -> str:
    if backend is None:
        return "libcrypto" if libcrypto() is not None else "gmssl"
    if backend not in ("libcrypto", "gmssl"):
        raise ValueError(backend)
    if backend == "libcrypto" and libcrypto() is None:
        raise CryptoError("libcrypto 3 is not available")
    return backend


def sm2_sign(key: SM2KeyPair, message: bytes, *, backend: str | None = None) -> bytes:
    """SM2-with-SM3 signature of `message` (user ID 1234567812345678) as raw r‖s, 64 bytes."""
    if _backend(backend) == "libcrypto":
        lib = libcrypto()
        assert lib is not None
        return lib.sign(key, message)
    return _gmssl_sign(key, message)


def sm2_verify(
    public_key: str, message: bytes, signature: bytes, *, backend: str | None = None
) -> bool:
    """True when `signature` (raw r‖s) is a valid SM2-with-SM3 signature of `message`."""
    if _backend(backend) == "libcrypto":
        lib = libcrypto()
        assert lib is not None
        return lib.verify(public_key, message, signature)
    return _gmssl_verify(public_key, message, signature)


# --------------------------------------------------------------------------- key store


def _key_from_json(data: dict[str, str]) -> SM2KeyPair:
    return _checked_key(
        data["private_key"].strip().lower(), data.get("public_key") or "", data.get("key_id", "")
    )


@cache
def _checked_key(private_key: str, public_key: str, key_id: str) -> SM2KeyPair:
    """A key pair whose public half is checked against the private one (once per key: the check
    is a pure-Python scalar multiplication)."""
    derived = sm2_public_from_private(private_key)
    if public_key and _norm_public(public_key) != derived:
        raise CryptoError("SM2 public key does not match the private key")
    return SM2KeyPair(private_key, derived, key_id)


def _local_key(path: Path) -> SM2KeyPair:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = sm2_generate()
        key_id = "sm2-" + sm3_hex(bytes.fromhex(key.public_key))[:12]
        key = SM2KeyPair(key.private_key, key.public_key, key_id)
        payload = json.dumps(
            {"key_id": key.key_id, "private_key": key.private_key, "public_key": key.public_key}
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(payload)
    return _key_from_json(json.loads(path.read_text()))


def signing_key() -> SM2KeyPair:
    """The SM2 key that signs audit checkpoints (and other server statements).

    Order: FAZHI_SM2_PRIVATE_KEY (+ FAZHI_SM2_KEY_ID) → FAZHI_SM2_KEY_FILE (JSON) → a local key made
    once in VAR_DIR/keys/audit-sm2.json with mode 0600 (development and the embedded default).
    """
    from django.conf import settings

    env_key = os.environ.get("FAZHI_SM2_PRIVATE_KEY")
    if env_key:
        key = _checked_key(env_key.strip().lower(), "", "")
        key_id = os.environ.get("FAZHI_SM2_KEY_ID") or (
            "sm2-" + sm3_hex(bytes.fromhex(key.public_key))[:12]
        )
        return SM2KeyPair(key.private_key, key.public_key, key_id)
    key_file = os.environ.get("FAZHI_SM2_KEY_FILE")
    if key_file:
        return _key_from_json(json.loads(Path(key_file).read_text()))
    return _local_key(Path(settings.VAR_DIR) / "keys" / "audit-sm2.json")


def public_keys() -> dict[str, str]:
    """Key id → public key of every key whose signatures we accept (current key + retired ones
    listed in FAZHI_SM2_TRUSTED_KEYS as JSON {key_id: public_key_hex})."""
    trusted = json.loads(os.environ.get("FAZHI_SM2_TRUSTED_KEYS") or "{}")
    key = signing_key()
    return {**{k: _norm_public(v) for k, v in trusted.items()}, key.key_id: key.public_key}
