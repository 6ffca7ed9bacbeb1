"""Reading input files within bounds: regular files only, a size cap, every OS error explained.

The bounds on work are here, one place (RELIABILITY.md lists them): they are checked before the
work starts, so a hostile or mistaken input is refused in milliseconds instead of running for
minutes or exhausting memory.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from pathlib import Path

MB = 1024 * 1024
MAX_TABLE_BYTES = 32 * MB  # one CSV table, or a workbook as stored (compressed)
MAX_WORKBOOK_UNPACKED = 100 * MB  # what a workbook's zip unpacks to (zip bombs)
MAX_WORKBOOK_MEMBERS = 10_000
MAX_ROWS = 100_000  # data rows per table (the bundled dataset's largest has 307)
MAX_COLUMNS = 200  # columns per table (the widest schema has 17)
MAX_CELL_CHARS = 10_000  # characters in one cell (the bundled dataset's longest has 2,065)
MAX_SCENARIO_BYTES = 4 * MB  # one scenario YAML file


class FileRefused(Exception):
    """A file that cannot or will not be read; ``reason`` says why and what to do."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def _os_reason(e: OSError) -> str:
    return e.strerror or type(e).__name__


def read_bounded(path: Path, limit: int, what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Folders, dangling links, FIFOs, devices and sockets are refused before anything is read
    (the file is opened non-blocking and checked with ``fstat``, so a FIFO cannot hang the
    read and ``/dev/zero`` cannot fill memory)."""
    p = Path(path)
    if p.is_symlink() and not p.exists():
        raise FileRefused(f"a link to {os.readlink(p)}, which does not exist")
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except IsADirectoryError:
        raise FileRefused(f"a folder, not a {what}") from None
    except FileNotFoundError:
        raise FileRefused("no such file") from None
    except OSError as e:
        raise FileRefused(f"cannot be read: {_os_reason(e)}") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise FileRefused(f"a folder, not a {what}")
        if not stat.S_ISREG(st.st_mode):
            kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode) else
                    "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else
                    "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file")
            raise FileRefused(f"{kind}, not a {what}: only regular files are read")
        if st.st_size > limit:
            raise FileRefused(f"{st.st_size / MB:.1f} MB, more than the {limit / MB:g} MB a "
                              f"{what} may hold")
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(limit + 1)
    except OSError as e:
        raise FileRefused(f"cannot be read: {_os_reason(e)}") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise FileRefused(f"more than the {limit / MB:g} MB a {what} may hold")
    return data


_REF = re.compile(rb'<(?:\w+:)?(row|c|dimension)\b([^>]*)>')
_ATTR_R = re.compile(rb'\sr(?:ef)?="\$?([A-Z]*)\$?(\d*)(?::\$?([A-Z]*)\$?(\d*))?"')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _sheet_titles(z: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part -> sheet title, from ``xl/workbook.xml`` and its relationships."""
    import xml.etree.ElementTree as ET

    try:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError, zipfile.BadZipFile, OSError, ValueError):
        return {}
    target = {r.get("Id"): r.get("Target", "").lstrip("/") for r in rels}
    out = {}
    for el in book.iter():
        if el.tag.endswith("}sheet"):
            rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
            t = target.get(rid, "")
            out[t if t.startswith("xl/") else f"xl/{t}"] = el.get("name", "")
    return out


def workbook_extent(data: bytes) -> dict[str, tuple[int, int]]:
    """Check a workbook's zip before openpyxl loads it: the members' total unpacked size, and
    the rows and columns each worksheet's XML declares (``<dimension ref>``) or uses (the
    last ``<row r>`` and ``<c r>``). Returns {worksheet member: (rows, columns)}; raises
    FileRefused beyond the bounds (a 16 KB file can declare A1:XFD1048576, which openpyxl
    would pad out to 17 billion cells)."""
    import io

    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as e:
        raise FileRefused(f"cannot be read as a workbook: {e}") from None
    with z:
        infos = z.infolist()
        if len(infos) > MAX_WORKBOOK_MEMBERS:
            raise FileRefused(f"the workbook holds {len(infos):,} parts, more than "
                              f"{MAX_WORKBOOK_MEMBERS:,}")
        unpacked = sum(i.file_size for i in infos)
        if unpacked > MAX_WORKBOOK_UNPACKED:
            raise FileRefused(f"the workbook unpacks to {unpacked / MB:,.0f} MB, more than "
                              f"{MAX_WORKBOOK_UNPACKED / MB:g} MB")
        titles = _sheet_titles(z)
        out = {}
        for info in infos:
            if not (info.filename.startswith("xl/worksheets/") and
                    info.filename.endswith(".xml")):
                continue
            rows = cols = 0
            row = 0
            try:
                with z.open(info) as f:
                    # read in bounded pieces; a tag cut at a piece's end is read with the next
                    tail = b""
                    while True:
                        piece = f.read(1 << 20)
                        if not piece:
                            break
                        buf = tail + piece
                        cut = buf.rfind(b"<")
                        buf, tail = buf[:cut], buf[cut:]
                        for m in _REF.finditer(buf):
                            tag, attrs = m.group(1), m.group(2)
                            r = _ATTR_R.search(attrs)
                            if tag == b"row":
                                row = int(r.group(2)) if r and r.group(2) else row + 1
                                rows = max(rows, row)
                            elif r:
                                c1, r1, c2, r2 = r.groups()
                                for letters, num in ((c1, r1), (c2, r2)):
                                    if letters:
                                        cols = max(cols, _column_number(letters))
                                    if num and tag == b"dimension":
                                        rows = max(rows, int(num))
                        if rows > MAX_ROWS + 1 or cols > MAX_COLUMNS:
                            break
            except (zipfile.BadZipFile, OSError, EOFError, ValueError,
                    NotImplementedError) as e:
                raise FileRefused(f"the workbook part {info.filename} cannot be read: {e}") \
                    from None
            if rows > MAX_ROWS + 1 or cols > MAX_COLUMNS:
                sheet = titles.get(info.filename)
                raise FileRefused(
                    f"{'sheet ' + repr(sheet) if sheet else 'a worksheet (' + info.filename + ')'}"
                    f" spans {rows:,} rows and {cols:,} columns; "
                    f"a table may have at most {MAX_ROWS:,} rows and {MAX_COLUMNS} columns "
                    f"(delete the unused rows and columns, or save the sheet again)")
            out[info.filename] = (rows, cols)
    return out
