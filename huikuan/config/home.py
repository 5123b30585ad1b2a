"""The data folder and the generated secret key: where Huikuan keeps its files.

``HUIKUAN_HOME`` when set, else ``$XDG_DATA_HOME/huikuan`` (``~/.local/share/huikuan``):
one place whatever the folder a command is run from.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - the file's name, not a key


def default_home() -> Path:
    """The data folder: ``HUIKUAN_HOME``, else the per-user data folder (XDG)."""
    explicit = os.environ.get("HUIKUAN_HOME")
    if explicit:
        return Path(explicit).expanduser().resolve()
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return (Path(data).expanduser() / "huikuan").resolve()


def secret_key_in(home: Path) -> str:
    """The secret key kept in ``home``, generated once (mode 0600) by whoever comes first."""
    path = home / SECRET_KEY_FILE
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    home.mkdir(parents=True, exist_ok=True)
    draft = home / f".{SECRET_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secrets.token_urlsafe(50) + "\n")
    try:
        # Atomic and refused if the file exists: two processes starting at once share one key.
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text(encoding="ascii").strip()
