"""Which S3 object keys may become files in a notebook folder, and at what relative path.

Pure functions: no AWS, no filesystem. A key that could escape its folder (``..``, an absolute
path), that holds control characters or that no filesystem can store is refused, so a bucket's
content can never write outside the folder it is mirrored into.
"""

from __future__ import annotations

from pathlib import PurePosixPath

MAX_COMPONENT_BYTES = 255  # NAME_MAX of ext4 and of every filesystem a host is likely to use
MAX_KEY_BYTES = 1024  # S3's own limit


class UnsafeKey(ValueError):
    """The key cannot be mirrored as a file; the message says why."""


def relative_path(key: str) -> PurePosixPath | None:
    """The file ``key`` becomes, relative to its folder; None for a folder marker (``a/``)."""
    if not key:
        raise UnsafeKey("empty key")
    if len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
        raise UnsafeKey(f"key longer than {MAX_KEY_BYTES} bytes")
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in key):
        raise UnsafeKey(f"control character in key {key!r}")
    if "\\" in key:
        raise UnsafeKey(f"backslash in key {key!r}")
    if key.startswith("/"):
        raise UnsafeKey(f"absolute key {key!r}")
    if key.endswith("/"):
        return None  # the console's "create folder" object: folders follow from the files
    parts = key.split("/")
    for part in parts:
        if part in ("", ".", ".."):
            raise UnsafeKey(f"key {key!r} has an empty, '.' or '..' component")
        if len(part.encode("utf-8", "surrogatepass")) > MAX_COMPONENT_BYTES:
            raise UnsafeKey(f"a component of key {key!r} exceeds {MAX_COMPONENT_BYTES} bytes")
    return PurePosixPath(*parts)
