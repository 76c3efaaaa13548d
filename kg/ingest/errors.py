"""The one error type the ingest stage reports."""
from __future__ import annotations

import re

_WS = re.compile(r"\s+")


class IngestError(Exception):
    """A bad file or record. `str()` is one line: ``path:place: message``.

    `place` is a 1-based line number, or a short label such as ``"papers[3]"`` when
    the record has no line of its own; it is omitted for whole-file problems
    (missing, empty, binary).
    """

    def __init__(self, path: str, message: str, place: int | str | None = None):
        self.path = str(path)
        self.place = place
        self.message = _WS.sub(" ", str(message)).strip()
        super().__init__(str(self))

    @property
    def line(self) -> int | None:
        return self.place if isinstance(self.place, int) else None

    def __str__(self) -> str:
        where = self.path if self.place is None else f"{self.path}:{self.place}"
        return _WS.sub(" ", f"{where}: {self.message}")

    def __repr__(self) -> str:
        return f"IngestError({self.path!r}, {self.message!r}, place={self.place!r})"

    def __reduce__(self):  # keep it picklable despite the custom __init__
        return (IngestError, (self.path, self.message, self.place))
