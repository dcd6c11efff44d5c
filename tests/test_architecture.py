"""The house rules on module boundaries: one-way data flow, a thin CLI, typer only in the CLI."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: stage rank of every builder module: a module may import only modules of lower or equal rank
STAGE_RANK = {
    "builder.allocator": 0,
    "builder.errors": 0,
    "builder.models": 0,
    "builder.lexicons": 0,
    "builder.progress": 0,
    "builder.sources": 1,
    "builder.frontmatter": 1,
    "builder.clean": 1,
    "builder.articles": 1,
    "builder.out_folder": 1,
    "builder.extract": 2,
    "builder.tables": 3,
    "builder.validate": 4,
    "builder.documents": 5,
    "builder.release": 6,
    "builder.evaluate": 6,
    "builder.card": 7,
    "builder.cache": 8,
    "builder.accounting": 8,
    "builder.spool": 8,
    "builder.workers": 8,
    "builder.collect": 8,
    "builder.pipeline": 9,
    "builder.wakeups": 9,
    "builder.watch": 9,
    "builder.cli": 10,
    "builder.__main__": 11,
}


def _modules() -> list[Path]:
    return sorted(path for path in (ROOT / "builder").rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _stage(module: str) -> str:
    """The stage a module belongs to: ``builder.extract.people`` → ``builder.extract``."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", _modules(), ids=lambda path: _module_name(path))
def test_module_imports_point_backwards(path: Path) -> None:
    module = _module_name(path)
    stage = _stage(module)
    if stage == "builder":
        return
    assert stage in STAGE_RANK, f"{module}: place its stage in STAGE_RANK of tests/test_architecture.py"
    for imported in _imports(path):
        imported_stage = _stage(imported)
        if not imported.startswith("builder.") or imported_stage not in STAGE_RANK:
            continue
        assert STAGE_RANK[imported_stage] <= STAGE_RANK[stage], (
            f"{module} imports {imported}: a stage must not reach forward into a later stage"
        )


@pytest.mark.parametrize("path", _modules(), ids=lambda path: _module_name(path))
def test_only_the_cli_imports_typer(path: Path) -> None:
    if _module_name(path) in ("builder.cli", "builder.__main__"):
        return
    assert not any(name == "typer" or name.startswith("typer.") for name in _imports(path))


def _output_of(code: str) -> str:
    """What ``code`` prints when run by a fresh Python in the repository (it must succeed)."""
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_library_imports_without_typer() -> None:
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'typer' or name.startswith('typer.'):\n"
        "            raise ImportError('typer is blocked')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import importlib, pkgutil, builder\n"
        "for info in pkgutil.walk_packages(builder.__path__, 'builder.'):\n"
        "    if info.name not in ('builder.cli', 'builder.__main__'):\n"
        "        importlib.import_module(info.name)\n"
        "print('ok')\n"
    )
    assert _output_of(code) == "ok"


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys\n"
        "import builder.cli\n"
        "heavy = [m for m in ('pandas', 'pandera', 'datasets', 'pyarrow', 'polars') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    assert _output_of(code) == ""


def test_cli_has_no_loops_or_file_writes() -> None:
    tree = ast.parse((ROOT / "builder" / "cli.py").read_text(encoding="utf-8"))
    loops = [node for node in ast.walk(tree) if isinstance(node, ast.For | ast.While)]
    # printing the lines a library result renders is the one loop the CLI may run
    for loop in loops:
        body = ast.unparse(loop)
        assert "typer.echo" in body and len(loop.body) == 1, f"logic in builder/cli.py: {body[:80]}"
    source = ast.unparse(tree)
    for forbidden in ("write_text", "write_bytes", "open(", "to_parquet", "write_table"):
        assert forbidden not in source, f"builder/cli.py must not do I/O itself ({forbidden})"


def test_the_build_and_its_workers_start_without_pandas_or_pandera() -> None:
    # the pool's workers are forked before the main process loads them (builder.pipeline.BackgroundImport)
    code = (
        "import sys\n"
        "import builder.pipeline, builder.workers, builder.collect\n"
        "print(','.join(m for m in ('pandas', 'pandera') if m in sys.modules))\n"
    )
    assert _output_of(code) == ""


def test_a_build_starts_its_workers_before_loading_the_later_stages() -> None:
    # validation, the release stage, the card and evaluation load on the build's background
    # thread (builder.pipeline.LATER_STAGE_MODULES) while the workers run
    code = (
        "import sys\n"
        "import builder.pipeline, builder.workers\n"
        "later = ('builder.validate', 'builder.accounting', 'builder.release',\n"
        "         'builder.card', 'builder.evaluate')\n"
        "print(','.join(m for m in later if m in sys.modules))\n"
    )
    assert _output_of(code) == ""
