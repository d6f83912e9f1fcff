using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;
using static Pipelines.Cli.Tests.Packaging.WorkflowYaml;

namespace Pipelines.Cli.Tests.Packaging;

/// <summary>
/// Security rules for every workflow (.github/workflows, samples/github) and, where they apply, every action.yml. Each
/// problem names the file, the job and step, and what was expected. Each rule is shown to catch an inline bad example.
/// </summary>
[TestClass]
public sealed partial class WorkflowSecurityTests
{
    private static readonly Func<YamlFile, IEnumerable<string>>[] Rules =
        [NoExpressionInScripts, NoPullRequestHeadUnderPullRequestTarget, LeastPrivilege, PinnedActions, NoSecretEchoed, CheckoutDropsCredentials];

    /// <summary>Actions that trade the job's OIDC token for cloud credentials or a signature: the only reason for id-token: write.</summary>
    private static readonly string[] OidcActions =
        ["azure/login", "aws-actions/configure-aws-credentials", "google-github-actions/auth", "actions/attest-build-provenance", "actions/attest"];

    private static List<string> Problems(YamlFile file) => [.. Rules.SelectMany(rule => rule(file))];

    private static string At(YamlFile file, YamlJob job, YamlStep step) => $"{file.Name}: {job.Label}, {step.Label}";

    private static bool IsCheckout(string? uses) => uses is not null && ActionName(uses) == "actions/checkout";

    /// <summary>The job-level permission a job grants itself for a scope ("read", "write", "none"), if it names one.</summary>
    private static string? JobPermission(YamlJob job, string scope) => Scalar(Child(job.Node, "permissions"), scope);

    /// <summary>Rule 1: no ${{ }} inside run: (nor an actions/github-script script:): values reach scripts through env:.</summary>
    private static IEnumerable<string> NoExpressionInScripts(YamlFile file)
    {
        foreach (var job in Jobs(file))
        {
            foreach (var step in Steps(job))
            {
                var uses = Scalar(step.Node, "uses");
                var script = uses is not null && ActionName(uses) == "actions/github-script" ? Scalar(Child(step.Node, "with"), "script") : Scalar(step.Node, "run");
                if (script?.Contains("${{", StringComparison.Ordinal) == true)
                {
                    yield return $"{At(file, job, step)}: a ${{{{ }}}} expression inside the script is expanded into its text (script injection); "
                        + "expected the value in env: and the script reading \"$NAME\"";
                }
            }
        }
    }

    /// <summary>Rule 2: a pull_request_target workflow never checks out the pull request's head (its code would run with the base repository's secrets).</summary>
    private static IEnumerable<string> NoPullRequestHeadUnderPullRequestTarget(YamlFile file)
    {
        var on = Child(file.Root, "on");
        List<string> triggers = on switch
        {
            YamlScalarNode s => [s.Value ?? string.Empty],
            YamlSequenceNode seq => seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? string.Empty).ToList(),
            YamlMappingNode map => map.Children.Keys.OfType<YamlScalarNode>().Select(s => s.Value ?? string.Empty).ToList(),
            _ => [],
        };
        if (!triggers.Contains("pull_request_target"))
        {
            yield break;
        }

        foreach (var job in Jobs(file))
        {
            foreach (var step in Steps(job).Where(s => IsCheckout(Scalar(s.Node, "uses"))))
            {
                var with = Child(step.Node, "with");
                var target = $"{Scalar(with, "ref")} {Scalar(with, "repository")}";
                if (target.Contains("pull_request.head", StringComparison.Ordinal) || target.Contains("github.head_ref", StringComparison.Ordinal))
                {
                    yield return $"{At(file, job, step)}: checks out the pull request's head in a pull_request_target workflow, which runs with the base "
                        + "repository's secrets and a write token; expected the pull_request trigger for building the pull request's code";
                }
            }
        }
    }

    /// <summary>
    /// Rule 3: least privilege. A workflow declares top-level permissions of only read/none (or {}), so a job that needs
    /// more must grant it to itself; write-all and read-all are forbidden everywhere; id-token: write only on a job that
    /// uses an OIDC login action.
    /// </summary>
    private static IEnumerable<string> LeastPrivilege(YamlFile file)
    {
        if (!file.IsWorkflow)
        {
            yield break;
        }

        var top = Child(file.Root, "permissions");
        if (top is null)
        {
            yield return $"{file.Name}: workflow: no top-level permissions:; expected 'permissions: {{}}' or a mapping of read/none scopes, with each job granting itself more";
        }
        else
        {
            foreach (var problem in PermissionProblems(top, $"{file.Name}: workflow", ["read", "none"]))
            {
                yield return problem;
            }
        }

        foreach (var job in Jobs(file))
        {
            if (Child(job.Node, "permissions") is { } granted)
            {
                foreach (var problem in PermissionProblems(granted, $"{file.Name}: {job.Label}", ["read", "write", "none"]))
                {
                    yield return problem;
                }
            }

            var logins = Steps(job).Select(s => Scalar(s.Node, "uses")).OfType<string>().Where(u => OidcActions.Contains(ActionName(u))).ToList();
            if (JobPermission(job, "id-token") == "write" && logins.Count == 0)
            {
                yield return $"{file.Name}: {job.Label}: grants id-token: write but uses no OIDC login action; expected id-token: write only beside one of "
                    + string.Join(", ", OidcActions);
            }
        }
    }

    private static IEnumerable<string> PermissionProblems(YamlNode permissions, string where, string[] allowed)
    {
        if (permissions is YamlScalarNode scalar)
        {
            yield return $"{where}: permissions: {scalar.Value}; expected a mapping of scopes to {string.Join('/', allowed)} ('write-all' and 'read-all' grant every scope)";
            yield break;
        }

        foreach (var (scope, value) in ((YamlMappingNode)permissions).Children)
        {
            var level = (value as YamlScalarNode)?.Value;
            if (level is null || !allowed.Contains(level))
            {
                yield return $"{where}: permissions: {((YamlScalarNode)scope).Value}: {level}; expected {string.Join(" or ", allowed)}"
                    + (allowed.Contains("write") ? string.Empty : " at the top (a job that needs more grants it to itself)");
            }
        }
    }

    /// <summary>
    /// Rule 4: every action or reusable workflow from another repository is pinned to a full commit SHA (a tag or branch can
    /// be moved under us). Local (./…) and docker:// references are exempt, and so — in samples/github only — is
    /// 'your-org/pipelines…', the placeholder by which the samples name this project's own actions (users put their
    /// real owner and ref there); any other owner, or that placeholder outside the samples, must be pinned.
    /// </summary>
    private static IEnumerable<string> PinnedActions(YamlFile file)
    {
        foreach (var job in Jobs(file))
        {
            var references = Steps(job).Select(s => (Where: At(file, job, s), Uses: Scalar(s.Node, "uses")));
            if (file.IsWorkflow)
            {
                references = references.Prepend(($"{file.Name}: {job.Label}", Scalar(job.Node, "uses")));
            }

            foreach (var (where, uses) in references)
            {
                if (uses is null || uses.StartsWith("./", StringComparison.Ordinal) || uses.StartsWith("docker://", StringComparison.Ordinal)
                    || (file.IsSample && OwnPlaceholder().IsMatch(uses)) || PinnedToSha().IsMatch(uses))
                {
                    continue;
                }

                yield return $"{where}: uses '{uses}'; expected owner/repo[/path]@<40-hex commit SHA>";
            }
        }
    }

    /// <summary>Rule 5: no echo/printf of an environment variable bound to ${{ secrets.* }} in the step's, job's or workflow's env:.</summary>
    private static IEnumerable<string> NoSecretEchoed(YamlFile file)
    {
        var workflowEnv = Env(Child(file.Root, "env"));
        foreach (var job in Jobs(file))
        {
            var jobEnv = Env(Child(job.Node, "env"));
            foreach (var step in Steps(job))
            {
                if (Scalar(step.Node, "run") is not { } run)
                {
                    continue;
                }

                // The innermost env: wins, as on the runner.
                var env = new Dictionary<string, string>(workflowEnv, StringComparer.Ordinal);
                foreach (var (name, value) in jobEnv.Concat(Env(Child(step.Node, "env"))))
                {
                    env[name] = value;
                }

                var secrets = env.Where(e => SecretReference().IsMatch(e.Value)).Select(e => e.Key).ToList();
                foreach (var line in run.Split('\n').Where(l => PrintCommand().IsMatch(l)))
                {
                    foreach (var name in secrets.Where(n => Regex.IsMatch(line, $@"\$\{{?{Regex.Escape(n)}\b", RegexOptions.CultureInvariant)))
                    {
                        yield return $"{At(file, job, step)}: prints ${name}, which env: binds to a secret ('{line.Trim()}'); expected the secret "
                            + "passed only to the program that needs it, never echoed";
                    }
                }
            }
        }
    }

    /// <summary>Rule 6: actions/checkout leaves no token in .git/config (persist-credentials: false) unless its job may write contents.</summary>
    private static IEnumerable<string> CheckoutDropsCredentials(YamlFile file)
    {
        foreach (var job in Jobs(file))
        {
            if (file.IsWorkflow && JobPermission(job, "contents") == "write")
            {
                continue;
            }

            foreach (var step in Steps(job).Where(s => IsCheckout(Scalar(s.Node, "uses"))))
            {
                if (Scalar(Child(step.Node, "with"), "persist-credentials") != "false")
                {
                    yield return $"{At(file, job, step)}: the checkout keeps the token in .git/config; expected 'with: persist-credentials: false' "
                        + "(only a job with contents: write, which pushes, may keep it)";
                }
            }
        }
    }

    [GeneratedRegex(@"^[^@\s]+@[0-9a-f]{40}$", RegexOptions.CultureInvariant)]
    private static partial Regex PinnedToSha();

    [GeneratedRegex(@"^your-org/pipelines(/[^@\s]+)?@\S+$", RegexOptions.CultureInvariant)]
    private static partial Regex OwnPlaceholder();

    [GeneratedRegex(@"\bsecrets\.", RegexOptions.CultureInvariant)]
    private static partial Regex SecretReference();

    [GeneratedRegex(@"(^|[\s;&|({])(echo|printf)\b", RegexOptions.CultureInvariant)]
    private static partial Regex PrintCommand();

    private static List<string> Caught(Func<YamlFile, IEnumerable<string>> rule, string name, string yaml) => [.. rule(Parse(name, yaml))];

    [TestMethod]
    public void Every_workflow_and_action_in_the_repository_keeps_every_security_rule()
    {
        var files = WorkflowPaths().Concat(ActionPaths()).Select(Load).ToList();
        Assert.IsNotEmpty(files.Where(f => !f.IsWorkflow), "the action.yml files are always there to check");

        var problems = files.SelectMany(Problems).ToList();

        Assert.IsEmpty(problems, string.Join('\n', problems));
    }

    [TestMethod]
    public void The_valid_fixture_keeps_every_security_rule()
    {
        var fixture = Parse(".github/workflows/fixture.yml", ValidWorkflow);

        var problems = Problems(fixture);

        Assert.IsEmpty(problems, string.Join('\n', problems));
        Assert.HasCount(2, Jobs(fixture).ToList(), "the rules walked the fixture's jobs");
    }

    [TestMethod]
    public void An_expression_inside_run_is_caught_in_a_workflow_and_in_a_composite_action()
    {
        var workflow = Caught(NoExpressionInScripts, ".github/workflows/bad.yml", """
            on: pull_request
            permissions: {}
            jobs:
              greet:
                runs-on: ubuntu-latest
                steps:
                  - name: Greet
                    run: echo "${{ github.event.pull_request.title }}"
                  - uses: actions/github-script@0123456789abcdef0123456789abcdef01234567
                    with:
                      script: console.log("${{ github.head_ref }}")
            """);
        var action = Caught(NoExpressionInScripts, "actions/bad/action.yml", """
            name: bad
            description: bad
            inputs:
              x:
                description: x
            runs:
              using: composite
              steps:
                - shell: bash
                  run: echo ${{ inputs.x }}
            """);

        Assert.HasCount(2, workflow);
        StringAssert.StartsWith(workflow[0], ".github/workflows/bad.yml: job 'greet', step 1 ('Greet'): a ${{ }} expression inside the script");
        StringAssert.EndsWith(workflow[0], "expected the value in env: and the script reading \"$NAME\"");
        StringAssert.StartsWith(workflow[1], ".github/workflows/bad.yml: job 'greet', step 2 ('actions/github-script@");
        Assert.HasCount(1, action);
        StringAssert.StartsWith(action[0], "actions/bad/action.yml: runs.steps, step 1 ('echo ${{ inputs.x }}'): a ${{ }} expression");
    }

    [TestMethod]
    public void A_pull_request_target_workflow_that_checks_out_the_pull_requests_head_is_caught_and_one_that_does_not_passes()
    {
        const string Template = """
            on:
              pull_request_target:
                types: [labeled]
            permissions: {}
            jobs:
              label:
                runs-on: ubuntu-latest
                steps:
                  - name: Check out
                    uses: actions/checkout@0123456789abcdef0123456789abcdef01234567
                    with:
                      persist-credentials: false
                      REF
                  - run: echo labelled
            """;

        var head = Caught(NoPullRequestHeadUnderPullRequestTarget, ".github/workflows/pr.yml", Template.Replace("REF", "ref: ${{ github.event.pull_request.head.sha }}", StringComparison.Ordinal));
        var headRef = Caught(NoPullRequestHeadUnderPullRequestTarget, ".github/workflows/pr.yml", Template.Replace("REF", "ref: ${{ github.head_ref }}", StringComparison.Ordinal));
        var baseOnly = Caught(NoPullRequestHeadUnderPullRequestTarget, ".github/workflows/pr.yml", Template.Replace("REF", "fetch-depth: 1", StringComparison.Ordinal));
        var pullRequest = Caught(NoPullRequestHeadUnderPullRequestTarget, ".github/workflows/pr.yml",
            Template.Replace("pull_request_target", "pull_request", StringComparison.Ordinal).Replace("REF", "ref: ${{ github.event.pull_request.head.sha }}", StringComparison.Ordinal));

        Assert.HasCount(1, head);
        StringAssert.StartsWith(head[0], ".github/workflows/pr.yml: job 'label', step 1 ('Check out'): checks out the pull request's head in a pull_request_target workflow");
        StringAssert.EndsWith(head[0], "expected the pull_request trigger for building the pull request's code");
        Assert.HasCount(1, headRef);
        Assert.IsEmpty(baseOnly, "a pull_request_target workflow that checks out only the base is allowed");
        Assert.IsEmpty(pullRequest, "the pull_request trigger may build the head: it runs without secrets");
    }

    [TestMethod]
    [DataRow("", "test.yml: workflow: no top-level permissions:; expected 'permissions: {}' or a mapping of read/none scopes")]
    [DataRow("permissions: write-all\n", "test.yml: workflow: permissions: write-all; expected a mapping of scopes to read/none")]
    [DataRow("permissions: read-all\n", "test.yml: workflow: permissions: read-all; expected a mapping of scopes to read/none")]
    [DataRow("permissions:\n  contents: write\n", "test.yml: workflow: permissions: contents: write; expected read or none at the top (a job that needs more grants it to itself)")]
    [DataRow("permissions:\n  id-token: write\n", "test.yml: workflow: permissions: id-token: write; expected read or none at the top")]
    public void A_workflow_without_read_only_top_level_permissions_is_caught(string permissions, string expected)
    {
        var problems = Caught(LeastPrivilege, "test.yml", permissions + """
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - run: echo build
            """);

        Assert.HasCount(1, problems);
        StringAssert.StartsWith(problems[0], expected);
    }

    [TestMethod]
    public void A_job_granting_write_all_or_id_token_without_an_oidc_login_is_caught_and_a_login_job_may_have_it()
    {
        var problems = Caught(LeastPrivilege, "test.yml", """
            on: push
            permissions: {}
            jobs:
              everything:
                runs-on: ubuntu-latest
                permissions: write-all
                steps:
                  - run: echo build
              token:
                runs-on: ubuntu-latest
                permissions:
                  id-token: write
                steps:
                  - run: echo build
              deploy:
                runs-on: ubuntu-latest
                permissions:
                  id-token: write
                  contents: read
                steps:
                  - uses: Azure/login@0123456789abcdef0123456789abcdef01234567
                    with:
                      client-id: x
                      tenant-id: y
                      subscription-id: z
            """);

        Assert.HasCount(2, problems, string.Join('\n', problems));
        StringAssert.StartsWith(problems[0], "test.yml: job 'everything': permissions: write-all; expected a mapping of scopes to read/write/none");
        StringAssert.StartsWith(problems[1], "test.yml: job 'token': grants id-token: write but uses no OIDC login action; expected id-token: write only beside one of azure/login");
    }

    [TestMethod]
    public void An_action_not_pinned_to_a_commit_sha_is_caught_and_only_samples_may_name_this_projects_placeholder_owner()
    {
        const string Workflow = """
            on: push
            permissions: {}
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/setup-dotnet@v4
                  - uses: actions/checkout@0123456789ABCDEF0123456789abcdef01234567
                  - uses: actions/cache@0123456789abcdef0123456789abcdef01234567
                  - uses: ./actions/select-tests
                  - uses: docker://alpine:3.20
                  - uses: your-org/pipelines/actions/select-tests@v1
                  - uses: your-org/pipelines@main
                  - uses: your-org/other/actions/x@v1
              reuse:
                uses: octo/workflows/.github/workflows/build.yml@main
            """;

        var inRepository = Caught(PinnedActions, ".github/workflows/build.yml", Workflow);
        var inSamples = Caught(PinnedActions, "samples/github/build.yml", Workflow);

        CollectionAssert.AreEqual(
            new[]
            {
                ".github/workflows/build.yml: job 'build', step 1 ('actions/setup-dotnet@v4'): uses 'actions/setup-dotnet@v4'; expected owner/repo[/path]@<40-hex commit SHA>",
                ".github/workflows/build.yml: job 'build', step 2 ('actions/checkout@0123456789ABCDEF0123456789abcdef01234567'): uses 'actions/checkout@0123456789ABCDEF0123456789abcdef01234567'; expected owner/repo[/path]@<40-hex commit SHA>",
                ".github/workflows/build.yml: job 'build', step 6 ('your-org/pipelines/actions/select-tests@v1'): uses 'your-org/pipelines/actions/select-tests@v1'; expected owner/repo[/path]@<40-hex commit SHA>",
                ".github/workflows/build.yml: job 'build', step 7 ('your-org/pipelines@main'): uses 'your-org/pipelines@main'; expected owner/repo[/path]@<40-hex commit SHA>",
                ".github/workflows/build.yml: job 'build', step 8 ('your-org/other/actions/x@v1'): uses 'your-org/other/actions/x@v1'; expected owner/repo[/path]@<40-hex commit SHA>",
                ".github/workflows/build.yml: job 'reuse': uses 'octo/workflows/.github/workflows/build.yml@main'; expected owner/repo[/path]@<40-hex commit SHA>",
            },
            inRepository,
            string.Join('\n', inRepository));
        CollectionAssert.AreEqual(
            new[]
            {
                "samples/github/build.yml: job 'build', step 1 ('actions/setup-dotnet@v4')",
                "samples/github/build.yml: job 'build', step 2 ('actions/checkout@0123456789ABCDEF0123456789abcdef01234567')",
                "samples/github/build.yml: job 'build', step 8 ('your-org/other/actions/x@v1')",
                "samples/github/build.yml: job 'reuse'",
            },
            inSamples.Select(p => p[..p.IndexOf(": uses '", StringComparison.Ordinal)]).ToList(),
            "in the samples only the your-org/pipelines placeholder is exempt:\n" + string.Join('\n', inSamples));
    }

    [TestMethod]
    [DataRow("workflow", "env:\n  TOKEN: ${{ secrets.DEPLOY_TOKEN }}\n", "", "")]
    [DataRow("job", "", "    env:\n      TOKEN: ${{ secrets.DEPLOY_TOKEN }}\n", "")]
    [DataRow("step", "", "", "        env:\n          TOKEN: ${{ secrets.DEPLOY_TOKEN }}\n")]
    public void Echoing_an_environment_variable_bound_to_a_secret_is_caught(string level, string workflowEnv, string jobEnv, string stepEnv)
    {
        var yaml = "on: push\npermissions: {}\n" + workflowEnv + "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n" + jobEnv + "    steps:\n"
            + "      - name: Deploy\n" + stepEnv + "        run: |\n          curl -H \"Authorization: Bearer $TOKEN\" https://example.invalid\n"
            + "          echo \"token is ${TOKEN}\"\n          printf '%s' \"$TOKENS_USED\"\n";

        var problems = Caught(NoSecretEchoed, ".github/workflows/deploy.yml", yaml);

        Assert.HasCount(1, problems, $"{level}: {string.Join('\n', problems)}");
        Assert.AreEqual(
            ".github/workflows/deploy.yml: job 'deploy', step 1 ('Deploy'): prints $TOKEN, which env: binds to a secret ('echo \"token is ${TOKEN}\"'); "
                + "expected the secret passed only to the program that needs it, never echoed",
            problems[0],
            level);
    }

    [TestMethod]
    public void A_step_env_that_rebinds_a_secret_name_to_a_plain_value_may_be_echoed()
    {
        var problems = Caught(NoSecretEchoed, ".github/workflows/deploy.yml", """
            on: push
            permissions: {}
            env:
              TOKEN: ${{ secrets.DEPLOY_TOKEN }}
            jobs:
              deploy:
                runs-on: ubuntu-latest
                steps:
                  - env:
                      TOKEN: not-a-secret
                    run: echo "$TOKEN"
            """);

        Assert.IsEmpty(problems, string.Join('\n', problems));
    }

    [TestMethod]
    public void A_checkout_that_keeps_credentials_is_caught_unless_the_job_may_write_contents()
    {
        var problems = Caught(CheckoutDropsCredentials, ".github/workflows/ci.yml", """
            on: push
            permissions:
              contents: read
            jobs:
              test:
                runs-on: ubuntu-latest
                steps:
                  - name: Check out
                    uses: actions/checkout@0123456789abcdef0123456789abcdef01234567
                  - uses: actions/checkout@0123456789abcdef0123456789abcdef01234567
                    with:
                      persist-credentials: true
                  - uses: actions/checkout@0123456789abcdef0123456789abcdef01234567
                    with:
                      persist-credentials: false
              tag:
                runs-on: ubuntu-latest
                permissions:
                  contents: write
                steps:
                  - uses: actions/checkout@0123456789abcdef0123456789abcdef01234567
                  - run: git tag v1 && git push origin v1
            """);
        var action = Caught(CheckoutDropsCredentials, "actions/x/action.yml", """
            name: x
            description: x
            runs:
              using: composite
              steps:
                - uses: actions/checkout@0123456789abcdef0123456789abcdef01234567
            """);

        Assert.HasCount(2, problems, string.Join('\n', problems));
        Assert.AreEqual(
            ".github/workflows/ci.yml: job 'test', step 1 ('Check out'): the checkout keeps the token in .git/config; "
                + "expected 'with: persist-credentials: false' (only a job with contents: write, which pushes, may keep it)",
            problems[0]);
        StringAssert.StartsWith(problems[1], ".github/workflows/ci.yml: job 'test', step 2 ('actions/checkout@");
        Assert.HasCount(1, action);
        StringAssert.StartsWith(action[0], "actions/x/action.yml: runs.steps, step 1 ('actions/checkout@");
    }
}
