"""cnnlab.pages on a small document: figure files, citations and references, author, typography, layout."""

import base64
import io
import re

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure
from pypdf import PdfReader

from cnnlab import present
from cnnlab.pages import ROOT, TEXT_WIDTH, front_matter, pandoc_outputs, write_figure
from cnnlab.render import project_config

matplotlib.use("Agg")


def _displayed(figure: Figure) -> dict[str, str]:
    """A figure's display data as the kernel sends it under render.FIGURE_SETUP: SVG and PNG."""
    svg, png = io.StringIO(), io.BytesIO()
    figure.savefig(svg, format="svg", bbox_inches="tight")
    figure.savefig(png, format="png", dpi=250, bbox_inches="tight")
    return {"image/svg+xml": svg.getvalue(), "image/png": base64.b64encode(png.getvalue()).decode()}


def _plot(width: float = 4.0) -> Figure:
    figure = Figure(figsize=(width, 2))
    figure.add_subplot().plot([0, 1], [1, 0])
    return figure


def _picture() -> Figure:
    figure = Figure(figsize=(2, 2))
    figure.add_subplot().imshow(np.arange(16).reshape(4, 4), interpolation="nearest")
    return figure


def test_plots_become_svg_and_pictures_png_at_their_natural_width(tmp_path):
    path, width = write_figure(_displayed(_plot()), tmp_path / "plot")
    assert path.suffix == ".svg" and "<svg" in path.read_text()
    assert 3.0 < width <= 4.0  # inches, as drawn (the tight box trims the margins)
    path, width = write_figure(_displayed(_picture()), tmp_path / "picture")
    assert path.suffix == ".png" and path.read_bytes().startswith(b"\x89PNG")
    assert 1.0 < width <= 2.0


def test_front_matter_prints_the_author_of_quarto_yml_unless_overridden():
    config = project_config()
    default = front_matter(config)
    assert f"author: {config['book']['author']}" in default
    assert "author: Ada Lovelace" in front_matter(config, author="Ada Lovelace")
    assert f"- {ROOT / 'references.bib'}" in default


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """A two-section document with a figure, a citation and a long table, through pandoc and Typst."""
    out = tmp_path_factory.mktemp("converted")
    (out / "figures").mkdir()
    figure, natural = write_figure(_displayed(_plot(5.0)), out / "figures" / "plot")
    rows = "\n".join(f"| run {i} | {present.pct(0.6 + i / 1000)} | p < 0.001 |" for i in range(70))
    words = " ".join(["The accuracy of this variant is 65.74 ± 1.33 % over ten seeds."] * 40)
    markdown = (
        front_matter(project_config(), author="Ada Lovelace")
        + "# Results {#sec-results}\n\nVGG [@simonyan2014vgg] and Welch's test [@welch1947]; see @fig-plot and "
        + f"@tbl-long.\n\n{present.nonbreaking(words)}\n\n"
        + f"![A plot.](figures/{figure.name}){{#fig-plot width={round(100 * natural / TEXT_WIDTH)}%}}\n\n"
        + "::: {#tbl-long}\n| run | accuracy | test |\n|:--|--:|--:|\n"
        + f"{present.nonbreaking(rows)}\n\n: Long.\n:::\n\n"
        + (ROOT / "references.qmd").read_text()
    )
    (out / "report.md").write_text(markdown)
    html, pdf = pandoc_outputs(out / "report.md", out)
    pages = [page.extract_text() for page in PdfReader(pdf).pages]
    return html.read_text(), pages


def test_pdf_and_html_list_the_cited_references(converted):
    html, pages = converted
    text = re.sub(r"\s+", " ", " ".join(pages))
    assert "Simonyan and Zisserman 2014" in text and "Very Deep Convolutional Networks" in text
    assert "Welch, Bernard L. 1947" in text
    assert "References" in text and "Holm" not in text  # only cited entries are listed
    assert "Ada Lovelace" in text
    assert 'id="refs"' in html and "Very Deep Convolutional Networks" in html


def test_html_holds_the_figure_as_svg_and_tables_scroll(converted):
    html, _ = converted
    assert "<svg" in html or "data:image/svg+xml" in html
    assert 'class="table-wrap"' in html


def test_long_table_breaks_across_pages_and_no_line_starts_with_percent(converted):
    _, pages = converted
    assert sum("run accuracy test" in page for page in pages) >= 2  # the header row repeats
    lines = [line.strip() for page in pages for line in page.splitlines()]
    assert not [line for line in lines if line.startswith(("%", "<", "±"))]
