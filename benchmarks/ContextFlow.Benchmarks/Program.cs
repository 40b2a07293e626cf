using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/ContextFlow.Benchmarks -- --filter '*Scope*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
