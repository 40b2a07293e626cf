using System;
using ContextFlow.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Serialization;

namespace ContextFlow.Orleans;

/// <summary>
/// How ContextFlow's exceptions cross a grain call, so a caller gets the failure of a tenant's activation (or call)
/// as what it is rather than as a <c>CodecNotFoundException</c> about the exception's type.
/// </summary>
/// <remarks>
/// <para>
/// Orleans serializes exceptions of the <c>System</c> and <c>Microsoft</c> namespaces by their type, message, stack
/// trace and inner exception, and refuses other namespaces unless told. Adding <c>ContextFlow</c> to those prefixes
/// carries every ContextFlow exception that way; properties of its own beyond the message do not survive that
/// transport (the receiving side gets them unset).
/// </para>
/// <para>
/// <see cref="ConfigException"/> and <see cref="ServerUnavailableException"/> are the ones that activation raises by
/// design and whose properties callers act on (<see cref="ConfigException.Settings"/>; the server and
/// <see cref="ServerUnavailableException.RetryAfter"/>), so they travel as surrogates of their message and those
/// properties instead (an exact codec wins over the general exception codec). Their stack traces and inner exceptions
/// stay in the silo's log.
/// </para>
/// </remarks>
internal static class ExceptionTransport
{
    private const string NamespacePrefix = "ContextFlow";

    public static void AddTo(IServiceCollection services) =>
        services.Configure<ExceptionSerializationOptions>(static options => options.SupportedNamespacePrefixes.Add(NamespacePrefix));
}

/// <summary>What a <see cref="ConfigException"/> travels as.</summary>
[GenerateSerializer]
[Immutable]
internal readonly struct ConfigExceptionSurrogate
{
    public ConfigExceptionSurrogate(string message, string[] settings)
    {
        Message = message;
        Settings = settings;
    }

    [Id(0)]
    public string Message { get; }

    [Id(1)]
    public string[] Settings { get; }
}

/// <summary>Turns a <see cref="ConfigException"/> into its surrogate and back.</summary>
[RegisterConverter]
internal sealed class ConfigExceptionConverter : IConverter<ConfigException, ConfigExceptionSurrogate>
{
    public ConfigException ConvertFromSurrogate(in ConfigExceptionSurrogate surrogate) =>
        surrogate.Settings is { Length: > 0 } settings ? new ConfigException(surrogate.Message, settings) : new ConfigException(surrogate.Message);

    public ConfigExceptionSurrogate ConvertToSurrogate(in ConfigException value) => new(value.Message, [.. value.Settings]);
}

/// <summary>What a <see cref="ServerUnavailableException"/> travels as: the server and when to ask again survive.</summary>
[GenerateSerializer]
[Immutable]
internal readonly struct ServerUnavailableSurrogate
{
    public ServerUnavailableSurrogate(string serverName, string message, TimeSpan? retryAfter)
    {
        ServerName = serverName;
        Message = message;
        RetryAfter = retryAfter;
    }

    [Id(0)]
    public string ServerName { get; }

    [Id(1)]
    public string Message { get; }

    [Id(2)]
    public TimeSpan? RetryAfter { get; }
}

/// <summary>Turns a <see cref="ServerUnavailableException"/> into its surrogate and back.</summary>
[RegisterConverter]
internal sealed class ServerUnavailableConverter : IConverter<ServerUnavailableException, ServerUnavailableSurrogate>
{
    public ServerUnavailableException ConvertFromSurrogate(in ServerUnavailableSurrogate surrogate) =>
        new(surrogate.ServerName, surrogate.Message, surrogate.RetryAfter);

    public ServerUnavailableSurrogate ConvertToSurrogate(in ServerUnavailableException value) => new(value.ServerName, value.Message, value.RetryAfter);
}
