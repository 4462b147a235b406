"""The whole report's pages, as test_report renders it from the fixture cache: contents and page fill.

Needs pdftoppm (poppler-utils), as tools/page_fill.py does.
"""

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import needs_poppler
from tests.test_report import conv1, fixture_cache, rendered  # noqa: F401 (fixtures, rendered once per module)
from tools import page_fill


@pytest.fixture(scope="module")
def report_pdf(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The PDF test_report rendered in this session, else one rendered here the same way."""
    found = sorted(tmp_path_factory.getbasetemp().glob("output*/report.pdf"))
    if not found:
        request.getfixturevalue("rendered")
        found = sorted(tmp_path_factory.getbasetemp().glob("output*/report.pdf"))
    return found[0]


def test_contents_give_each_chapter_the_page_it_starts_on(report_pdf):
    pages = [page.extract_text() for page in PdfReader(report_pdf).pages]
    listed = re.findall(r"^((?:\d+|[A-Z]) [^.\n]+?) [ .]+\D*(\d+)$", pages[0], flags=re.M)
    assert [heading.split()[0] for heading, _ in listed][-2:] == ["6", "A"]  # six chapters, then the appendix
    for heading, page in listed:
        starts = [n for n, text in enumerate(pages, start=1) if heading in text.splitlines()]
        assert starts[:1] == [int(page)], f"{heading}: listed on page {page}, printed on {starts}"


@needs_poppler
def test_no_page_but_a_chapters_last_is_over_a_third_empty(report_pdf):
    assert page_fill.overfull_pages(report_pdf) == {}


def test_every_table_caption_has_its_own_number(report_pdf):
    """An unsettled layout printed a float's number from its last attempt: "Table 14" twice, no Table 5."""
    text = " ".join(page.extract_text() for page in PdfReader(report_pdf).pages)
    numbers = [int(n) for n in re.findall(r"Table\s(\d+):", text)]
    assert sorted(numbers) == list(range(1, len(numbers) + 1)) and len(numbers) >= 12
