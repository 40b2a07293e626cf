using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

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

    private ConfigException(string message, string[] settings, Exception innerException)
        : base(message, innerException)
    {
        Settings = settings;
    }

    /// <summary>The settings involved, as the configuration spells them; empty when the exception names none.</summary>
    public IReadOnlyList<string> Settings { get; }

    /// <summary>
    /// The same failure with its settings as configuration paths under <paramref name="path"/>: <c>"Registration.Enabled"</c>
    /// becomes <c>"{path}:Registration:Enabled"</c>, in <see cref="Settings"/> and wherever the message names it. A
    /// failure that names no setting is said to be at <paramref name="path"/>.
    /// </summary>
    internal ConfigException UnderPath(string path)
    {
        if (Settings.Count == 0)
        {
            return new ConfigException($"{path}: {Message}", this);
        }

        var paths = Settings.Select(setting => $"{path}:{setting.Replace('.', ':')}").ToArray();
        var message = Message;

        // Longest first, so "Registration.Enabled" is not rewritten through a shorter setting it contains.
        foreach (var (setting, settingPath) in Settings.Zip(paths).OrderByDescending(pair => pair.First.Length))
        {
            message = Regex.Replace(message, $@"(?<![\w.:]){Regex.Escape(setting)}(?![\w.:])", settingPath.Replace("$", "$$", StringComparison.Ordinal));
        }

        return new ConfigException(message, paths, this);
    }
}
