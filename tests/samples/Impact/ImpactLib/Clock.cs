namespace Samples.Impact;

/// <summary>Only the class set-up of the clock tests calls it.</summary>
public static class Clock
{
    public static int Started { get; private set; }

    public static void Start() => Started++;
}
