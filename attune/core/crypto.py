"""Encryption at rest for clinical text and files: AES-256-GCM with a key id per ciphertext.

Keys come from ``ATTUNE_ENCRYPTION_KEYS`` as ``id:base64key`` pairs separated by
commas; the first is used to encrypt, all are tried by id to decrypt, so a key
can be rotated by putting a new one first and re-encrypting at leisure
(docs/recipes/rotate-encryption-keys.md). AES-GCM is "Approved" in ASVS 5.0
Appendix C; each message gets a fresh 96-bit random nonce.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from functools import cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

PREFIX = "enc1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """Ciphertext that no configured key opens (wrong key, or tampered data)."""


@dataclass(frozen=True)
class KeyRing:
    current_id: str
    keys: dict[str, bytes]


def parse_keys(spec: str) -> KeyRing:
    keys: dict[str, bytes] = {}
    order = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        key_id, _, encoded = part.partition(":")
        key = base64.b64decode(encoded)
        if len(key) != 32 or not key_id.isalnum():
            raise ValueError(
                "Each encryption key is 'id:base64 of 32 bytes', id letters and digits only"
            )
        keys[key_id] = key
        order.append(key_id)
    if not order:
        raise ValueError("No encryption keys configured")
    return KeyRing(current_id=order[0], keys=keys)


@cache
def _ring(spec: str) -> KeyRing:
    return parse_keys(spec)


def key_ring() -> KeyRing:
    return _ring(settings.ATTUNE_ENCRYPTION_KEYS)


def new_key_spec(key_id: str = "k1") -> str:
    return f"{key_id}:{base64.b64encode(os.urandom(32)).decode()}"


def encrypt_bytes(plaintext: bytes, *, associated: bytes = b"") -> bytes:
    ring = key_ring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.keys[ring.current_id]).encrypt(nonce, plaintext, associated)
    header = f"{PREFIX}:{ring.current_id}:".encode()
    return header + nonce + sealed


def decrypt_bytes(blob: bytes, *, associated: bytes = b"") -> bytes:
    try:
        prefix, key_id, rest = blob.split(b":", 2)
    except ValueError:
        raise DecryptionError("Not an Attune ciphertext") from None
    key = key_ring().keys.get(key_id.decode(errors="replace"))
    if prefix.decode(errors="replace") != PREFIX or key is None:
        raise DecryptionError("Unknown ciphertext format or key id")
    try:
        return AESGCM(key).decrypt(rest[:NONCE_BYTES], rest[NONCE_BYTES:], associated)
    except Exception as error:  # cryptography raises InvalidTag
        raise DecryptionError("Ciphertext could not be opened") from error


def encrypt_text(text: str) -> str:
    return base64.b64encode(encrypt_bytes(text.encode())).decode()


def decrypt_text(stored: str) -> str:
    return decrypt_bytes(base64.b64decode(stored)).decode()
