using Samples.Impact;

Console.WriteLine(Shipping.Cost(int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture)));
