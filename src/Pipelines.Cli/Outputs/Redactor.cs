using System.Text.RegularExpressions;

namespace Pipelines.Cli.Outputs;

/// <summary>
/// Replaces registered secrets with <c>***</c> in everything we print ourselves, so a token cannot leak through an
/// exception message or a URL even where the host's own masking does not reach (local runs, files).
/// </summary>
public sealed partial class Redactor
{
    /// <summary>The variables that hold a secret whichever command runs: a token, an Azure service principal's secret.</summary>
    public static readonly IReadOnlyList<string> SecretVariables =
    [
        "GITHUB_TOKEN", "GH_TOKEN", "SYSTEM_ACCESSTOKEN", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PASSWORD",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_RUNTIME_TOKEN",
    ];

    private readonly List<string> _secrets = [];

    public void Add(string secret)
    {
        // Very short values would redact ordinary words and tell an observer the secret's length; hosts skip them too.
        if (!string.IsNullOrEmpty(secret) && secret.Length >= 4 && !_secrets.Contains(secret))
        {
            _secrets.Add(secret);
            _secrets.Sort((a, b) => b.Length.CompareTo(a.Length));
        }
    }

    /// <summary>Forgets a secret (only so that the host can be told it in a line of its own).</summary>
    public bool Remove(string secret) => _secrets.Remove(secret);

    public bool Contains(string secret) => _secrets.Contains(secret);

    /// <summary>
    /// Registers the secrets the environment holds before any command reads them: the token variables, and the
    /// credentials of any URL with user-info (GITHUB_API_URL=https://user:TOKEN@host/api/v3), as given and unescaped.
    /// </summary>
    public void AddFromEnvironment(IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        foreach (var name in SecretVariables)
        {
            if (environment.TryGetValue(name, out var value) && value is not null)
            {
                Add(value.Trim());
            }
        }

        foreach (var value in environment.Values)
        {
            if (value is not null && value.Contains('@', StringComparison.Ordinal)
                && Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0)
            {
                foreach (var part in uri.UserInfo.Split(':'))
                {
                    Add(part);
                    Add(Uri.UnescapeDataString(part));
                }
            }
        }
    }

    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        // A URL's user-info is a credential wherever the URL came from: printed as scheme://***@host.
        return text.Contains("://", StringComparison.Ordinal) ? UrlCredentials().Replace(text, "$1***@") : text;
    }

    [GeneratedRegex(@"\b([A-Za-z][A-Za-z0-9+.\-]*://)[^\s/?#@]+@")]
    private static partial Regex UrlCredentials();
}

/// <summary>
/// A writer that holds text until a line ends, redacts the whole line, then passes it on; so a secret written in
/// pieces is still caught. <see cref="Flush"/> passes on a partial line.
/// </summary>
public sealed class RedactingWriter : TextWriter
{
    private readonly TextWriter _inner;
    private readonly Redactor _redactor;
    private readonly System.Text.StringBuilder _line = new();

    public RedactingWriter(TextWriter inner, Redactor redactor)
    {
        _inner = inner;
        _redactor = redactor;
    }

    public override System.Text.Encoding Encoding => _inner.Encoding;

    public override void Write(char value)
    {
        _line.Append(value);
        if (value == '\n')
        {
            _inner.Write(_redactor.Redact(_line.ToString()));
            _line.Clear();
        }
    }

    public override void Write(string? value)
    {
        if (value is null)
        {
            return;
        }

        var newline = value.LastIndexOf('\n');
        if (newline < 0)
        {
            _line.Append(value);
            return;
        }

        _line.Append(value, 0, newline + 1);
        _inner.Write(_redactor.Redact(_line.ToString()));
        _line.Clear().Append(value, newline + 1, value.Length - newline - 1);
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void WriteLine(string? value) => Write(value + "\n");

    public override void WriteLine() => Write("\n");

    public override void Flush()
    {
        if (_line.Length > 0)
        {
            _inner.Write(_redactor.Redact(_line.ToString()));
            _line.Clear();
        }

        _inner.Flush();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Flush();
        }

        base.Dispose(disposing);
    }
}
