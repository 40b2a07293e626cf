using System;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using ContextFlow.AspNetCore.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Serilog.Events;

namespace ContextFlow.AspNetCore.Tests;

/// <summary>An exception of the application reaches the application's own error handling; the access line still says 500.</summary>
public sealed class ErrorHandlingTests : WebFixture
{
    [Test]
    public async Task ThrowingHandler_WithUseExceptionHandlerBefore_TheHandlersResponseIsSent_AndTheAccessLineSays500()
    {
        await using var app = await StartAsync(a => a.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = http => http.Response.WriteAsync("handled by the application"),
        }));

        using var response = await app.GetAsync("alpha.test", "/fail");
        var line = (await AccessLinesAsync()).Single();

        Assert.Multiple(async () =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(500));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("handled by the application"));
            Assert.That(Property(line, "Status"), Is.EqualTo("500"));
            Assert.That(Property(line, "Request"), Is.EqualTo("GET-1"));
            Assert.That(line.Level, Is.EqualTo(LogEventLevel.Error));
            Assert.That(line.Exception?.Message, Is.EqualTo("the handler broke"), "the access line carries the exception");
        });
    }

    [Test]
    public async Task ThrowingHandler_WithUseExceptionHandlerAndProblemDetails_IsAnswered500AsProblemDetails()
    {
        await using var app = await StartAsync(a => a.UseExceptionHandler());

        using var response = await app.GetAsync("alpha.test", "/fail");
        (await AccessLinesAsync()).Single();

        Assert.Multiple(() =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(500));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        });
    }

    [Test]
    public async Task ThrowingHandler_WithAnErrorPath_TheErrorEndpointRunsInTheSameRequestContext_AndOneAccessLineIsWritten()
    {
        await using var app = await StartAsync(
            a => a.UseExceptionHandler("/error"),
            a => a.MapGet("/error", (HttpContext http) => $"error page of {http.GetContextFlowServer().ServerName} in {LoggingContext.Current.Name}"));

        using var response = await app.GetAsync("alpha.test", "/fail");
        var line = (await AccessLinesAsync()).Single();
        await Task.Delay(100);

        Assert.Multiple(async () =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(500));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("error page of alpha.test in GET-1"));
            Assert.That(Log.Events.Count(e => Property(e, "SourceContext") == AccessLog.SourceContext), Is.EqualTo(1));
            Assert.That(Property(line, "Status"), Is.EqualTo("500"));
        });
    }

    [Test]
    public async Task ThrowingHandler_WithTheDeveloperExceptionPage_ThePageIsShown()
    {
        await using var app = await StartAsync(a => a.UseDeveloperExceptionPage());

        using var response = await app.Client.SendAsync(TestApp.Request(HttpMethod.Get, "alpha.test", "/fail", headers: [new("Accept", "text/html")]));
        var line = (await AccessLinesAsync()).Single();

        Assert.Multiple(async () =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(500));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("the handler broke").And.Contain("InvalidOperationException"));
            Assert.That(Property(line, "Status"), Is.EqualTo("500"));
        });
    }

    [Test]
    public async Task ThrowingHandler_WithNoErrorHandling_IsTheServers500_AndTheAccessLineCarriesTheException()
    {
        await using var app = await StartAsync(_ => { });

        using var response = await app.GetAsync("alpha.test", "/fail");
        var line = (await AccessLinesAsync()).Single();

        Assert.Multiple(() =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(500));
            Assert.That(Property(line, "Status"), Is.EqualTo("500"));
            Assert.That(Property(line, "ServerName"), Is.EqualTo("alpha.test"));
            Assert.That(line.Level, Is.EqualTo(LogEventLevel.Error));
            Assert.That(line.Exception?.Message, Is.EqualTo("the handler broke"));
        });
    }

    private static async Task<TestApp> StartAsync(Action<WebApplication> before, Action<WebApplication>? more = null)
    {
        var app = await TestApp.StartAsync(a =>
        {
            before(a);
            a.UseContextFlow();
            Endpoints.MapHandlers(a);
            more?.Invoke(a);
        });
        await app.ProvisionAsync("alpha.test");
        return app;
    }
}
