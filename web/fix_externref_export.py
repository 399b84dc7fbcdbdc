#!/usr/bin/env python3
"""Repairs one export that binaryen 108's wasm-opt (Debian 12's `binaryen` package) writes wrong.

wasm-bindgen's module has two tables: the function table and `__wbindgen_externrefs` (externref),
exported by index. wasm-opt 108 keeps both tables but writes the export with index 0, the
function table, and the page then fails at start with "WebAssembly.Table.set(): Argument 1 is
invalid for table: function-typed object". This points the export back at the externref table.
Newer binaryen (132) writes it right; then this changes nothing.

Usage: fix_externref_export.py FILE.wasm   (rewrites FILE.wasm in place when needed)
"""

import sys

EXPORT = "__wbindgen_externrefs"
EXTERNREF, TABLE_SECTION, EXPORT_SECTION, TABLE_EXPORT = 0x6F, 4, 7, 1


def leb(data, i):
    """Reads an unsigned LEB128 at i; returns (value, next index)."""
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def externref_table(data, i):
    """The index of the first externref table in the table section starting at i."""
    count, i = leb(data, i)
    for index in range(count):
        kind, i = data[i], i + 1
        flags, i = leb(data, i)
        _, i = leb(data, i)
        if flags & 1:
            _, i = leb(data, i)
        if kind == EXTERNREF:
            return index
    return None


def export_index_at(data, i):
    """The position of the table index of EXPORT in the export section starting at i."""
    count, i = leb(data, i)
    for _ in range(count):
        length, i = leb(data, i)
        name, i = data[i : i + length].decode("utf-8", "replace"), i + length
        kind, i = data[i], i + 1
        at = i
        _, i = leb(data, i)
        if kind == TABLE_EXPORT and name == EXPORT:
            return at
    return None


def main():
    path = sys.argv[1]
    data = bytearray(open(path, "rb").read())
    i, table, at = 8, None, None
    while i < len(data):
        section, i = data[i], i + 1
        size, i = leb(data, i)
        if section == TABLE_SECTION:
            table = externref_table(data, i)
        elif section == EXPORT_SECTION:
            at = export_index_at(data, i)
        i += size
    if table is None or at is None or data[at] == table:
        return
    # Both indexes are small: one LEB byte each, so the file keeps its layout.
    if data[at] >= 0x80 or table >= 0x80:
        sys.exit(f"{path}: {EXPORT} export or table index too large to patch in place")
    print(f"{path}: {EXPORT} export pointed at table {data[at]}, now {table} (binaryen 108 bug)")
    data[at] = table
    open(path, "wb").write(data)


if __name__ == "__main__":
    main()
