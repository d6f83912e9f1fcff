// Azure Pipelines shim, kept once here and copied into every task folder when the extension is packaged
// (build/release.sh): starts the bundled `pipelines` binary with the command the task.json beside it names
// (PipelinesRevertOnRed -> revert-on-red) and returns its exit code.
// Dependency-free on purpose: azure-pipelines-task-lib deletes INPUT_* variables when imported, and the CLI reads them.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

function commandOf(taskDir) {
  const task = JSON.parse(fs.readFileSync(path.join(taskDir, 'task.json'), 'utf8'));
  return task.name.replace(/^Pipelines/, '').replace(/[A-Z]/g, (c, i) => (i === 0 ? '' : '-') + c.toLowerCase());
}

// Task inputs cannot contain '-': the agent sets INPUT_FILTERSYNTAX for input `filterSyntax`; the CLI reads
// INPUT_FILTER_SYNTAX. The input names in task.json are the one table; camelCase → kebab is the rule.
function cliEnvironment(taskDir, env) {
  const task = JSON.parse(fs.readFileSync(path.join(taskDir, 'task.json'), 'utf8'));
  const out = { ...env };
  for (const input of task.inputs) {
    const agentName = 'INPUT_' + input.name.replace(/[ .]/g, '_').toUpperCase();
    const kebab = input.name.replace(/[A-Z]/g, c => '-' + c.toLowerCase());
    const cliName = 'INPUT_' + kebab.replace(/-/g, '_').toUpperCase();
    if (agentName !== cliName && env[agentName] !== undefined) {
      out[cliName] = env[agentName];
      delete out[agentName];
    }
  }
  return out;
}

// A task with a `phase` input (canary) runs that phase as a subcommand: `pipelines canary ramp`.
function argumentsOf(taskDir, env) {
  const task = JSON.parse(fs.readFileSync(path.join(taskDir, 'task.json'), 'utf8'));
  const command = commandOf(taskDir);
  const phaseInput = task.inputs.find(i => i.name === 'phase');
  if (!phaseInput) return [command];
  const phase = env.INPUT_PHASE || phaseInput.defaultValue;
  const phases = Object.keys(phaseInput.options);
  if (!phases.includes(phase)) {
    throw new Error(`input 'phase' must be one of: ${phases.join(', ')} (got '${String(phase).replace(/[^a-z-]/g, '?')}')`);
  }
  return [command, phase];
}

function findBinary(taskDir) {
  const rid = { 'linux-x64': 'linux-x64', 'linux-arm64': 'linux-arm64', 'win32-x64': 'win-x64',
    'darwin-arm64': 'osx-arm64', 'darwin-x64': 'osx-x64' }[`${process.platform}-${process.arch}`];
  const exe = process.platform === 'win32' ? 'pipelines.exe' : 'pipelines';
  const native = rid && path.join(taskDir, 'bin', rid, exe);
  if (native && fs.existsSync(native)) return { file: native, args: [] };
  const portable = path.join(taskDir, 'bin', 'any', 'pipelines.dll');
  if (fs.existsSync(portable)) return { file: 'dotnet', args: [portable] };
  return null;
}

function main() {
  const taskDir = __dirname;
  const COMMAND = commandOf(taskDir);
  const binary = process.env.PIPELINES_CLI ? { file: process.env.PIPELINES_CLI, args: [] } : findBinary(taskDir);
  if (!binary) {
    console.log(`##vso[task.complete result=Failed;]pipelines: no binary for ${process.platform}-${process.arch} in ${path.join(taskDir, 'bin')}`);
    return 3;
  }
  let args;
  try {
    args = argumentsOf(taskDir, process.env);
  } catch (error) {
    console.log(`##vso[task.complete result=Failed;]pipelines: ${error.message}`);
    return 2;
  }
  const run = spawnSync(binary.file, [...binary.args, ...args], { stdio: 'inherit', env: cliEnvironment(taskDir, process.env) });
  if (run.error) {
    const hint = binary.file === 'dotnet' && run.error.code === 'ENOENT'
      ? ' — this agent has no .NET: add UseDotNet@2 (packageType: runtime, version: 10.x) before this task'
      : '';
    console.log(`##vso[task.complete result=Failed;]pipelines could not start: ${run.error.message}${hint}`);
    return 3;
  }
  const code = run.status === null ? 4 : run.status;
  if (code !== 0) {
    console.log(`##vso[task.complete result=Failed;]pipelines ${COMMAND} exited with code ${code}`);
  }
  return code;
}

if (require.main === module) {
  process.exitCode = main();
}
module.exports = { cliEnvironment, findBinary, commandOf, argumentsOf };
