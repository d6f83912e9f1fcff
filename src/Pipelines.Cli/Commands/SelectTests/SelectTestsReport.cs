using System.Globalization;
using System.Text;
using Pipelines.Cli.Hosting;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Selection;

namespace Pipelines.Cli.Commands.SelectTests;

/// <summary>The <c>--json</c> document of <c>select-tests</c>: the outputs in camelCase, and the evidence behind them.</summary>
public sealed record SelectTestsJson(
    string Base,
    string BaseReason,
    string Head,
    int ChangedFiles,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Projects,
    string Filter,
    bool RunAll,
    string? RunAllReason,
    IReadOnlyList<string> Untagged,
    IReadOnlyList<UntaggedFile> UntaggedDetails,
    IReadOnlyList<string> Ignored,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Reasons,
    IReadOnlyDictionary<string, SelectionReason> ReasonDetails,
    IReadOnlyList<RunAllCause> RunAllCauses,
    IReadOnlyDictionary<string, string> FileReasons)
{
    /// <summary>With <c>--impact-map</c>: what the map made of the projects (also written to <c>--impact-out</c>).</summary>
    public ImpactSelectionJson? Impact { get; init; }
}

/// <summary>Turns a <see cref="SelectionResult"/> into outputs, a readable report, a step summary and annotations.</summary>
public static class SelectTestsReport
{
    public static CommandResult Build(
        SelectionResult selection, BaseCommit baseCommit, string head, string configPath, SelectTestsImpact.Outcome? impact = null, string? impactOut = null)
    {
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(baseCommit);
        // A map that is bad input still leaves the project-level answer in the outputs, for a job that goes on regardless.
        var exitCode = impact?.BadInput is not null ? ExitCodes.BadInput
            : selection.Failed || impact?.Audit is { Missed.Count: > 0 } ? ExitCodes.NegativeVerdict
            : ExitCodes.Success;
        var result = new CommandResult(exitCode)
            .Output("tags", selection.Tags)
            .Output("projects", selection.Projects)
            .Output("filter", selection.Filter)
            .Output("run-all", selection.RunAll)
            .Output("untagged", selection.Untagged.Select(u => u.Path));

        var level = selection.Failed ? AnnotationLevel.Error : AnnotationLevel.Warning;
        foreach (var file in selection.Untagged)
        {
            result.Annotations.Add(new Annotation(level,
                $"No test covers this change: {file.Why}. Add it to a tag in {configPath} (tests.tags), or to tests.ignore if it needs no tests.",
                File: file.Path, Title: "Untagged change"));
        }

        var allReasons = selection.TagReasons.Concat(selection.ProjectReasons).ToList();
        result.WithJson(new SelectTestsJson(
            Base: baseCommit.Sha,
            BaseReason: baseCommit.Reason,
            Head: head,
            ChangedFiles: selection.ChangedFileCount,
            Tags: selection.Tags,
            Projects: selection.Projects,
            Filter: selection.Filter,
            RunAll: selection.RunAll,
            RunAllReason: selection.RunAllReason,
            Untagged: [.. selection.Untagged.Select(u => u.Path)],
            UntaggedDetails: selection.Untagged,
            Ignored: selection.Ignored,
            Reasons: allReasons.ToDictionary(r => r.Key, r => r.Value.Files),
            ReasonDetails: allReasons.ToDictionary(r => r.Key, r => r.Value),
            RunAllCauses: selection.RunAllCauses,
            FileReasons: selection.FileReasons) { Impact = impact?.Selection }, c => c.SelectTestsJson);
        result.Report = Readable(selection, baseCommit, head);
        result.Summary = Summary(selection, baseCommit, head);
        if (impact is not null)
        {
            AddImpact(result, impact, impactOut ?? string.Empty);
        }

        return result;
    }

    private static void AddImpact(CommandResult result, SelectTestsImpact.Outcome impact, string impactOut)
    {
        var selection = impact.Selection;
        result.Output("impact", selection.Used ? "narrowed" : "not-used")
            .Output("impact-selection", impactOut)
            .Output("impact-invocations", selection.Invocations.Count.ToString(CultureInfo.InvariantCulture));
        if (impact.BadInput is not null)
        {
            result.Annotations.Add(new Annotation(AnnotationLevel.Error,
                $"{impact.BadInput}. The project-level selection stands; record a new map with 'pipelines record-impact'.", Title: "Impact map"));
        }
        else if (!selection.Used && impact.Missing is null)
        {
            result.Annotations.Add(new Annotation(AnnotationLevel.Warning, $"Impact map not used: {selection.NotUsedReason}.", Title: "Impact map"));
        }
        else if (impact.Missing is not null)
        {
            result.Annotations.Add(new Annotation(AnnotationLevel.Notice, impact.Missing, Title: "Impact map"));
        }

        if (impact.Audit?.Missed is { } missed)
        {
            result.Output("impact-missed", missed.Select(m => m.Test));
            foreach (var test in missed)
            {
                result.Annotations.Add(new Annotation(AnnotationLevel.Error,
                    $"{test.Test} failed in the full run, but the selection would not have run it{(test.Source is null ? string.Empty : " (" + test.Source + ")")}.",
                    Title: "Test selection missed a failure"));
            }
        }

        var text = new StringBuilder(result.Report);
        if (impact.BadInput is not null)
        {
            text.Append("error: ").AppendLine(UntrustedText.ForLine(impact.BadInput));
        }

        Line(text, "impact", selection.Used
            ? $"narrowed with the map of {Short(selection.MapCommit ?? string.Empty)} ({selection.MapAge} commit{Plural(selection.MapAge ?? 0)} behind, {selection.ChangedSinceMap} file{Plural(selection.ChangedSinceMap)} changed since); {selection.Invocations.Count} dotnet test run{Plural(selection.Invocations.Count)} in {impactOut}"
            : "not used — " + selection.NotUsedReason);
        foreach (var project in selection.Projects)
        {
            text.Append("  ").Append(UntrustedText.ForLine(project.Project)).Append(": ").Append(project.Run).Append(" — ").AppendLine(UntrustedText.ForLine(project.Reason));
        }

        foreach (var (path, why) in selection.FileReasons.Where(f => f.Value.StartsWith("the impact map cannot", StringComparison.Ordinal)))
        {
            text.Append("  not narrowed ").Append(UntrustedText.ForLine(path)).Append(": ").AppendLine(UntrustedText.ForLine(why));
        }

        if (impact.Audit is { Missed: var audited, Failures: var failures })
        {
            Line(text, "audit", audited.Count == 0
                ? $"the full run had {failures} failed test{Plural(failures)}; the selection runs every one"
                : $"{audited.Count} of {failures} failed tests of the full run would not have run: {string.Join(", ", audited.Select(m => m.Test))}");
        }

        result.Report = text.ToString();

        var md = new StringBuilder(result.Summary);
        md.AppendLine("### Impact map").AppendLine();
        md.AppendLine(selection.Used
            ? $"Narrowed with the map of `{Short(selection.MapCommit ?? string.Empty)}` ({selection.MapAge} commits behind; {selection.ChangedSinceMap} files changed since)."
            : "Not used: " + Markdown.Cell(selection.NotUsedReason ?? string.Empty)).AppendLine();
        if (selection.Projects.Count > 0)
        {
            Markdown.Table(md, ["test project", "runs", "why"], [.. selection.Projects.Select(p => (IReadOnlyList<string>)
                [Markdown.Code(p.Project), p.Run == "filtered" ? $"{p.SelectedTests} of {p.KnownTests} tests" + (p.SelectedClasses > 0 ? $" + {p.SelectedClasses} classes" : string.Empty) : p.Run, Markdown.Cell(p.Reason)])]);
            md.AppendLine();
        }

        var blind = selection.FileReasons.Where(f => f.Value.StartsWith("the impact map cannot", StringComparison.Ordinal)).ToList();
        if (blind.Count > 0)
        {
            md.Append(CultureInfo.InvariantCulture, $"<details><summary>{blind.Count} file{Plural(blind.Count)} the map cannot narrow</summary>").AppendLine().AppendLine();
            foreach (var (path, why) in blind.Take(TestSelector.MaxReasonFiles))
            {
                md.Append("- ").Append(Markdown.Code(path)).Append(" — ").AppendLine(Markdown.Cell(why));
            }

            md.AppendLine().AppendLine("</details>");
        }

        result.Summary = md.ToString();
    }

    private static string Readable(SelectionResult selection, BaseCommit baseCommit, string head)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"select-tests: {Short(baseCommit.Sha)}..{Short(head)} ({baseCommit.Reason}), {selection.ChangedFileCount} changed file{Plural(selection.ChangedFileCount)}").AppendLine();
        Line(text, "tags", selection.Tags.Count == 0 ? "(none)" : string.Join(", ", selection.Tags));
        Line(text, "projects", selection.Projects.Count == 0 ? "(none)" : string.Join(", ", selection.Projects));
        Line(text, "filter", selection.Filter.Length == 0 ? "(none)" : selection.Filter);
        Line(text, "run-all", selection.RunAll ? "true — " + selection.RunAllReason : "false");
        Line(text, "untagged", selection.Untagged.Count == 0 ? "(none)" : string.Join(", ", selection.Untagged.Select(u => u.Path)));
        if (selection.NothingToRun)
        {
            text.AppendLine("Nothing to test: every change is ignored or the diff is empty.");
        }

        var reasons = selection.TagReasons.Select(r => ("tag " + r.Key, r.Value))
            .Concat(selection.ProjectReasons.Select(r => ("project " + r.Key, r.Value))).ToList();
        if (reasons.Count > 0 || selection.Ignored.Count > 0)
        {
            text.AppendLine("why:");
            foreach (var (name, reason) in reasons)
            {
                text.Append("  ").Append(UntrustedText.ForLine(name)).Append(" ← ").AppendLine(Describe(reason));
            }

            if (selection.Ignored.Count > 0)
            {
                text.Append("  ignored ← ").AppendLine(FileList(selection.Ignored, selection.Ignored.Count));
            }
        }

        foreach (var file in selection.Untagged)
        {
            text.Append("  untagged ").Append(UntrustedText.ForLine(file.Path)).Append(": ").AppendLine(UntrustedText.ForLine(file.Why));
        }

        foreach (var cause in selection.RunAllCauses.Where(c => !selection.Untagged.Any(u => u.Path == c.Path)))
        {
            text.Append("  run-all ").Append(UntrustedText.ForLine(cause.Path)).Append(": ").AppendLine(UntrustedText.ForLine(cause.Why));
        }

        return text.ToString();
    }

    private static string Summary(SelectionResult selection, BaseCommit baseCommit, string head)
    {
        var md = new StringBuilder();
        md.AppendLine("## Test selection").AppendLine();
        md.Append(CultureInfo.InvariantCulture,
            $"Compared `{Short(baseCommit.Sha)}`..`{Short(head)}` ({Markdown.Cell(baseCommit.Reason)}): **{selection.ChangedFileCount}** changed file{Plural(selection.ChangedFileCount)}, ")
            .Append(CultureInfo.InvariantCulture, $"**{selection.Tags.Count}** tag{Plural(selection.Tags.Count)}, **{selection.Projects.Count}** test project{Plural(selection.Projects.Count)}.")
            .AppendLine().AppendLine();
        if (selection.RunAll)
        {
            md.Append("**Running all tests:** ").AppendLine(Markdown.Cell(selection.RunAllReason ?? string.Empty)).AppendLine();
            foreach (var cause in selection.RunAllCauses.Take(TestSelector.MaxReasonFiles))
            {
                md.Append("- ").Append(Markdown.Code(cause.Path)).Append(" — ").AppendLine(Markdown.Cell(cause.Why));
            }

            if (selection.RunAllCauses.Count > 0)
            {
                md.AppendLine();
            }
        }
        else if (selection.Filter.Length > 0)
        {
            md.Append("Filter: ").AppendLine(Markdown.Code(selection.Filter, inTable: false)).AppendLine();
        }

        if (selection.NothingToRun)
        {
            md.AppendLine("Nothing to test: every change is ignored or the diff is empty.").AppendLine();
        }

        var rows = selection.TagReasons.Select(r => (IReadOnlyList<string>)["tag", Markdown.Code(r.Key), Markdown.Cell(r.Value.Rule), r.Value.FileCount.ToString(CultureInfo.InvariantCulture), Files(r.Value)])
            .Concat(selection.ProjectReasons.Select(r => (IReadOnlyList<string>)["project", Markdown.Code(r.Key), Markdown.Cell(r.Value.Rule), r.Value.FileCount.ToString(CultureInfo.InvariantCulture), Files(r.Value)]))
            .ToList();
        if (rows.Count > 0)
        {
            Markdown.Table(md, ["", "selected", "because of", "files", "changed files"], rows);
            md.AppendLine();
        }

        if (selection.Untagged.Count > 0)
        {
            md.Append(CultureInfo.InvariantCulture, $"### ⚠️ {selection.Untagged.Count} untagged change{Plural(selection.Untagged.Count)} (policy: {PolicyName(selection.UntaggedPolicy)})").AppendLine().AppendLine();
            md.AppendLine("No tag and no test project covers these files: a needed test may not run. Add them to a tag, or to `tests.ignore`.").AppendLine();
            foreach (var file in selection.Untagged)
            {
                md.Append("- ").Append(Markdown.Code(file.Path)).Append(" — ").AppendLine(Markdown.Cell(file.Why));
            }

            md.AppendLine();
        }

        if (selection.Ignored.Count > 0)
        {
            md.Append(CultureInfo.InvariantCulture, $"<details><summary>{selection.Ignored.Count} ignored file{Plural(selection.Ignored.Count)}</summary>").AppendLine().AppendLine();
            foreach (var file in selection.Ignored)
            {
                md.Append("- ").AppendLine(Markdown.Code(file));
            }

            md.AppendLine().AppendLine("</details>");
        }

        return md.ToString();
    }

    private static string Files(SelectionReason reason)
    {
        if (reason.FileCount == 0)
        {
            return "—";
        }

        const int shown = 5;
        var files = string.Join(", ", reason.Files.Take(shown).Select(f => Markdown.Code(f)));
        return reason.FileCount > shown ? files + $" and {reason.FileCount - shown} more" : files;
    }

    private static string Describe(SelectionReason reason) =>
        reason.FileCount == 0 ? reason.Rule : $"{FileList(reason.Files, reason.FileCount)} ({reason.Rule})";

    private static string FileList(IReadOnlyList<string> files, int count)
    {
        const int shown = 3;
        var list = string.Join(", ", files.Take(shown).Select(UntrustedText.ForLine));
        return count > shown ? $"{list} and {count - shown} more" : list;
    }

    private static void Line(StringBuilder text, string name, string value) =>
        text.Append("  ").Append(name.PadRight(9)).AppendLine(UntrustedText.ForLine(value));

    private static string Short(string sha) => sha.Length > 10 ? sha[..10] : sha;

    private static string Plural(int count) => count == 1 ? string.Empty : "s";

    private static string PolicyName(UntaggedPolicy policy) => policy switch
    {
        UntaggedPolicy.RunAll => "run-all",
        UntaggedPolicy.Warn => "warn",
        _ => "fail",
    };
}
