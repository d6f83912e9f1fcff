using System.Globalization;

namespace Pipelines.Bench;

/// <summary>One measured figure against its target; every target here is an upper bound.</summary>
internal sealed record BenchRow(string Name, double Measured, double Target, string Unit, string Note = "")
{
    public bool Meets => Measured <= Target;

    public static BenchRow Time(string name, TimeSpan measured, TimeSpan target, string note = "") =>
        new(name, measured.TotalMilliseconds, target.TotalMilliseconds, "ms", note);

    public static void Print(IReadOnlyList<BenchRow> rows)
    {
        Console.WriteLine();
        Console.WriteLine($"{"benchmark",-78} {"measured",12} {"target",12} {"ratio",7}  note");
        foreach (var row in rows)
        {
            Console.WriteLine($"{row.Name,-78} {Format(row.Measured, row.Unit),12} {Format(row.Target, row.Unit),12} {(row.Measured / row.Target).ToString("0.00", CultureInfo.InvariantCulture),7}  {(row.Meets ? "meets target" : "MISSES target")}{(row.Note.Length > 0 ? "; " + row.Note : "")}");
        }
    }

    private static string Format(double value, string unit) => unit switch
    {
        "ms" when value >= 1000 => (value / 1000).ToString("0.00", CultureInfo.InvariantCulture) + " s",
        "ms" => value.ToString("0", CultureInfo.InvariantCulture) + " ms",
        "%" => value.ToString("0.0", CultureInfo.InvariantCulture) + " %",
        "looks" => value.ToString("0", CultureInfo.InvariantCulture) + " looks",
        _ => value.ToString("0.000", CultureInfo.InvariantCulture) + unit,
    };
}
