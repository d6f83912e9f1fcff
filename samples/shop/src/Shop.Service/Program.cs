using Shop.Billing;
using Shop.Service;

// The shop's service: a checkout endpoint that load drives, /health, a self-test that exercises billing
// ("can it price a basket?"), and Prometheus-format /metrics that the canary gate scrapes.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
var version = Environment.GetEnvironmentVariable("SHOP_VERSION") ?? "dev";
long ok = 0, failed = 0;

app.MapGet("/health", () => Results.Json(new Health("ok", version), ShopJson.Default.Health));

app.MapGet("/selftest", () => Invoice.Total([10.00m, 5.25m], 0.2m) == 18.30m
    ? Results.Text("prices ok")
    : Results.Text("billing is wrong", statusCode: 500));

app.MapGet("/checkout", () =>
{
    if (Random.Shared.NextDouble() < Release.CheckoutFailureRate)
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
    + $"http_requests_total{{code=\"500\"}} {Interlocked.Read(ref failed)}\n",
    "text/plain; version=0.0.4"));

app.Run();

internal sealed record Health(string Status, string Version);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(Health))]
internal sealed partial class ShopJson : System.Text.Json.Serialization.JsonSerializerContext;
