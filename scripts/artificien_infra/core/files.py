"""Writes that never leave a half-written file where a reader (Terraform, the user) looks."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_atomic(
    path: Path, content: str | bytes | Iterable[bytes], mode: int | None = None
) -> int:
    """Write to a temp file beside ``path``, then rename it into place; returns the bytes written.

    ``mode`` defaults to what an ordinary new file gets (0666 less the umask); pass 0o600 for files
    that may hold sensitive values. On any failure the temp file is removed and ``path`` is left as
    it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode()
    chunks = [content] if isinstance(content, bytes) else content
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    written = 0
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
                written += len(chunk)
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return written


def write_json_atomic(path: Path, data: object, mode: int | None = None) -> None:
    write_atomic(path, json.dumps(data, indent=2, sort_keys=True) + "\n", mode)
