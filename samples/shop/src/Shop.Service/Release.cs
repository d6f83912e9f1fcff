namespace Shop.Service;

/// <summary>Settings baked into a build. A bad release is one commit away: raise the failure rate and ship it.</summary>
public static class Release
{
    /// <summary>The share of checkouts that fail with a 500 (0 in a healthy build).</summary>
    public const double CheckoutFailureRate = 0.0;

    /// <summary>The new checkout flow, shipped dark behind a flag.</summary>
    public const string NewCheckout = "new-checkout";

    /// <summary>Another new flow behind a flag, which fails <see cref="BrokenFlowFailureRate"/> of its checkouts.</summary>
    public const string BrokenCheckout = "broken-checkout";

    /// <summary>The share of checkouts the broken flow fails for the users who see it.</summary>
    public const double BrokenFlowFailureRate = 0.2;

    public static readonly IReadOnlyList<string> Flags = [NewCheckout, BrokenCheckout];
}
