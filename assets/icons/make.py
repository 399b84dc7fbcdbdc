#!/usr/bin/env python3
"""Draws plainsight's icons: bold one-colour pictograms, white on transparent, 64 x 64 PNG.

The viewer tints them (ink on light cards, paper on the black server title bar, grey when
dimmed), so one white mask serves every colour. Only the Python standard library is needed:

    python3 assets/icons/make.py        # rewrites assets/icons/*.png

Each icon is a list of operations in a 100 x 100 box (y down): shapes are painted (+) or
erased (-) in order, sampled 4 x 4 per pixel for smooth edges.
"""

import math
import os
import struct
import zlib

SIZE = 64
SS = 4  # samples per pixel, per axis
GRID = SIZE * SS
HERE = os.path.dirname(os.path.abspath(__file__))


# Shapes: each is (bounding box in 0..100 units, inside(x, y) -> bool).
def rect(x0, y0, x1, y1, r=0.0):
    def inside(x, y):
        if x < x0 or x > x1 or y < y0 or y > y1:
            return False
        cx = min(max(x, x0 + r), x1 - r)
        cy = min(max(y, y0 + r), y1 - r)
        return (x - cx) ** 2 + (y - cy) ** 2 <= r * r + 1e-9

    return (x0, y0, x1, y1), inside


def circle(cx, cy, r):
    return (cx - r, cy - r, cx + r, cy + r), lambda x, y: (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def ellipse(cx, cy, rx, ry):
    def inside(x, y):
        return ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1.0

    return (cx - rx, cy - ry, cx + rx, cy + ry), inside


def ring(cx, cy, r_out, r_in, ymax=None):
    def inside(x, y):
        d = (x - cx) ** 2 + (y - cy) ** 2
        return r_in * r_in <= d <= r_out * r_out and (ymax is None or y <= ymax)

    return (cx - r_out, cy - r_out, cx + r_out, cy + r_out), inside


def line(ax, ay, bx, by, t):
    """A thick segment with round ends."""
    h = t / 2.0
    dx, dy = bx - ax, by - ay
    ll = dx * dx + dy * dy or 1e-9

    def inside(x, y):
        u = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / ll))
        px, py = ax + u * dx, ay + u * dy
        return (x - px) ** 2 + (y - py) ** 2 <= h * h

    box = (min(ax, bx) - h, min(ay, by) - h, max(ax, bx) + h, max(ay, by) + h)
    return box, inside


def poly(*pts):
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]

    def inside(x, y):
        c = False
        j = len(pts) - 1
        for i in range(len(pts)):
            (xi, yi), (xj, yj) = pts[i], pts[j]
            if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
                c = not c
            j = i
        return c

    return (min(xs), min(ys), max(xs), max(ys)), inside


def gear(cx, cy, r_out, r_in, teeth=8):
    pts = []
    for i in range(teeth * 4):
        a = 2 * math.pi * i / (teeth * 4)
        r = r_out if (i % 4) in (0, 1) else r_in
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return poly(*pts)


def render(ops):
    grid = bytearray(GRID * GRID)
    for sign, (box, inside) in ops:
        x0 = max(0, int(box[0] * GRID / 100.0) - 1)
        y0 = max(0, int(box[1] * GRID / 100.0) - 1)
        x1 = min(GRID, int(math.ceil(box[2] * GRID / 100.0)) + 1)
        y1 = min(GRID, int(math.ceil(box[3] * GRID / 100.0)) + 1)
        for gy in range(y0, y1):
            y = (gy + 0.5) * 100.0 / GRID
            row = gy * GRID
            for gx in range(x0, x1):
                if inside((gx + 0.5) * 100.0 / GRID, y):
                    grid[row + gx] = 1 if sign > 0 else 0
    pixels = bytearray()
    for py in range(SIZE):
        pixels.append(0)  # PNG filter: none
        for px in range(SIZE):
            n = 0
            for sy in range(SS):
                base = (py * SS + sy) * GRID + px * SS
                n += sum(grid[base : base + SS])
            pixels += bytes((255, 255, 255, round(255 * n / (SS * SS))))
    return bytes(pixels)


def write_png(path, raw):
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
    data += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)


P, E = 1, -1  # paint, erase


def person(cx=50, head_y=28, head_r=17, top=52, bottom=96, half_w=34):
    """Head and shoulders."""
    return [
        (P, circle(cx, head_y, head_r)),
        (P, rect(cx - half_w, top, cx + half_w, bottom + 20, r=half_w * 0.75)),
        (E, rect(0, bottom, 100, 100)),
    ]


ICONS = {
    # Devices.
    "phone": [
        (P, rect(26, 4, 74, 96, r=10)),
        (E, rect(33, 15, 67, 78)),
        (E, circle(50, 87, 4.5)),
    ],
    "laptop": [
        (P, rect(14, 14, 86, 66, r=6)),
        (E, rect(22, 22, 78, 58)),
        (P, poly((4, 72), (96, 72), (90, 88), (10, 88))),
        (E, rect(42, 74, 58, 78)),
    ],
    "browser": [
        (P, rect(4, 10, 96, 90, r=8)),
        (E, rect(11, 30, 89, 83)),
        (E, circle(18, 20, 4)),
        (E, circle(29, 20, 4)),
        (E, circle(40, 20, 4)),
        (P, ring(50, 56, 21, 15)),
        (P, ellipse(50, 56, 9, 21)),
        (E, ellipse(50, 56, 4, 16)),
        (P, line(30, 56, 70, 56, 5)),
    ],
    # Servers and their parts.
    "server": [
        (P, rect(12, 6, 88, 32, r=5)),
        (P, rect(12, 37, 88, 63, r=5)),
        (P, rect(12, 68, 88, 94, r=5)),
        (E, circle(25, 19, 4.5)),
        (E, circle(25, 50, 4.5)),
        (E, circle(25, 81, 4.5)),
        (E, rect(44, 16, 78, 22, r=2)),
        (E, rect(44, 47, 78, 53, r=2)),
        (E, rect(44, 78, 78, 84, r=2)),
    ],
    "database": [
        (P, ellipse(50, 20, 38, 13)),
        (P, rect(12, 20, 88, 80)),
        (P, ellipse(50, 80, 38, 13)),
        # A thin crescent under each disk: erase a lower copy, repaint the disk.
        (E, ellipse(50, 44, 38, 13)),
        (P, ellipse(50, 38, 38, 13)),
        (E, ellipse(50, 64, 38, 13)),
        (P, ellipse(50, 58, 38, 13)),
        (E, ellipse(50, 20, 29, 6)),
    ],
    "vault": [
        (P, rect(8, 8, 92, 88, r=8)),
        (E, rect(16, 16, 84, 80, r=4)),
        (P, ring(50, 48, 22, 15)),
        (P, circle(50, 48, 6)),
        (P, line(50, 26, 50, 70, 5)),
        (P, line(28, 48, 72, 48, 5)),
        (P, rect(16, 88, 30, 96)),
        (P, rect(70, 88, 84, 96)),
    ],
    "key": [
        (P, circle(28, 50, 22)),
        (E, circle(28, 50, 10)),
        (P, rect(46, 43, 95, 57, r=2)),
        (P, rect(70, 55, 80, 72)),
        (P, rect(85, 55, 95, 67)),
    ],
    "padlock": [
        (P, ring(50, 40, 26, 15, ymax=42)),
        (P, rect(24, 38, 35, 52)),
        (P, rect(65, 38, 76, 52)),
        (P, rect(14, 46, 86, 96, r=8)),
        (E, circle(50, 65, 8)),
        (E, rect(46, 66, 54, 84, r=2)),
    ],
    "chip": [
        (P, rect(22, 22, 78, 78, r=6)),
        (E, rect(32, 32, 68, 68, r=3)),
    ]
    + [(P, rect(x, 6, x + 8, 20)) for x in (28, 46, 64)]
    + [(P, rect(x, 80, x + 8, 94)) for x in (28, 46, 64)]
    + [(P, rect(6, y, 20, y + 8)) for y in (28, 46, 64)]
    + [(P, rect(80, y, 94, y + 8)) for y in (28, 46, 64)],
    "directory": [
        (P, rect(14, 6, 84, 94, r=6)),
        (E, rect(22, 14, 76, 86, r=2)),
        (P, rect(8, 20, 20, 28, r=2)),
        (P, rect(8, 46, 20, 54, r=2)),
        (P, rect(8, 72, 20, 80, r=2)),
        (P, circle(38, 38, 10)),
        (E, circle(38, 38, 4)),
        (P, rect(44, 35, 68, 41)),
        (P, rect(60, 41, 66, 50)),
        (P, rect(30, 62, 68, 67)),
        (P, rect(30, 72, 60, 77)),
    ],
    "backup": [
        (P, rect(6, 10, 94, 30, r=4)),
        (P, rect(12, 34, 88, 92, r=4)),
        (E, rect(36, 44, 64, 54, r=4)),
    ],
    # The message.
    "envelope": [
        (P, rect(4, 18, 96, 82, r=6)),
        (E, rect(11, 25, 89, 75)),
        (P, line(10, 26, 50, 56, 7)),
        (P, line(90, 26, 50, 56, 7)),
    ],
    "letter": [
        # An open envelope with the letter standing out of it: the words in the clear.
        (P, rect(22, 4, 78, 62, r=3)),
        (E, rect(28, 10, 72, 62)),
        (P, rect(34, 18, 66, 23)),
        (P, rect(34, 29, 66, 34)),
        (P, rect(34, 40, 56, 45)),
        (E, poly((2, 42), (50, 76), (98, 42), (98, 100), (2, 100))),
        (P, poly((4, 46), (50, 78), (96, 46), (96, 96), (4, 96))),
        (E, poly((12, 60), (50, 86), (88, 60), (88, 90), (12, 90))),
    ],
    # People and observers.
    "person": person(),
    "admin": person(cx=42, half_w=30)
    + [
        (E, circle(74, 74, 24)),
        (P, gear(74, 74, 20, 14, 8)),
        (E, circle(74, 74, 6)),
    ],
    "boss": person()
    + [
        (E, poly((40, 52), (60, 52), (50, 62))),
        (E, poly((44, 60), (56, 60), (60, 84), (50, 96), (40, 84))),
        (P, poly((47, 64), (53, 64), (56, 84), (50, 91), (44, 84))),
    ],
    "thief": person(cx=42, half_w=30)
    + [
        (P, rect(24, 6, 60, 22, r=6)),
        (E, rect(22, 24, 62, 34, r=4)),
        (P, circle(34, 29, 3)),
        (P, circle(50, 29, 3)),
        (E, circle(76, 74, 24)),
        (P, circle(76, 78, 19)),
        (P, poly((68, 52), (84, 52), (78, 62), (74, 62))),
    ],
    "eavesdropper": person(head_y=40, head_r=17, top=62, half_w=34)
    + [
        (P, ring(50, 40, 30, 24, ymax=40)),
        (E, rect(12, 28, 28, 58)),
        (E, rect(72, 28, 88, 58)),
        (P, rect(14, 30, 26, 56, r=4)),
        (P, rect(74, 30, 86, 56, r=4)),
    ],
    "state": [
        (P, poly((6, 30), (50, 6), (94, 30))),
        (P, rect(8, 32, 92, 40)),
        (P, rect(14, 44, 24, 78)),
        (P, rect(33, 44, 43, 78)),
        (P, rect(57, 44, 67, 78)),
        (P, rect(76, 44, 86, 78)),
        (P, rect(8, 82, 92, 88)),
        (P, rect(4, 90, 96, 96)),
    ],
    "spyware": [
        (P, circle(50, 26, 12)),
        (P, line(42, 16, 30, 4, 4)),
        (P, line(58, 16, 70, 4, 4)),
    ]
    + [(P, line(50, y, 50 - 40, y + d, 5)) for y, d in ((46, -8), (62, 0), (76, 10))]
    + [(P, line(50, y, 50 + 40, y + d, 5)) for y, d in ((46, -8), (62, 0), (76, 10))]
    + [(P, ellipse(50, 60, 22, 28)), (E, rect(48.5, 36, 51.5, 88))],
    "malicious": [
        (P, rect(6, 6, 70, 28, r=4)),
        (P, rect(6, 33, 70, 55, r=4)),
        (E, circle(17, 17, 4)),
        (E, circle(17, 44, 4)),
        (E, rect(30, 14, 60, 20, r=2)),
        (E, rect(30, 41, 60, 47, r=2)),
        (E, poly((66, 42), (98, 98), (34, 98))),
        (P, poly((66, 50), (94, 96), (38, 96))),
        (E, rect(62.5, 62, 69.5, 82, r=2)),
        (E, circle(66, 89, 4)),
    ],
}


def main():
    for name, ops in ICONS.items():
        write_png(os.path.join(HERE, name + ".png"), render(ops))
    print(f"wrote {len(ICONS)} icons to {HERE}")


if __name__ == "__main__":
    main()
