/// <summary>What both apps of the end-to-end benchmark share: the answer and the log line format.</summary>
public sealed class Bench
{
    /// <summary>The file sink's line: both apps' events carry ServerName and RequestId, each its own way.</summary>
    public const string OutputTemplate = "{Timestamp:o} [{Level:u3}] [{ServerName} {RequestId}] {Message:lj}{NewLine}";

    /// <summary>The body of <c>GET /rooms/{room}</c>.</summary>
    public sealed record RoomView(string Room, string Server, int Messages);
}
