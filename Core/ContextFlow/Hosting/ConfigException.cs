using System;
using System.Collections.Generic;

namespace ContextFlow.Hosting;

/// <summary>
/// Thrown when a server's configuration is invalid. It names every setting involved, so a rule that spans sections
/// (<c>"Registration.Enabled requires one of Registration.RequireEmail, Registration.Captcha, Registration.Token"</c>)
/// points at all of them, not only at the one where validation happened to notice.
/// </summary>
/// <example>
/// <code>
/// public override void Validate()
/// {
///     base.Validate();
///     if (Registration.Enabled &amp;&amp; !Registration.RequireEmail &amp;&amp; Registration.Token is null)
///     {
///         throw new ConfigException(
///             "Registration.Enabled requires one of Registration.RequireEmail, Registration.Token",
///             "Registration.Enabled", "Registration.RequireEmail", "Registration.Token");
///     }
/// }
/// </code>
/// </example>
public sealed class ConfigException : Exception
{
    /// <summary>Creates the exception with a generic message and no settings.</summary>
    public ConfigException()
        : this("The server configuration is invalid.")
    {
    }

    /// <summary>Creates the exception with a message and no settings.</summary>
    /// <param name="message">What is wrong.</param>
    public ConfigException(string message)
        : this(message, (Exception?)null)
    {
    }

    /// <summary>Creates the exception with a message, an inner exception and no settings.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause, e.g. a value that failed to parse.</param>
    public ConfigException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Settings = [];
    }

    /// <summary>Creates the exception for the settings involved.</summary>
    /// <param name="message">What is wrong, naming the settings as the configuration spells them.</param>
    /// <param name="settings">Every setting involved; at least one.</param>
    /// <exception cref="ArgumentException"><paramref name="settings"/> is empty or holds a null or empty name.</exception>
    public ConfigException(string message, params string[] settings)
        : base(message)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Length == 0)
        {
            throw new ArgumentException("Name at least one setting.", nameof(settings));
        }

        foreach (var setting in settings)
        {
            ArgumentException.ThrowIfNullOrEmpty(setting, nameof(settings));
        }

        Settings = [.. settings];
    }

    /// <summary>The settings involved, as the configuration spells them; empty when the exception names none.</summary>
    public IReadOnlyList<string> Settings { get; }
}
