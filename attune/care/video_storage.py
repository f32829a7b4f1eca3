"""Where video bytes live: encrypted (AES-256-GCM) files under ATTUNE_VIDEO_ROOT.

The store goes through Django's Storage API, so another backend (object
storage) can replace the file system later without touching the pipeline. Its
folder is outside anything the web server serves: the only way to a recording is
the audited play view. Names are made here (a random id), never taken from the
upload. Each file's ciphertext is bound to its name, so files swapped between
records do not open.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage

from attune.core import crypto

ASSOCIATED_PREFIX = b"attune-video:"


def video_storage() -> Storage:
    """The private store for encrypted recordings (read from settings each time, for tests)."""
    return FileSystemStorage(
        location=settings.ATTUNE_VIDEO_ROOT,
        base_url=None,
        file_permissions_mode=0o600,
        directory_permissions_mode=0o700,
    )


def new_storage_name() -> str:
    return f"{uuid.uuid4().hex}.bin"


def _associated(name: str) -> bytes:
    return ASSOCIATED_PREFIX + name.encode()


def save_encrypted(plaintext: bytes) -> str:
    """Encrypt and store the bytes under a new server-made name; return that name."""
    # One AES-GCM message per file keeps this simple, with the whole file in memory.
    # Uploads are capped (ATTUNE_VIDEO_MAX_BYTES); far larger files would want a
    # chunked AES-GCM format (one nonce and tag per segment) streamed to disk.
    name = new_storage_name()
    storage = video_storage()
    saved = storage.save(
        name, ContentFile(crypto.encrypt_bytes(plaintext, associated=_associated(name)))
    )
    if saved != name:  # the storage renamed it: the ciphertext would no longer open
        storage.delete(saved)
        raise OSError("Video storage changed the file name; nothing was kept")
    return saved


def read_decrypted(name: str) -> bytes:
    """The recording's plaintext bytes (raises FileNotFoundError once it has been purged)."""
    with video_storage().open(name, "rb") as handle:
        blob = handle.read()
    return crypto.decrypt_bytes(blob, associated=_associated(name))


def delete_stored(name: str) -> None:
    """Remove a stored recording; a name already gone is not an error (jobs may rerun)."""
    if name:
        video_storage().delete(name)


def stored_names() -> list[str]:
    """Every file in the store (for tests and checks for orphans)."""
    storage = video_storage()
    if not storage.exists(""):
        return []
    return sorted(storage.listdir("")[1])
