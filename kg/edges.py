"""The containers a KGraph holds its edges in: mappings, as networkx expects, sized for the
millions of statements of a big graph.

A node pair nearly always has one statement between it. EdgeKeys (key -> attributes, networkx's
"edge key dict") then holds that statement itself: its key as the integer of its 16 hex digits and
its attributes in slots of its own, 148 bytes an edge against 227 for an EdgeKeys holding a key
string and an EdgeData (and 700 for networkx's two dicts). Reading the statement gives an
EdgeView, a transient EdgeData over those slots; a second key, or a key that is not a statement
key, moves the pair's edges to a dict of EdgeData, in insertion order, as a dict would keep them.
"""
from __future__ import annotations

import operator
from collections.abc import Iterator, Mapping, MutableMapping

# The attributes every statement edge has, in the order assemble() sets them.
EDGE_FIELDS = ("predicate", "paper", "evidence", "start", "end", "rule", "confidence")
_IS_FIELD = frozenset(EDGE_FIELDS)
_OFFSETS = frozenset(("start", "end"))
_SLOTS = EDGE_FIELDS + ("_extra",)
_STATEMENT = "statement/"
_UNSET = object()


def statement_digest(key) -> int | None:
    """The integer of a statement key's hex digits ("statement/<16 lowercase hex>"), else None."""
    if type(key) is not str or len(key) != 26 or not key.startswith(_STATEMENT):
        return None
    try:
        digest = int(key[10:], 16)
    except ValueError:
        return None
    return digest if f"{digest:016x}" == key[10:] else None  # int() also takes "_", signs, capitals


def statement_key_of(digest: int) -> str:
    return "statement/%016x" % digest


class Span:
    """An evidence sentence held as its span of the abstract: the "evidence" read is then
    text[start:end], made when read. Nearly every sentence is its span, and the abstracts are in
    the graph anyway, so the sentences are not held twice (one Span per paper, shared by its
    edges)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __reduce__(self):
        return Span, (self.text,)


def _update(self, other=(), /, **kwargs) -> None:
    for k, v in (other.items() if hasattr(other, "items") else other):
        self[k] = v
    for k, v in kwargs.items():
        self[k] = v


def _copy_slots(source, target) -> None:
    """The attribute slots of `source` into `target`, as held (a Span stays a Span)."""
    for name in _SLOTS:
        value = getattr(source, name, _UNSET)
        if value is not _UNSET:
            setattr(target, name, dict(value) if name == "_extra" and value else value)


def _clear_slots(holder) -> None:
    for name in EDGE_FIELDS:
        if hasattr(holder, name):
            delattr(holder, name)
    holder._extra = None


class EdgeData(MutableMapping):
    """One edge's attributes: a mapping, like the dict networkx would use, in a slot per known
    attribute (any other key goes to a dict of its own). "evidence" may be held as a Span of the
    abstract (assemble() does so when the sentence is its span); reading gives the string either
    way, and setting "start" or "end" first fixes the sentence.

    Iteration gives the known attributes that are set, in EDGE_FIELDS order, then the others in
    the order they were set; assemble() sets them in that order, so a build's exports keep the
    order a dict gave them. The slots read are those of `_held()`: the EdgeData itself, or for an
    EdgeView the EdgeKeys holding its pair's lone statement."""

    __slots__ = _SLOTS

    def __init__(self, *args, **kwargs) -> None:
        self._extra = None
        if args or kwargs:
            self.update(*args, **kwargs)

    def _held(self):
        return self

    def __getitem__(self, key):
        h = self._held()
        if key in _IS_FIELD:
            try:
                value = getattr(h, key)
            except AttributeError:
                raise KeyError(key) from None
            return value.text[h.start:h.end] if type(value) is Span else value
        if h._extra is None:
            raise KeyError(key)
        return h._extra[key]

    def get(self, key, default=None):
        h = self._held()
        if key in _IS_FIELD:
            value = getattr(h, key, default)
            return value.text[h.start:h.end] if type(value) is Span else value
        return default if h._extra is None else h._extra.get(key, default)

    def __contains__(self, key) -> bool:
        h = self._held()
        if key in _IS_FIELD:
            return hasattr(h, key)
        return h._extra is not None and key in h._extra

    def __setitem__(self, key, value) -> None:
        h = self._held()
        if key in _IS_FIELD:
            if key in _OFFSETS and self._spanned():
                h.evidence = self["evidence"]  # the sentence stays what it was
            setattr(h, key, value)
        else:
            if h._extra is None:
                h._extra = {}
            h._extra[key] = value

    def __delitem__(self, key) -> None:
        h = self._held()
        if key in _IS_FIELD:
            if key in _OFFSETS and self._spanned():
                h.evidence = self["evidence"]
            try:
                delattr(h, key)
            except AttributeError:
                raise KeyError(key) from None
        elif h._extra is None:
            raise KeyError(key)
        else:
            del h._extra[key]

    def __iter__(self):
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())

    def _spanned(self) -> bool:
        """Evidence held as a Span, with both offsets set (so it can be read)."""
        h = self._held()
        return type(getattr(h, "evidence", None)) is Span and hasattr(h, "start") and hasattr(h, "end")

    def keys(self) -> list:
        h = self._held()
        keys = [k for k in EDGE_FIELDS if hasattr(h, k)]
        return keys + list(h._extra) if h._extra else keys

    def items(self) -> list:
        h = self._held()
        items = []
        for k in EDGE_FIELDS:  # each slot read once (writers read every edge's items)
            value = getattr(h, k, _UNSET)
            if value is not _UNSET:
                items.append((k, value.text[h.start:h.end] if type(value) is Span else value))
        return items + list(h._extra.items()) if h._extra else items

    def values(self) -> list:
        return [v for _, v in self.items()]

    update = _update  # MutableMapping's, without its isinstance checks (networkx calls it per edge)

    def copy(self) -> "EdgeData":
        out = EdgeData()
        _copy_slots(self._held(), out)
        return out

    def __reduce__(self):
        h = self._held()
        return _edge_data, (tuple((n, getattr(h, n)) for n in _SLOTS if hasattr(h, n)),)

    def __repr__(self) -> str:
        return repr(dict(self.items()))


def _edge_data(held: tuple) -> EdgeData:
    out = EdgeData()
    for name, value in held:
        setattr(out, name, value)
    return out


class EdgeView(EdgeData):
    """The attributes of the lone statement an EdgeKeys holds, read and written in its slots."""

    __slots__ = ("_holder",)

    def __init__(self, holder: "EdgeKeys") -> None:
        self._holder = holder

    def _held(self):
        return self._holder


_DIGEST = object()  # EdgeKeys._more when the EdgeKeys holds its lone statement itself


class EdgeKeys(MutableMapping):
    """The edges between one (u, v) pair, key -> attributes (see the module's docstring).

    `_more` is None (no edge), _DIGEST (one statement, key digest in `_key`, attributes in the
    slots EdgeData has) or a dict key -> EdgeData."""

    __slots__ = _SLOTS + ("_key", "_more")

    def __init__(self, *args, **kwargs) -> None:
        self._extra = self._key = self._more = None
        if args or kwargs:
            self.update(*args, **kwargs)

    @classmethod
    def holding(cls, digest: int, values: tuple) -> "EdgeKeys":
        """The EdgeKeys of one statement, key "statement/<digest as 16 hex digits>", attributes
        `values` in EDGE_FIELDS order: what networkx's add_edge would make, without its EdgeData
        made and copied (assemble() makes a million of these at 100k papers)."""
        keyed = cls.__new__(cls)
        keyed._extra, keyed._key, keyed._more = None, digest, _DIGEST
        (keyed.predicate, keyed.paper, keyed.evidence, keyed.start, keyed.end, keyed.rule,
         keyed.confidence) = values
        return keyed

    def _lone(self, key) -> bool:
        # the key made from the digest, not the digest read from the key: half the time
        return self._more is _DIGEST and key == "statement/%016x" % self._key

    def __getitem__(self, key):
        if self._more is _DIGEST:
            if key == "statement/%016x" % self._key:
                return EdgeView(self)
        elif self._more is not None:
            return self._more[key]
        raise KeyError(key)

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key) -> bool:
        if self._more is _DIGEST:
            return self._lone(key)
        return self._more is not None and key in self._more

    def __setitem__(self, key, value) -> None:
        if self._more is _DIGEST and isinstance(value, EdgeView) and value._holder is self:
            return  # networkx's add_edge puts back the view it updated
        digest = statement_digest(key) if self._more is None or self._lone(key) else None
        if digest is not None and isinstance(value, Mapping):
            held = value._held() if isinstance(value, EdgeData) else None
            _clear_slots(self)
            self._key, self._more = digest, _DIGEST
            if held is None:
                EdgeView(self).update(value)
            else:
                _copy_slots(held, self)
            return
        if self._more is _DIGEST:
            self._release()
        elif self._more is None:
            self._more = {}
        self._more[key] = value

    def _release(self) -> None:
        """The lone statement held in the slots -> `_more`, a dict holding it as an EdgeData."""
        data = EdgeData()
        _copy_slots(self, data)
        key = statement_key_of(self._key)
        _clear_slots(self)
        self._key, self._more = None, {key: data}

    def __delitem__(self, key) -> None:
        if self._lone(key):
            _clear_slots(self)
            self._key = self._more = None
        elif self._more is None or self._more is _DIGEST:
            raise KeyError(key)
        else:
            del self._more[key]

    def __iter__(self):
        return iter(self.keys())

    def __len__(self) -> int:
        return 1 if self._more is _DIGEST else 0 if self._more is None else len(self._more)

    def keys(self) -> list:
        if self._more is _DIGEST:
            return [statement_key_of(self._key)]
        return [] if self._more is None else list(self._more)

    def items(self) -> list:
        if self._more is _DIGEST:
            return [(statement_key_of(self._key), EdgeView(self))]
        return [] if self._more is None else list(self._more.items())

    def values(self) -> list:
        if self._more is _DIGEST:
            return [EdgeView(self)]
        return [] if self._more is None else list(self._more.values())

    update = _update  # MutableMapping's, without its isinstance checks (networkx calls it per edge)

    def copy(self) -> "EdgeKeys":
        return EdgeKeys((k, v.copy() if isinstance(v, EdgeData) else v) for k, v in self.items())

    def __repr__(self) -> str:
        return repr(dict(self.items()))

    def __reduce__(self):
        return EdgeKeys, ([(k, v.copy() if isinstance(v, EdgeData) else v) for k, v in self.items()],)


def lone_digest(keyed) -> int | None:
    """The key digest of the statement an EdgeKeys holds in its own slots (None otherwise)."""
    return keyed._key if type(keyed) is EdgeKeys and keyed._more is _DIGEST else None


_read_fields = operator.attrgetter(*EDGE_FIELDS)


def field_values(keyed, key) -> tuple:
    """The EDGE_FIELDS values of edge `key` of a pair's edges (an EdgeKeys or networkx's dict),
    None where unset: what `tuple(map(keyed[key].get, EDGE_FIELDS))` gives, read from the slots
    without an EdgeView and seven calls (the RDF pass reads every statement so)."""
    if type(keyed) is EdgeKeys and keyed._more is _DIGEST:
        if not keyed._lone(key):
            raise KeyError(key)
        return _slot_values(keyed)
    return _values(keyed[key])


def edge_values(G) -> Iterator[tuple]:
    """(u, v, values) for every edge of G, in G.edges order, values as field_values reads them
    (the page reads every statement so)."""
    if not G.is_multigraph():
        for u, v, data in G.edges(data=True):
            yield u, v, _values(data)
        return
    for u, nbrs in G._adj.items():
        for v, keyed in nbrs.items():
            if type(keyed) is EdgeKeys and keyed._more is _DIGEST:
                yield u, v, _slot_values(keyed)
            else:
                for data in keyed.values():
                    yield u, v, _values(data)


def _values(data) -> tuple:
    return _slot_values(data._held()) if isinstance(data, EdgeData) else tuple(map(data.get, EDGE_FIELDS))


def _slot_values(held) -> tuple:
    try:
        values = _read_fields(held)
    except AttributeError:  # some field unset
        values = tuple(getattr(held, name, None) for name in EDGE_FIELDS)
    evidence = values[2]
    if type(evidence) is Span:
        return values[:2] + (evidence.text[held.start:held.end],) + values[3:]
    return values


def predicates_of(keyed) -> list:
    """The "predicate" of each edge of a pair (None where unset), without an EdgeView each."""
    if type(keyed) is EdgeKeys and keyed._more is _DIGEST:
        return [getattr(keyed, "predicate", None)]
    return [data.get("predicate") for data in keyed.values()]
