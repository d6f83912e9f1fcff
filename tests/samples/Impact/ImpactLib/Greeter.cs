namespace Samples.Impact;

public sealed class Greeter(string greeting)
{
    public string Greet(string name) => $"{greeting}, {name}!";
}
