using Shop.Billing;

namespace Shop.Billing.Tests;

[TestClass]
[TestCategory("billing")]
public sealed class InvoiceTests
{
    [TestMethod]
    public void Total_adds_tax() => Assert.AreEqual(12.00m, Invoice.Total([4m, 6m], 0.2m));

    [TestMethod]
    public void Total_of_nothing_is_zero() => Assert.AreEqual(0m, Invoice.Total([], 0.2m));
}
