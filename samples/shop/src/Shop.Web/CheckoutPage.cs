using Shop.Billing;

namespace Shop.Web;

public static class CheckoutPage
{
    public static string Render(IEnumerable<decimal> lines) => $"Total: {Invoice.Total(lines, 0.2m):0.00}";
}
