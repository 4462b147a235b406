"""The report without Quarto: execute the chapters (jupytext + nbclient), then pandoc to HTML and Typst to PDF.

The chapters and ``_quarto.yml`` are the same sources ``quarto render`` reads. This module
handles the subset of Quarto they use: ``#|`` cell options (``label``, ``fig-cap``, ``tbl-cap``,
``include``, ``out-width``), inline `` `{python} expr` `` values, and ``@fig-``/``@tbl-``/``@sec-`` references
(through ``crossref.lua``). Code is never echoed; stderr output is treated as an error, so no
TensorFlow log line can reach the pages.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from cnnlab.errors import CnnlabError
from cnnlab.results import SPEC_ENV, ReportSpec

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
INLINE = re.compile(r"`\{python\}\s+([^`]+)`")
OPTION = re.compile(r"^#\|\s?(.*)$")


class RenderError(CnnlabError):
    """A chapter failed to execute or the report could not be converted."""


@dataclass
class Chapter:
    """One executed chapter as pandoc markdown, with the figures it wrote."""

    source: Path
    markdown: str
    figures: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def project_config(root: Path = ROOT) -> dict[str, Any]:
    """``_quarto.yml``: the chapter list, title and formats shared with Quarto."""
    path = root / "_quarto.yml"
    if not path.is_file():
        raise RenderError(f"{path} is missing: run from a cnnlab checkout")
    return yaml.safe_load(path.read_text())


def chapter_paths(config: dict[str, Any], root: Path = ROOT) -> list[Path]:
    """The chapters in book order (including the appendices)."""
    book = config.get("book", {})
    entries = list(book.get("chapters", [])) + list(book.get("appendices", []))
    return [root / e for e in entries if isinstance(e, str)]


def cell_options(source: str) -> tuple[dict[str, Any], str]:
    """Split a code cell into its ``#|`` options (YAML) and the code."""
    lines = source.splitlines()
    option_lines = []
    while lines and OPTION.match(lines[0]):
        option_lines.append(OPTION.match(lines.pop(0)).group(1))
    options = yaml.safe_load("\n".join(option_lines)) if option_lines else {}
    return options or {}, "\n".join(lines)


def _inline_cells(notebook: Any) -> None:
    """Before each markdown cell with inline expressions, add a cell that evaluates them in order."""
    import nbformat

    cells = []
    for cell in notebook.cells:
        expressions = INLINE.findall(cell.source) if cell.cell_type == "markdown" else []
        if expressions:
            code = "print(__import__('json').dumps([str(_e) for _e in [" + ", ".join(expressions) + "]]))"
            cells.append(nbformat.v4.new_code_cell(code, metadata={"cnnlab_inline": True}))
        cells.append(cell)
    notebook.cells = cells


def execute(path: Path, timeout: int = 1200) -> Any:
    """Read a percent-format chapter with jupytext and execute it with nbclient in the project root."""
    import jupytext
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = jupytext.read(path)
    _inline_cells(notebook)
    from jupyter_client.manager import KernelManager

    # IPC transport: socket files (in a private temporary folder) instead of TCP on loopback.
    with tempfile.TemporaryDirectory(prefix="cnnlab-kernel-") as sockets:
        manager = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(sockets) / "kernel"))
        client = NotebookClient(
            notebook, km=manager, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
        )
        try:
            client.execute(cleanup_kc=True)  # nbclient would leave a kernel it did not start running
        except CellExecutionError as exc:
            message = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip().splitlines()
            raise RenderError(f"{path.name} failed: {message[-1] if message else exc}") from exc
    return notebook


def to_markdown(notebook: Any, stem: str, figures_dir: Path) -> tuple[str, list[Path]]:
    """Pandoc markdown of an executed chapter: prose with inline values, figures, tables, no code."""
    import json

    parts: list[str] = []
    figures: list[Path] = []
    pending: list[str] = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            values = iter(pending)
            parts.append(INLINE.sub(lambda _m, v=values: next(v), cell.source))
            pending = []
            continue
        if cell.cell_type != "code":
            continue
        noise = [o for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"]
        if noise:
            raise RenderError(
                f"{stem}: cell {index} wrote to stderr (log noise is not allowed in the report): "
                f"{noise[0].text.strip()[:300]}"
            )
        if cell.metadata.get("cnnlab_inline"):
            pending = json.loads("".join(o.text for o in cell.outputs if o.output_type == "stream"))
            continue
        options, _ = cell_options(cell.source)
        if options.get("include") is False or options.get("output") is False:
            continue
        label = str(options.get("label", ""))
        for number, output in enumerate(cell.outputs):
            data = output.get("data", {})
            if "image/png" in data:
                figure = figures_dir / f"{stem}-{index}-{number}.png"
                figure.write_bytes(base64.b64decode(data["image/png"]))
                figures.append(figure)
                caption = options.get("fig-cap", "")
                attributes = f"#{label} " if label.startswith("fig-") else ""
                width = options.get("out-width", "100%")
                parts.append(f"![{caption}](figures/{figure.name}){{{attributes}width={width}}}")
            elif "text/markdown" in data:
                text = data["text/markdown"]
                if label.startswith("tbl-"):
                    text = f"::: {{#{label}}}\n{text}\n\n: {options.get('tbl-cap', '')}\n:::"
                parts.append(text)
            elif output.output_type == "stream" and output.name == "stdout":
                parts.append("```\n" + output.text.rstrip() + "\n```")
    return "\n\n".join(parts) + "\n", figures


def render_chapter(path: Path, figures_dir: Path) -> Chapter:
    """Execute one chapter (or read a static .qmd/.md one) and convert it to markdown."""
    start = time.perf_counter()
    if path.suffix == ".py":
        markdown, figures = to_markdown(execute(path), path.stem, figures_dir)
    else:
        text = path.read_text()
        markdown, figures = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S), []
    return Chapter(path, markdown, figures, time.perf_counter() - start)


def _front_matter(config: dict[str, Any]) -> str:
    book = config.get("book", {})
    meta = {
        "title": book.get("title", "Report"),
        "subtitle": book.get("subtitle", ""),
        "author": book.get("author", ""),
        "date": date.today().isoformat(),
        "lang": "en",
    }
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n\n"


def pandoc_outputs(markdown_path: Path, out_dir: Path, stem: str = "report") -> tuple[Path, Path]:
    """Convert the assembled markdown to a self-contained HTML and, through Typst, a PDF."""
    import pypandoc
    import typst

    filters = ["--lua-filter", str(HERE / "crossref.lua")]
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
    page.write_text(yaml.safe_dump({"papersize": "a4", "fontsize": "10.5pt", "margin": {"x": "2cm", "y": "2.2cm"}}))
    pypandoc.convert_file(
        str(markdown_path),
        "typst",
        outputfile=str(typ),
        extra_args=[*common, f"--metadata-file={page}", f"--include-in-header={HERE / 'report-tables.typ'}"],
        cworkdir=str(out_dir),
    )
    pdf = out_dir / f"{stem}.pdf"
    try:
        typst.compile(str(typ), output=str(pdf), root=str(out_dir))
    except Exception as exc:
        raise RenderError(f"Typst could not compile {typ}: {exc}") from exc
    return html, pdf


def render(
    out_dir: Path | None = None,
    spec: ReportSpec | None = None,
    cache: str | None = None,
    data: str | None = None,
    progress: bool = True,
) -> tuple[Path, Path]:
    """Render the whole report into ``out_dir`` (default ``_output``); returns the HTML and PDF paths."""
    from tqdm.auto import tqdm

    from cnnlab.cache import RunCache
    from cnnlab.data import load_cifar10
    from cnnlab.results import collect

    spec = spec or ReportSpec.from_env()
    if cache:
        os.environ["CNNLAB_CACHE"] = str(Path(cache).resolve())
    if data:
        os.environ["CNNLAB_DATA"] = str(Path(data).resolve())
    # Fail before executing anything when runs are missing (unless allowed): the message names them.
    collect(RunCache(cache), load_cifar10(data).fingerprint(), spec)
    os.environ[SPEC_ENV] = spec.to_env()
    config = project_config()
    out_dir = (out_dir or ROOT / config.get("project", {}).get("output-dir", "_output")).resolve()
    figures_dir = out_dir / "figures"
    shutil.rmtree(figures_dir, ignore_errors=True)
    figures_dir.mkdir(parents=True)
    chapters = []
    bar = tqdm(chapter_paths(config), desc="chapters", unit="chapter", disable=not progress, file=sys.stderr)
    for path in bar:
        bar.set_postfix_str(path.name)
        chapters.append(render_chapter(path, figures_dir))
    markdown = _front_matter(config) + "\n\n".join(c.markdown for c in chapters)
    markdown_path = out_dir / "report.md"
    markdown_path.write_text(markdown)
    return pandoc_outputs(markdown_path, out_dir)
