// Validates JSON files against a JSON schema with ajv, offline.
// Usage: node tools/validate-json.mjs <schema.json> <file.json>...
// The schema's "$schema" picks the draft (04, 07, 2019-09, 2020-12). Prints each problem as
// `file: /json/pointer message (details)` and exits 1 when any file is invalid, 2 on bad usage or an unreadable schema.
import { readFileSync } from "node:fs";
import Ajv07 from "ajv";
import Ajv2019 from "ajv/dist/2019.js";
import Ajv2020 from "ajv/dist/2020.js";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";

const [schemaFile, ...files] = process.argv.slice(2);
if (!schemaFile || files.length === 0) {
  console.error("usage: node validate-json.mjs <schema.json> <file.json>...");
  process.exit(2);
}

function load(file) {
  return JSON.parse(readFileSync(file, "utf8"));
}

let schema;
try {
  schema = load(schemaFile);
} catch (error) {
  console.error(`${schemaFile}: cannot read the schema: ${error.message}`);
  process.exit(2);
}

const draft = String(schema.$schema ?? "");
const Ajv = draft.includes("draft-04") ? AjvDraft04
  : draft.includes("2019-09") ? Ajv2019
  : draft.includes("2020-12") ? Ajv2020
  : Ajv07;
// Not strict, and patterns read without the u flag (where `\:` is a valid escape, as in task.schema.json):
// the schemas checked here are third-party data kept verbatim, not ours to restyle.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
let validate;
try {
  validate = ajv.compile(schema);
} catch (error) {
  console.error(`${schemaFile}: not a usable schema: ${error.message}`);
  process.exit(2);
}

let invalid = 0;
for (const file of files) {
  let data;
  try {
    data = load(file);
  } catch (error) {
    console.log(`${file}: not JSON: ${error.message}`);
    invalid++;
    continue;
  }

  if (!validate(data)) {
    invalid++;
    for (const e of validate.errors) {
      const details = Object.entries(e.params).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(", ");
      console.log(`${file}: ${e.instancePath || "/"} ${e.message} (${details})`);
    }
  }
}

process.exit(invalid > 0 ? 1 : 0);
