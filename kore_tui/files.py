"""Files that hold personal data: created 0600, written whole or not at all.

An export is written to a temp file beside its target and renamed into place only once it is
complete, so an error, Ctrl+C, a full disk or a kill never leaves a half file where the user
expects a whole one. An existing target is kept unless the caller says to replace it, and a
symlink at the target is refused (it could point anywhere). No Textual here: the CLI and the
app's export screen share it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

PARTIAL_SUFFIX = ".partial"


class TargetError(Exception):
    """The target cannot be written as asked; nothing was written. The message says why."""


class TargetExists(TargetError):
    """The target exists and replacing it was not asked for."""


def check_target(path: Path, *, force: bool = False) -> None:
    """Raise :class:`TargetError` when ``path`` cannot take an export (before any request)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise TargetError(f"cannot use {path}: {exc.strerror or exc}") from None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise TargetError(f"{path} is a symbolic link: refusing to write through it")
        if stat.S_ISDIR(info.st_mode):
            raise TargetError(f"{path} is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise TargetError(f"{path} is not a regular file")
        if not force:
            raise TargetExists(f"{path} exists: not replaced (--force replaces it)")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise TargetError(f"no such directory: {parent}")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise TargetError(f"cannot write in {parent}: permission denied")


class AtomicTarget:
    """A temp file (0600) in the target's directory; :meth:`commit` renames it into place.

    Use :func:`atomic_target`, which commits on success and discards (or keeps as
    ``NAME.partial``) on any exception.
    """

    def __init__(self, path: Path, *, force: bool = False) -> None:
        check_target(path, force=force)
        self.path = path
        self.force = force
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self.tmp = Path(tmp)
        os.fchmod(fd, 0o600)
        self.handle: TextIO = os.fdopen(fd, "w", encoding="utf-8", errors="replace", newline="")
        self.kept: Path | None = None  # where a partial file was kept, if it was

    def commit(self) -> None:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        if self.force:
            if os.path.islink(self.path):  # appeared since the check: still never written through
                raise TargetError(f"{self.path} is a symbolic link: refusing to write through it")
            os.replace(self.tmp, self.path)
        else:
            try:
                os.link(self.tmp, self.path)  # fails if the target appeared meanwhile: never clobbered
            except FileExistsError:
                raise TargetExists(f"{self.path} appeared during the export: not replaced") from None
            os.unlink(self.tmp)

    def discard(self, *, keep_partial: bool = False) -> None:
        with contextlib.suppress(OSError):
            self.handle.close()
        if keep_partial:
            partial = self.path.with_name(self.path.name + PARTIAL_SUFFIX)
            try:
                if not os.path.islink(partial):
                    os.replace(self.tmp, partial)
                    self.kept = partial
                    return
            except OSError:
                pass
        with contextlib.suppress(OSError):
            os.unlink(self.tmp)


@contextlib.contextmanager
def atomic_target(path: Path, *, force: bool = False, keep_partial: bool = False) -> Iterator[AtomicTarget]:
    """``with atomic_target(path) as target: write to target.handle`` — all or nothing."""
    target = AtomicTarget(path, force=force)
    try:
        yield target
    except BaseException:
        target.discard(keep_partial=keep_partial)
        raise
    try:
        target.commit()
    except BaseException:
        target.discard(keep_partial=keep_partial)
        raise
