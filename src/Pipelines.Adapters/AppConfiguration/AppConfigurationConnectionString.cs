using Pipelines.Core.Errors;

namespace Pipelines.Adapters.AppConfiguration;

/// <summary>
/// An App Configuration access key as the portal shows it: <c>Endpoint=https://&lt;name&gt;.azconfig.io;Id=&lt;id&gt;;Secret=&lt;base64&gt;</c>.
/// No message about it ever quotes a part that may be the secret.
/// </summary>
public sealed class AppConfigurationConnectionString
{
    private static readonly string[] Names = ["Endpoint", "Id", "Secret"];

    private const string Expected = "expected Endpoint=https://<name>.azconfig.io;Id=<id>;Secret=<secret>, as the portal's Access settings show it";

    private AppConfigurationConnectionString(Uri endpoint, string id, string secret, byte[] key)
    {
        Endpoint = endpoint;
        Id = id;
        Secret = secret;
        Key = key;
    }

    public Uri Endpoint { get; }

    /// <summary>The access key's id (not secret: it is sent with every request).</summary>
    public string Id { get; }

    /// <summary>The secret as given (base64): to register with the secret masking, never to print.</summary>
    public string Secret { get; }

    /// <summary>The secret decoded: the HMAC key.</summary>
    internal byte[] Key { get; }

    /// <param name="input">Where the text came from, for messages (an environment variable, an option).</param>
    public static AppConfigurationConnectionString Parse(string text, string input)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var index = 0;
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            index++;
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                // The part is not quoted: it may be the secret pasted alone.
                throw new InputException($"{input}: part {index} of the connection string is not name=value; {Expected}");
            }

            var name = part[..equals].Trim();
            if (!Names.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw new InputException($"{input}: the connection string has an unknown part (part {index}); {Expected}");
            }

            if (!parts.TryAdd(name, part[(equals + 1)..].Trim()))
            {
                throw new InputException($"{input}: the connection string names {name} twice; {Expected}");
            }
        }

        foreach (var required in Names)
        {
            if (!parts.TryGetValue(required, out var value) || value.Length == 0)
            {
                throw new InputException($"{input}: the connection string has no {required}; {Expected}");
            }
        }

        var endpoint = AppConfigurationFlagStore.CheckEndpoint(parts["Endpoint"], $"{input}: the connection string's Endpoint");
        var key = new byte[parts["Secret"].Length];
        if (!Convert.TryFromBase64String(parts["Secret"], key, out var length) || length == 0)
        {
            throw new InputException($"{input}: the connection string's Secret is not base64; copy the whole connection string from the portal's Access settings");
        }

        return new AppConfigurationConnectionString(endpoint, parts["Id"], parts["Secret"], key[..length]);
    }

    /// <summary>Never the secret.</summary>
    public override string ToString() => $"Endpoint={Endpoint};Id={Id};Secret=***";
}
