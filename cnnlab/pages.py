"""The report's pages from its assembled markdown: figure files, front matter, pandoc to HTML and Typst to PDF.

``render`` executes the chapters and hands their markdown here. Plots are kept as SVG and figures that
show pixels as PNG, each at its natural size; citations of ``references.bib`` go through pandoc's
citeproc, and ``@fig-``/``@tbl-``/``@sec-`` references through ``crossref.lua`` (run before it).
"""

from __future__ import annotations

import base64
import io
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from cnnlab.errors import RenderError

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
PAGE = {"papersize": "a4", "fontsize": "10.5pt", "margin": {"x": "2cm", "y": "2.2cm"}}
TEXT_WIDTH = (21.0 - 2 * 2.0) / 2.54  # inches: A4 less PAGE's side margins


def write_figure(data: dict[str, Any], base: Path) -> tuple[Path, float]:
    """Save a displayed figure as SVG (vector) unless it holds an image, else as PNG; its width in inches."""
    svg = data.get("image/svg+xml")
    svg = "".join(svg) if isinstance(svg, list) else svg
    if (svg and "<image" not in svg) or "image/png" not in data:
        path = base.with_suffix(".svg")
        path.write_text(svg)
        width = re.search(r'<svg[^>]*\swidth="([\d.]+)pt"', svg)
        return path, float(width.group(1)) / 72 if width else TEXT_WIDTH
    from PIL import Image

    raw = base64.b64decode(data["image/png"])
    path = base.with_suffix(".png")
    path.write_bytes(raw)
    with Image.open(io.BytesIO(raw)) as image:
        return path, image.width / float(image.info.get("dpi", (96, 96))[0])


PLACEHOLDER_AUTHOR = "Student name"  # _quarto.yml's book.author until the student puts a name there


def front_matter(config: dict[str, Any], author: str | None = None, root: Path = ROOT) -> str:
    """The YAML block pandoc reads: title, author (``author`` overrides ``_quarto.yml``'s), bibliography."""
    book = config.get("book", {})
    meta: dict[str, Any] = {
        "title": book.get("title", "Report"),
        "subtitle": book.get("subtitle", ""),
        "author": author if author is not None else book.get("author", ""),
        "date": date.today().isoformat(),
        "lang": "en",
    }
    if meta["author"] == PLACEHOLDER_AUTHOR:
        print(f"cnnlab: the title page says {PLACEHOLDER_AUTHOR!r}: pass --author or edit book.author", file=sys.stderr)
    if config.get("bibliography"):
        meta["bibliography"] = [str(root / b) for b in _as_list(config["bibliography"])]
        meta["link-citations"] = True
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n\n"


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def pandoc_outputs(markdown_path: Path, out_dir: Path, stem: str = "report") -> tuple[Path, Path]:
    """Convert the assembled markdown to a self-contained HTML and, through Typst, a PDF."""
    import pypandoc
    import typst

    # crossref.lua first: it takes the @fig-/@tbl-/@sec- references, citeproc then formats the citations
    filters = ["--lua-filter", str(HERE / "crossref.lua"), "--citeproc"]
    # --columns: pipe tables wider than this get fixed relative widths from their dash counts, which
    # squeeze short headers ("parameters") into overlapping cells; below it they are sized to content
    common = ["--standalone", "--toc", "--toc-depth=2", "--number-sections", "--columns=1000", *filters]
    html = out_dir / f"{stem}.html"
    pypandoc.convert_file(
        str(markdown_path),
        "html5",
        outputfile=str(html),
        extra_args=[
            *common,
            "--embed-resources",
            "--mathml",
            "--css",
            str(HERE / "report.css"),
            f"--resource-path={out_dir}",
        ],
        cworkdir=str(out_dir),
    )
    typ = out_dir / f"{stem}.typ"
    page = out_dir / "typst-page.yaml"  # pandoc's Typst template reads the margin as a map
    page.write_text(yaml.safe_dump(PAGE))
    pypandoc.convert_file(
        str(markdown_path),
        "typst",
        outputfile=str(typ),
        extra_args=[*common, f"--metadata-file={page}", f"--include-in-header={HERE / 'report-tables.typ'}"],
        cworkdir=str(out_dir),
    )
    # Typst sets a quote after a digit as a prime ("seed 0′s"); pandoc writes every apostrophe as a quote, so the
    # possessive after a digit gets the apostrophe character itself, which Typst prints as it is.
    typ.write_text(re.sub(r"(?<=\d)'(?=s\b)", "\u2019", typ.read_text()))
    pdf = out_dir / f"{stem}.pdf"
    try:
        _, warnings = typst.compile_with_warnings(str(typ), output=str(pdf), root=str(out_dir))
    except Exception as exc:
        raise RenderError(f"Typst could not compile {typ}: {exc}") from exc
    # A layout that did not settle prints whatever its last attempt computed: table numbers, page numbers.
    unsettled = sorted({str(w) for w in warnings if "converge" in str(w) or "stabilize" in str(w)})
    if unsettled:
        pdf.unlink(missing_ok=True)
        raise RenderError(
            f"Typst's layout of {pdf} did not settle ({'; '.join(unsettled)}): its table, figure or page numbers "
            "may be wrong; this is a bug of cnnlab's page layout (report-tables.typ), please report it"
        )
    return html, pdf
