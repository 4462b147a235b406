"""cnnlab.pages on small documents: figure files, citations and references, author, typography, layout.

The layout tests read the PDF's text with pypdf and its words' positions with pdftotext (poppler-utils).
"""

import base64
import io
import itertools
import re
import subprocess
from html import unescape

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure
from pypdf import PdfReader

from cnnlab import present
from cnnlab.errors import RenderError
from cnnlab.pages import ROOT, TEXT_WIDTH, front_matter, pandoc_outputs, write_figure
from cnnlab.render import APPENDICES, project_config
from tests.conftest import needs_poppler
from tools import page_fill

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


def test_a_title_page_left_with_the_placeholder_name_is_pointed_out(capsys):
    front_matter({"book": {"author": "Student name"}})
    assert "the title page says 'Student name': pass --author or edit book.author" in capsys.readouterr().err
    front_matter({"book": {"author": "Student name"}}, author="Ada Lovelace")
    assert capsys.readouterr().err == ""


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


def _paragraph(sentences: int) -> str:
    return present.nonbreaking(" ".join(["The accuracy of this variant is 65.74 ± 1.33 % over ten seeds."] * sentences))


def _table(label: str, header: list[str], rows: list[list[str]], caption: str = "") -> str:
    lines = ["| " + " | ".join(header) + " |", "|:--" + "|--:" * (len(header) - 1) + "|"]
    lines += ["| " + " | ".join(present.nonbreaking(cell) for cell in row) + " |" for row in rows]
    return f"::: {{#{label}}}\n" + "\n".join(lines) + f"\n\n: {label}.{caption}\n:::\n\n"


# names joined by an en dash, at every offset in the line
DASHED = " ".join(f"Test {i} is Pitman–Morgan's, on 0–255." for i in range(80))
# words of a caption that no-break spaces between numbers do not glue: "mean ± std" may fall at a line's end
CAPTION = " Accuracy of each variant, mean ± std over seeds, and its loss" * 12


WIDE = ["variant", "seeds (n)", "trainable", "non-trainable", "test accuracy, full set (%)", "median [IQR]"]
WIDE += ["exact first 1,000 (%)", "s / epoch", "min. val. loss epoch", "train − val. gap (pp)"]
WIDE_ROW = ["tiny VGG + BatchNorm", "10", "9,500", "80", "60.26 ± 1.20 %", "60.6 [59.2, 61.1]", "64.42 ± 1.37 %"]
WIDE_ROW += ["23.5", "31 ± 17", "13.3"]


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """Three chapters with floating figures and tables: one that fits a page, one longer, one wide."""
    out = tmp_path_factory.mktemp("book")
    (out / "figures").mkdir()
    small, _ = write_figure(_displayed(_plot(5.0)), out / "figures" / "small")
    tall = Figure(figsize=(5.0, 4.5))
    tall.add_subplot().plot([0, 1], [1, 0])
    large, _ = write_figure(_displayed(tall), out / "figures" / "tall")
    rows = [[f"run {i}", present.pct(0.6 + i / 1000), "p < 0.001"] for i in range(70)]
    markdown = (
        front_matter(project_config(), author="Ada Lovelace")
        + f"# Preface {{.unnumbered}}\n\n{_paragraph(10)}\n\n# First {{#sec-first}}\n\n{_paragraph(30)}\n\n"
        + _table("tbl-wide", WIDE, [WIDE_ROW] * 4, present.nonbreaking(CAPTION))
        + f"# Second {{#sec-second}}\n\n{_paragraph(60)}\n\n"
        + f"![Small.](figures/{small.name}){{#fig-small width=75%}}\n\n{_paragraph(60)}\n\n"
        + _table("tbl-fits", ["row", "accuracy (%)", "test"], [["fit", *row[1:]] for row in rows[:30]])
        + f"{_paragraph(40)}\n\n# Third {{#sec-third}}\n\n{_paragraph(70)}\n\n"
        + f"![Tall.](figures/{large.name}){{#fig-tall width=75%}}\n\n"
        + _table("tbl-long", ["run", "accuracy (%)", "test"], rows)
        + f"{_paragraph(10)}\n\n# Fourth {{#sec-fourth}}\n\n{_paragraph(10)} See @sec-part. "
        + f"Compare Sections [-@sec-first] and [-@sec-second].\n\n{DASHED}\n\n"
        + f"{APPENDICES}\n\n# Extra {{#sec-extra}}\n\n{_paragraph(5)}\n\n## Part {{#sec-part}}\n\n{_paragraph(5)}\n"
    )
    (out / "report.md").write_text(markdown)
    _, pdf = pandoc_outputs(out / "report.md", out)
    return pdf


def _words(pdf) -> list[list[tuple[float, float, float, float, str]]]:
    """Each page's words as (x0, y0, x1, y1, text), y from the top, from pdftotext -bbox (poppler-utils)."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    word = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [
        [(float(a), float(b), float(c), float(d), unescape(t)) for a, b, c, d, t in re.findall(word, page)]
        for page in html.split("<page ")[1:]
    ]


def _lines(words: list[tuple[float, float, float, float, str]]) -> dict[float, list[tuple]]:
    lines: dict[float, list[tuple]] = {}
    for w in words:
        lines.setdefault(round(w[3]), []).append(w)
    return lines


def test_contents_and_outline_give_each_chapter_the_page_it_starts_on(book):
    pages = [page.extract_text() for page in PdfReader(book).pages]
    listed = dict(re.findall(r"^((?:\d+|[A-Z]) \w+) [ .]+\D*(\d+)$", pages[0], flags=re.M))
    assert list(listed) == ["1 First", "2 Second", "3 Third", "4 Fourth", "A Extra"]
    for heading, page in listed.items():
        starts = [n for n, text in enumerate(pages, start=1) if heading in text.splitlines()]
        assert starts[:1] == [int(page)], f"{heading}: listed on page {page}, printed on {starts}"
    reader = PdfReader(book)
    top = [item for item in reader.outline if not isinstance(item, list)]  # a list holds a chapter's sections
    outline = {item.title: reader.get_destination_page_number(item) + 1 for item in top}
    assert {h: outline[h] for h in listed} == {h: int(p) for h, p in listed.items()}
    assert not [n for n, text in enumerate(pages, start=1) if re.fullmatch(r"\s*\d*\s*", text)]  # no blank page


def test_tables_and_figures_are_numbered_in_the_order_they_are_printed(book):
    text = " ".join(page.extract_text() for page in PdfReader(book).pages)
    for kind in ("Table", "Figure"):
        numbers = [int(n) for n in re.findall(rf"{kind}\s(\d+):", text)]
        assert numbers == list(range(1, len(numbers) + 1)), kind


def test_a_layout_that_does_not_settle_is_an_error_not_a_pdf_with_wrong_numbers(tmp_path):
    # a state that feeds on its own final value never settles, as an unsettled float's counter did not
    unsettled = '```{=typst}\n#let s = state("s", 0)\n#context s.update(s.final() + 1)\n#context s.get()\n```\n'
    (tmp_path / "report.md").write_text(front_matter(project_config()) + "# One\n\nText.\n\n" + unsettled)
    with pytest.raises(RenderError, match="did not settle"):
        pandoc_outputs(tmp_path / "report.md", tmp_path)
    assert not (tmp_path / "report.pdf").exists()


def test_appendices_are_lettered_and_referred_to_as_appendices(book):
    text = "\n".join(page.extract_text() for page in PdfReader(book).pages).replace("\xa0", " ")
    assert "See Appendix A.1." in text and "A.1 Part" in text.splitlines()
    assert not re.search(r"^5 Extra", text, flags=re.M)
    html = (book.parent / "report.html").read_text()
    assert re.search(r'<span class="header-section-number">A</span>\s*Extra', html)
    assert re.search(r'<a href="#sec-part"[^>]*>Appendix A\.1</a>', html)


def test_a_reference_with_its_prefix_suppressed_prints_the_number_alone(book):
    """The lecturer: "Section 3.4.1, Section 5.1.1" should read "Sections 3.4.1 and 5.1.1"; [-@sec-x] does it."""
    text = "\n".join(page.extract_text() for page in PdfReader(book).pages).replace("\xa0", " ")
    assert "Compare Sections 1 and 2." in " ".join(text.split())
    html = (book.parent / "report.html").read_text()
    assert re.search(r'Compare Sections <a href="#sec-first"[^>]*>1</a> and <a href="#sec-second"[^>]*>2</a>', html)


@needs_poppler
def test_no_page_but_a_chapters_last_is_over_a_third_empty(book):
    assert page_fill.overfull_pages(book) == {}


@needs_poppler
def test_a_table_that_fits_a_page_is_not_split_and_a_longer_one_has_no_figure_inside(book):
    pages = _words(book)
    assert [sum(w[4] == "fit" for w in page) for page in pages if "fit" in _text(page)] == [30]
    spanned = [n for n, page in enumerate(pages) if "run" in {w[4] for w in page}]
    figure = [(n, w[1]) for n, page in enumerate(pages) for w in page if w[4] == "Tall."]
    first_row = min(w[1] for w in pages[spanned[0]] if w[4] == "run")
    assert figure[0] < (spanned[0], first_row), "a figure between the parts of a table"  # it comes first
    assert len(spanned) >= 2 and all("test" in {w[4] for w in pages[n]} for n in spanned)  # the header repeats


def _text(page: list[tuple]) -> str:
    return " ".join(w[4] for w in page)


@needs_poppler
def test_wide_table_cells_stay_apart_and_headers_keep_their_units(book):
    typst = (book.parent / "report.typ").read_text()
    assert r"[accuracy~\(%)]" in typst and r"[train − val. gap~\(pp)]" in typst
    page = next(page for page in _words(book) if "BatchNorm" in _text(page))
    # too wide at 8.5 pt, the table is set smaller (not under 7 pt) and its columns sized for that size
    cell, text = (next(w[3] - w[1] for w in page if w[4] == word) for word in ("BatchNorm", "Accuracy"))
    assert 7 / 10.5 - 0.02 < cell / text < 8.5 / 10.5 - 0.03
    for line in _lines(page).values():
        line.sort()
        overlaps = [(a[4], b[4]) for a, b in itertools.pairwise(line) if a[2] > b[0] + 0.5]
        assert not overlaps
    for unit in [w for w in page if w[4] in {"(%)", "(pp)", "(n)"}]:  # never alone on a header line
        assert [w for w in _lines(page)[round(unit[3])] if 0 <= unit[0] - w[2] < 6], unit


def test_no_line_of_a_caption_starts_with_a_unit(book):
    text = "\n".join(page.extract_text() for page in PdfReader(book).pages).replace("\xa0", " ")
    lines = [line.strip() for line in text.splitlines()]
    assert sum("mean ± std" in line for line in lines) >= 5
    assert not [line for line in lines if line.startswith(("%", "< 0", "±"))]


def test_no_line_breaks_after_an_en_dash_inside_a_name(book):
    lines = [line.strip() for page in PdfReader(book).pages for line in page.extract_text().splitlines()]
    assert sum("Pitman–Morgan" in line for line in lines) >= 20
    assert not [line for line in lines if line.endswith("–")]


def test_a_quote_after_a_digit_reaches_the_pdf_as_an_apostrophe_not_a_prime(tmp_path):
    markdown = "# One\n\nSeed 0's order and ResNet50's filters; the 'quoted' word.\n"
    (tmp_path / "report.md").write_text(front_matter({"book": {"author": "A"}}) + markdown)
    _html, pdf = pandoc_outputs(tmp_path / "report.md", tmp_path)
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Seed 0\u2019s order and ResNet50\u2019s filters; the \u2018quoted\u2019 word." in text
