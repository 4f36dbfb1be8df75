"""The house rules of docs/architecture.md, checked on the code itself: the top-level folders import one way
only (each from the layers below it), no folder holds too much of the code, no file is long, no test imports
another."""
import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Lowest first: a folder may import only from the folders before it.
LAYERS = ["domain", "sources", "schemas", "warehouse", "landing", "outputs", "assets", "pipelines", "dti"]
TOOLS = ["dashboard", "scripts", "benchmarks"]  # at the top, imported by nobody


def imports_between_folders() -> dict[tuple[str, str], list[str]]:
    """{(importing folder, imported folder): [file, ...]} for every import of one of our folders."""
    ours = set(LAYERS) | set(TOOLS)
    found: dict[tuple[str, str], list[str]] = {}
    for folder in ours:
        for path in (REPO / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                         [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else [])
                for name in names:
                    top = name.split(".")[0]
                    if top in ours and top != folder:
                        found.setdefault((folder, top), []).append(str(path.relative_to(REPO)))
    return found


def test_imports_point_down_the_layers_only():
    upward = {f"{a} → {b}": files[:3] for (a, b), files in imports_between_folders().items()
              if b in TOOLS or (a in LAYERS and LAYERS.index(b) > LAYERS.index(a))}
    assert upward == {}


def test_no_folder_holds_more_than_a_quarter_of_the_code():
    lines = {folder: sum(len(p.read_text(encoding="utf-8").splitlines()) for p in (REPO / folder).rglob("*.py"))
             for folder in LAYERS + TOOLS}
    total = sum(lines.values())
    assert max(lines.values()) <= total / 4, lines


def test_the_time_zone_the_hash_and_the_units_file_are_named_once():
    code = {p: p.read_text(encoding="utf-8") for folder in LAYERS + TOOLS for p in (REPO / folder).rglob("*.py")}
    for needle in ('"Asia/Ho_Chi_Minh"', "hashlib.sha256(", '"units.csv"'):
        assert len([p for p, text in code.items() if needle in text]) == 1, needle


def test_no_file_outside_the_tests_is_over_300_lines():
    long = {str(p.relative_to(REPO)): n for folder in LAYERS + TOOLS for p in (REPO / folder).rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 300}
    assert long == {}


def test_no_test_imports_another_test():
    """Shared fixtures live in tests/conftest.py, shared builders in tests/builders.py."""
    importing = []
    for path in (REPO / "tests").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tests.") and ".test_" in node.module:
                importing.append(f"{path.relative_to(REPO)} → {node.module}")
    assert importing == []
