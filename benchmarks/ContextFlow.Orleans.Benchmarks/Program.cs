using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/ContextFlow.Orleans.Benchmarks -- --filter '*' --job short --join
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
