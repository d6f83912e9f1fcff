using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Pipelines.Core.Errors;

namespace Pipelines.Adapters.Azure;

/// <summary>A deployment slot as the canary needs it.</summary>
public sealed record SlotInfo(string Name, string State, string DefaultHostName);

/// <summary>One App Service traffic-routing rule: a share of production's traffic sent to a slot's host.</summary>
public sealed record RampUpRule(string Name, string ActionHostName, double ReroutePercentage);

/// <summary>
/// The Microsoft.Web calls the App Service canary makes (api-version 2024-11-01) over Azure.Core's pipeline: slots,
/// traffic routing through <c>config/web</c> <c>experiments.rampUpRules</c>, the slot swap (a long-running operation:
/// 202 and a Location to poll) and a slot's deployment status. ARM's 409 "another operation is in progress" is waited
/// out; 429 and 5xx are Azure.Core's retries.
/// </summary>
public sealed class AppServiceClient(HttpPipeline management, string subscriptionId, string resourceGroup, Uri? managementEndpoint = null, TimeProvider? time = null)
{
    public const string ApiVersion = "2024-11-01";
    public const string SystemName = "Azure App Service";

    private readonly Uri _management = managementEndpoint ?? new Uri("https://management.azure.com/");
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>How long a long-running operation may take, and how often it is polled at most.</summary>
    public TimeSpan OperationDeadline { get; init; } = TimeSpan.FromMinutes(15);

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    public async Task<SlotInfo?> GetSlotAsync(string site, string slot, CancellationToken cancellation)
    {
        var (status, body) = await SendAsync(RequestMethod.Get, Site(site) + $"/slots/{Uri.EscapeDataString(slot)}", null, $"read slot {slot}", cancellation).ConfigureAwait(false);
        return status == 404 ? null : Shape($"read slot {slot}", () => Slot(body));
    }

    /// <summary>Creates the slot unless it exists; waits for an asynchronous creation to finish.</summary>
    public async Task<SlotInfo> EnsureSlotAsync(string site, string slot, string location, CancellationToken cancellation)
    {
        if (await GetSlotAsync(site, slot, cancellation).ConfigureAwait(false) is { } existing)
        {
            return existing;
        }

        var envelope = new JsonObject { ["location"] = location, ["properties"] = new JsonObject() };
        var (status, _, headers) = await SendWithHeadersAsync(RequestMethod.Put, Site(site) + $"/slots/{Uri.EscapeDataString(slot)}", envelope, $"create slot {slot}", cancellation).ConfigureAwait(false);
        if (status == 202 && headers.TryGetValue("azure-asyncoperation", out var operation))
        {
            await WaitForOperationAsync(new Uri(operation), $"create slot {slot}", cancellation).ConfigureAwait(false);
        }

        return await GetSlotAsync(site, slot, cancellation).ConfigureAwait(false)
            ?? throw new OutsideSystemException(SystemName, $"slot {slot} was created but cannot be read back");
    }

    public async Task<IReadOnlyList<RampUpRule>> GetRampUpRulesAsync(string site, CancellationToken cancellation)
    {
        var (_, body) = await SendAsync(RequestMethod.Get, Site(site) + "/config/web", null, "read the routing rules", cancellation).ConfigureAwait(false);
        return Shape("read the routing rules", () => Rules(body));
    }

    /// <summary>
    /// Sends <paramref name="percent"/> of production's traffic to the slot (0 removes its rule), by reading the site
    /// configuration and writing it back with only that rule changed. Setting what is already set writes nothing.
    /// </summary>
    public async Task SetTrafficAsync(string site, string slot, string slotHostName, double percent, CancellationToken cancellation)
    {
        var (_, body) = await SendAsync(RequestMethod.Get, Site(site) + "/config/web", null, "read the site configuration", cancellation).ConfigureAwait(false);
        var config = body!.AsObject();
        var properties = config["properties"]?.AsObject() ?? throw new OutsideSystemException(SystemName, "the site configuration has no properties");
        var rules = Rules(config).Where(r => !string.Equals(r.Name, slot, StringComparison.OrdinalIgnoreCase)).ToList();
        var current = Rules(config).FirstOrDefault(r => string.Equals(r.Name, slot, StringComparison.OrdinalIgnoreCase));
        if ((current?.ReroutePercentage ?? 0) == percent && (percent == 0 || current?.ActionHostName == slotHostName))
        {
            return;
        }

        if (percent > 0)
        {
            rules.Add(new RampUpRule(slot, slotHostName, percent));
        }

        properties["experiments"] = new JsonObject
        {
            ["rampUpRules"] = new JsonArray([.. rules.Select(r => (JsonNode)new JsonObject
            {
                ["actionHostName"] = r.ActionHostName,
                ["reroutePercentage"] = r.ReroutePercentage,
                ["name"] = r.Name,
            })]),
        };
        await SendAsync(RequestMethod.Put, Site(site) + "/config/web", new JsonObject { ["properties"] = properties.DeepClone() }, $"route {percent}% to {slot}", cancellation).ConfigureAwait(false);
    }

    /// <summary>Swaps the slot with production and waits for the swap to finish (202, then poll the Location until 200).</summary>
    public async Task SwapWithProductionAsync(string site, string slot, CancellationToken cancellation)
    {
        var body = new JsonObject { ["targetSlot"] = "production", ["preserveVnet"] = true };
        var (status, _, headers) = await SendWithHeadersAsync(RequestMethod.Post, Site(site) + $"/slots/{Uri.EscapeDataString(slot)}/slotsswap", body, $"swap {slot} with production", cancellation).ConfigureAwait(false);
        if (status == 202)
        {
            var location = headers.TryGetValue("location", out var l) ? l : throw new OutsideSystemException(SystemName, "the swap was accepted without a Location to follow");
            await PollLocationAsync(new Uri(location), $"swap {slot} with production", cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>A slot deployment's status: RuntimeSuccessful, RuntimeStarting, BuildFailed, RuntimeFailed…</summary>
    public async Task<string> DeploymentStatusAsync(string site, string slot, string deploymentId, CancellationToken cancellation)
    {
        var (_, body) = await SendAsync(RequestMethod.Get, Site(site) + $"/slots/{Uri.EscapeDataString(slot)}/deploymentStatus/{Uri.EscapeDataString(deploymentId)}", null,
            $"read deployment {deploymentId}", cancellation).ConfigureAwait(false);
        return Shape($"read deployment {deploymentId}", () => (string?)Whole(body)["properties"]?["status"])
            ?? throw new OutsideSystemException(SystemName, $"deployment {deploymentId} has no status");
    }

    private string Site(string site) =>
        $"subscriptions/{Uri.EscapeDataString(subscriptionId)}/resourceGroups/{Uri.EscapeDataString(resourceGroup)}/providers/Microsoft.Web/sites/{Uri.EscapeDataString(site)}";

    private static SlotInfo Slot(JsonNode? answer)
    {
        var body = Whole(answer);
        return new(
            (string?)body["name"] ?? string.Empty,
            (string?)body["properties"]?["state"] ?? "Unknown",
            (string?)body["properties"]?["defaultHostName"] ?? string.Empty);
    }

    private static JsonNode Whole(JsonNode? body) => body ?? throw new InvalidOperationException("the answer is empty");

    /// <summary>
    /// Reads an answer of the shape ARM documents; any other shape (not JSON, a list for an object, a repeated key)
    /// is Azure's failure, exit 3, not a crash.
    /// </summary>
    private static T Shape<T>(string what, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException or FormatException)
        {
            throw new OutsideSystemException(SystemName, $"could not {what}: the answer is not of the documented shape ({ex.Message})", ex);
        }
    }

    private static List<RampUpRule> Rules(JsonNode? config) =>
        Whole(config)["properties"]?["experiments"]?["rampUpRules"] is JsonArray rules
            ? [.. rules.OfType<JsonObject>().Select(r => new RampUpRule((string?)r["name"] ?? string.Empty, (string?)r["actionHostName"] ?? string.Empty, r["reroutePercentage"]?.GetValue<double>() ?? 0))]
            : [];

    private async Task<(int Status, JsonNode? Body)> SendAsync(RequestMethod method, string path, JsonNode? body, string what, CancellationToken cancellation)
    {
        var (status, json, _) = await SendWithHeadersAsync(method, path, body, what, cancellation).ConfigureAwait(false);
        return (status, json);
    }

    private async Task<(int Status, JsonNode? Body, Dictionary<string, string> Headers)> SendWithHeadersAsync(
        RequestMethod method, string path, JsonNode? body, string what, CancellationToken cancellation)
    {
        var deadline = _time.GetUtcNow() + OperationDeadline;
        while (true)
        {
            using var message = management.CreateMessage();
            message.Request.Method = method;
            message.Request.Uri.Reset(new Uri(_management, path + "?api-version=" + ApiVersion));
            if (body is not null)
            {
                message.Request.Headers.SetValue("Content-Type", "application/json");
                message.Request.Content = RequestContent.Create(BinaryData.FromString(body.ToJsonString()));
            }

            await Send(message, what, cancellation).ConfigureAwait(false);
            var response = message.Response;

            // 409: another operation on the site is in progress (a swap, a restart); wait it out rather than fail.
            if (response.Status == 409 && _time.GetUtcNow() < deadline)
            {
                await Task.Delay(PollInterval, _time, cancellation).ConfigureAwait(false);
                continue;
            }

            var headers = response.Headers.ToDictionary(h => h.Name.ToLowerInvariant(), h => h.Value, StringComparer.Ordinal);
            if (response.Status == 404 && method == RequestMethod.Get)
            {
                return (404, null, headers);
            }

            if (response.Status is < 200 or >= 300)
            {
                throw new OutsideSystemException(SystemName, $"could not {what}: {response.Status} {Error(response.Content)}");
            }

            return (response.Status, response.Content.ToMemory().Length == 0 ? null : Shape(what, () => JsonNode.Parse(response.Content.ToString())), headers);
        }
    }

    /// <summary>Polls an Azure-AsyncOperation URL until its status is Succeeded (or Failed/Canceled).</summary>
    private async Task WaitForOperationAsync(Uri operation, string what, CancellationToken cancellation)
    {
        var deadline = _time.GetUtcNow() + OperationDeadline;
        while (true)
        {
            var (code, content, _) = await GetRawAsync(operation, what, cancellation).ConfigureAwait(false);
            var status = code is >= 200 and < 300 ? Shape(what, () => (string?)JsonNode.Parse(content.ToString())?["status"]) : null;
            switch (status)
            {
                case "Succeeded":
                    return;
                case "Failed" or "Canceled":
                    throw new OutsideSystemException(SystemName, $"could not {what}: the operation ended {status}");
            }

            if (_time.GetUtcNow() > deadline)
            {
                throw new OutsideSystemException(SystemName, $"could not {what}: still running after {OperationDeadline}");
            }

            await Task.Delay(PollInterval, _time, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>Polls a Location URL: 202 while running, 200 or 204 when done (ARM's long-running operation pattern).</summary>
    private async Task PollLocationAsync(Uri location, string what, CancellationToken cancellation)
    {
        var deadline = _time.GetUtcNow() + OperationDeadline;
        while (true)
        {
            var (status, content, headers) = await GetRawAsync(location, what, cancellation).ConfigureAwait(false);
            if (status is 200 or 204)
            {
                return;
            }

            if (status != 202)
            {
                throw new OutsideSystemException(SystemName, $"could not {what}: {status} {Error(content)}");
            }

            if (_time.GetUtcNow() > deadline)
            {
                throw new OutsideSystemException(SystemName, $"could not {what}: still running after {OperationDeadline}");
            }

            var retryAfter = headers.TryGetValue("retry-after", out var seconds) && int.TryParse(seconds, out var s) ? TimeSpan.FromSeconds(s) : PollInterval;
            await Task.Delay(retryAfter < PollInterval ? retryAfter : PollInterval, _time, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>A GET of an operation URL the service handed out, read whole before the message goes.</summary>
    private async Task<(int Status, BinaryData Content, Dictionary<string, string> Headers)> GetRawAsync(Uri uri, string what, CancellationToken cancellation)
    {
        using var message = management.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(uri);
        await Send(message, what, cancellation).ConfigureAwait(false);
        var response = message.Response;
        return (response.Status, response.Content, response.Headers.ToDictionary(h => h.Name.ToLowerInvariant(), h => h.Value, StringComparer.Ordinal));
    }

    private async Task Send(HttpMessage message, string what, CancellationToken cancellation)
    {
        try
        {
            await management.SendWithinBudgetAsync(message, SystemName, what, cancellation).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            throw new OutsideSystemException(SystemName, $"could not {what}: {ex.Message}", ex);
        }
        catch (global::Azure.Identity.AuthenticationFailedException ex)
        {
            throw new OutsideSystemException(SystemName, $"could not {what}: no Azure credential ({ex.Message.Split('\n')[0]})", ex);
        }
    }

    private static string Error(BinaryData content)
    {
        try
        {
            var error = JsonNode.Parse(content.ToString())?["error"];
            return error is null ? content.ToString() : $"{(string?)error["code"]}: {(string?)error["message"]}";
        }
        catch (JsonException)
        {
            return content.ToString();
        }
    }
}
