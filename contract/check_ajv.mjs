// Compiles every committed schema with Ajv (JSON Schema 2020-12) in strict mode, the crate's
// `x-` keywords registered, and validates the corpus with it: every valid document accepted,
// every invalid one rejected (Ajv is a full validator: no exceptions).
//
//     node check_ajv.mjs OUT_DIR
//
// Strict mode is shown to be on: without the `x-` keywords registered, compiling must fail.

import Ajv2020 from "ajv/dist/2020.js";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? join(here, "..", "target", "contract"));
const corpus = join(out, "corpus");
const root = join(here, "..");
const KINDS = ["case", "policy", "recommendation", "error", "decision"];
// The keywords the crate adds to its schemas (annotations: they never affect validity).
const X_KEYWORDS = [{ keyword: "x-schema-version", schemaType: "string" }];

function ajv(withKeywords) {
  // `allowUnionTypes`: the schemas write an optional value as `"type": [T, "null"]`, which
  // strict mode otherwise asks to spell as `anyOf`. Everything else strict mode checks stays on.
  const a = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  if (withKeywords) for (const k of X_KEYWORDS) a.addKeyword(k);
  return a;
}

const failures = [];
const validators = {};
for (const kind of KINDS) {
  const schema = JSON.parse(readFileSync(join(root, "schemas", `${kind}.schema.json`), "utf8"));
  try {
    validators[kind] = ajv(true).compile(schema);
  } catch (e) {
    failures.push(`${kind}.schema.json does not compile in strict mode: ${e.message}`);
  }
  try {
    ajv(false).compile(schema);
    failures.push(`${kind}.schema.json compiles without its x- keywords registered: is strict mode on?`);
  } catch (e) {
    if (!/unknown keyword/.test(e.message)) failures.push(`${kind}.schema.json: ${e.message}`);
  }
}
// The service's problem schema, too (no x- keywords).
try {
  ajv(false).compile(JSON.parse(readFileSync(join(root, "service", "schemas", "problem.schema.json"), "utf8")));
} catch (e) {
  failures.push(`service/schemas/problem.schema.json does not compile in strict mode: ${e.message}`);
}

const index = JSON.parse(readFileSync(join(corpus, "index.json"), "utf8"));
const counts = { valid: 0, invalid: 0 };
for (const [group, kinds] of Object.entries(index)) {
  for (const [kind, entries] of Object.entries(kinds)) {
    const validate = validators[kind];
    if (!validate) continue;
    for (const entry of entries) {
      const doc = JSON.parse(readFileSync(join(corpus, entry.file), "utf8"));
      const ok = validate(doc);
      if (group === "valid" && !ok) {
        failures.push(`valid ${entry.file} rejected: ${JSON.stringify(validate.errors.slice(0, 2))}`);
      } else if (group === "invalid" && ok) {
        failures.push(`invalid ${kind} \`${entry.what}\` (${entry.file}) accepted`);
      } else {
        counts[group]++;
      }
    }
  }
}

for (const f of failures) console.log(`FAIL: ${f}`);
console.log(
  `ajv (2020-12, strict): ${Object.keys(validators).length} of ${KINDS.length} schemas compile, ${counts.valid} valid documents accepted, ` +
    `${counts.invalid} invalid rejected`,
);
process.exit(failures.length ? 1 : 0);
