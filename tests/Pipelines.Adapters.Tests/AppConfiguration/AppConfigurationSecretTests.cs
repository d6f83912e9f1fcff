using Pipelines.Adapters.AppConfiguration;
using Pipelines.Adapters.Azure;
using Pipelines.Adapters.Http;
using Pipelines.Core.Errors;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.AppConfiguration;

/// <summary>
/// Issue #16: a connection string's secret never appears in a message, an exception or a description — not even when
/// the server echoes it back — and is handed to the secret masking before it is used; requests are signed exactly as
/// App Configuration's HMAC-SHA256 scheme says.
/// </summary>
[TestClass]
public sealed class AppConfigurationSecretTests
{
    // base64 of "planted-secret-key-0123456789"
    private const string Secret = "cGxhbnRlZC1zZWNyZXQta2V5LTAxMjM0NTY3ODk=";
    private const string OtherSecret = "b3RoZXItcGxhbnRlZC1zZWNyZXQtOTg3NjU0MzIxMA==";
    private const string Flag = """{"id":"new-checkout","enabled":true,"conditions":{"client_filters":[{"name":"Microsoft.Targeting","parameters":{"Audience":{"DefaultRolloutPercentage":5}}}]}}""";

    private static readonly AzureClientOptions Quick = new(new HttpRetryOptions(1, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20)));

    /// <summary>Everything about an exception a command could print.</summary>
    private static string Printed(Exception error) => error + " " + string.Join(" ", Inner(error).Select(e => e.Message));

    private static IEnumerable<Exception> Inner(Exception error)
    {
        for (var e = error.InnerException; e is not null; e = e.InnerException)
        {
            yield return e;
        }

        if (error is AggregateException aggregate)
        {
            foreach (var e in aggregate.InnerExceptions)
            {
                yield return e;
            }
        }
    }

    [TestMethod]
    public void The_signature_matches_one_computed_independently_with_openssl()
    {
        // printf 'GET\n/kv/.appconfig.featureflag%2Fnew-checkout?api-version=2024-09-01\nFri, 11 May 2018 18:48:36 GMT;myconfig.azconfig.io;<hash>'
        //   | openssl dgst -sha256 -mac HMAC -macopt hexkey:<hex of the decoded secret> -binary | base64
        const string emptyBodyHash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

        var signature = HmacSigningPolicy.Sign(Convert.FromBase64String(Secret), "GET", "/kv/.appconfig.featureflag%2Fnew-checkout?api-version=2024-09-01",
            "Fri, 11 May 2018 18:48:36 GMT", "myconfig.azconfig.io", emptyBodyHash);

        Assert.AreEqual("0B3tSz6ZXUTOIzYFHY/IHCK2Rdk2BQYSHopPQ/5Ug8U=", signature);
    }

    [TestMethod]
    public async Task Every_request_carries_the_documented_authorization_header_and_no_secret()
    {
        using var standIn = new AppConfigurationStandIn(secret: Secret);
        standIn.SetFlag("new-checkout", Flag);
        var store = AppConfigurationFlagStore.Open(null, standIn.ConnectionString, null, options: Quick);

        await store.SetPercentAsync(await store.ReadAsync("new-checkout", CancellationToken.None), 0, CancellationToken.None);

        Assert.HasCount(2, standIn.Requests);
        foreach (var request in standIn.Requests)
        {
            Assert.MatchesRegex(@"^HMAC-SHA256 Credential=standin-id&SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=[A-Za-z0-9+/]{43}=$", request.Header("Authorization")!);
            Assert.IsNotNull(request.Header("x-ms-date"));
            Assert.IsNotNull(request.Header("x-ms-content-sha256"));
            Assert.DoesNotContain(Secret, string.Join("\n", request.Headers!.Values) + request.RawUrl + request.Body);
        }

        Assert.IsEmpty(standIn.AuthFailures);
    }

    [TestMethod]
    public async Task A_wrong_secret_is_refused_and_the_server_echoing_it_back_never_puts_it_in_the_error()
    {
        using var standIn = new AppConfigurationStandIn(secret: Secret) { Echo = OtherSecret };
        standIn.SetFlag("new-checkout", Flag);
        var connection = standIn.ConnectionString.Replace(Secret, OtherSecret, StringComparison.Ordinal);
        var masked = new List<string>();
        var store = AppConfigurationFlagStore.Open(null, connection, null, masked.Add, options: Quick);

        var error = await Assert.ThrowsExactlyAsync<OutsideSystemException>(() => store.ReadAsync("new-checkout", CancellationToken.None));

        Assert.Contains("401", error.Message);
        Assert.Contains("check the access key", error.Message);
        Assert.DoesNotContain(OtherSecret, Printed(error));
        Assert.Contains(OtherSecret, masked, "the secret is registered with the masking");
        Assert.Contains(connection, masked, "so is the whole connection string");
        Assert.DoesNotContain(OtherSecret, store.Describe + store);
    }

    [TestMethod]
    public async Task A_server_error_that_echoes_the_secret_never_puts_it_in_the_error()
    {
        using var standIn = new AppConfigurationStandIn(secret: Secret) { Echo = Secret };
        standIn.SetFlag("new-checkout", Flag);
        var store = AppConfigurationFlagStore.Open(null, standIn.ConnectionString, null, options: Quick);
        var seen = await store.ReadAsync("new-checkout", CancellationToken.None);
        standIn.Fail(5, 500);

        var error = await Assert.ThrowsExactlyAsync<OutsideSystemException>(() => store.SetPercentAsync(seen, 0, CancellationToken.None));

        Assert.Contains("500", error.Message);
        Assert.DoesNotContain(Secret[..8], Printed(error));
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(280)]
    [DataRow(250)]
    public async Task An_echoed_secret_is_scrubbed_before_a_long_answer_is_cut_so_no_start_of_it_is_left(int before)
    {
        var echo = "{\"message\":\"" + new string('x', before) + Secret + "\"}";
        using var server = new FaultServer(_ => new FaultResponse(500, echo));
        var store = AppConfigurationFlagStore.Open(null, $"Endpoint={server.BaseAddress.GetLeftPart(UriPartial.Authority)};Id=id;Secret={Secret}", null, options: Quick);

        var error = await Assert.ThrowsExactlyAsync<OutsideSystemException>(() => store.ReadAsync("new-checkout", CancellationToken.None));

        Assert.Contains("{\"message\":\"" + new string('x', before), error.Message, "the answer is quoted");
        Assert.DoesNotContain(Secret[..4], Printed(error));
    }

    [TestMethod]
    public async Task A_secret_echoed_json_escaped_is_scrubbed_too()
    {
        const string secret = "dGhpcytpcy9hK3NlY3JldA+/";
        var escaped = System.Text.Json.JsonEncodedText.Encode(secret).ToString();
        Assert.AreNotEqual(secret, escaped, "the planted secret has characters JSON escapes");
        using var server = new FaultServer(_ => new FaultResponse(403, "{\"message\":\"key " + escaped + " has no access\"}"));
        var store = AppConfigurationFlagStore.Open(null, $"Endpoint={server.BaseAddress.GetLeftPart(UriPartial.Authority)};Id=id;Secret={secret}", null, options: Quick);

        var error = await Assert.ThrowsExactlyAsync<OutsideSystemException>(() => store.ReadAsync("new-checkout", CancellationToken.None));

        Assert.Contains("key *** has no access", error.Message);
        Assert.Contains("Data Owner role", error.Message);
    }

    [TestMethod]
    [DataRow("Endpoint=https://shop.azconfig.io;Id=id", "has no Secret")]
    [DataRow("Endpoint=https://shop.azconfig.io;Secret=" + Secret, "has no Id")]
    [DataRow("Id=id;Secret=" + Secret, "has no Endpoint")]
    [DataRow(Secret, "has an unknown part (part 1)")]
    [DataRow("Endpoint=https://shop.azconfig.io;Id=id;cGxhbnRlZC1zZWNyZXQta2V5LTAxMjM0NTY3ODk", "part 3 of the connection string is not name=value")]
    [DataRow("Endpoint=https://shop.azconfig.io;Id=id;Secret=" + Secret + ";Secret=" + Secret, "names Secret twice")]
    [DataRow("Endpoint=https://shop.azconfig.io;Id=id;Secret=!!" + Secret, "Secret is not base64")]
    [DataRow("Endpoint=ftp://shop;Id=id;Secret=" + Secret, "Endpoint: 'ftp://shop' is not an App Configuration endpoint")]
    [DataRow("Endpoint=https://shop.azconfig.io;Id=id;Secret=" + Secret + ";Key=" + Secret, "has an unknown part (part 4)")]
    public void A_bad_connection_string_is_bad_input_naming_the_variable_and_never_the_secret(string connection, string why)
    {
        var masked = new List<string>();

        var error = Assert.ThrowsExactly<InputException>(() => AppConfigurationFlagStore.Open(null, connection, null, masked.Add));

        Assert.StartsWith(AppConfigurationFlagStore.ConnectionStringVariable + ": ", error.Message);
        Assert.Contains(why, error.Message);
        Assert.DoesNotContain(Secret.TrimEnd('='), Printed(error));
        Assert.Contains(connection, masked, "masked before it was parsed");
    }
}
