namespace Shop.Billing;

public static class Invoice
{
    public static decimal Total(IEnumerable<decimal> lines, decimal taxRate) =>
        Math.Round(lines.Sum() * (1 + taxRate), 2, MidpointRounding.ToEven);
}
