"""Reading a file whose path someone else chose (a setting, the catalog cache, a file given to
`validate`): only a regular file, and only so much of it. And writing one that a reader in
another process must never see half written.

A FIFO would block an open or a read until something writes to it, /dev/zero never ends, and a
folder or a socket is no file at all: each is refused with one line, before anything waits.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import threading
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}
_CHUNK = 64 * 1024
"""What a read asks for past the size a file gave (os.read allocates all it is asked for)."""


class Unreadable(Exception):
    """A file that cannot be read; the message is one line (a missing file raises
    FileNotFoundError instead, which callers often take as "not there, use the defaults")."""


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them, or Unreadable."""
    try:
        _check_regular(os.stat(path).st_mode)
        # O_NONBLOCK: should the path turn into a FIFO after the check, the open still does not
        # wait for a writer (and the fstat below refuses it).
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
        try:
            info = os.fstat(fd)
            _check_regular(info.st_mode)
            data = _read_upto(fd, info.st_size, limit + 1)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise
    except NotADirectoryError as error:  # a path through a file: nothing can be there
        raise FileNotFoundError(error.errno, error.strerror, str(path)) from None
    except OSError as error:
        raise Unreadable(f"cannot read file: {error.strerror or error}") from None
    if len(data) > limit:
        raise Unreadable(f"file is larger than {_size(limit)}")
    return data


def _read_upto(fd: int, size: int, most: int) -> bytes:
    """At most `most` bytes: first as many as the file's size says (and one more, to see its
    end), so a small file costs a small buffer (os.read allocates all it is asked for); then
    on to the end, for a file that grew or whose size says nothing (0, as in /proc)."""
    data = os.read(fd, min(size + 1, most))
    while len(data) < most:
        more = os.read(fd, min(most - len(data), _CHUNK))
        if not more:
            break
        data += more
    return data


def check_regular_file(path: Path) -> bool:
    """Whether a regular file is at `path` (False: nothing there); Unreadable, in one line,
    for anything else there or a folder on the way that cannot be read. A database opened
    read-only on a FIFO would wait for a writer for ever."""
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as error:
        raise Unreadable(error.strerror or str(error)) from None
    _check_regular(mode)
    return True


def _check_regular(mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = KINDS.get(stat.S_IFMT(mode), "an unknown kind of file")
        raise Unreadable(f"not a regular file ({kind})")


def _size(limit: int) -> str:
    return f"{limit // 2**20} MiB" if limit >= 2**20 else f"{limit // 1024} KiB"


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` so that a reader sees the old file or the new one, never a part:
    through a temporary file (one per writing thread) renamed over it. OSError if it fails;
    UnicodeEncodeError for a text UTF-8 cannot encode (lone surrogates)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with temporary.open("w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def save_json(path: Path, data: Any, what: str) -> bool:
    """Write `data` as compact JSON, atomically; False (and a debug line naming `what`) if it
    cannot be written: for a cache, which is only ever a faster start."""
    # dumps, not dump: it encodes in C (dump streams through the Python encoder)
    return save_text(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")), what)


def save_text(path: Path, text: str, what: str) -> bool:
    """Write `text` atomically; False (and a debug line naming `what`) if it cannot be."""
    try:
        write_atomically(path, text)
    except (OSError, UnicodeEncodeError) as error:  # the latter: lone surrogates in the text
        log.debug("cannot save %s %s: %s", what, path, error)
        return False
    return True
