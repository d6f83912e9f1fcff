using Samples.Impact;
using Xunit;

namespace Samples.Impact.Xunit2;

public class CalculatorTests
{
    [Fact]
    public void Adds() => Assert.Equal(3, Calculator.Add(1, 2));

    [Fact]
    public void Divides_by_zero_as_zero() => Assert.Equal(0, Calculator.Divide(1, 0));

    [Fact]
    public async Task Adds_later() => Assert.Equal(5, await Calculator.AddLaterAsync(2, 3));

    [Fact]
    public void Counts() => Assert.Equal(new[] { 1, 2, 3 }, Calculator.Count(3).ToArray());

    [Fact]
    public void Fails_on_purpose() => Assert.Equal(4, Calculator.Add(1, 2));
}

public class GreeterTests
{
    [Fact]
    public void Greets() => Assert.Equal("Hello, Ada!", new Greeter("Hello").Greet("Ada"));
}

public class PricingTests
{
    [Fact]
    public void Prices_standard() => Assert.Equal(12m, Pricing.WithTax(10m, "standard"));

    [Fact]
    public void Prices_reduced() => Assert.Equal(10.5m, Pricing.WithTax(10m, "reduced"));
}

public sealed class ClockFixture
{
    public ClockFixture() => Clock.Start();
}

public class ClockTests(ClockFixture fixture) : IClassFixture<ClockFixture>
{
    [Fact]
    public void Runs_after_the_class_set_up() => Assert.NotNull(fixture);
}
