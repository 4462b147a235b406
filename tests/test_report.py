"""The report end to end through the no-Quarto path, from a tiny fixture cache; and the chapters' sources."""

import re
from html import unescape
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader

from cnnlab import present, verdict_table
from cnnlab.cache import RunCache
from cnnlab.chapter import Report
from cnnlab.data import load_local
from cnnlab.errors import MissingRunsError
from cnnlab.models import VARIANTS
from cnnlab.render import cell_options, chapter_paths, project_config, render
from cnnlab.results import BASELINE, ReportSpec, collect
from cnnlab.stats import summarize
from tests.conftest import ROOT, cli, needs_poppler
from tests.fixture_cache import EPOCHS, SUBSET, build_fixture_cache
from tools import page_fill

SEEDS = (0, 1)
SPEC = ReportSpec(seeds=SEEDS, epochs=EPOCHS, train_subset=SUBSET)
REAL_CONV1 = ROOT.parent / "shared" / "weights" / "resnet50_imagenet_conv1.npz"
MAX_CELL_LINES = 12  # d2l-style chapters: long prose, short cells (imports included)


@pytest.fixture(scope="module")
def fixture_cache(tiny_data_dir, tmp_path_factory):
    return build_fixture_cache(tiny_data_dir, tmp_path_factory.mktemp("fixture") / "cache", seeds=SEEDS)


@pytest.fixture(scope="module")
def conv1(tmp_path_factory):
    if REAL_CONV1.is_file():
        return REAL_CONV1
    path = tmp_path_factory.mktemp("weights") / "conv1.npz"
    rng = np.random.default_rng(0)
    np.savez(path, kernel=rng.normal(0, 0.1, (7, 7, 3, 64)).astype("float32"), bias=np.zeros(64, "float32"))
    return path


@pytest.fixture(scope="module")
def report_files(fixture_cache, tiny_data_dir, conv1, tmp_path_factory) -> tuple[Path, Path]:
    """The HTML and PDF rendered from the fixture cache."""
    mp = pytest.MonkeyPatch()
    mp.setenv("CNNLAB_RESNET50_CONV1", str(conv1))
    out = tmp_path_factory.mktemp("output")
    try:
        return render(out, SPEC, cache=str(fixture_cache.root), data=str(tiny_data_dir), progress=False)
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def rendered(report_files):
    html, pdf = report_files
    # Each page's text ends with its page number, which would split a sentence running across pages.
    text = " ".join(re.sub(r"\s*\d+\s*$", "", page.extract_text()) for page in PdfReader(pdf).pages)
    text = re.sub(r"\s+", " ", text).replace("’", "'")
    # Figures float to a page's top or bottom, so their captions can interrupt such a sentence too.
    for caption in [caption for kind, caption in _captions() if kind == "Figure"]:
        text = re.sub(_caption_pattern("Figure", caption), " ", text)
    return html.read_text(), re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def prose(report_files) -> str:
    """The PDF's running text alone: tables (set smaller than the text) and captions float to a page's top or
    bottom, where they can interrupt a sentence, so they are left out."""
    pdf = report_files[1]
    pages = [re.sub(r"\s*\d+\s*$", "", _running_text(page)) for page in PdfReader(pdf).pages]  # no page numbers
    text = re.sub(r"\s+", " ", " ".join(pages)).replace("’", "'")
    for kind, caption in _captions():
        text = re.sub(_caption_pattern(kind, caption), " ", text)
    return re.sub(r"\s+", " ", text)


def _running_text(page) -> str:
    """A PDF page's text in the text's size or larger: not the tables, set smaller."""
    parts: list[str] = []
    page.extract_text(visitor_text=lambda text, _cm, _tm, _font, size: parts.append(text) if size >= 10 else None)
    return "".join(parts)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _captions() -> list[tuple[str, str]]:
    """Every figure and table caption of the chapters ("Figure" or "Table", the caption), white space collapsed."""
    captions = []
    for path in chapter_paths(project_config()):
        for block in re.findall(r"^((?:#\|.*\n)+)", path.read_text(), flags=re.M):
            options = cell_options(block)[0]
            for kind, key in (("Figure", "fig-cap"), ("Table", "tbl-cap")):
                captions += [(kind, re.sub(r"\s+", " ", options[key]))] if options.get(key) else []
    return captions


def _caption_pattern(kind: str, caption: str) -> str:
    """A caption as the PDF prints it, numbered, its cross-references ("@fig-curves-one") rendered ("Figure 4")."""
    parts = [re.escape(part) for part in re.split(r"@(?:sec|tbl|fig)-[\w-]*\w", caption.replace("’", "'"))]
    return rf"{kind} \d+: *" + r"\S+ [\d.]+".join(parts)


def _figure_labels() -> list[str]:
    labels = []
    for path in chapter_paths(project_config()):
        labels += re.findall(r"^#\| label: (fig-[\w-]+)", path.read_text(), flags=re.M)
    return labels


def test_every_question_is_a_section(rendered):
    html, pdf = rendered
    for q in range(1, 16):
        assert re.search(rf"Q{q}\. ", html), f"Q{q} missing from the HTML"
        assert f"Q{q}. " in pdf, f"Q{q} missing from the PDF"


def test_every_figure_is_embedded_numbered_and_referenced(rendered):
    html, pdf = rendered
    labels = _figure_labels()
    assert len(labels) >= 18
    for number, label in enumerate(labels, start=1):
        assert f'id="{label}"' in html
        assert f"Figure {number}:" in html and f"Figure {number}" in pdf
    embedded = re.findall(r"<img [^>]*src=\"data:image/(png|svg\+xml);base64,", html)  # self-contained
    assert len(embedded) >= len(labels) and embedded.count("svg+xml") >= len(labels) // 2  # plots are vector
    assert "??" not in html and "cite(" not in pdf


def test_numbers_equal_those_recomputed_from_the_cache(rendered, fixture_cache, tiny_data_dir):
    html, pdf = rendered
    results = collect(fixture_cache, load_local(tiny_data_dir).fingerprint(), SPEC)
    for variant in VARIANTS:
        expected = present.pm(summarize(results.values(variant)))
        assert "±" in expected and expected in pdf and expected in _text(html)
    first = results.runs["tiny_vgg"][0].metrics
    assert present.pct(first["test_accuracy"]) in pdf and present.num(first["test_loss"]) in pdf
    assert present.pct(first["test_accuracy"]) in _text(html)


def test_analysis_sentences_are_those_computed_from_the_cache(rendered, prose, fixture_cache, tiny_data_dir):
    """Q13-Q15's verdict, fit reading and BatchNorm diagnostic in the pages are the sentences the cache's
    numbers give."""
    html, pdf = rendered[0], prose
    data = load_local(tiny_data_dir)
    report = Report(data, collect(fixture_cache, data.fingerprint(), SPEC))
    batchnorm = {v: report.batchnorm_text(v) for v in ("tiny_vgg_bn", "tiny_resnet")}
    recomputing = ("recomputes them from", "as in @sec-q13")
    assert all(any(r in text for r in recomputing) and "on the exact" in text for text in batchnorm.values())
    assert "At test time" in batchnorm["tiny_vgg_bn"] and "At test time" not in batchnorm["tiny_resnet"]  # said once
    for variant in [v for v in VARIANTS if v != BASELINE]:
        plain = verdict_table.plain_text(verdict_table.columns(report.claims)[variant], report.claims.base)
        sentences = (report.verdict(variant), report.fit_text(variant), plain)
        for sentence in (*sentences, batchnorm.get(variant, "")):
            assert _shown(sentence, pdf) and (sentence or variant == "tiny_vgg_3blocks")
            assert _shown(sentence, unescape(_text(html)))
    # the conclusions say what recomputing the running statistics does to each BatchNorm variant's spread
    for said in (report.claims.spread_change(v) for v in report.claims.batchnorm_variants):
        assert _shown(f"With its statistics recomputed, {said[0].lower()}{said[1:]}", pdf)
    assert "| measure | tiny VGG + BatchNorm |" in verdict_table.verdict_markdown(
        list(verdict_table.columns(report.claims).values())
    )
    assert "An exploratory step, added after the runs were seen" in batchnorm["tiny_vgg_bn"]
    gap = report.statistics_gap
    exact = (report.exact_deficit.text("tiny_vgg_bn"), report.exact_deficit.brief("tiny_vgg_bn"))
    measured = (*(gap.summary_text(v) for v in batchnorm), report.evidence.gap_measures_text(), *exact)
    for sentence in (*measured, report.claims.why_lower("tiny_vgg_bn")):
        assert sentence and _shown(sentence, pdf)
    resnet_low = gap.seed_text("tiny_resnet", report.evidence.lowest_seed("tiny_resnet"))
    assert all(_shown(s, pdf) for s in (resnet_low, gap.relation_text()))  # empty with too few seeds


def test_batchnorm_variants_with_batch_statistics_are_compared_as_a_family(fixture_cache, tiny_data_dir):
    """Q13's "with batch statistics, against the tiny VGG" is asked of both BatchNorm variants: Holm-corrected."""
    data = load_local(tiny_data_dir)
    report = Report(data, collect(fixture_cache, data.fingerprint(), SPEC))
    why = report.claims.why_lower("tiny_vgg_bn")
    last = why.rsplit("batch statistics it", 1)[-1]
    assert "Welch's t-test p" in last and "Holm p" in last
    assert re.search(r"paired t-test p [=<] [\d.]+, Holm p", why)  # the two modes, asked of both variants


def test_conclusions_sort_the_variants_by_verdict(prose, fixture_cache, tiny_data_dir):
    pdf = prose
    data = load_local(tiny_data_dir)
    report = Report(data, collect(fixture_cache, data.fingerprint(), SPEC))
    overall = report.claims.overall_text()
    assert overall.startswith("As trained under the assignment's protocol, ") and "seeds per variant" in overall
    assert _shown(overall, pdf)
    training = report.training_text()  # Q6-Q8 are concluded too, before Q9
    assert training.startswith("The tiny VGG's validation loss is lowest at epoch")
    assert _shown(training, _between(pdf, "Conclusions", "Q9, robustness"))


def _shown(sentence: str, pages: str) -> bool:
    """Whether a computed sentence is in the pages, its cross-references rendered as they are ("@sec-q8" as
    "Section 3.3", "[-@sec-q8]" as "3.3"; and a line of the PDF may end after an en dash or a hyphen: "Pitman–"
    "Morgan", "t-" "test")."""
    text = lambda part: re.escape(part).replace("–", "–\\s?").replace("\\-", "-\\s?")  # noqa: E731
    sentence, pattern, at = sentence.replace("’", "'"), "", 0
    for ref in re.finditer(r"(\[-)?@(?:sec|tbl|fig)-[\w-]*\w\]?", sentence):
        pattern += text(sentence[at : ref.start()]) + (r"\s*[\d.]+\s*" if ref.group(1) else r"\s*\S+\s[\d.]+\s*")
        at = ref.end()
    return re.search(pattern + text(sentence[at:]), pages.replace("’", "'")) is not None


def _between(pdf: str, start: str, end: str) -> str:
    """The text from the last ``start`` (a heading, not its entry in the contents) to the next ``end``."""
    return pdf[pdf.rindex(start) : pdf.index(end, pdf.rindex(start))]


def test_each_explanation_is_given_once_and_referred_to_elsewhere(rendered):
    """What Levene's test can detect is said once (before Q13); Q7 refers to the note on the exact test images
    instead of explaining them again; the per-layer parameters are shown in Q14, which asks about them."""
    html, pdf = rendered
    assert pdf.count("Levene's test detects") + pdf.count("Levene's test cannot be relied on") == 1
    assert "JPEG" not in _between(pdf, "Q7. ", "Q8. ")
    # in the document's order (the HTML's): a PDF float may sit at the top of the page where Q14 begins
    assert "Trainable parameters per layer" in _between(_text(html), "Q14. ", "Q15. ")


def test_pdf_stands_alone(rendered, fixture_cache, tiny_data_dir):
    """No package, environment variable, file, fingerprint or hash that a reader of the PDF cannot open; Q7
    gives the test loss with its spread."""
    _html, pdf = rendered
    for word in ("cnnlab", "CNNLAB_", "fingerprint", "README", "project's", "/tmp/", ".npz", "SHA-256 `"):
        assert word not in pdf, word
    results = collect(fixture_cache, load_local(tiny_data_dir).fingerprint(), SPEC)
    loss = summarize(results.values(BASELINE, "test_loss"))
    assert f"test loss {present.num(loss.mean)} ± {present.num(loss.std)}" in pdf


def test_no_log_noise_or_code_in_pages(rendered):
    html, pdf = rendered
    for noise in ("WARNING", "Traceback", "tensorflow/core", "oneDNN", "absl", "from cnnlab import", "open_report("):
        assert noise not in html and noise not in pdf


def test_missing_runs_are_named(fixture_cache, tiny_data_dir):
    spec = ReportSpec(seeds=(0, 1, 2), epochs=EPOCHS, train_subset=SUBSET)
    with pytest.raises(MissingRunsError, match="tiny_vgg seed 2"):
        collect(fixture_cache, load_local(tiny_data_dir).fingerprint(), spec)
    result = cli(
        "render",
        "--seeds",
        "0-2",
        "--epochs",
        str(EPOCHS),
        "--train-subset",
        str(SUBSET),
        "--cache",
        str(fixture_cache.root),
        "--data",
        str(tiny_data_dir),
    )
    assert result.returncode == 2 and "--allow-incomplete" in result.stderr
    # The suggested command makes exactly the missing runs, with the render's own protocol and cache.
    suggested = f"--seeds 2 --epochs {EPOCHS} --train-subset {SUBSET} --cache {fixture_cache.root}`"
    assert "`cnnlab sweep --variants tiny_vgg,tiny_vgg_bn,tiny_vgg_3blocks,tiny_resnet " + suggested in result.stderr


def test_incomplete_report_says_so(fixture_cache, tiny_data_dir):
    data = load_local(tiny_data_dir)
    spec = ReportSpec(seeds=(0, 1, 2), epochs=EPOCHS, train_subset=SUBSET, allow_incomplete=True)
    report = Report(data, collect(fixture_cache, data.fingerprint(), spec))
    assert "Incomplete report" in report.banner().data and "tiny_resnet seed 2" in report.banner().data
    assert "| 2 |" in report.summary_markdown().data  # n is shown in the table
    assert report.summary("tiny_vgg").n == 2


def test_chapters_keep_short_cells_and_every_reference_resolves():
    """Every notebook chapter of the book keeps its code cells short, and every @sec-, @fig- and @tbl-
    reference names a label defined somewhere in the book."""
    import jupytext

    chapters = chapter_paths(project_config())
    assert len(chapters) > 1 and all(p.is_file() for p in chapters)
    text = "\n".join(p.read_text() for p in chapters)
    defined = set(re.findall(r"\{#((?:sec|fig|tbl)-[\w-]+)\}", text))
    defined |= set(re.findall(r"^#\| label: ((?:fig|tbl)-[\w-]+)", text, flags=re.M))
    referenced = set(re.findall(r"@((?:sec|fig|tbl)-[\w-]*\w)", text))
    assert referenced and referenced <= defined, f"undefined: {sorted(referenced - defined)}"
    for path in [p for p in chapters if p.suffix == ".py"]:
        for cell in jupytext.read(path).cells:
            code = cell_options(cell.source)[1] if cell.cell_type == "code" else ""
            lines = [line for line in code.splitlines() if line.strip()]
            assert len(lines) <= MAX_CELL_LINES, f"{path.name}: a code cell of {len(lines)} lines"


def test_cell_options_are_quarto_yaml():
    options, code = cell_options('#| label: fig-x\n#| fig-cap: "A: caption"\nplot()')
    assert options == {"label": "fig-x", "fig-cap": "A: caption"} and code == "plot()"


def test_unknown_cache_is_unaffected(tmp_path, tiny_data_dir):
    empty = RunCache(tmp_path / "none")
    with pytest.raises(MissingRunsError, match="8 runs missing"):
        collect(empty, load_local(tiny_data_dir).fingerprint(), SPEC)
    assert not Path(tmp_path / "none").exists()


def test_rendering_leaves_no_files_in_the_project(rendered):
    assert not list(ROOT.glob("kernel-*")), "kernel sockets were written into the project"


def test_report_spec_from_env_fills_defaults_and_rejects_unknown_keys(monkeypatch):
    from cnnlab.errors import ConfigError
    from cnnlab.results import ReportSpec

    monkeypatch.setenv("CNNLAB_REPORT", '{"allow_incomplete": true, "seeds": [0, 1]}')
    spec = ReportSpec.from_env()
    assert spec.allow_incomplete and spec.seeds == (0, 1) and spec.epochs == 100
    monkeypatch.setenv("CNNLAB_REPORT", '{"sedes": [0]}')
    with pytest.raises(ConfigError, match="sedes"):
        ReportSpec.from_env()


def test_pdf_lists_its_references_and_no_line_starts_with_a_unit(rendered, tmp_path_factory):
    html, pdf = rendered
    assert "References" in pdf and "Very Deep Convolutional Networks" in pdf and "Welch, Bernard L." in pdf
    assert "Very Deep Convolutional Networks" in html and "[@" not in pdf and "[@" not in html
    # every report rendered in this session (the fixture writes one into an output* folder)
    reports = list(tmp_path_factory.getbasetemp().glob("output*/report.pdf"))
    lines = [
        line.strip() for path in reports for page in PdfReader(path).pages for line in page.extract_text().splitlines()
    ]
    assert reports and lines
    assert not [line for line in lines if line.startswith(("%", "< 0", "± "))]


def test_preface_states_the_protocol_the_runs_used(rendered):
    """The Preface's numbers come from the runs shown: the fixture's quick protocol, not the assignment's."""
    html, pdf = rendered
    for text in (_text(html), pdf):
        preface = text[text.index("Preface") :]
        assert f"{EPOCHS} epochs, mini-batches of 128 images" in preface
        assert "100 epochs" not in preface[: preface.index("Readings of the assignment")]


def test_differences_of_accuracies_have_one_unit_defined_once(rendered):
    """Percentage points are named once, in the Preface, and written "pp" everywhere else; never "points"."""
    for text in (_text(rendered[0]), rendered[1]):
        preface = text[text.index("How the numbers were made") : text.index("Which test images are exact")]
        assert text.count("percentage points") == 1 and "percentage points (pp)" in preface
        assert not re.findall(r"\d (?:percentage )?points?\b", text)
        # and no difference without it: "lower by 1.32 on the exact images", "(+1.20, 95 % interval"
        assert not re.findall(r"\bby [−+]?\d+\.\d+ on |\([−+]\d+\.\d+[,)]", text)
        assert re.search(r"\d pp\b", text)


# The whole report's pages (pdftoppm, from poppler-utils, as tools/page_fill.py needs): contents and page fill.


@pytest.fixture(scope="module")
def report_pdf(report_files) -> Path:
    """The PDF rendered from the fixture cache. Its tests live here, beside the render, so that test files run
    side by side (pytest-xdist, one file per worker) do not render the fixture report twice."""
    return report_files[1]


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


def test_an_apostrophe_after_a_digit_is_not_set_as_a_prime(rendered):
    """Typst sets the quote in "ResNet50's" as a prime (ResNet50′s): the sentences avoid that possessive."""
    _html, pdf = rendered
    assert "ResNet50" in pdf and "\u2032" not in pdf


def test_the_filter_sentences_are_those_computed_from_the_cache(prose, fixture_cache, tiny_data_dir, conv1):
    """Q11-Q12's comparisons and their conclusion, from the runs' trained and initial weights, are in the pages."""
    data = load_local(tiny_data_dir)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CNNLAB_RESNET50_CONV1", str(conv1))
        filters = Report(data, collect(fixture_cache, data.fingerprint(), SPEC)).filters
        said = [filters.change_text(m) for m in ("edge share", "colour share")]
        said += [filters.resnet_text(), filters.conclusion_text()]
    assert len(filters.trained) == len(filters.initial) == len(SEEDS)
    for sentence in said:
        assert _shown(sentence, prose), sentence[:80]


def test_the_chapters_read_the_runs_finished_when_the_rendering_started(
    fixture_cache, tiny_data_dir, tmp_path, monkeypatch
):
    """The chapters get the rendering's snapshot of finished runs (RunCache.as_rendered reads it)."""
    import cnnlab.render

    given = {}

    def stop(paths, out_dir, env, *args):
        given.update(env)
        raise RuntimeError("no chapters needed")

    monkeypatch.setattr(cnnlab.render, "render_chapters", stop)
    with pytest.raises(RuntimeError, match="no chapters needed"):
        render(tmp_path, SPEC, cache=str(fixture_cache.root), data=str(tiny_data_dir), progress=False)
    finished = [r.path.name for r in fixture_cache.scan() if r.state == "done"]
    assert len(finished) > 1 and given["CNNLAB_RUNS_AS_OF"].split(",") == finished
