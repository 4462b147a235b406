"""The package's layout: imports between cnnlab modules go one way, and modules stay small."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "cnnlab"
MAX_LINES = 300
# Modules still over MAX_LINES, to be split; empty this set as they shrink.
KNOWN_LONG_MODULES: set[str] = set()


def _imported_modules(tree: ast.AST, modules: set[str]) -> set[str]:
    """cnnlab modules imported anywhere in a module: at the top, in functions, under TYPE_CHECKING."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "cnnlab":  # from cnnlab import present, viz
                names |= {f"cnnlab.{alias.name}" for alias in node.names}
            else:
                names.add(node.module)
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return {n.split(".")[1] for n in names if n.startswith("cnnlab.") and n.split(".")[1] in modules}


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Each module of the package to the package modules it imports (excluding itself)."""
    paths = sorted(package.glob("*.py"))
    modules = {path.stem for path in paths}
    return {path.stem: _imported_modules(ast.parse(path.read_text()), modules) - {path.stem} for path in paths}


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle as a list of modules (first = last), or [] when the graph has none."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(module: str) -> list[str]:
        state[module], _ = "open", stack.append(module)
        for imported in sorted(graph.get(module, ())):
            if state.get(imported) == "open":
                return [*stack[stack.index(imported) :], imported]
            if imported not in state and (cycle := visit(imported)):
                return cycle
        state[module], _ = "done", stack.pop()
        return []

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return []


def test_find_cycle_finds_one_and_only_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) == []
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_the_graph_sees_function_level_imports(tmp_path):
    (tmp_path / "low.py").write_text("def f():\n    from cnnlab.high import g\n")
    (tmp_path / "high.py").write_text("from cnnlab import low\n")
    assert import_graph(tmp_path) == {"low": {"high"}, "high": {"low"}}
    assert find_cycle(import_graph(tmp_path)) == ["high", "low", "high"]


def test_no_import_cycle_among_cnnlab_modules():
    graph = import_graph()
    assert {"train", "models", "chapter"} <= set(graph) and "models" in graph["train"]
    assert find_cycle(graph) == [], "import cycle: " + " -> ".join(find_cycle(graph))


def test_modules_stay_under_the_line_limit():
    long = {p.stem for p in PACKAGE.glob("*.py") if len(p.read_text().splitlines()) > MAX_LINES}
    assert long <= KNOWN_LONG_MODULES, f"over {MAX_LINES} lines: {sorted(long - KNOWN_LONG_MODULES)}"
