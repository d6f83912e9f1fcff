// Checks recordings in @octokit/fixtures' format against GitHub's OpenAPI description: every request's method and
// path are a documented operation, its body matches the operation's request schema, and the recorded response
// matches the schema for its status. Exit 1 naming each mismatch.
// Run: node tools/github-fixtures/check.mjs <recording.json>...
import { readFileSync } from "node:fs";
import { dirname, resolve, basename } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";
import addFormats from "ajv-formats";

const here = dirname(fileURLToPath(import.meta.url));
const spec = JSON.parse(readFileSync(resolve(here, "../node_modules/@octokit/openapi/generated/api.github.com.deref.json"), "utf8"));
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
ajv.addFormat("repo.nwo", /^[^/]+\/[^/]+$/); // GitHub's own format: owner/name

// OpenAPI 3.0's "nullable: true" is not JSON Schema: say it as JSON Schema does ("null" is one more type).
function toJsonSchema(node) {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== "object") return node;
  const copy = {};
  for (const [key, value] of Object.entries(node)) {
    if (key !== "nullable") copy[key] = toJsonSchema(value);
  }
  if (node.nullable === true) {
    if (typeof copy.type === "string") copy.type = [copy.type, "null"];
    else if (Array.isArray(copy.type)) copy.type = [...copy.type, "null"];
    else return { anyOf: [copy, { type: "null" }] };
    if (copy.enum) copy.enum = [...copy.enum, null];
  }
  return copy;
}

const templates = Object.keys(spec.paths).map((template) => ({
  template,
  pattern: new RegExp("^" + template.replace(/\{[^}]+\}/g, (p) => (p === "{ref}" ? ".+" : "[^/]+")) + "$"),
}));

let failures = 0;
let checked = 0;
const fail = (where, message) => {
  failures++;
  console.error(`${where}: ${message}`);
};

for (const file of process.argv.slice(2)) {
  const entries = JSON.parse(readFileSync(file, "utf8"));
  entries.forEach((entry, i) => {
    const where = `${basename(file)}[${i}] ${entry.method.toUpperCase()} ${entry.path}`;
    const path = entry.path.split("?")[0];
    const matches = templates.filter((t) => t.pattern.test(path) && spec.paths[t.template][entry.method]);
    // The most specific template wins: the one with the fewest parameters.
    matches.sort((a, b) => (a.template.match(/\{/g) || []).length - (b.template.match(/\{/g) || []).length);
    if (matches.length === 0) {
      fail(where, "no such operation in GitHub's OpenAPI description");
      return;
    }
    const operation = spec.paths[matches[0].template][entry.method];
    const query = new URLSearchParams(entry.path.split("?")[1] || "");
    const known = new Set((operation.parameters || []).filter((p) => p.in === "query").map((p) => p.name));
    for (const name of query.keys()) {
      if (!known.has(name)) fail(where, `query parameter '${name}' is not documented`);
    }
    const requestSchema = toJsonSchema(operation.requestBody?.content?.["application/json"]?.schema);
    if (entry.body !== undefined) {
      if (!requestSchema) fail(where, "sends a body the operation does not take");
      else if (!ajv.validate(requestSchema, entry.body)) fail(where, "request body: " + ajv.errorsText(ajv.errors));
    } else if (operation.requestBody?.required) {
      fail(where, "the operation requires a body");
    }
    const response = operation.responses[String(entry.status)];
    if (!response) {
      fail(where, `status ${entry.status} is not a documented answer`);
      return;
    }
    const responseSchema = toJsonSchema(response.content?.["application/json"]?.schema);
    if (responseSchema && !ajv.validate(responseSchema, entry.response)) fail(where, "response: " + ajv.errorsText(ajv.errors));
    checked++;
  });
}

console.log(`\n${checked} recorded calls checked against GitHub's OpenAPI description, ${failures} problems`);
process.exit(failures === 0 ? 0 : 1);
