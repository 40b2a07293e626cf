using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
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
        app.MapGet("/", async (HttpContext http) =>
        {
            var server = http.GetContextFlowServer<TenantServer>();
            var (rooms, messages) = await server.Store.CountsAsync(http.RequestAborted);
            return new { server = server.ServerName, maxRooms = server.MaxRooms, rooms, messages, indexed = server.Indexed };
        });

        app.MapGet("/rooms", async (HttpContext http, CancellationToken cancellationToken) => await http.GetContextFlowServer<TenantServer>().Store.RoomsAsync(cancellationToken));

        app.MapPost("/rooms", async Task<Results<Created<Room>, ProblemHttpResult>> (NewRoom body, HttpContext http, ILogger<TenantServer> logger) =>
        {
            if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > 100)
            {
                return TypedResults.Problem(statusCode: 400, title: "Invalid room", detail: "A room needs a name of 1 to 100 characters.");
            }

            var room = await http.GetContextFlowServer<TenantServer>().Store.CreateRoomAsync(body.Name.Trim(), http.RequestAborted);
            if (room is null)
            {
                return TypedResults.Problem(statusCode: 409, title: "Too many rooms", detail: "This server has as many rooms as it may.");
            }

            logger.LogInformation("Created room {RoomId}", room.Id);
            return TypedResults.Created($"/rooms/{room.Id}", room);
        });

        app.MapGet("/rooms/{room}/messages", async Task<Results<Ok<IReadOnlyList<Message>>, ProblemHttpResult>> (string room, long? after, HttpContext http) =>
            await http.GetContextFlowServer<TenantServer>().Store.MessagesAsync(room, after ?? 0, http.RequestAborted) is { } messages
                ? TypedResults.Ok(messages)
                : TypedResults.Problem(statusCode: 404, title: "Unknown room", detail: $"No room '{room}' on this server."));

        app.MapPost("/rooms/{room}/messages", async Task<Results<Created<Message>, ProblemHttpResult>> (string room, NewMessage body, HttpContext http, ILogger<TenantServer> logger) =>
        {
            var server = http.GetContextFlowServer<TenantServer>();
            if (string.IsNullOrWhiteSpace(body.Text) || body.Text.Length > server.MaxMessageLength)
            {
                return TypedResults.Problem(statusCode: 400, title: "Invalid message", detail: $"A message needs 1 to {server.MaxMessageLength} characters of text.");
            }

            var message = await server.Store.PostAsync(room, body.Sender ?? "anonymous", body.Text, http.RequestAborted);
            if (message is null)
            {
                return TypedResults.Problem(statusCode: 404, title: "Unknown room", detail: $"No room '{room}' on this server.");
            }

            server.Index(message);
            logger.LogInformation("Message {MessageId} in {RoomId} from {Sender}", message.Id, room, message.Sender);
            return TypedResults.Created($"/rooms/{room}/messages?after={message.Id - 1}", message);
        });

        app.MapGet("/search", (string q, HttpContext http) => new { word = q, messages = http.GetContextFlowServer<TenantServer>().Search(q) });
    }
}
