namespace Shop.Service;

/// <summary>Settings baked into a build. A bad release is one commit away: raise the failure rate and ship it.</summary>
public static class Release
{
    /// <summary>The share of checkouts that fail with a 500 (0 in a healthy build).</summary>
    public const double CheckoutFailureRate = 0.0;
}
