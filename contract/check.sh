#!/usr/bin/env bash
# Checks the committed JSON Schemas with the tools services generate code and validate with:
#
# - Ajv (JSON Schema 2020-12) in strict mode compiles every schema, the crate's `x-` keywords
#   registered, and validates the corpus (check_ajv.mjs);
# - json-schema-to-typescript makes TypeScript types that `tsc --strict` holds every corpus
#   document to (check_typescript.mjs);
# - datamodel-code-generator makes pydantic v2 models that validate every corpus document
#   (check_python.py).
#
# The corpus (`cargo run --example contract`) is every bundled case and policy, the
# recommendation of every bundled case under every bundled policy, problem documents, and the
# invalid cases and policies of the test suite. Valid documents must pass everywhere; invalid
# ones must fail, except where `expected.json` documents that a generator's types cannot
# express the rule. Called by .ci/run; runs on its own too:
#
#     contract/check.sh
#
# Installs its tools itself: `npm ci` into contract/node_modules (versions in package-lock.json)
# and a fresh virtual environment in target/contract/venv (requirements.txt). Needs node (18 or
# later) with npm, python3 (3.10 or later) with venv, cargo, and the npm and PyPI registries.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
start=$SECONDS
out=${CARGO_TARGET_DIR:-target}/contract
python=${PYTHON:-python3}

echo "== contract: corpus (cargo run --example contract)"
# --all-features: the build the test suite already made.
cargo run --quiet --all-features --example contract -- "$out/corpus"

echo "== contract: node tools (npm ci)"
npm ci --prefix contract --no-audit --no-fund --loglevel=error
echo "node $(node --version); $(cd contract && node -e 'for (const p of ["ajv", "json-schema-to-typescript", "typescript"]) console.log(p, require(p + "/package.json").version)' | paste -sd ';' - | sed 's/;/; /g')"

echo "== contract: Ajv"
node contract/check_ajv.mjs "$out"

echo "== contract: TypeScript"
node contract/check_typescript.mjs "$out"

echo "== contract: Python tools (fresh venv in $out/venv)"
rm -rf "$out/venv" "$out/python"
"$python" -m venv "$out/venv"
"$out/venv/bin/python" -m pip install --quiet --disable-pip-version-check -r contract/requirements.txt
echo "$("$out/venv/bin/python" --version); $("$out/venv/bin/datamodel-codegen" --version); pydantic $("$out/venv/bin/python" -c 'import pydantic; print(pydantic.VERSION)')"

echo "== contract: Python (datamodel-codegen, pydantic v2)"
mkdir -p "$out/python"
for kind in case policy recommendation error decision; do
    # --strict-types: no coercion ("3" is not 3); --strict-nullable: a field with a default is
    # not nullable (the policy's thresholds); --collapse-root-models: `ecog: conint(...)` rather
    # than a wrapper class per bound.
    "$out/venv/bin/datamodel-codegen" --input "schemas/$kind.schema.json" \
        --input-file-type jsonschema --output-model-type pydantic_v2.BaseModel \
        --formatters builtin --disable-timestamp --target-python-version 3.10 \
        --strict-types str int float bool --strict-nullable --collapse-root-models \
        --output "$out/python/${kind}_model.py" 2> "$out/python/${kind}.log" \
        || { cat "$out/python/${kind}.log"; exit 1; }
done
"$out/venv/bin/python" contract/check_python.py "$out"

echo "== contract: done in $((SECONDS - start)) s"
