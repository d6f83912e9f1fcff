using System.Collections.Concurrent;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;
using Shop.Billing;
using Shop.Service;

// The shop's service: a checkout endpoint that load drives, /health, a self-test that exercises billing
// ("can it price a basket?"), and Prometheus-format /metrics that the canary gate scrapes. Its feature flags come
// from a Microsoft Feature Management file (SHOP_FLAGS), re-read when it changes, and are targeted by user id, so a
// user stays in one cohort as a flag's share grows; /metrics counts checkouts per flag and cohort for the release gate.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
if (Environment.GetEnvironmentVariable("SHOP_FLAGS") is { Length: > 0 } flags)
{
    builder.Configuration.AddJsonFile(Path.GetFullPath(flags), optional: true, reloadOnChange: true);
}

builder.Services.AddFeatureManagement();
var app = builder.Build();
var version = Environment.GetEnvironmentVariable("SHOP_VERSION") ?? "dev";
long ok = 0, failed = 0;
var cohorts = new ConcurrentDictionary<(string Flag, string Cohort, int Code), long>();

app.MapGet("/health", () => Results.Json(new Health("ok", version), ShopJson.Default.Health));

app.MapGet("/selftest", () => Invoice.Total([10.00m, 5.25m], 0.2m) == 18.30m
    ? Results.Text("prices ok")
    : Results.Text("billing is wrong", statusCode: 500));

app.MapGet("/checkout", async (string? user, IFeatureManager features) =>
{
    var who = new TargetingContext { UserId = string.IsNullOrEmpty(user) ? "anonymous" : user };
    var on = new Dictionary<string, bool>(StringComparer.Ordinal);
    foreach (var flag in Release.Flags)
    {
        on[flag] = await features.IsEnabledAsync(flag, who);
    }

    // The broken flag's new flow fails a fifth of its checkouts; the new checkout flow is as good as the old one.
    var failure = Release.CheckoutFailureRate + (on[Release.BrokenCheckout] ? Release.BrokenFlowFailureRate : 0);
    var code = Random.Shared.NextDouble() < failure ? 500 : 200;
    foreach (var (flag, enabled) in on)
    {
        cohorts.AddOrUpdate((flag, enabled ? "on" : "off", code), 1, (_, n) => n + 1);
    }

    if (code == 500)
    {
        Interlocked.Increment(ref failed);
        return Results.Text("checkout failed", statusCode: 500);
    }

    Interlocked.Increment(ref ok);
    return Results.Text(Invoice.Total([19.99m], 0.2m).ToString(System.Globalization.CultureInfo.InvariantCulture));
});

app.MapGet("/metrics", () => Results.Text(
    "# TYPE http_requests_total counter\n"
    + $"http_requests_total{{code=\"200\"}} {Interlocked.Read(ref ok)}\n"
    + $"http_requests_total{{code=\"500\"}} {Interlocked.Read(ref failed)}\n"
    + "# TYPE checkout_requests_total counter\n"
    + string.Concat(Release.Flags.SelectMany(flag => new[] { "on", "off" }.SelectMany(cohort => new[] { 200, 500 }.Select(code =>
        $"checkout_requests_total{{flag=\"{flag}\",cohort=\"{cohort}\",code=\"{code}\"}} {cohorts.GetValueOrDefault((flag, cohort, code))}\n")))),
    "text/plain; version=0.0.4"));

app.Run();

internal sealed record Health(string Status, string Version);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(Health))]
internal sealed partial class ShopJson : System.Text.Json.Serialization.JsonSerializerContext;
