"""How empty each page of a PDF is: blank bands taller than 1 cm inside the text area, from pdftoppm images.

    python tools/page_fill.py _output/report.pdf      # needs pdftoppm (apt-get install poppler-utils)

Line and paragraph spacing is not counted as empty; a figure that jumped to the next page leaves a band
that is. Issue 16 asks that no page but a chapter's last be more than a third empty: ``overfull_pages``
lists the others (chapters are the PDF outline's top-level entries).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image
from pypdf import PdfReader

DPI = 50
MARGIN_Y_CM = 2.2  # the report's top and bottom page margins (cnnlab.pages.PAGE)
GAP_CM = 1.0  # a blank band shorter than this is line or paragraph spacing
LIMIT = 1 / 3  # the most of a page, other than a chapter's last, that may be empty


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


def chapter_ends(pdf: Path) -> set[int]:
    """The last page (from 1) of each chapter: the page before each top-level outline entry, and the last."""
    reader = PdfReader(pdf)
    starts = {reader.get_destination_page_number(item) + 1 for item in reader.outline if not isinstance(item, list)}
    return {start - 1 for start in starts if start > 1} | {len(reader.pages)}


def overfull_pages(pdf: Path, limit: float = LIMIT) -> dict[int, float]:
    """The pages (from 1) more than ``limit`` empty that are not a chapter's last, with their empty fraction."""
    ends = chapter_ends(pdf)
    fractions = enumerate(empty_fractions(pdf), start=1)
    return {page: fraction for page, fraction in fractions if fraction > limit and page not in ends}


if __name__ == "__main__":
    path = Path(sys.argv[1])
    fractions, ends = empty_fractions(path), chapter_ends(path)
    for number, fraction in enumerate(fractions, start=1):
        mark = ("  (a chapter's last page)" if number in ends else "  <- over a third") if fraction > LIMIT else ""
        print(f"page {number:2d}: {fraction:4.0%} empty{mark}")
    over = [n for n, f in enumerate(fractions, start=1) if f > LIMIT and n not in ends]
    print(f"{len(fractions)} pages, {len(over)} over a third empty that are not a chapter's last: {over}")
