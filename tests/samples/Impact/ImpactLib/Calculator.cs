namespace Samples.Impact;

public static class Calculator
{
    public static int Add(int a, int b) => a + b;

    public static int Divide(int a, int b)
    {
        try
        {
            return a / b;
        }
        catch (DivideByZeroException)
        {
            return 0;
        }
    }

    public static async Task<int> AddLaterAsync(int a, int b)
    {
        await Task.Yield();
        var sum = 0;
        for (var i = 0; i < b; i++)
        {
            sum += i % 2 == 0 ? 1 : 1;
        }

        return a + sum;
    }

    public static IEnumerable<int> Count(int to)
    {
        for (var i = 1; i <= to; i++)
        {
            yield return i;
        }
    }
}
