using BenchmarkDotNet.Running;
using ContextFlow.Benchmarks.RateLimiting;

// dotnet run -c Release --project benchmarks/ContextFlow.Benchmarks -- --filter '*Scope*'
// benchmarks/ContextFlow.Benchmarks/Database/run.sh   (starts a throwaway PostgreSQL for InteractionBenchmarks)
// dotnet run -c Release --project benchmarks/ContextFlow.Benchmarks -- ratelimiter-footprint [keys] [idle seconds]
if (args is ["ratelimiter-footprint", ..])
{
    RatelimiterFootprint.Run(args);
}
else
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
