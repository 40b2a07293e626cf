using System;
using System.Collections.Generic;
using Orleans.Metadata;
using Orleans.Runtime;

namespace ContextFlow.Orleans;

/// <summary>
/// Gives every tenant grain type hash-based placement unless the grain class names a placement of its own.
/// </summary>
/// <remarks>
/// <para>
/// Why hash-based for tenants: the silo of a tenant is then a pure function of its name and the set of active silos in
/// the membership table, so the membership table is the shard map. Placement never depends on load figures that differ
/// from silo to silo, a tenant that comes back after idle deactivation lands where it was (its caches and files are
/// still warm there), and when a silo leaves only its own tenants move.
/// </para>
/// <para>
/// Why not an attribute on <see cref="TenantGrain{TConfig, TServer}"/>: Orleans reads placement attributes with
/// inheritance, so a <c>[HashBasedPlacement]</c> on the base would be read after, and win over, a placement attribute
/// the user puts on the derived class. Filling the property only when nothing else did leaves the user's choice alone,
/// whichever order the property providers run in (an attribute sets the property unconditionally).
/// </para>
/// </remarks>
internal sealed class TenantPlacement : IGrainPropertiesProvider
{
    private readonly IServiceProvider _services;
    private readonly HashBasedPlacement _strategy = new();

    public TenantPlacement(IServiceProvider services)
    {
        _services = services;
    }

    public void Populate(Type grainClass, GrainType grainType, Dictionary<string, string> properties)
    {
        if (typeof(ITenantGrain).IsAssignableFrom(grainClass) &&
            !properties.ContainsKey(WellKnownGrainTypeProperties.PlacementStrategy))
        {
            _strategy.PopulateGrainProperties(_services, grainClass, grainType, properties);
        }
    }
}
