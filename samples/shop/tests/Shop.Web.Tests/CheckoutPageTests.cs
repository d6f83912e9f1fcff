using Shop.Web;

namespace Shop.Web.Tests;

[TestClass]
public sealed class CheckoutPageTests
{
    [TestMethod]
    [TestCategory("web")]
    public void Shows_the_total_with_two_decimals() => Assert.AreEqual("Total: 12.00", CheckoutPage.Render([4m, 6m]));

    [TestMethod]
    [TestCategory("smoke")]
    public void Renders_an_empty_basket() => Assert.AreEqual("Total: 0.00", CheckoutPage.Render([]));
}
