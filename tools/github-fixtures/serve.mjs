// @octokit/fixtures-server with GitHub's own scenarios plus our recordings (tests/Pipelines.Adapters.Tests/GitHub/Recordings),
// each loadable by name with POST /fixtures {"scenario": "<name>"}.
// Run: node tools/github-fixtures/serve.mjs --port <port>
import { readdirSync, readFileSync } from "node:fs";
import { dirname, resolve, basename } from "node:path";
import { fileURLToPath } from "node:url";
import express from "express";
import fixtureServerMiddleware from "@octokit/fixtures-server";
import DEFAULTS from "@octokit/fixtures-server/lib/defaults.js";

const here = dirname(fileURLToPath(import.meta.url));
const ours = resolve(here, "../../tests/Pipelines.Adapters.Tests/GitHub/Recordings");
const fixtures = { ...DEFAULTS.fixtures };
for (const file of readdirSync(ours).filter((f) => f.endsWith(".json"))) {
  fixtures[basename(file, ".json")] = JSON.parse(readFileSync(resolve(ours, file), "utf8"));
}

const port = Number(process.argv[process.argv.indexOf("--port") + 1]);
const app = express();
app.use(fixtureServerMiddleware({ port, fixturesUrl: `http://127.0.0.1:${port}`, logLevel: "error", ttl: 600000, fixtures }));
app.listen(port, "127.0.0.1");
