"""The log file: where it is, and a rotating handler whose files are private (0600, never opened
through a symlink). Apart from the rest of the session so that every command, even one that
never talks to the server, can log without loading the client. No Textual here.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

import platformdirs

from kore_tui.config import APP_NAME


def log_path() -> Path:
    return platformdirs.user_log_path(APP_NAME) / "kore-tui.log"


class PrivateLogFile(logging.handlers.RotatingFileHandler):
    """A rotating log whose files are created 0600 and never opened through a symlink: a log
    names the streams and lists a user works with."""

    def _open(self):  # type: ignore[no-untyped-def]
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        os.fchmod(fd, 0o600)
        return open(fd, self.mode, encoding=self.encoding, errors=self.errors)


def setup_logging(debug: bool = False) -> Path | None:
    """Log to a rotating file in the user log dir. Requests are logged without headers."""
    path = log_path()
    root = logging.getLogger("kore_tui")
    if any(isinstance(h, PrivateLogFile) and h.baseFilename == str(path) for h in root.handlers):
        root.setLevel(logging.DEBUG if debug else logging.INFO)
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handler = PrivateLogFile(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8", errors="replace")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    return path
