"""Linkage: groups of captures in the store that point to the same document, forger or network.

Four kinds of link, each computed over the whole store (current rows that were examined):

``document_number``
    one document number (of one issuer) on documents of different holders (surname, given
    names or birth date differ);
``portrait``
    the same portrait under different identities: perceptual descriptors of the aligned
    portrait zones with a cosine similarity of :data:`PORTRAIT_MIN_SIMILARITY` or more (found
    through locality-sensitive hashing, so the store is never compared pair by pair);
``mrz``
    an identical MRZ on two or more different documents (different images);
``signature``
    the same forgery signature: at least :data:`SIGNATURE_MIN_SHARED` failed checks in common
    (by check and zone, half or more of either capture's failed checks) whose measured values
    agree within :data:`SIGNATURE_REL_TOL` — one forger's wrong MRZ font and pitch, one photo
    paper.

A group is a connected component of one kind of link. Groups are listed with what links them
and drawn as a graph of capture nodes and group nodes (exported as GraphML).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Iterable

from docfraud.batch.store import Store
from docfraud.batch.watchlist import normalise_number
from docfraud.batch.worker import descriptor

PORTRAIT_MIN_SIMILARITY = 0.96  # the same photo re-captured or re-pasted: 0.97 and up
LSH_TABLES, LSH_BITS = 24, 12
SIGNATURE_REL_TOL = 0.15
SIGNATURE_MIN_SHARED = 2
KINDS = ("document_number", "portrait", "mrz", "signature")
KIND_TITLES = {"document_number": "shared document number, different holders",
               "portrait": "same portrait, different identities",
               "mrz": "identical MRZ on different documents",
               "signature": "same forgery signature"}

COLUMNS = ("key, name, source, document_key, issuer, document_code, document_number, surname, "
           "given_names, birth_date, mrz, portrait_hash, signature, verdict, specimen, "
           "report_file")


@dataclass
class Group:
    id: str
    kind: str
    label: str
    members: list[str]  # capture keys
    detail: dict[str, Any] = field(default_factory=dict)


class _UF:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, a: str) -> str:
        self.parent.setdefault(a, a)
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for a in list(self.parent):
            out[self.find(a)].append(a)
        return [sorted(v) for v in out.values() if len(v) > 1]


def identity(row: dict[str, Any]) -> tuple[str, str, str]:
    return (row.get("surname") or "", row.get("given_names") or "", row.get("birth_date") or "")


def load_rows(store: Store) -> dict[str, dict[str, Any]]:
    """The linkage columns of every examined capture (a few hundred bytes each)."""
    return {r["key"]: dict(r) for r in store.rows("status = 'done'", columns=COLUMNS)}


def by_document_number(rows: dict[str, dict[str, Any]]) -> list[Group]:
    buckets: dict[tuple[str, str], list[str]] = defaultdict(list)
    for k, r in rows.items():
        num = normalise_number(r.get("document_number") or "")
        if num:
            buckets[((r.get("issuer") or "").rstrip("<"), num)].append(k)
    out = []
    for (issuer, num), keys in sorted(buckets.items()):
        ids = {identity(rows[k]) for k in keys}
        if len(ids) > 1:
            out.append(Group("", "document_number", f"{issuer} {num} on {len(ids)} holders",
                             sorted(keys), {"issuer": issuer, "document_number": num,
                                            "identities": len(ids)}))
    return out


def by_mrz(rows: dict[str, dict[str, Any]]) -> list[Group]:
    buckets: dict[str, list[str]] = defaultdict(list)
    for k, r in rows.items():
        if r.get("mrz"):
            buckets[r["mrz"]].append(k)
    out = []
    for mrz, keys in sorted(buckets.items()):
        docs = {rows[k]["document_key"] for k in keys}
        if len(docs) > 1:
            r = rows[keys[0]]
            out.append(Group("", "mrz", f"identical MRZ on {len(docs)} documents "
                             f"({(r.get('issuer') or '').rstrip('<')} "
                             f"{r.get('document_number') or ''})", sorted(keys),
                             {"documents": len(docs)}))
    return out


def by_portrait(rows: dict[str, dict[str, Any]], min_sim: float = PORTRAIT_MIN_SIMILARITY
                ) -> list[Group]:
    """Portraits alike (cosine similarity of their descriptors at least ``min_sim``), found by
    random-hyperplane hashing: candidates share the hash of one of :data:`LSH_TABLES` tables,
    then every candidate pair is compared exactly."""
    import numpy as np

    keys = [k for k, r in rows.items() if r.get("portrait_hash")]
    if len(keys) < 2:
        return []
    vecs = np.stack([descriptor(rows[k]["portrait_hash"]) for k in keys])
    planes = np.random.default_rng(20261128).standard_normal((vecs.shape[1],
                                                              LSH_TABLES * LSH_BITS))
    bits = (vecs @ planes > 0).reshape(len(keys), LSH_TABLES, LSH_BITS)
    codes = (bits * (1 << np.arange(LSH_BITS))).sum(axis=2)  # (n, tables)
    uf = _UF()
    tried: set[tuple[int, int]] = set()
    for t in range(LSH_TABLES):
        buckets: dict[int, list[int]] = defaultdict(list)
        for i, c in enumerate(codes[:, t]):
            buckets[int(c)].append(i)
        for members in buckets.values():
            if len(members) > 5000:  # a degenerate bucket (blank portraits): not evidence
                continue
            for a, b in combinations(members, 2):
                if (a, b) in tried:
                    continue
                tried.add((a, b))
                if float(vecs[a] @ vecs[b]) >= min_sim:
                    uf.union(keys[a], keys[b])
    index = {k: i for i, k in enumerate(keys)}
    out = []
    for members in uf.groups():
        ids = {identity(rows[k]) for k in members}
        if len(ids) > 1:
            low = min(float(vecs[index[a]] @ vecs[index[b]]) for a, b in combinations(members, 2))
            out.append(Group("", "portrait", f"one portrait under {len(ids)} identities",
                             members, {"identities": len(ids),
                                       "lowest_similarity": round(low, 3)}))
    return out


def _sig(row: dict[str, Any]) -> dict[tuple[str, str], float]:
    raw = row.get("signature")
    items = json.loads(raw) if isinstance(raw, str) else (raw or [])
    return {(c, z): float(v) for c, z, v in items}


def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol * max(abs(a), abs(b)) + 1e-3


def similar_signatures(a: dict[tuple[str, str], float], b: dict[tuple[str, str], float],
                       tol: float = SIGNATURE_REL_TOL) -> bool:
    """Whether two captures' failed checks make the same signature (module docstring).

    >>> sa = {("mrz.glyphs", "mrz"): 0.80, ("mrz.pitch_mm", "mrz"): 0.18}
    >>> similar_signatures(sa, {("mrz.glyphs", "mrz"): 0.83, ("mrz.pitch_mm", "mrz"): 0.19})
    True
    >>> similar_signatures(sa, {("mrz.glyphs", "mrz"): 0.83, ("mrz.pitch_mm", "mrz"): 0.40})
    False
    """
    shared = [c for c in a if c in b and _close(a[c], b[c], tol)]
    if len(shared) < SIGNATURE_MIN_SHARED:
        return False
    return 2 * len(shared) >= len(a) and 2 * len(shared) >= len(b)


def _bin(v: float, tol: float) -> int:
    return int(math.floor(math.log(abs(v) + 1e-3) / math.log(1 + 2 * tol)))


def by_signature(rows: dict[str, dict[str, Any]], tol: float = SIGNATURE_REL_TOL) -> list[Group]:
    sigs = {k: s for k, r in rows.items() if len(s := _sig(r)) >= SIGNATURE_MIN_SHARED}
    buckets: dict[tuple, list[str]] = defaultdict(list)
    for k, s in sigs.items():  # indexed by each pair of its failed checks and their values
        for (ca, cb) in combinations(sorted(s)[:8], 2):
            buckets[(ca, cb, _bin(s[ca], tol), _bin(s[cb], tol))].append(k)
    uf = _UF()
    done: set[tuple[str, str]] = set()
    for (ca, cb, ba, bb), keys in list(buckets.items()):
        near = [k2 for da in (-1, 0, 1) for db in (-1, 0, 1)
                for k2 in buckets.get((ca, cb, ba + da, bb + db), ())]
        for a in keys:
            for b in near:
                if a >= b or (a, b) in done:
                    continue
                done.add((a, b))
                if rows[a]["document_key"] != rows[b]["document_key"] and \
                        similar_signatures(sigs[a], sigs[b], tol):
                    uf.union(a, b)
    out = []
    for keys in uf.groups():
        common = set.intersection(*(set(sigs[k]) for k in keys))
        names = sorted(f"{c} on {z}" for c, z in common) or ["overlapping failed checks"]
        out.append(Group("", "signature", "failed: " + ", ".join(names[:4]), keys,
                         {"checks": [list(c) for c in sorted(common)]}))
    return out


def find_groups(store: Store, rows: dict[str, dict[str, Any]] | None = None) -> list[Group]:
    """Every linkage group of the store, numbered G1, G2, ... by kind then size."""
    rows = load_rows(store) if rows is None else rows
    groups = (by_document_number(rows) + by_portrait(rows) + by_mrz(rows)
              + by_signature(rows))
    groups.sort(key=lambda g: (KINDS.index(g.kind), -len(g.members), g.members))
    for i, g in enumerate(groups, 1):
        g.id = f"G{i}"
    return groups


def graph(groups: Iterable[Group], rows: dict[str, dict[str, Any]]):  # type: ignore[no-untyped-def]
    """A networkx graph: a node per capture (verdict, specimen, source) and per group (kind,
    label), an edge from each group to its members."""
    import networkx as nx

    g = nx.Graph()
    for grp in groups:
        g.add_node(grp.id, type="group", kind=grp.kind, label=grp.label,
                   size=len(grp.members))
        for k in grp.members:
            r = rows.get(k, {})
            node = k[:16]
            if node not in g:
                g.add_node(node, type="capture", label=r.get("name") or node,
                           source=r.get("source") or "", verdict=r.get("verdict") or "",
                           specimen=r.get("specimen") or "",
                           report=r.get("report_file") or "")
            g.add_edge(grp.id, node, kind=grp.kind)
    return g
