"""The build is hashlib-free: no project file imports hashlib or hmac; only core/crypto.py imports Crypto."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "venv", ".git", "node_modules", "artifacts", "screenshots"}


def _python_files():
    for path in ROOT.rglob("*.py"):
        if not SKIP & set(path.relative_to(ROOT).parts):
            yield path


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module.split(".")[0]
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__" and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant):
                yield str(arg.value).split(".")[0]


def test_no_hashlib_or_hmac_anywhere():
    offenders = [(str(p.relative_to(ROOT)), name) for p in _python_files() for name in _imports(p)
                 if name in {"hashlib", "hmac", "_hashlib"}]
    assert offenders == []


def test_only_core_crypto_imports_pycryptodome():
    """bench/ may call the library directly: it measures the library's own limit as the baseline."""
    users = sorted(str(p.relative_to(ROOT)) for p in _python_files() if "Crypto" in set(_imports(p))
                   and p.relative_to(ROOT).parts[0] != "bench")
    assert users == ["core/crypto.py"]


def test_core_is_pure():
    for path in (ROOT / "core").rglob("*.py"):
        names = set(_imports(path))
        assert not names & {"streamlit", "ui", "pages"}, path


def test_scanner_sees_a_planted_import(tmp_path):
    planted = tmp_path / "x.py"
    planted.write_text("import hashlib\nfrom hmac import new\n")
    assert set(_imports(planted)) == {"hashlib", "hmac"}
