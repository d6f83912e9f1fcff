namespace Samples.Impact;

public static class Pricing
{
    public static decimal WithTax(decimal net, string rate) => net + (net * RateTable.Rates[rate]);
}
