// Checks the TypeScript types json-schema-to-typescript makes from the committed schemas, with
// the TypeScript compiler in strict mode.
//
//     node check_typescript.mjs OUT_DIR
//
// OUT_DIR holds `corpus/` (written by `cargo run --example contract`); the types and one module
// per document go to OUT_DIR/typescript. Each document becomes `export const doc: Root = <JSON>;`
// and the whole set is compiled once (`strict`, `noEmit`): a valid document must compile, an
// invalid one must not, except those `expected.json` lists for TypeScript with the reason its
// type system cannot express the rule (a listed document that fails to compile is an error too).
// The types must be precise: no `any`, no `unknown`, no index signature.

import { compile } from "json-schema-to-typescript";
import ts from "typescript";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? join(here, "..", "target", "contract"));
const corpus = join(out, "corpus");
const dir = join(out, "typescript");
const schemas = join(here, "..", "schemas");
const ROOTS = {
  case: "Case",
  policy: "Policy",
  recommendation: "Recommendation",
  error: "ProblemDetails",
  decision: "Decision",
};

rmSync(dir, { recursive: true, force: true });
mkdirSync(join(dir, "docs"), { recursive: true });
const failures = [];

for (const [kind, root] of Object.entries(ROOTS)) {
  const schema = JSON.parse(readFileSync(join(schemas, `${kind}.schema.json`), "utf8"));
  const source = await compile(schema, root, { bannerComment: "", format: false, cwd: schemas });
  writeFileSync(join(dir, `${kind}.ts`), source);
  if (!new RegExp(`export (interface|type) ${root}\\b`).test(source)) {
    failures.push(`${kind}.ts does not export ${root}`);
  }
  // Precise types only, outside comments.
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  for (const [i, line] of code.split("\n").entries()) {
    if (/\bany\b|\bunknown\b|\[k: string\]/.test(line)) {
      failures.push(`${kind}.ts:${i + 1}: imprecise type: ${line.trim()}`);
    }
  }
}

const index = JSON.parse(readFileSync(join(corpus, "index.json"), "utf8"));
const cannot = JSON.parse(readFileSync(join(here, "expected.json"), "utf8")).typescript;
const files = [];
const meta = new Map();
for (const [group, kinds] of Object.entries(index)) {
  for (const [kind, entries] of Object.entries(kinds)) {
    entries.forEach((entry, i) => {
      const text = readFileSync(join(corpus, entry.file), "utf8");
      const file = join(dir, "docs", `${group}_${kind}_${i}.ts`);
      writeFileSync(
        file,
        `import type { ${ROOTS[kind]} } from "../${kind}";\nexport const doc: ${ROOTS[kind]} = ${text.trim()};\n`,
      );
      files.push(file);
      meta.set(file, { group, kind, ...entry });
    });
  }
}
for (const kind of Object.keys(ROOTS)) files.push(join(dir, `${kind}.ts`));

const program = ts.createProgram(files, {
  strict: true,
  exactOptionalPropertyTypes: false,
  noEmit: true,
  skipLibCheck: true,
  types: [],
  lib: ["lib.es2020.d.ts"],
  target: ts.ScriptTarget.ES2020,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
});
const errorsByFile = new Map();
for (const d of ts.getPreEmitDiagnostics(program)) {
  const name = d.file ? resolve(d.file.fileName) : "(global)";
  const list = errorsByFile.get(name) ?? [];
  list.push(ts.flattenDiagnosticMessageText(d.messageText, " "));
  errorsByFile.set(name, list);
}
for (const kind of Object.keys(ROOTS)) {
  const errs = errorsByFile.get(resolve(join(dir, `${kind}.ts`)));
  if (errs) failures.push(`${kind}.ts does not compile: ${errs[0]}`);
}
if (errorsByFile.has("(global)")) failures.push(`compiler: ${errorsByFile.get("(global)")[0]}`);

const counts = { accepted: 0, rejected: 0, documented: 0 };
const seen = new Set();
for (const [file, m] of meta) {
  const errs = errorsByFile.get(resolve(file));
  if (m.group === "valid") {
    if (errs) failures.push(`valid ${m.file} does not compile: ${errs[0]}`);
    else counts.accepted++;
    continue;
  }
  const listed = (cannot[m.kind] ?? {})[m.what] !== undefined;
  if (listed) {
    seen.add(`${m.kind}\u0000${m.what}`);
    if (errs) failures.push(`${m.kind} \`${m.what}\` is listed in expected.json but rejected (${errs[0]}): drop it from the list`);
    else counts.documented++;
  } else if (!errs) {
    failures.push(`invalid ${m.kind} \`${m.what}\` (${m.file}) compiles`);
  } else {
    counts.rejected++;
  }
}
for (const [kind, entries] of Object.entries(cannot)) {
  for (const what of Object.keys(entries)) {
    if (!seen.has(`${kind}\u0000${what}`)) failures.push(`expected.json lists ${kind} \`${what}\`, which the corpus does not have`);
  }
}

for (const f of failures) console.log(`FAIL: ${f}`);
console.log(
  `typescript (json-schema-to-typescript, tsc --strict): ${counts.accepted} valid documents compile, ` +
    `${counts.rejected} invalid rejected, ${counts.documented} invalid accepted as documented`,
);
process.exit(failures.length ? 1 : 0);
