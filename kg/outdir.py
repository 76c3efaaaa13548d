"""One build at a time per output folder.

Two `kg build --out DIR` running at once each rename their exports into DIR one by one, so DIR
could end up holding files from both builds (seen: graph.ttl from one, graph.nt from the other),
and two `--update`s would each commit a state missing the other's records. A build therefore
holds an exclusive flock(2) on DIR/.kg.lock from the start (or, when DIR does not exist yet,
from when the exports create it) to its end; a second build fails at once with one line, exit
status 2, having written nothing. The kernel drops the lock when the process dies, so a build
killed with SIGKILL never leaves DIR locked. The lock file is hidden and empty; it is never
removed (removing it would let a third build lock a different inode).

The lock keeps builds apart; that the files in DIR are one build's is kg.exportset's manifest.
"""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

LOCK_NAME = ".kg.lock"


class OutDirBusy(ValueError):
    """Another build holds the folder; str() is a one-line message."""


class OutLock:
    def __init__(self, out_dir: str | os.PathLike):
        self.out_dir = Path(out_dir)
        self.fd: int | None = None

    def acquire(self, create: bool = False) -> bool:
        """Take the lock if the folder exists (or `create`); False when it cannot be made (a
        read-only or misnamed folder: the export then reports that itself). OutDirBusy when
        another build holds it."""
        if self.fd is not None:
            return True
        if create:
            try:
                self.out_dir.mkdir(parents=True, exist_ok=True)
            except OSError:
                return False
        if not self.out_dir.is_dir():
            return False
        try:
            fd = os.open(self.out_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutDirBusy(f"{self.out_dir}: another kg build is writing to this folder; "
                             "try again when it has finished") from None
        except OSError:  # a filesystem without flock: build unlocked rather than not at all
            os.close(fd)
            return False
        self.fd = fd
        return True

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
