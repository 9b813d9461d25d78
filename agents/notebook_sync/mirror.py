"""Make a notebook folder match its bucket: one key at a time, or the whole bucket.

Every copy is written to a staging file beside the folders (same filesystem), flushed, given the
object's modification time and renamed over the target in one step: a reader sees the old file or
the new one, never a part. A download that fails midway leaves no file behind. Files are 0644 and
folders 0755, so notebook users can read but not change them.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from notebook_sync.keys import UnsafeKey, relative_path

LOGGER = logging.getLogger("notebook_sync.mirror")

CHUNK_BYTES = 1024 * 1024
STAGING_PREFIX = ".part-"
MISSING_CODES = frozenset({"NoSuchKey", "404", "NotFound"})
# A key the folder cannot hold as a file (a file where a folder must be, or the reverse).
LOCAL_CONFLICTS = (IsADirectoryError, NotADirectoryError, FileExistsError)
# What may go wrong with one object and be retried later.
TRANSIENT = (ClientError, BotoCoreError, OSError)


class IncompleteDownload(OSError):
    """S3 sent fewer bytes than the object holds."""


class MirrorError(ValueError):
    """The folders cannot be mirrored as configured."""


@dataclass(frozen=True)
class ReconcileResult:
    copied: int = 0
    removed: int = 0
    unchanged: int = 0
    failed: int = 0


class Mirror:
    """Buckets mirrored into folders, with one staging folder on the same filesystem."""

    def __init__(self, s3: Any, targets: Mapping[str, Path], staging_dir: Path) -> None:
        if not targets:
            raise MirrorError("no bucket to mirror")
        self.s3 = s3
        self.targets = {bucket: Path(directory) for bucket, directory in targets.items()}
        self.staging_dir = Path(staging_dir)
        self._prepare()

    def _prepare(self) -> None:
        staging = self.staging_dir.resolve()
        for directory in self.targets.values():
            if staging.is_relative_to(directory.resolve()):
                # a reconcile would delete the parts, and notebooks would see them
                raise MirrorError(f"staging folder {self.staging_dir} is inside {directory}")
        self.staging_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        device = self.staging_dir.stat().st_dev
        for directory in self.targets.values():
            _make_parents(directory)
            if directory.stat().st_dev != device:
                raise MirrorError(
                    f"staging folder {self.staging_dir} and {directory} are on different "
                    "filesystems: a rename between them would not be atomic"
                )
        for leftover in self.staging_dir.glob(f"{STAGING_PREFIX}*"):
            leftover.unlink(missing_ok=True)  # a download cut short by a crash or a kill

    @property
    def buckets(self) -> frozenset[str]:
        return frozenset(self.targets)

    # one key -----------------------------------------------------------------------------------

    def sync_key(self, bucket: str, key: str) -> str:
        """Make the file of ``key`` match the object as it is now: "copied", "removed" or
        "skipped" (a folder marker, a key that cannot be a file). S3 and disk errors propagate."""
        destination = self._destination(bucket, key)
        if destination is None:
            return "skipped"
        try:
            response = self.s3.get_object(Bucket=bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in MISSING_CODES:
                raise
            return "removed" if self._remove(bucket, destination) else "skipped"
        try:
            self._write(response, destination)
        except LOCAL_CONFLICTS as error:
            LOGGER.warning("skipped s3://%s/%s: %s", bucket, key, error)
            return "skipped"
        LOGGER.info("copied s3://%s/%s -> %s", bucket, key, destination)
        return "copied"

    def _destination(self, bucket: str, key: str) -> Path | None:
        try:
            relative = relative_path(key)
        except UnsafeKey as error:
            LOGGER.warning("skipped s3://%s/%s: %s", bucket, key, error)
            return None
        if relative is None:
            return None
        return self.targets[bucket] / relative

    def _write(self, response: Mapping[str, Any], destination: Path) -> None:
        descriptor, name = tempfile.mkstemp(dir=self.staging_dir, prefix=STAGING_PREFIX)
        staged = Path(name)
        done = False
        try:
            written = 0
            with os.fdopen(descriptor, "wb") as handle:
                for chunk in response["Body"].iter_chunks(CHUNK_BYTES):
                    handle.write(chunk)
                    written += len(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            expected = response.get("ContentLength")
            if expected is not None and written != expected:
                raise IncompleteDownload(f"received {written} of {expected} bytes")
            staged.chmod(0o644)
            modified = response.get("LastModified")
            if modified is not None:
                os.utime(staged, (modified.timestamp(), modified.timestamp()))
            _make_parents(destination.parent)
            os.replace(staged, destination)
            done = True
        finally:
            if not done:
                staged.unlink(missing_ok=True)

    def _remove(self, bucket: str, destination: Path) -> bool:
        if destination.is_dir() and not destination.is_symlink():
            return False  # the key named a file; a folder of that name belongs to other keys
        try:
            destination.unlink()
        except FileNotFoundError:
            return False
        LOGGER.info("removed %s (gone from s3://%s)", destination, bucket)
        _prune_empty_parents(destination.parent, self.targets[bucket])
        return True

    # whole bucket ------------------------------------------------------------------------------

    def reconcile(self, bucket: str) -> ReconcileResult:
        """Copy what is missing or differs (size or modification time), remove what the bucket
        no longer holds. One object's failure is logged and counted; listing errors propagate."""
        root = self.targets[bucket]
        remote = dict(self._listing(bucket))
        local = dict(_local_files(root))
        copied = removed = unchanged = failed = 0
        for relative, (key, size, modified) in sorted(remote.items()):
            current = local.get(relative)
            if current is not None and current == (size, modified):
                unchanged += 1
                continue
            try:
                outcome = self.sync_key(bucket, key)
            except TRANSIENT as error:
                LOGGER.error("reconcile: s3://%s/%s failed: %s", bucket, key, error)
                failed += 1
                continue
            copied += outcome == "copied"
            removed += outcome == "removed"
        for relative in sorted(set(local) - set(remote)):
            try:
                removed += self._remove(bucket, root / relative)
            except OSError as error:
                LOGGER.error("reconcile: cannot remove %s: %s", root / relative, error)
                failed += 1
        result = ReconcileResult(copied, removed, unchanged, failed)
        LOGGER.info("reconciled s3://%s into %s: %s", bucket, root, result)
        return result

    def _listing(self, bucket: str) -> Iterator[tuple[PurePosixPath, tuple[str, int, int]]]:
        paginator = self.s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                key = item["Key"]
                try:
                    relative = relative_path(key)
                except UnsafeKey as error:
                    LOGGER.warning("skipped s3://%s/%s: %s", bucket, key, error)
                    continue
                if relative is not None:
                    modified = int(item["LastModified"].timestamp())
                    yield relative, (key, int(item["Size"]), modified)


def _local_files(root: Path) -> Iterator[tuple[PurePosixPath, tuple[int, int]]]:
    """Every file under ``root`` (symlinks not followed), with its size and whole-second mtime."""
    for directory, _folders, files in os.walk(root):
        for name in files:
            path = Path(directory) / name
            with contextlib.suppress(FileNotFoundError):
                status = path.lstat()
                relative = PurePosixPath(path.relative_to(root).as_posix())
                yield relative, (status.st_size, int(status.st_mtime))


def _make_parents(directory: Path) -> None:
    # mkdir's mode is filtered by the umask; the folders must be readable by every user.
    missing = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for folder in reversed(missing):
        folder.mkdir(exist_ok=True)
        folder.chmod(0o755)


def _prune_empty_parents(directory: Path, root: Path) -> None:
    while directory != root and root in directory.parents:
        try:
            directory.rmdir()
        except OSError:
            return  # not empty (or already gone)
        directory = directory.parent
