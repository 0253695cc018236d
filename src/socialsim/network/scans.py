"""Reading graph files safely: opening them, and scans that name the first bad line.

The loaders (:mod:`socialsim.network.loaders`) parse a file with pandas' fast C reader; when it
refuses the file, or a value is out of range, these scans read it again line by line so that
the error names the file and the first line at fault, as :class:`GraphFileError` promises.
"""

from __future__ import annotations

import csv
import gzip
import math
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from socialsim.constraints import did_you_mean
from socialsim.network.inputs import GraphFileError, weight_error

NODE_ID = re.compile(r"\d+")
LARGEST_ID = 2**63 - 1  # node ids are read as int64


def existing(path: str | os.PathLike[str]) -> Path:
    path = Path(path)
    if not path.is_file():
        raise GraphFileError(str(path), "no such file" if not path.exists() else "not a file")
    return path


@contextmanager
def open_text(path: Path) -> Iterator[IO[str]]:
    """The file as text, decompressed if it ends in .gz; undecodable bytes become U+FFFD."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace", newline="") as handle:
        yield handle


def separators(path: Path) -> tuple[str, ...]:
    """Field separators to try: a tab alone first when the first edge line is tab-separated.

    pandas splits on a single tab about twice as fast as on any run of whitespace, and SNAP
    files are tab-separated; the general pattern is the fallback for anything else.
    """
    try:
        with open_text(path) as handle:
            for line in handle:
                text = line.rstrip("\r\n")
                if text.strip() and not text.lstrip().startswith("#"):
                    if "\t" in text and " " not in text and "#" not in text:
                        return ("\t", r"\s+")
                    break
    except (OSError, EOFError):
        pass  # reported by the reader
    return (r"\s+",)


def scan_edgelist(path: Path) -> None:
    """Raise GraphFileError at the first line that is not ``u v`` or ``u v weight``."""
    expected = None
    with open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            fields = line.split("#", 1)[0].split()
            if not fields:
                continue
            shown = " ".join(fields)
            if len(fields) not in (2, 3):
                raise GraphFileError(
                    path.name,
                    f"expected two node ids and an optional weight, got {shown!r}",
                    number,
                )
            if expected is not None and len(fields) != expected:
                raise GraphFileError(
                    path.name,
                    f"expected {expected} columns like the first edge line, got {shown!r}",
                    number,
                )
            expected = len(fields)
            check_node_ids(path, fields[:2], number)
            if len(fields) == 3 and not is_weight(fields[2]):
                raise GraphFileError(
                    path.name,
                    f"expected a non-negative number as weight, got {fields[2]!r}",
                    number,
                )
    if expected is None:
        raise GraphFileError(path.name, "the graph is empty (no edges)")


def csv_header(path: Path) -> list[str]:
    with open_text(path) as handle:
        return next(csv.reader(handle, skipinitialspace=True), [])


def pick_columns(
    name: str, header: list[str], source: str | None, target: str | None, weight: str | None
) -> tuple[str, str, str | None]:
    if len(header) < 2 and (source is None or target is None):
        raise GraphFileError(name, f"expected at least two columns, got the header {header!r}", 1)
    picked = (header[0] if source is None else source, header[1] if target is None else target)
    for column in (*picked, weight):
        if column is not None and column not in header:
            hint = did_you_mean(column, header)
            raise GraphFileError(
                name,
                f"no column {column!r} (the columns are {', '.join(map(repr, header))})"
                + (f". {hint}" if hint else ""),
                1,
            )
    return picked[0], picked[1], weight


def scan_csv_fields(path: Path, n_fields: int) -> None:
    """Raise GraphFileError at the first row whose field count differs from the header's."""
    with open_text(path) as handle:
        reader = csv.reader(handle, skipinitialspace=True)
        next(reader, None)
        for row in reader:
            if row and len(row) != n_fields:
                raise GraphFileError(
                    path.name,
                    f"expected {n_fields} fields like the header, got {','.join(row)!r}",
                    reader.line_num,
                )


def scan_csv_edges(path: Path, n_fields: int, wanted: tuple[str, str, str | None]) -> None:
    """Raise GraphFileError at the first bad row of a CSV edge table."""
    scan_csv_fields(path, n_fields)
    with open_text(path) as handle:
        reader = csv.reader(handle, skipinitialspace=True)
        header = next(reader, [])
        at = [header.index(column) if column is not None else None for column in wanted]
        seen = False
        for row in reader:
            if not row:
                continue
            seen = True
            check_node_ids(path, [row[at[0]].strip(), row[at[1]].strip()], reader.line_num)
            if at[2] is not None and not is_weight(row[at[2]]):
                raise GraphFileError(
                    path.name,
                    f"expected a non-negative number as weight, got {row[at[2]]!r}",
                    reader.line_num,
                )
    if not seen:
        raise GraphFileError(path.name, "the graph is empty (no edges)")


def check_node_ids(path: Path, ends: list[str], line: int) -> None:
    """Raise GraphFileError unless both ends are integer node ids in [0, 2^63 - 1]."""
    if not all(NODE_ID.fullmatch(end) for end in ends):
        raise GraphFileError(
            path.name, f"expected two non-negative integer node ids, got {' '.join(ends)!r}", line
        )
    for end in ends:
        if int(end) > LARGEST_ID:
            raise GraphFileError(
                path.name, f"node id {end} is above {LARGEST_ID}, the largest allowed", line
            )


def beyond(text: pd.Series, whole: np.ndarray, largest: int) -> np.ndarray:
    """Which of the digit strings (where ``whole``) stand for a number above ``largest``.

    Compared as text, so that no number is converted before it is known to fit.
    """
    digits = text.where(whole, "0").str.lstrip("0")
    limit = str(largest)
    length = digits.str.len().to_numpy()
    longer = length > len(limit)
    return longer | ((length == len(limit)) & (digits > limit).to_numpy())


def is_weight(text: str) -> bool:
    try:
        value = float(text)
    except ValueError:
        return False
    return math.isfinite(value) and value >= 0


def scan_xml_weights(path: Path) -> None:
    """Raise GraphFileError at the first GraphML or GEXF edge with a bad weight.

    GEXF keeps the weight in the edge's ``weight`` attribute; GraphML in a ``data`` child
    whose key is declared for edges with ``attr.name="weight"``.
    """
    import xml.etree.ElementTree as ET

    opener = gzip.open if path.name.lower().endswith(".gz") else open
    weight_keys: set[str] = set()
    with opener(path, "rb") as handle:
        for _, element in ET.iterparse(handle):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "key" and element.get("attr.name") == "weight":
                weight_keys.add(element.get("id", ""))
            elif tag == "edge":
                texts = [element.get("weight")] + [
                    child.text
                    for child in element
                    if child.tag.rsplit("}", 1)[-1] == "data" and child.get("key") in weight_keys
                ]
                for text in texts:
                    if text is not None and not is_weight(text):
                        source, target = element.get("source"), element.get("target")
                        raise weight_error(path.name, source, target, text)
