namespace Samples.Impact;

/// <summary>Only the tool calls it: a test records it only if the tool's process is recorded.</summary>
public static class Shipping
{
    public static int Cost(int parcels) => parcels * 2;
}
