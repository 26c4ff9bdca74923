"""Versions, schemas, documentation and stubs."""

from __future__ import annotations

import ast
import doctest
import json
import pydoc
import re
import tomllib
from pathlib import Path

import pytest

import hcc_pathways
from hcc_pathways import _errors, _native
from conftest import REPO

SEMVER = re.compile(r"^\d+\.\d+\.\d+([-+].+)?$")


def test_versions():
    manifest = tomllib.loads((REPO / "Cargo.toml").read_text())
    version = manifest["package"]["version"]
    if isinstance(version, dict):  # version.workspace = true
        version = manifest["workspace"]["package"]["version"]
    assert hcc_pathways.CRATE_VERSION == version
    bindings = tomllib.loads((REPO / "python/Cargo.toml").read_text())
    assert hcc_pathways.__version__ == bindings["package"]["version"]
    for v in (hcc_pathways.__version__, hcc_pathways.CRATE_VERSION,
              hcc_pathways.RULE_SET_VERSION, hcc_pathways.SCHEMA_VERSION):
        assert SEMVER.match(v), v


def values(obj):
    if isinstance(obj, dict):
        for v in obj.values():
            yield from values(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from values(v)
    else:
        yield obj


def test_every_recommendation_carries_the_rule_set_version():
    case = (REPO / "examples/cases/r1_comfort_focused.json").read_text()
    assert hcc_pathways.RULE_SET_VERSION in set(values(hcc_pathways.recommend(case)))


@pytest.mark.parametrize("name", ["case", "policy", "recommendation"])
def test_schemas_are_the_committed_ones(name):
    schema = getattr(hcc_pathways, f"{name}_schema")()
    committed = json.loads((REPO / f"schemas/{name}.schema.json").read_text())
    assert schema == committed
    assert schema["x-schema-version"] == hcc_pathways.SCHEMA_VERSION
    assert schema["$id"].endswith(f":{name}:{hcc_pathways.SCHEMA_VERSION}")
    # a fresh object each time: changing one does not change the next
    schema["x-schema-version"] = "changed"
    assert getattr(hcc_pathways, f"{name}_schema")()["x-schema-version"] == hcc_pathways.SCHEMA_VERSION


def test_unknown_schema_name():
    with pytest.raises(ValueError):
        _native.schema_json("nope")


def test_help_is_useful():
    text = pydoc.render_doc(hcc_pathways.recommend, renderer=pydoc.plaintext)
    for word in ("case", "policy", "InvalidCase", "InvalidPolicy", ".path", "pathway"):
        assert word in text
    many = pydoc.render_doc(hcc_pathways.classify_many, renderer=pydoc.plaintext)
    assert "DataFrame" in many and "in input order" in many
    for name in hcc_pathways.__all__:
        obj = getattr(hcc_pathways, name)
        if callable(obj):
            assert obj.__doc__ and len(obj.__doc__) > 40, name


def test_doctests(monkeypatch):
    monkeypatch.chdir(REPO)  # the examples read the bundled files by relative path
    for module in (hcc_pathways, _errors):
        result = doctest.testmod(module, raise_on_error=False, verbose=False)
        assert result.failed == 0, module.__name__
        assert result.attempted > 0, module.__name__


def stub_names(path: Path) -> set[str]:
    names = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.ImportFrom) and node.module not in ("typing", "collections.abc"):
            names.update(a.asname or a.name for a in node.names)
    return names


def test_stubs_cover_the_api():
    package = Path(hcc_pathways.__file__).parent
    assert (package / "py.typed").exists()
    public = stub_names(package / "__init__.pyi")
    assert set(hcc_pathways.__all__) <= public
    native = stub_names(package / "_native.pyi")
    exported = {n for n in dir(_native) if not n.startswith("_")}
    assert exported == native
