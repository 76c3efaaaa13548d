"""Node ids <-> IRIs, and the lexical forms of numbers.

A node id ("method/resnet-50") becomes base IRI + id, percent-encoding only what an IRI path
cannot hold, so `iri_to_id(base, node_iri(base, id)) == id` for any string.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from decimal import Decimal
from urllib.parse import unquote

import networkx as nx

from kg.schema import DEFAULT_BASE_IRI

_ASCII_OK = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "-._~"          # unreserved
    "!$&'()*+,;="   # sub-delims
    ":@/"           # allowed in a path
)
_PLAIN_ID = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/]*")


def base_iri_of(G: nx.MultiDiGraph) -> str:
    return G.graph.get("base_iri") or DEFAULT_BASE_IRI


def _ucschar(cp: int) -> bool:
    """RFC 3987 ucschar: non-ASCII characters allowed verbatim in an IRI path."""
    if 0xA0 <= cp <= 0xD7FF or 0xF900 <= cp <= 0xFDCF or 0xFDF0 <= cp <= 0xFFEF:
        return True
    if 0xE0000 <= cp <= 0xE0FFF:
        return False
    return 0x10000 <= cp <= 0xEFFFD and (cp & 0xFFFF) < 0xFFFE


def encode_id(node_id: str) -> str:
    """Percent-encode whatever is not valid in an IRI path (including '%' itself, so that
    `decode_id` is an exact inverse). Letters outside ASCII are kept, as IRIs allow."""
    if _PLAIN_ID.fullmatch(node_id):
        text = node_id
    else:
        out = []
        for c in node_id:
            # spaces and controls outside ASCII are valid ucschar but rejected by common
            # parsers (rdflib's N-Triples reader treats "\xa0" as whitespace)
            if c in _ASCII_OK or (ord(c) >= 0xA0 and _ucschar(ord(c)) and not c.isspace()
                                  and unicodedata.category(c)[0] not in "CZ"):
                out.append(c)
            else:
                out.extend("%%%02X" % b for b in c.encode("utf-8", "surrogatepass"))
        text = "".join(out)
    if "." in text:
        # "." and ".." segments would be removed by IRI resolution in some parsers, and a
        # trailing "." makes rdflib reject the prefixed name pyoxigraph writes ("method:a\.").
        segments = text.split("/")
        segments = ["%2E" * len(seg) if seg in (".", "..") else seg for seg in segments]
        text = "/".join(segments)
        if text.endswith("."):
            text = text[:-1] + "%2E"
    return text


def decode_id(fragment: str) -> str:
    if "%" not in fragment:
        return fragment
    return unquote(fragment, encoding="utf-8", errors="surrogatepass")


def node_iri(base_iri: str, node_id: str) -> str:
    return base_iri + encode_id(str(node_id))


def iri_to_id(base_iri: str, iri: str) -> str:
    if not iri.startswith(base_iri):
        raise ValueError(f"IRI {iri!r} is outside the instance namespace {base_iri!r}")
    return decode_id(iri[len(base_iri):])


def person_slug(name: str) -> str:
    """The readable part of an author's IRI: "Kaiming He" -> "kaiming-he" (letters of any
    script kept, every other run of characters one hyphen)."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return re.sub(r"[^\w]+|_+", "-", text).strip("-")


def bnode_stem(node_id: str) -> str:
    """A readable, collision-free blank node label prefix for a node id."""
    readable = "".join(c if (c.isascii() and c.isalnum()) else "_" for c in node_id)[:40]
    return f"{readable}_{hashlib.sha1(node_id.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


def format_decimal(x: float) -> str:
    """A float as an xsd:decimal lexical form (no exponent) that float() reads back exactly."""
    text = format(Decimal(repr(float(x))), "f")
    return text if "." in text else text + ".0"
