using System.Reflection;
using SharedSecretWorker.Benchmarks;

// Every IHarness in this assembly is a verb; anything else goes to BenchmarkDotNet's switcher
// (micro-benchmarks of pure code).
var harnesses = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => typeof(IHarness).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IHarness)Activator.CreateInstance(t)!)
    .OrderBy(h => h.Name, StringComparer.Ordinal)
    .ToList();

if (args.Length == 0)
{
    Console.WriteLine("usage: dotnet run -c Release --project tests/benchmarks -- NAME [args]");
    foreach (var h in harnesses) Console.WriteLine($"  {h.Name,-12} {h.Description}");
    Console.WriteLine("  bdn          BenchmarkDotNet micro-benchmarks (pass its arguments after 'bdn')");
    return 2;
}

if (args[0] == "bdn")
{
    BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(IHarness).Assembly).Run(args[1..]);
    return 0;
}

var harness = harnesses.FirstOrDefault(h => h.Name == args[0]);
if (harness is null)
{
    Console.Error.WriteLine($"unknown harness '{args[0]}'");
    return 2;
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
return await harness.RunAsync(args[1..], cts.Token);
