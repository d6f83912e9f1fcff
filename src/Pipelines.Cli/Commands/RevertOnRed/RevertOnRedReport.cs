using System.Globalization;
using System.Text;
using System.Text.Json;
using Pipelines.Cli.Hosting;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Revert;

namespace Pipelines.Cli.Commands.RevertOnRed;

/// <summary>One probe in outputs and logs.</summary>
public sealed record ProbeJson(string Sha, string Purpose, IReadOnlyList<string> Attempts);

/// <summary>The <c>--json</c> document of <c>revert-on-red</c>.</summary>
public sealed record RevertOnRedJson(
    string Verdict,
    string Reason,
    string? Culprit,
    string? CulpritSubject,
    string? CulpritAuthor,
    string? RevertSha,
    string? PullRequest,
    string? ManualRevert,
    IReadOnlyList<ProbeJson> Probes,
    IReadOnlyList<string> FailingTests,
    bool DryRun);

/// <summary>Turns a decision into outputs, the author's note, a readable report and a step summary.</summary>
public static class RevertOnRedReport
{
    public static IReadOnlyList<ProbeJson> Probes(RevertDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return [.. decision.Probes.Select(p => new ProbeJson(p.Sha, p.Purpose, [.. p.Attempts.Select(a => a ? "pass" : "fail")]))];
    }

    public static CommandResult Build(RevertDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var handled = decision.Verdict is RevertVerdict.Reverted or RevertVerdict.Flaky or RevertVerdict.AlreadyReverted;
        var result = new CommandResult(handled ? ExitCodes.Success : ExitCodes.NegativeVerdict)
            .Output("verdict", decision.Verdict.Name())
            .Output("culprit", decision.Culprit?.Sha ?? string.Empty)
            .Output("revert-sha", decision.Attempt?.RevertSha ?? string.Empty)
            .Output("pull-request", decision.Attempt?.PullRequest ?? string.Empty)
            .Output("probes", ProbesLine(decision));
        if (!handled)
        {
            result.Annotations.Add(new Annotation(AnnotationLevel.Error,
                $"The branch stays red: {decision.Verdict.Name()} — {decision.Reason}", Title: "revert-on-red"));
        }

        result.WithJson(new RevertOnRedJson(
            decision.Verdict.Name(), decision.Reason, decision.Culprit?.Sha, decision.Culprit?.Subject,
            decision.Culprit is { } c ? $"{c.Author} <{c.AuthorEmail}>" : null,
            decision.Attempt?.RevertSha, decision.Attempt?.PullRequest, decision.Attempt?.Conflict,
            Probes(decision), decision.FailingTests, decision.DryRun), c => c.RevertOnRedJson);
        result.Report = Readable(decision);
        result.Summary = Summary(decision);
        return result;
    }

    /// <summary>What the author is told: the note, a status line, and a key that a repeat of this decision shares.</summary>
    public static RevertNotice Notice(RevertDecision decision, string? buildLink, bool postMortem = false, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var culprit = decision.Culprit ?? throw new ArgumentException("a notice needs a culprit", nameof(decision));
        var tests = decision.FailingTests.Count switch
        {
            0 => "the failing tests",
            1 => "1 failing test",
            var n => $"{n} failing tests",
        };
        var headline = decision.Verdict switch
        {
            RevertVerdict.Reverted => $"Broke {decision.Branch} ({tests}); reverted",
            RevertVerdict.Conflict => $"Broke {decision.Branch} ({tests}); the revert conflicts: revert it by hand",
            _ => $"Broke {decision.Branch} ({tests}); not reverted: {decision.Verdict.Name()}",
        };
        var text = Note(decision) + (buildLink is null ? string.Empty : "Build: " + buildLink + "\n");
        var confirmed = decision.Verdict is RevertVerdict.Reverted or RevertVerdict.Conflict;
        return new RevertNotice(culprit, decision.Verdict, text, headline,
            $"pipelines-revert-on-red culprit={culprit.Sha} red={decision.Red} verdict={decision.Verdict.Name()}", buildLink,
            postMortem && confirmed ? PostMortem(decision, buildLink, now ?? DateTimeOffset.UtcNow) : null);
    }

    /// <summary>A blameless post-mortem: what happened, the evidence, and the test that would have caught it.</summary>
    public static (string Title, string Body) PostMortem(RevertDecision decision, string? buildLink, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var culprit = decision.Culprit ?? throw new ArgumentException("a post-mortem needs a culprit", nameof(decision));
        var title = $"Post-mortem: {decision.Branch} went red at {culprit.Sha[..10]} \"{culprit.Subject}\"";
        var md = new StringBuilder();
        md.AppendLine("Blameless: this is about the check that was missing, not about who pushed.").AppendLine();
        md.AppendLine("### Timeline (UTC)").AppendLine();
        md.Append("- ").Append(Markdown.Code(culprit.Sha[..10])).Append(' ').Append(Markdown.Cell(culprit.Subject)).Append(" landed on ").Append(Markdown.Code(decision.Branch)).AppendLine(".");
        md.Append("- The build of ").Append(Markdown.Code(decision.Red[..10])).Append(" failed").AppendLine(buildLink is null ? "." : $" ({buildLink}).");
        md.Append(CultureInfo.InvariantCulture, $"- {now:yyyy-MM-dd HH:mm} revert-on-red re-ran the failing tests {decision.Probes.Sum(p => p.Attempts.Count)} times over {decision.Probes.Count} commits and confirmed the culprit: it fails, its parent passes.").AppendLine();
        md.Append(CultureInfo.InvariantCulture, $"- {now:yyyy-MM-dd HH:mm} ").AppendLine(decision.Verdict == RevertVerdict.Reverted
            ? $"Reverted by {Markdown.Code(decision.Attempt?.RevertSha?[..10] ?? "(dry run)")}{(decision.Attempt?.PullRequest is { } pr ? " in " + pr : string.Empty)}."
            : "The revert conflicts; it is left to a person.").AppendLine();
        if (decision.FailingTests.Count > 0)
        {
            md.AppendLine("### Failing tests").AppendLine();
            foreach (var test in decision.FailingTests.Take(RevertMessage.MaxTestsListed))
            {
                md.Append("- ").AppendLine(Markdown.Code(test));
            }

            md.AppendLine();
        }

        md.AppendLine("### Evidence").AppendLine();
        Markdown.Table(md, ["commit", "attempts", "why"], decision.Probes.Select(p => (IReadOnlyList<string>)
        [
            Markdown.Code(p.Sha[..10]), string.Join(" ", p.Attempts.Select(a => a ? "pass" : "fail")), Markdown.Cell(p.Purpose),
        ]));
        md.AppendLine().AppendLine("### Follow-up").AppendLine();
        md.AppendLine("- [ ] Add the test that would have caught this before it reached the branch");
        md.AppendLine("- [ ] Check that the change's pull request selected the failing tests (tag them so select-tests does)");
        md.AppendLine("- [ ] Re-land the change: revert the revert, fix, push");
        return (title, md.ToString());
    }

    /// <summary>What the author is told, on the culprit itself.</summary>
    public static string Note(RevertDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"pipelines revert-on-red: {decision.Verdict.Name()} — {decision.Reason}.").AppendLine();
        if (decision.Attempt?.RevertSha is { } revert)
        {
            text.Append("Revert: ").Append(revert).Append(decision.Attempt.PullRequest is { } pr ? $" (waiting on {pr})" : string.Empty).AppendLine();
        }

        if (decision.Attempt?.Conflict is { } manual)
        {
            text.Append("Revert it by hand: ").AppendLine(manual);
        }

        if (decision.FailingTests.Count > 0)
        {
            text.Append("Failing tests: ").AppendLine(string.Join(", ", decision.FailingTests.Take(RevertMessage.MaxTestsListed)));
        }

        text.AppendLine("Evidence:");
        foreach (var probe in decision.Probes)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {probe.Sha[..10]} {string.Join(' ', probe.Attempts.Select(a => a ? "pass" : "fail"))} — {probe.Purpose}").AppendLine();
        }

        text.AppendLine("To re-land: revert the revert, fix the failing tests, add the test that would have caught this, push again.");
        return text.ToString();
    }

    private static string ProbesLine(RevertDecision decision)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var probe in decision.Probes)
            {
                writer.WriteStartObject();
                writer.WriteString("sha", probe.Sha);
                writer.WriteString("purpose", probe.Purpose);
                writer.WriteStartArray("attempts");
                foreach (var attempt in probe.Attempts)
                {
                    writer.WriteStringValue(attempt ? "pass" : "fail");
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Readable(RevertDecision decision)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"revert-on-red: {decision.Verdict.Name()}{(decision.DryRun ? " (dry run)" : string.Empty)} — {UntrustedText.ForLine(decision.Reason)}").AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"  branch {UntrustedText.ForLine(decision.Branch)}, green {decision.Green[..10]}, red {decision.Red[..10]}").AppendLine();
        if (decision.Culprit is { } culprit)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"  culprit {culprit.Sha[..10]} \"{UntrustedText.ForLine(culprit.Subject)}\" by {UntrustedText.ForLine(culprit.Author)}").AppendLine();
        }

        if (decision.Attempt?.RevertSha is { } revert)
        {
            text.Append("  revert ").Append(revert[..10]).AppendLine(decision.Attempt.PullRequest is { } pr ? " on " + UntrustedText.ForLine(pr) : string.Empty);
        }

        if (decision.Attempt?.Conflict is { } manual)
        {
            text.Append("  by hand: ").AppendLine(UntrustedText.ForLine(manual));
        }

        foreach (var probe in decision.Probes)
        {
            text.Append(CultureInfo.InvariantCulture, $"  probe {probe.Sha[..10]} {string.Join(' ', probe.Attempts.Select(a => a ? "pass" : "fail")),-16} {probe.Purpose}").AppendLine();
        }

        return text.ToString();
    }

    private static string Summary(RevertDecision decision)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"## revert-on-red: {decision.Verdict.Name()}{(decision.DryRun ? " (dry run)" : string.Empty)}").AppendLine().AppendLine();
        md.AppendLine(Markdown.Cell(decision.Reason)).AppendLine();
        if (decision.Culprit is { } culprit)
        {
            md.Append("Culprit: ").Append(Markdown.Code(culprit.Sha[..10])).Append(' ').Append(Markdown.Cell(culprit.Subject)).Append(" by ").AppendLine(Markdown.Cell(culprit.Author)).AppendLine();
        }

        if (decision.Attempt?.Conflict is { } manual)
        {
            md.AppendLine("Revert it by hand:").AppendLine().AppendLine("```").AppendLine(UntrustedText.BreakCommands(manual)).AppendLine("```").AppendLine();
        }

        Markdown.Table(md, ["commit", "attempts", "why"], decision.Probes.Select(p => (IReadOnlyList<string>)
        [
            Markdown.Code(p.Sha[..10]), string.Join(" ", p.Attempts.Select(a => a ? "✅" : "❌")), Markdown.Cell(p.Purpose),
        ]));
        return md.ToString();
    }
}
