using System.Collections.Generic;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;

namespace MultiServer;

/// <summary>The small API every tenant serves, on the one listener: rooms, their messages, and search.</summary>
public static class TenantApi
{
    public sealed record NewRoom(string? Name);

    public sealed record NewMessage(string? Text, string? Sender);

    public static void MapTenantApi(this WebApplication app)
    {
        app.MapGet("/", (HttpContext http) =>
        {
            var server = http.GetServer<TenantServer>();
            return new { server = server.ServerName, rooms = server.Store.RoomCount, messages = server.Store.MessageCount, indexed = server.Indexed };
        });

        app.MapGet("/rooms", (HttpContext http) => http.GetServer<TenantServer>().Store.Rooms());

        app.MapPost("/rooms", Results<Created<Room>, ProblemHttpResult> (NewRoom body, HttpContext http, ILogger<TenantServer> logger) =>
        {
            if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > 100)
            {
                return TypedResults.Problem(statusCode: 400, title: "Invalid room", detail: "A room needs a name of 1 to 100 characters.");
            }

            var room = http.GetServer<TenantServer>().Store.CreateRoom(body.Name.Trim());
            if (room is null)
            {
                return TypedResults.Problem(statusCode: 409, title: "Too many rooms", detail: "This server has as many rooms as it may.");
            }

            logger.LogInformation("Created room {RoomId}", room.Id);
            return TypedResults.Created($"/rooms/{room.Id}", room);
        });

        app.MapGet("/rooms/{room}/messages", Results<Ok<IReadOnlyList<Message>>, ProblemHttpResult> (string room, long? after, HttpContext http) =>
            http.GetServer<TenantServer>().Store.Messages(room, after ?? 0) is { } messages
                ? TypedResults.Ok(messages)
                : TypedResults.Problem(statusCode: 404, title: "Unknown room", detail: $"No room '{room}' on this server."));

        app.MapPost("/rooms/{room}/messages", Results<Created<Message>, ProblemHttpResult> (string room, NewMessage body, HttpContext http, ILogger<TenantServer> logger) =>
        {
            var server = http.GetServer<TenantServer>();
            if (string.IsNullOrWhiteSpace(body.Text) || body.Text.Length > server.MaxMessageLength)
            {
                return TypedResults.Problem(statusCode: 400, title: "Invalid message", detail: $"A message needs 1 to {server.MaxMessageLength} characters of text.");
            }

            var message = server.Store.Post(room, body.Sender ?? "anonymous", body.Text);
            if (message is null)
            {
                return TypedResults.Problem(statusCode: 404, title: "Unknown room", detail: $"No room '{room}' on this server.");
            }

            server.Index(message);
            logger.LogInformation("Message {MessageId} in {RoomId} from {Sender}", message.Id, room, message.Sender);
            return TypedResults.Created($"/rooms/{room}/messages?after={message.Id - 1}", message);
        });

        app.MapGet("/search", (string q, HttpContext http) => new { word = q, messages = http.GetServer<TenantServer>().Search(q) });
    }
}
