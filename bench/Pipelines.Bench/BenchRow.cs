using System.Globalization;

namespace Pipelines.Bench;

/// <summary>One measured figure against its target; every target here is an upper bound.</summary>
internal sealed record BenchRow(string Name, double Measured, double Target, string Unit, string Note = "")
{
    public bool Meets => double.IsNaN(Target) || Measured <= Target;

    /// <summary>A figure printed for what it shows (the cost of a choice, a regime beside the targeted one), with no target.</summary>
    public static BenchRow Info(string name, double measured, string unit, string note = "") => new(name, measured, double.NaN, unit, note);

    public static BenchRow Time(string name, TimeSpan measured, TimeSpan target, string note = "") =>
        new(name, measured.TotalMilliseconds, target.TotalMilliseconds, "ms", note);

    public static void Print(IReadOnlyList<BenchRow> rows)
    {
        Console.WriteLine();
        Console.WriteLine($"{"benchmark",-78} {"measured",12} {"target",12} {"ratio",7}  note");
        foreach (var row in rows)
        {
            Console.WriteLine($"{row.Name,-78} {Format(row.Measured, row.Unit),12} {Format(row.Target, row.Unit),12} {(double.IsNaN(row.Target) ? "" : (row.Measured / row.Target).ToString("0.00", CultureInfo.InvariantCulture)),7}  {(double.IsNaN(row.Target) ? "no target" : row.Meets ? "meets target" : "MISSES target")}{(row.Note.Length > 0 ? "; " + row.Note : "")}");
        }
    }

    private static string Format(double value, string unit) => double.IsNaN(value) ? "—" : unit switch
    {
        "ms" when value >= 1000 => (value / 1000).ToString("0.00", CultureInfo.InvariantCulture) + " s",
        "ms" => value.ToString("0", CultureInfo.InvariantCulture) + " ms",
        "%" => value.ToString("0.0", CultureInfo.InvariantCulture) + " %",
        "looks" => value.ToString("0", CultureInfo.InvariantCulture) + " looks",
        "min" => value.ToString("0", CultureInfo.InvariantCulture) + " min",
        _ => value.ToString("0.000", CultureInfo.InvariantCulture) + unit,
    };
}
