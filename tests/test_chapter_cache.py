"""The chapter store of cnnlab.render: a second render with nothing changed reuses every chapter; runs that land,
derived results and edits make chapters run again; in-progress work does not. And ``.qmd`` pages with Python."""

import json
from pathlib import Path

from cnnlab.chapter_cache import cache_state, context_key
from cnnlab.render import executable, read_qmd, render_chapters
from tests.conftest import ROOT

RUN = "tiny_vgg-seed00-e100-0123456789ab"
# A chapter whose output differs each time it is executed: equal outputs mean it was not executed again.
CHAPTER = "# %% [markdown]\n# # A chapter\n\n# %%\nimport secrets\nprint(secrets.token_hex(8))\n"


def _render(chapter: Path, out: Path, context: str) -> str:
    [rendered] = render_chapters([chapter], out, env=None, context=context, progress=False, workers=1)
    return rendered.markdown


def _context(cache: Path) -> str:
    return context_key({"CNNLAB_CACHE": str(cache)}, cache)


def test_a_second_render_reuses_a_chapter_until_its_source_or_the_cache_changes(tmp_path):
    cache, out, chapter = tmp_path / "cache", tmp_path / "out", tmp_path / "chapter.py"
    (cache / RUN).mkdir(parents=True)
    (cache / RUN / "manifest.json").write_text(json.dumps({"metrics.json": [10, "aa"]}))
    chapter.write_text(CHAPTER)
    first = _render(chapter, out, _context(cache))
    assert "A chapter" in first
    assert _render(chapter, out, _context(cache)) == first
    (cache / ".staging" / "run.pid1").mkdir(parents=True)  # a run in progress changes nothing
    (cache / ".checkpoints").mkdir()
    (cache / ".checkpoints" / f"{RUN}.weights.h5").write_bytes(b"x")
    assert _render(chapter, out, _context(cache)) == first
    landed = cache / RUN.replace("seed00", "seed01")
    landed.mkdir()
    (landed / "manifest.json").write_text("{}")
    second = _render(chapter, out, _context(cache))
    assert second != first
    chapter.write_text(CHAPTER.replace("A chapter", "The chapter"))
    third = _render(chapter, out, _context(cache))
    assert "The chapter" in third and third != second


def test_cache_state_follows_finished_runs_and_derived_results_only(tmp_path):
    cache = tmp_path / "cache"
    (cache / RUN).mkdir(parents=True)
    (cache / RUN / "manifest.json").write_text('{"a": 1}')
    before = cache_state(cache)
    (cache / "notes").mkdir()  # not named like a run
    (cache / ".staging").mkdir()
    assert cache_state(cache) == before
    derived = cache / ".derived" / "jpeg_pair-v1"
    derived.mkdir(parents=True)
    (derived / f"{RUN}.json").write_text('{"drop": 1}')
    with_derived = cache_state(cache)
    assert with_derived != before
    (derived / f"{RUN}.json").write_text('{"drop": 2}')
    assert cache_state(cache) != with_derived
    (cache / RUN / "manifest.json").write_text('{"a": 2}')  # a run folder replaced by another computation
    assert cache_state(cache) not in {before, with_derived}


def test_qmd_pages_with_python_cells_are_executed_like_chapters(tmp_path):
    page = tmp_path / "page.qmd"
    page.write_text("---\ntitle: x\n---\n# Head\n\n```{python}\n#| include: false\nn = 2\n```\n\nText `{python} n`.\n")
    cells = read_qmd(page).cells
    assert [c.cell_type for c in cells] == ["markdown", "code", "markdown"]
    assert cells[1].source == "#| include: false\nn = 2" and cells[2].source == "Text `{python} n`."
    assert executable(ROOT / "index.qmd") and not executable(ROOT / "references.qmd")
