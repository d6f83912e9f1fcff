using NUnit.Framework;
using Samples.Impact;

[assembly: Parallelizable(ParallelScope.Fixtures)]

namespace Samples.Impact.Nunit;

public class CalculatorTests
{
    [Test]
    public void Adds() => Assert.That(Calculator.Add(1, 2), Is.EqualTo(3));

    [Test]
    public void Divides_by_zero_as_zero() => Assert.That(Calculator.Divide(1, 0), Is.EqualTo(0));

    [Test]
    public async Task Adds_later() => Assert.That(await Calculator.AddLaterAsync(2, 3), Is.EqualTo(5));

    [Test]
    public void Counts() => Assert.That(Calculator.Count(3).ToArray(), Is.EqualTo(new[] { 1, 2, 3 }));

    [Test]
    public void Fails_on_purpose() => Assert.That(Calculator.Add(1, 2), Is.EqualTo(4));
}

public class GreeterTests
{
    [Test]
    public void Greets() => Assert.That(new Greeter("Hello").Greet("Ada"), Is.EqualTo("Hello, Ada!"));
}

public class PricingTests
{
    [Test]
    public void Prices_standard() => Assert.That(Pricing.WithTax(10m, "standard"), Is.EqualTo(12m));

    [Test]
    public void Prices_reduced() => Assert.That(Pricing.WithTax(10m, "reduced"), Is.EqualTo(10.5m));
}

public class ClockTests
{
    [OneTimeSetUp]
    public void StartClock() => Clock.Start();

    [Test]
    public void Runs_after_the_class_set_up() => Assert.Pass();
}
