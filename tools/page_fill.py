"""How empty each page of a PDF is: blank bands taller than 1 cm inside the text area, from pdftoppm images.

    python tools/page_fill.py _output/report.pdf      # needs pdftoppm (apt-get install poppler-utils)

Line and paragraph spacing is not counted as empty; a figure that jumped to the next page leaves a band
that is. Issue 16 asks that no page but a chapter's last be more than a third empty.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

DPI = 50
MARGIN_Y_CM = 2.2  # the report's top and bottom page margins (cnnlab.pages.PAGE)
GAP_CM = 1.0  # a blank band shorter than this is line or paragraph spacing


def empty_fractions(pdf: Path) -> list[float]:
    """The fraction of each page's text area (top to bottom margin) in blank bands taller than GAP_CM."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", str(pdf), f"{tmp}/p"], check=True)
        pages = sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(p.stem.split("-")[1]))
        return [_empty(np.asarray(Image.open(page).convert("L"))) for page in pages]


def _empty(page: np.ndarray) -> float:
    margin, gap = round(MARGIN_Y_CM / 2.54 * DPI), round(GAP_CM / 2.54 * DPI)
    inked = (page[margin : page.shape[0] - margin] < 200).any(axis=1)
    blank = run = 0
    for row in [*inked, True]:
        if row:
            blank += run if run >= gap else 0
            run = 0
        else:
            run += 1
    return blank / len(inked)


if __name__ == "__main__":
    fractions = empty_fractions(Path(sys.argv[1]))
    for number, fraction in enumerate(fractions, start=1):
        print(f"page {number:2d}: {fraction:4.0%} empty{'  <- over a third' if fraction > 1 / 3 else ''}")
    print(f"{len(fractions)} pages, {sum(f > 1 / 3 for f in fractions)} over a third empty")
