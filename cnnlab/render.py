"""The report without Quarto: execute the chapters (jupytext + nbclient), then pandoc to HTML and Typst to PDF.

The chapters and ``_quarto.yml`` are the same sources ``quarto render`` reads. This module
handles the subset of Quarto they use: ``#|`` cell options (``label``, ``fig-cap``, ``tbl-cap``,
``include``, ``out-width``) and inline `` `{python} expr` `` values; ``cnnlab.pages`` turns the markdown
into pages (references and citations included). Code is never echoed; stderr output is treated as an
error, so no TensorFlow log line can reach the pages. Figures reach the markdown as the kernel displays
them (``FIGURE_SETUP``): a plot as SVG, a figure that shows pixels as a high-resolution PNG.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cnnlab.errors import RenderError
from cnnlab.pages import TEXT_WIDTH, front_matter, pandoc_outputs, write_figure
from cnnlab.present import nonbreaking
from cnnlab.results import SPEC_ENV, ReportSpec

ROOT = Path(__file__).resolve().parent.parent
INLINE = re.compile(r"`\{python\}\s+([^`]+)`")
OPTION = re.compile(r"^#\|\s?(.*)$")
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)  # a page's YAML header, which Quarto reads
# Run first in every chapter's kernel (as Quarto's setup cell does with fig-format): each matplotlib figure
# is displayed as SVG and PNG, and pages.write_figure keeps one. 250 dpi: a 32-pixel image drawn half an inch
# wide keeps each of its pixels a crisp square of about 4 dots (viz draws images nearest-neighbour).
FIGURE_SETUP = (
    '%config InlineBackend.figure_formats = ["svg", "png"]\n'
    '%config InlineBackend.print_figure_kwargs = {"bbox_inches": "tight", "dpi": 250}'
)


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


def appendix_count(config: dict[str, Any]) -> int:
    """How many of ``chapter_paths``' last entries are appendices (``book.appendices``)."""
    return sum(isinstance(e, str) for e in config.get("book", {}).get("appendices", []))


# Before the first appendix: crossref.lua letters the headings after it (A, A.1), as Quarto does.
APPENDICES = "::: {.appendices}\n:::"


def book_markdown(chapters: list[str], appendices: int) -> str:
    """The chapters' markdown joined in order, the appendices (the last ``appendices``) after a marker."""
    split = len(chapters) - appendices
    parts = chapters[:split] + ([APPENDICES, *chapters[split:]] if appendices else [])
    return "\n\n".join(parts)


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


QMD_CELL = re.compile(r"^```\{python\}[^\n]*\n(.*?)^```[ \t]*$", re.M | re.S)


def read_qmd(path: Path) -> Any:
    """A ``.qmd`` page with ```` ```{python} ```` cells as a notebook (front matter dropped), as Quarto runs it."""
    import nbformat

    text = FRONT_MATTER.sub("", path.read_text())
    cells, start = [], 0
    for match in QMD_CELL.finditer(text):
        if text[start : match.start()].strip():
            cells.append(nbformat.v4.new_markdown_cell(text[start : match.start()].strip()))
        cells.append(nbformat.v4.new_code_cell(match.group(1).rstrip()))
        start = match.end()
    if text[start:].strip():
        cells.append(nbformat.v4.new_markdown_cell(text[start:].strip()))
    return nbformat.v4.new_notebook(cells=cells)


def execute(path: Path, env: dict[str, str] | None = None, timeout: int = 1200) -> Any:
    """Read a chapter (percent script with jupytext, or ``.qmd``) and execute it with nbclient in the project root.

    ``env`` is the kernel's environment (default: this process's).
    """
    import jupytext
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = read_qmd(path) if path.suffix == ".qmd" else jupytext.read(path)
    _inline_cells(notebook)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(FIGURE_SETUP, metadata={"cnnlab_setup": True}))
    from cnnlab.quiet import ipc_kernel_manager

    with tempfile.TemporaryDirectory(prefix="cnnlab-kernel-") as sockets:
        manager = ipc_kernel_manager(sockets)
        client = NotebookClient(
            notebook, km=manager, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
        )
        try:
            # cleanup_kc: nbclient would leave a kernel it did not start running.
            client.execute(cleanup_kc=True, env=env if env is not None else dict(os.environ))
        except CellExecutionError as exc:
            message = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip().splitlines()
            raise RenderError(f"{path.name} failed: {message[-1] if message else exc}") from exc
    return notebook


def executable(path: Path) -> bool:
    """Whether a chapter has code to run: a percent script, or a ``.qmd`` with Python cells."""
    return path.suffix == ".py" or (path.suffix == ".qmd" and QMD_CELL.search(path.read_text()) is not None)


def to_markdown(notebook: Any, stem: str, figures_dir: Path) -> tuple[str, list[Path]]:
    """Pandoc markdown of an executed chapter: prose with inline values, figures, tables, no code."""
    import json

    parts: list[str] = []
    figures: list[Path] = []
    pending: list[str] = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            values = iter(pending)
            parts.append(nonbreaking(INLINE.sub(lambda _m, v=values: next(v), cell.source)))
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
            if "image/svg+xml" in data or "image/png" in data:
                figure, natural = write_figure(data, figures_dir / f"{stem}-{index}-{number}")
                figures.append(figure)
                caption = nonbreaking(options.get("fig-cap", ""))
                attributes = f"#{label} " if label.startswith("fig-") else ""
                width = options.get("out-width") or f"{min(100, round(100 * natural / TEXT_WIDTH))}%"
                parts.append(f"![{caption}](figures/{figure.name}){{{attributes}width={width}}}")
            elif "text/markdown" in data:
                text = nonbreaking(data["text/markdown"])
                if label.startswith("tbl-"):
                    text = f"::: {{#{label}}}\n{text}\n\n: {nonbreaking(options.get('tbl-cap', ''))}\n:::"
                parts.append(text)
            elif output.output_type == "stream" and output.name == "stdout":
                parts.append("```\n" + output.text.rstrip() + "\n```")
    return "\n\n".join(parts) + "\n", figures


def render_chapter(path: Path, figures_dir: Path, env: dict[str, str] | None = None) -> Chapter:
    """Execute one chapter (or read a static .qmd/.md one) and convert it to markdown."""
    start = time.perf_counter()
    if executable(path):
        markdown, figures = to_markdown(execute(path, env), path.stem, figures_dir)
    else:
        text = path.read_text()
        markdown, figures = nonbreaking(FRONT_MATTER.sub("", text)), []
    return Chapter(path, markdown, figures, time.perf_counter() - start)


def render_chapters(
    paths: list[Path], out_dir: Path, env: dict[str, str], context: str, progress: bool = True, workers: int = 2
) -> list[Chapter]:
    """Every chapter, from the chapter store where its key matches, else executed (``workers`` at a time)."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    from tqdm.auto import tqdm

    from cnnlab import chapter_cache

    figures_dir = out_dir / "figures"
    shutil.rmtree(figures_dir, ignore_errors=True)
    figures_dir.mkdir(parents=True)
    keys = {path: chapter_cache.chapter_key(path, context) for path in paths}
    done: dict[Path, Chapter] = {}
    for path in paths:
        stored = chapter_cache.load(out_dir, path, keys[path], figures_dir)
        if stored is not None:
            done[path] = Chapter(path, *stored)
    todo = [path for path in paths if path not in done]
    bar = tqdm(
        total=len(paths), initial=len(done), desc="chapters", unit="chapter", disable=not progress, file=sys.stderr
    )
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [pool.submit(render_chapter, path, figures_dir, env) for path in todo]
        for future in as_completed(futures):
            chapter = future.result()
            chapter_cache.store(out_dir, chapter.source, keys[chapter.source], chapter.markdown, chapter.figures)
            done[chapter.source] = chapter
            bar.set_postfix_str(chapter.source.name)
            bar.update()
    bar.close()
    return [done[path] for path in paths]


def render(
    out_dir: Path | None = None,
    spec: ReportSpec | None = None,
    cache: str | None = None,
    data: str | None = None,
    progress: bool = True,
    resnet50_conv1: str | None = None,
    author: str | None = None,
) -> tuple[Path, Path]:
    """Render the whole report into ``out_dir`` (default ``_output``); returns the HTML and PDF paths.

    ``cache``, ``data`` and ``resnet50_conv1`` override ``$CNNLAB_CACHE``, ``$CNNLAB_DATA`` and
    ``$CNNLAB_RESNET50_CONV1`` for the chapters; ``author`` overrides ``book.author`` of ``_quarto.yml``.
    """
    from cnnlab import chapter_cache
    from cnnlab.cache import CACHE_ENV, SNAPSHOT_ENV, RunCache
    from cnnlab.data import DATA_ENV, load_cifar10
    from cnnlab.features import RESNET_ENV, conv1_source, read_conv1
    from cnnlab.results import collect

    spec = spec or ReportSpec.from_env()
    # Check everything before anything is executed or written: the runs, and the offline ResNet50 conv1.
    conv1 = conv1_source(resnet50_conv1)
    if conv1 is not None:
        read_conv1(*conv1)
    snapshot = RunCache(cache).snapshot()  # the runs finished now: what this rendering and its chapters read
    run_cache = RunCache.as_of(snapshot, cache)
    fingerprint = load_cifar10(data).fingerprint()
    if (results := collect(run_cache, fingerprint, spec)).missing:
        print(f"cnnlab: rendering without {results.describe_missing(run_cache)}", file=sys.stderr)
    # The chapters' kernels get the settings in their environment; this process's stays as it was.
    env = {**os.environ, CACHE_ENV: str(run_cache.root), SPEC_ENV: spec.to_env(), SNAPSHOT_ENV: snapshot}
    if data:
        env[DATA_ENV] = str(Path(data).absolute())
    if conv1 is not None:
        env[RESNET_ENV] = str(conv1[0])
    config = project_config()
    out_dir = (out_dir or ROOT / config.get("project", {}).get("output-dir", "_output")).resolve()
    settings = {k: v for k, v in env.items() if k.startswith("CNNLAB_")}
    context = chapter_cache.context_key(settings, run_cache.root, extra=fingerprint + FIGURE_SETUP)
    workers = min(2, os.cpu_count() or 1)
    chapters = render_chapters(chapter_paths(config), out_dir, env, context, progress, workers)
    markdown = front_matter(config, author) + book_markdown([c.markdown for c in chapters], appendix_count(config))
    markdown_path = out_dir / "report.md"
    markdown_path.write_text(markdown)
    return pandoc_outputs(markdown_path, out_dir)
