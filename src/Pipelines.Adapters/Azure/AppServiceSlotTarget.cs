using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Pipelines.Adapters.Http;
using Pipelines.Core.Errors;
using Pipelines.Core.Rollout;

namespace Pipelines.Adapters.Azure;

/// <summary>Where the App Service canary deploys and what it reads.</summary>
/// <param name="Package">The zip of a version: <c>{version}</c> is put into the path.</param>
/// <param name="VersionUrl">Production's page that names the version it runs (JSON), e.g. https://shop.azurewebsites.net/health.</param>
/// <param name="VersionPath">A dotted path to the version in that JSON.</param>
/// <param name="Baseline">An optional second slot for the previous version at the canary's share: its name, host and Kudu host.</param>
public sealed record AppServiceSlot(string Site, string Slot, string SlotHostName, string ScmHostName, string Package, Uri VersionUrl, string VersionPath = "version",
    (string Slot, string HostName, string ScmHostName)? Baseline = null);

/// <summary>
/// The App Service side of a slot rollout: Kudu OneDeploy of the version's zip to the slot (asynchronous, polled
/// until status 4, success, or 3, failure), traffic through the site's ramp-up rules, the swap, and production's
/// version read from the app itself so a swap is never repeated. That read goes through the retry policy
/// (<see cref="HttpRetryOptions.Default"/> unless given): a production that answers 503 for a moment is asked again.
/// </summary>
public sealed class AppServiceSlotTarget(
    AppServiceClient client, HttpPipeline kudu, HttpClient http, AppServiceSlot slot, Uri? scmEndpoint = null, TimeProvider? time = null, HttpRetryOptions? retry = null)
    : ISlotTarget
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly RetryingHttpClient _http = new(http, AppServiceClient.SystemName, retry, time);

    public TimeSpan DeployDeadline { get; init; } = TimeSpan.FromMinutes(20);

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(3);

    public bool HasBaseline => slot.Baseline is not null;

    public Task<(bool Ok, string Detail)> DeployAsync(string version, CancellationToken cancellation) =>
        OneDeployAsync(version, scmEndpoint ?? new Uri($"https://{slot.ScmHostName}/"), cancellation);

    public Task<(bool Ok, string Detail)> DeployBaselineAsync(string version, CancellationToken cancellation) =>
        OneDeployAsync(version, BaselineScmEndpoint ?? new Uri($"https://{slot.Baseline!.Value.ScmHostName}/"), cancellation);

    public Task SetBaselineTrafficAsync(double percent, CancellationToken cancellation) =>
        client.SetTrafficAsync(slot.Site, slot.Baseline!.Value.Slot, slot.Baseline.Value.HostName, percent, cancellation);

    /// <summary>Where the baseline slot's Kudu answers (tests point it at a local server).</summary>
    public Uri? BaselineScmEndpoint { get; init; }

    private async Task<(bool Ok, string Detail)> OneDeployAsync(string version, Uri scm, CancellationToken cancellation)
    {
        var package = slot.Package.Replace("{version}", version, StringComparison.Ordinal);
        if (!File.Exists(package))
        {
            throw new InputException($"--package: {package} does not exist (the zip of {version})");
        }

        using var message = kudu.CreateMessage();
        message.Request.Method = RequestMethod.Post;
        message.Request.Uri.Reset(new Uri(scm, "api/publish?type=zip&async=true"));
        message.Request.Headers.SetValue("Content-Type", "application/zip");
        message.Request.Content = RequestContent.Create(BinaryData.FromBytes(await File.ReadAllBytesAsync(package, cancellation).ConfigureAwait(false)));
        await SendAsync(message, "deploy the package", cancellation).ConfigureAwait(false);
        if (message.Response.Status is not (200 or 202))
        {
            return (false, $"OneDeploy answered {message.Response.Status}: {message.Response.Content}");
        }

        var location = message.Response.Headers.TryGetValue("Location", out var l) ? new Uri(scm, l) : new Uri(scm, "api/deployments/latest");
        var deadline = _time.GetUtcNow() + DeployDeadline;
        while (true)
        {
            using var poll = kudu.CreateMessage();
            poll.Request.Method = RequestMethod.Get;
            poll.Request.Uri.Reset(location);
            await SendAsync(poll, "follow the deployment", cancellation).ConfigureAwait(false);
            if (poll.Response.Status is >= 200 and < 300 && JsonNode.Parse(poll.Response.Content.ToString()) is { } deployment)
            {
                // Kudu's deployment status: 3 is failed, 4 is success; anything else is still under way.
                switch (deployment["status"]?.GetValue<int>())
                {
                    case 4:
                        return (true, "deployed");
                    case 3:
                        return (false, $"the deployment failed: {(string?)deployment["status_text"] ?? "no reason given"}");
                }
            }

            if (_time.GetUtcNow() > deadline)
            {
                return (false, $"the deployment did not finish within {DeployDeadline}");
            }

            await Task.Delay(PollInterval, _time, cancellation).ConfigureAwait(false);
        }
    }

    public Task SetTrafficAsync(double percent, CancellationToken cancellation) =>
        client.SetTrafficAsync(slot.Site, slot.Slot, slot.SlotHostName, percent, cancellation);

    public async Task<string?> ProductionVersionAsync(CancellationToken cancellation)
    {
        // Unknown is not "the old version": a swap waits until production can say what it runs.
        OutsideSystemException Unreadable(string why, Exception? inner = null) =>
            new(AppServiceClient.SystemName, string.Create(CultureInfo.InvariantCulture, $"could not read production's version from {slot.VersionUrl}: {why}"), inner);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, slot.VersionUrl), cancellation).ConfigureAwait(false);
        }
        catch (OutsideSystemException ex)
        {
            throw Unreadable(ex.Detail, ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw Unreadable(string.Create(CultureInfo.InvariantCulture, $"{(int)response.StatusCode} {response.ReasonPhrase}"));
            }

            JsonNode? node;
            try
            {
                node = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false));
            }
            catch (JsonException ex)
            {
                throw Unreadable("the answer is not JSON", ex);
            }

            foreach (var part in slot.VersionPath.Split('.'))
            {
                node = node is JsonObject map ? map[part] : null;
            }

            return node?.GetValueKind() == JsonValueKind.String ? (string?)node : node?.ToJsonString();
        }
    }

    public Task SwapAsync(CancellationToken cancellation) => client.SwapWithProductionAsync(slot.Site, slot.Slot, cancellation);

    private async Task SendAsync(HttpMessage message, string what, CancellationToken cancellation)
    {
        try
        {
            await kudu.SendWithinBudgetAsync(message, AppServiceClient.SystemName, what, cancellation).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            throw new OutsideSystemException(AppServiceClient.SystemName, $"could not {what}: {ex.Message}", ex);
        }
    }
}
