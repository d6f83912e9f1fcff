// Writes the GitHub API recordings for the calls Pipelines makes that @octokit/fixtures has no scenario for.
// Each response is GitHub's own example (its requested_teams emptied: GitHub's example team lacks the 'type' its schema requires) for that operation in @octokit/openapi (with ids the test asserts set),
// each request is exactly what our client sends; check.mjs then validates both against the OpenAPI description.
// Run: node tools/github-fixtures/compose.mjs   (writes tests/Pipelines.Adapters.Tests/GitHub/Recordings/*.json)
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const spec = JSON.parse(readFileSync(resolve(here, "../node_modules/@octokit/openapi/generated/api.github.com.deref.json"), "utf8"));
const out = resolve(here, "../../tests/Pipelines.Adapters.Tests/GitHub/Recordings");
mkdirSync(out, { recursive: true });

const owner = "octokit-fixture-org";
const repo = "pipelines-revert-on-red";
const token = "0000000000000000000000000000000000000001";
const base = `/repos/${owner}/${repo}`;
const sha = (n) => n.toString(16).padStart(40, "0");

function example(template, method, status) {
  const content = spec.paths[template][method].responses[String(status)].content["application/json"];
  const examples = content.examples;
  return structuredClone(Object.values(examples)[0].value);
}

function entry(method, path, body, status, response) {
  const reqheaders = { accept: "application/vnd.github.v3+json", authorization: `token ${token}` };
  if (body !== undefined) {
    reqheaders["content-type"] = "application/json; charset=utf-8";
  }
  const recorded = { scope: "https://api.github.com:443", method, path, status, response, reqheaders, responseIsBinary: false, headers: { "content-type": "application/json; charset=utf-8" } };
  if (body !== undefined) {
    recorded.body = body;
  }
  return recorded;
}

const blob = Buffer.from("ok\n").toString("base64");
const scenarios = {
  "pipelines-revert-publish": [
    entry("get", `${base}/git/ref/heads/main`, undefined, 200,
      Object.assign(example("/repos/{owner}/{repo}/git/ref/{ref}", "get", 200), { ref: "refs/heads/main", object: { type: "commit", sha: sha(0xa1), url: `https://api.github.com${base}/git/commits/${sha(0xa1)}` } })),
    entry("post", `${base}/git/blobs`, { content: blob, encoding: "base64" }, 201,
      Object.assign(example("/repos/{owner}/{repo}/git/blobs", "post", 201), { sha: sha(0xb1) })),
    entry("post", `${base}/git/trees`, { base_tree: sha(0xc0), tree: [{ path: "state.txt", mode: "100644", type: "blob", sha: sha(0xb1) }, { path: "added.txt", mode: "100644", type: "blob", sha: null }] }, 201,
      Object.assign(example("/repos/{owner}/{repo}/git/trees", "post", 201), { sha: sha(0xc1) })),
    entry("post", `${base}/git/commits`, {
      message: "Revert \"Break the state\"\n\nReverts: " + sha(0xd0) + "\n", tree: sha(0xc1), parents: [sha(0xa1)],
      author: { name: "Pipelines revert-on-red", email: "revert-on-red@pipelines.invalid", date: "2026-11-23T10:00:00+00:00" },
      committer: { name: "Pipelines revert-on-red", email: "revert-on-red@pipelines.invalid", date: "2026-11-23T10:00:00+00:00" },
    }, 201, Object.assign(example("/repos/{owner}/{repo}/git/commits", "post", 201), { sha: sha(0xe1) })),
    entry("patch", `${base}/git/refs/heads/main`, { sha: sha(0xe1) }, 200,
      Object.assign(example("/repos/{owner}/{repo}/git/refs/{ref}", "patch", 200), { ref: "refs/heads/main", object: { type: "commit", sha: sha(0xe1), url: `https://api.github.com${base}/git/commits/${sha(0xe1)}` } })),
  ],
  "pipelines-revert-pull-request": [
    entry("get", `${base}/pulls?head=${encodeURIComponent(owner + ":pipelines/revert-00000000d0")}&state=all`, undefined, 200, []),
    entry("post", `${base}/pulls`, { title: "Revert \"Break the state\"", head: "pipelines/revert-00000000d0", base: "main", body: "Reverts: " + sha(0xd0) + "\n" }, 201,
      Object.assign(example("/repos/{owner}/{repo}/pulls", "post", 201), { requested_teams: [], number: 8, state: "open", node_id: "PR_kwDOfixture8", html_url: `https://github.com/${owner}/${repo}/pull/8`, merged_at: null })),
  ],
  "pipelines-revert-notify": [
    entry("get", `${base}/commits/${sha(0xd0)}/pulls`, undefined, 200,
      [Object.assign(example("/repos/{owner}/{repo}/commits/{commit_sha}/pulls", "get", 200)[0], { requested_teams: [], number: 7, merged_at: "2026-11-23T08:00:00Z" })]),
    entry("get", `${base}/issues/7/comments?per_page=100`, undefined, 200, []),
    entry("post", `${base}/issues/7/comments`, { body: "Broke main.\n<!-- key-1 -->\n" }, 201,
      Object.assign(example("/repos/{owner}/{repo}/issues/{issue_number}/comments", "post", 201), { body: "Broke main.\n<!-- key-1 -->\n" })),
    entry("get", `${base}/commits/${sha(0xd1)}/comments?per_page=100`, undefined, 200,
      [Object.assign(example("/repos/{owner}/{repo}/commits/{commit_sha}/comments", "post", 201), { body: "Told already.\n<!-- key-2 -->\n" })]),
  ],
  "pipelines-revert-post-mortem": [
    entry("get", `${base}/issues?labels=post-mortem&state=all&per_page=100`, undefined, 200, []),
    entry("post", `${base}/issues`, { title: "Post-mortem: main went red at 00000000d0", body: "- [ ] Add the test\n<!-- key-3 -->\n", labels: ["post-mortem"] }, 201,
      Object.assign(example("/repos/{owner}/{repo}/issues", "post", 201), { number: 12, body: "- [ ] Add the test\n<!-- key-3 -->\n" })),
  ],
  "pipelines-revert-history": [
    entry("get", `${base}/commits?sha=main&since=${encodeURIComponent("2026-11-22T10:00:00Z")}&per_page=100`, undefined, 200,
      example("/repos/{owner}/{repo}/commits", "get", 200).map((c, i) => Object.assign(c, { commit: Object.assign(c.commit, { message: i === 0 ? "Revert \"x\"\n\nReverted automatically by pipelines revert-on-red: confirmed.\n" : c.commit.message }) }))),
    entry("get", `${base}/actions/workflows/161335/runs?branch=main&status=success&per_page=30`, undefined, 200,
      example("/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs", "get", 200)),
  ],
};

for (const [name, entries] of Object.entries(scenarios)) {
  writeFileSync(resolve(out, `${name}.json`), JSON.stringify(entries, null, 2) + "\n");
}
console.log(`wrote ${Object.keys(scenarios).length} recordings to ${out}`);
