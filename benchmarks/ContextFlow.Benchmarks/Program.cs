using BenchmarkDotNet.Running;
using ContextFlow.Benchmarks.Database;
using ContextFlow.Benchmarks.Hosting;
using ContextFlow.Benchmarks.RateLimiting;

// dotnet run -c Release --project benchmarks/ContextFlow.Benchmarks -- --filter '*Scope*'
// dotnet run -c Release --project benchmarks/ContextFlow.Benchmarks -- ratelimiter-footprint [keys] [idle seconds]
// dotnet run -c Release --project benchmarks/ContextFlow.Benchmarks -- ratelimiter-sweep [rounds] [keys...]
// dotnet run -c Release --project benchmarks/ContextFlow.Benchmarks -- ratelimiter-profile contextflow|partitioned KEYS CHECKS
// dotnet run -c Release --project benchmarks/ContextFlow.Benchmarks -- hosting-footprint [servers] [rounds]
// benchmarks/ContextFlow.Benchmarks/Database/run.sh [pairs [n]]   (starts a throwaway PostgreSQL; see InteractionPairs)
if (args is ["ratelimiter-footprint", ..])
{
    RatelimiterFootprint.Run(args);
}
else if (args is ["hosting-footprint", ..])
{
    await HostingFootprint.RunAsync(args);
}
else if (args is ["ratelimiter-profile", ..])
{
    RatelimiterProfile.Run(args);
}
else if (args is ["ratelimiter-sweep", ..])
{
    RatelimiterProfile.Sweep(args);
}
else if (args is ["database-pairs", ..])
{
    InteractionPairs.Run(args);
}
else
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
