"""SM3 known answer, SM2-with-SM3 on both backends and across them, and the key store."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess

import pytest

from fazhi.core import crypto
from fazhi.core.crypto import (
    SM2KeyPair,
    sm2_generate,
    sm2_public_from_private,
    sm2_sign,
    sm2_verify,
    sm3_hex,
)

BACKENDS = ["libcrypto", "gmssl"]
needs_libcrypto = pytest.mark.skipif(crypto.libcrypto() is None, reason="no libcrypto 3")


def test_sm3_known_answer_gbt_32905_example_1():
    """GB/T 32905-2016 Appendix A example 1: SM3("abc")."""
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_sm3_known_answer_gbt_32905_example_2():
    """GB/T 32905-2016 Appendix A example 2: 64 bytes "abcd" × 16 (two blocks)."""
    assert sm3_hex(b"abcd" * 16) == (
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )


@pytest.fixture(scope="module")
def key() -> SM2KeyPair:
    return sm2_generate(key_id="test")


@needs_libcrypto
@pytest.mark.parametrize("signer", BACKENDS)
@pytest.mark.parametrize("verifier", BACKENDS)
def test_sign_verify_round_trip_and_across_backends(key, signer, verifier):
    message = "检查点 size=42".encode()
    signature = sm2_sign(key, message, backend=signer)
    assert len(signature) == 64
    assert sm2_verify(key.public_key, message, signature, backend=verifier)


@needs_libcrypto
@pytest.mark.parametrize("backend", BACKENDS)
def test_tampering_fails(key, backend):
    message = b"size=42 head=abc"
    signature = sm2_sign(key, message, backend=backend)
    assert not sm2_verify(key.public_key, message + b"!", signature, backend=backend)
    flipped = bytes([signature[0] ^ 1]) + signature[1:]
    assert not sm2_verify(key.public_key, message, flipped, backend=backend)
    other = sm2_generate()
    assert not sm2_verify(other.public_key, message, signature, backend=backend)
    assert not sm2_verify(key.public_key, message, signature[:63], backend=backend)
    assert not sm2_verify(key.public_key, message, b"\x00" * 64, backend=backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_signatures_are_randomised(key, backend):
    """A fresh CSPRNG nonce per signature (gmssl's own nonce uses `random`)."""
    if backend == "libcrypto" and crypto.libcrypto() is None:
        pytest.skip("no libcrypto 3")
    assert sm2_sign(key, b"m", backend=backend) != sm2_sign(key, b"m", backend=backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_public_key_with_04_prefix_and_leading_zero_or_four(backend):
    """gmssl's lstrip("04") bug: a key whose x starts with "04" (so x‖y itself starts with the
    prefix gmssl strips, 1 key in 256) must still sign and verify, with and without the prefix."""
    if backend == "libcrypto" and crypto.libcrypto() is None:
        pytest.skip("no libcrypto 3")
    for _ in range(5000):
        key = sm2_generate()
        if key.public_key.startswith("04"):
            break
    else:  # pragma: no cover - probability (255/256)**5000, about 3e-9
        pytest.fail("no key with x starting 04")
    signature = sm2_sign(key, b"m", backend=backend)
    assert sm2_verify("04" + key.public_key, b"m", signature, backend="gmssl")
    assert sm2_verify(key.public_key, b"m", signature, backend="gmssl")
    assert sm2_verify("04" + key.public_key, b"m", signature, backend=backend)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl CLI")
def test_signature_verifies_with_the_openssl_cli(key, tmp_path):
    """Independent check: `openssl pkeyutl` with distid 1234567812345678 (stack.md pitfall 5)."""
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    message = b"interop"
    signature = sm2_sign(key, message, backend="gmssl")
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    (tmp_path / "pub.der").write_bytes(
        crypto._SPKI_PREFIX + b"\x04" + bytes.fromhex(key.public_key)
    )
    (tmp_path / "msg").write_bytes(message)
    (tmp_path / "sig").write_bytes(der)
    args = [
        "openssl",
        "pkeyutl",
        "-verify",
        "-pubin",
        "-keyform",
        "DER",
        "-inkey",
        str(tmp_path / "pub.der"),
        "-rawin",
        "-digest",
        "sm3",
        "-pkeyopt",
        "distid:1234567812345678",
        "-in",
        str(tmp_path / "msg"),
        "-sigfile",
        str(tmp_path / "sig"),
    ]
    ok = subprocess.run(args, capture_output=True, text=True, check=False)
    assert "Signature Verified Successfully" in ok.stdout, ok.stderr
    (tmp_path / "msg").write_bytes(message + b"x")
    bad = subprocess.run(args, capture_output=True, text=True, check=False)
    assert bad.returncode != 0


def test_public_from_private_matches_generated(key):
    assert sm2_public_from_private(key.private_key) == key.public_key


def test_private_key_not_in_repr(key):
    assert key.private_key not in repr(key)


def test_local_key_store_generates_once_with_mode_0600(settings, tmp_path, monkeypatch):
    for name in ("FAZHI_SM2_PRIVATE_KEY", "FAZHI_SM2_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    settings.VAR_DIR = tmp_path
    first = crypto.signing_key()
    path = tmp_path / "keys" / "audit-sm2.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert crypto.signing_key() == first
    assert first.key_id.startswith("sm2-")
    assert json.loads(path.read_text())["public_key"] == first.public_key


def test_key_store_reads_the_environment(monkeypatch, tmp_path):
    key = sm2_generate()
    monkeypatch.setenv("FAZHI_SM2_PRIVATE_KEY", key.private_key)
    monkeypatch.setenv("FAZHI_SM2_KEY_ID", "prod-2026")
    assert crypto.signing_key() == SM2KeyPair(key.private_key, key.public_key, "prod-2026")
    monkeypatch.delenv("FAZHI_SM2_PRIVATE_KEY")
    path = tmp_path / "k.json"
    path.write_text(json.dumps({"key_id": "f1", "private_key": key.private_key}))
    monkeypatch.setenv("FAZHI_SM2_KEY_FILE", str(path))
    assert crypto.signing_key().key_id == "f1"
    path.write_text(
        json.dumps(
            {
                "key_id": "f1",
                "private_key": key.private_key,
                "public_key": sm2_generate().public_key,
            }
        )
    )
    with pytest.raises(crypto.CryptoError):
        crypto.signing_key()
