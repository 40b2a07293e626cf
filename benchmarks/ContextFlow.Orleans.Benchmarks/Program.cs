using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/ContextFlow.Orleans.Benchmarks -- --filter '*' --job short --inProcess
//
// In process: the project BenchmarkDotNet would generate for an out-of-process run lives under this repository and so
// gets its central package pinning, which puts the analyzers' Roslyn 4.14 against the Roslyn 5.0 Orleans' code
// generator needs; this project's own settings resolve that, a generated one has none of them.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
