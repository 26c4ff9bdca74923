#!/usr/bin/env bash
# CI for the Python bindings (python/): lints the Rust half, builds the wheel in release with
# maturin, installs it into a fresh virtual environment, runs pytest, and prints the throughput
# of the bindings beside that of the Rust library. Called by .ci/run; runs on its own too:
#
#     python/ci.sh
#
# Needs python3 (3.10 or later) with venv, cargo, and PyPI for pip.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
start=$SECONDS

venv=target/py-venv
wheels=target/py-wheels
python=${PYTHON:-python3}

echo "== python: cargo clippy (the bindings crate, all targets)"
cargo clippy -p hcc-pathways-python --all-targets -- -D warnings

echo "== python: fresh virtual environment in $venv"
rm -rf "$venv" "$wheels"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "maturin>=1.9.4,<2" "pytest>=7" "pandas>=1.5" "matplotlib>=3.6"
"$venv/bin/python" --version

echo "== python: maturin build --release, pip install"
"$venv/bin/maturin" build --release --quiet -m python/Cargo.toml -o "$wheels" \
    --interpreter "$venv/bin/python"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps "$wheels"/*.whl

echo "== python: pytest"
# From python/ with the pytest script (not `python -m`), so the installed package is tested,
# not the source folder.
(cd python && "../$venv/bin/pytest" -q)

echo "== python: throughput (release builds; figures from this run)"
"$venv/bin/python" python/examples/throughput.py
cargo run --quiet --release -p hcc-pathways-python --example throughput -- \
    examples/cohort/synthetic_cohort.jsonl 100000 10000

echo "== python: done in $((SECONDS - start)) s"
