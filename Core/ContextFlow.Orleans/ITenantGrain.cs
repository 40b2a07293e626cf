namespace ContextFlow.Orleans;

/// <summary>Marks the grain classes that are tenants (<see cref="TenantGrain{TConfig, TServer}"/>), whatever their configuration and server types.</summary>
internal interface ITenantGrain;
