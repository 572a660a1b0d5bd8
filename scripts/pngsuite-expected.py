#!/usr/bin/env python3
"""Writes tests/fixtures/pngsuite-expected.json: ground truth for decodePng from OpenCV (libpng).

Run from the repository root: python3 scripts/pngsuite-expected.py (needs Debian's python3-opencv).

cv2.imread(path, IMREAD_UNCHANGED) returns the file's own samples (1/2/4-bit gray scaled to 8 bits,
palettes expanded, 16-bit kept) in BGR(A) order. This script turns them into what pngjs returns by
default, which is decodePng's contract:
  - RGBA order; images without alpha get alpha 255;
  - 16-bit samples become floor(v * 255 / 65535 + 0.5);
  - a pixel matching an RGB tRNS key becomes (0, 0, 0, 0): pngjs clears all four channels, while
    libpng only clears alpha. (Gray tRNS files are left out: cv2 ignores their key.)
For each file it stores the size, a few sampled pixels (for a readable diff) and the SHA-256 of
the whole RGBA buffer.
"""
import hashlib
import json
import os

import cv2
import numpy as np

SUITE = 'tests/fixtures/pngsuite'
OUT = 'tests/fixtures/pngsuite-expected.json'

# One or more files per colour type, bit depth and interlace, plus transparency and odd sizes.
FILES = [
    'basn0g01.png', 'basn0g02.png', 'basn0g04.png', 'basn0g08.png', 'basn0g16.png',
    'basn2c08.png', 'basn2c16.png',
    'basn3p01.png', 'basn3p02.png', 'basn3p04.png', 'basn3p08.png',
    'basn4a08.png', 'basn4a16.png', 'basn6a08.png', 'basn6a16.png',
    'basi0g04.png', 'basi2c16.png', 'basi3p02.png', 'basi4a08.png', 'basi6a08.png',
    'tbrn2c08.png', 'tbbn3p08.png', 'tp1n3p08.png',
    's01i3p01.png', 's07n3p02.png', 's35i3p04.png',
    'png-parse-data/grayscale.png',
]

# Corners, centre and a few points in between, as (x, y) fractions of the last index.
SAMPLE_AT = [(0, 0), (1, 0), (0, 1), (1, 1), (0.5, 0.5), (0.25, 0.75), (0.75, 0.25), (0.3, 0.1)]


def to_pngjs_rgba(image):
    if image.dtype == np.uint16:
        image = np.floor(image.astype(np.float64) * 255 / 65535 + 0.5).astype(np.uint8)
    if image.ndim == 2:
        image = image[:, :, None]
    height, width, channels = image.shape
    rgba = np.full((height, width, 4), 255, dtype=np.uint8)
    if channels == 1:
        rgba[:, :, 0:3] = image
    elif channels == 3:
        rgba[:, :, 0:3] = image[:, :, ::-1]
    else:
        rgba[:, :, 0:3] = image[:, :, 2::-1]
        rgba[:, :, 3] = image[:, :, 3]
    return rgba


def main():
    expected = {}
    for name in FILES:
        image = cv2.imread(os.path.join(SUITE, name), cv2.IMREAD_UNCHANGED)
        rgba = to_pngjs_rgba(image)
        if name.startswith('tb') and 'n2c' in name:
            rgba[rgba[:, :, 3] == 0] = 0
        height, width = rgba.shape[:2]
        samples = []
        for fx, fy in SAMPLE_AT:
            x, y = round(fx * (width - 1)), round(fy * (height - 1))
            samples.append([x, y, *(int(v) for v in rgba[y, x])])
        expected[name] = {
            'width': width,
            'height': height,
            'samples': samples,
            'sha256': hashlib.sha256(rgba.tobytes()).hexdigest(),
        }
    # One file per line keeps the fixture short and its diffs readable.
    lines = [f'  {json.dumps(name)}: {json.dumps(entry, separators=(",", ":"))}' for name, entry in expected.items()]
    with open(OUT, 'w') as out:
        out.write('{\n' + ',\n'.join(lines) + '\n}\n')
    print(f'wrote {OUT} ({len(expected)} files)')


if __name__ == '__main__':
    main()
