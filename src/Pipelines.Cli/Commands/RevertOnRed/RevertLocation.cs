using System.Text.Json;
using System.Text.RegularExpressions;
using Pipelines.Cli.Hosting;
using Pipelines.Core.Errors;

namespace Pipelines.Cli.Commands.RevertOnRed;

/// <summary>
/// Which branch, where: the local clone the probes run in, the hosted repository that holds the branch, and the
/// defaults the CI gives (the <c>workflow_run</c> event that fired on a red trunk, or the build's variables).
/// </summary>
/// <param name="Checkout">The local clone.</param>
/// <param name="Slug">owner/name on GitHub, or the repository's name on Azure Repos.</param>
/// <param name="WorkflowId">The workflow whose last green run bounds the search, from a workflow_run event.</param>
public sealed record RevertLocation(string Provider, string Checkout, string? Slug, string? Branch, string? Red, long? WorkflowId)
{
    public static RevertLocation Resolve(CliContext context, string provider, string repo, string? branch, string? red)
    {
        ArgumentNullException.ThrowIfNull(context);
        var isFolder = Directory.Exists(context.ResolvePath(repo));
        var checkout = isFolder || provider == "git" ? repo : ".";
        var slug = isFolder || provider == "git" ? null : repo;
        switch (provider)
        {
            case "github":
                var run = WorkflowRun(context);
                slug ??= context.Get("GITHUB_REPOSITORY");
                if (slug is null || !Regex.IsMatch(slug, "^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$"))
                {
                    throw new InputException($"--repo: expected the GitHub repository as owner/name (or GITHUB_REPOSITORY set), got '{slug ?? repo}'");
                }

                var refName = context.Get("GITHUB_REF") is { } gitRef && gitRef.StartsWith("refs/heads/", StringComparison.Ordinal) ? gitRef["refs/heads/".Length..] : null;
                return new RevertLocation(provider, checkout, slug, branch ?? run?.Branch ?? refName, red ?? run?.HeadSha ?? context.Get("GITHUB_SHA"), run?.WorkflowId);
            case "azure-devops":
                slug ??= context.Get("BUILD_REPOSITORY_NAME")
                    ?? throw new InputException("--repo: expected the Azure Repos repository's name (or BUILD_REPOSITORY_NAME set)");
                var sourceBranch = context.Get("BUILD_SOURCEBRANCH") is { } source && source.StartsWith("refs/heads/", StringComparison.Ordinal) ? source["refs/heads/".Length..] : null;
                return new RevertLocation(provider, checkout, slug, branch ?? sourceBranch, red ?? context.Get("BUILD_SOURCEVERSION"), null);
            default:
                return new RevertLocation(provider, checkout, null, branch, red ?? context.Get("BUILD_SOURCEVERSION") ?? context.Get("GITHUB_SHA"), null);
        }
    }

    private sealed record RunEvent(string? HeadSha, string? Branch, long? WorkflowId);

    /// <summary>The <c>workflow_run</c> event a red trunk fires (<c>on: workflow_run: types: [completed]</c>), if that is what started us.</summary>
    private static RunEvent? WorkflowRun(CliContext context)
    {
        if (context.Get("GITHUB_EVENT_PATH") is not { } path || !File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (!document.RootElement.TryGetProperty("workflow_run", out var run) || run.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            static string? Text(JsonElement element, string name) =>
                element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            return new RunEvent(Text(run, "head_sha"), Text(run, "head_branch"),
                run.TryGetProperty("workflow_id", out var id) && id.TryGetInt64(out var number) ? number : null);
        }
        catch (JsonException ex)
        {
            throw new InputException($"GITHUB_EVENT_PATH: {path} is not JSON ({ex.Message})");
        }
    }
}
