using BenchmarkDotNet.Running;
using ContextFlow.Benchmarks.Hosting;
using ContextFlow.Benchmarks.RateLimiting;

// dotnet run -c Release --project benchmarks/ContextFlow.Benchmarks -- --filter '*Scope*'
// dotnet run -c Release --project benchmarks/ContextFlow.Benchmarks -- ratelimiter-footprint [keys] [idle seconds]
// dotnet run -c Release --project benchmarks/ContextFlow.Benchmarks -- hosting-footprint [servers] [rounds]
if (args is ["ratelimiter-footprint", ..])
{
    RatelimiterFootprint.Run(args);
}
else if (args is ["hosting-footprint", ..])
{
    await HostingFootprint.RunAsync(args);
}
else
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
