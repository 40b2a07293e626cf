using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using ContextFlow.AspNetCore.Tests.Support;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ContextFlow.AspNetCore.Tests;

/// <summary>The admin API is not open by default: never inside a server's URL space, and loopback only until a policy says who.</summary>
public sealed class AdminProtectionTests : WebFixture
{
    private const string Outsider = "203.0.113.7";

    public enum Resolver
    {
        Host,
        Header,
        PathPrefixRoutingAfter,
        PathPrefixRoutingBefore,
    }

    [TestCase(Resolver.Host)]
    [TestCase(Resolver.Header)]
    [TestCase(Resolver.PathPrefixRoutingAfter)]
    [TestCase(Resolver.PathPrefixRoutingBefore)]
    public async Task ThroughAServersOwnRoute_NothingOfTheAdminApiAnswers(Resolver resolver)
    {
        await using var app = await TestApp.StartAsync(
            a =>
            {
                if (resolver == Resolver.PathPrefixRoutingBefore)
                {
                    a.UseRouting();
                }

                a.UseContextFlow();
                if (resolver == Resolver.PathPrefixRoutingAfter)
                {
                    a.UseRouting();
                }

                Endpoints.MapHandlers(a);
                a.MapContextFlowAdmin<WebTestConfig>((c, r) => new WebTestServer(c, r));
            },
            options: o => o.ServerNameResolver = resolver switch
            {
                Resolver.Host => ServerNameResolver.Host(),
                Resolver.Header => ServerNameResolver.Header("X-Tenant"),
                _ => ServerNameResolver.PathPrefix(),
            });
        await app.ProvisionAsync("alpha");
        await app.ProvisionAsync("beta");

        // From loopback, which the admin API answers: only a server's route stands in its way.
        var prefix = resolver is Resolver.PathPrefixRoutingAfter or Resolver.PathPrefixRoutingBefore ? "/alpha" : "";
        var statuses = new List<int>();
        foreach (var (method, path, body) in new[]
        {
            (HttpMethod.Get, "/_contextflow/servers", (string?)null),
            (HttpMethod.Get, "/_contextflow/servers/beta", null),
            (HttpMethod.Get, "/_contextflow/", null),
            (HttpMethod.Post, "/_contextflow/servers", """{ "serverName": "intruder" }"""),
            (HttpMethod.Delete, "/_contextflow/servers/beta", null),
            (HttpMethod.Delete, "/_contextflow/servers/alpha", null),
        })
        {
            using var request = TestApp.Request(method, "alpha", prefix + path, body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"),
                [new("X-Tenant", "alpha")]);
            using var response = await app.Client.SendAsync(request);
            statuses.Add((int)response.StatusCode);
        }

        using var outside = await app.Client.GetAsync("/_contextflow/servers");

        Assert.Multiple(() =>
        {
            Assert.That(statuses, Is.All.EqualTo(404), "never answered through a server's host, header or prefix");
            Assert.That(app.Host.Servers.Select(s => s.ServerName), Is.EqualTo(new[] { "alpha", "beta" }), "nothing provisioned or removed");
            Assert.That((int)outside.StatusCode, Is.EqualTo(200), "the admin API is where no server is");
        });
    }

    [Test]
    public async Task WithoutAPolicy_ALoopbackClientIsAnswered_AnotherIs403ToldHowToOpenIt()
    {
        await using var app = await StartAsync(admin => { });

        using var local = await app.Client.GetAsync("/_contextflow/servers");
        var remote = await StatusesAsync(app, [new("X-Forwarded-For", Outsider)]);
        using var remoteList = await app.Client.SendAsync(TestApp.Request(HttpMethod.Get, "localhost", "/_contextflow/servers", headers: [new("X-Forwarded-For", Outsider)]));
        var problem = await remoteList.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That((int)local.StatusCode, Is.EqualTo(200));
            Assert.That(remote, Is.All.EqualTo(403), "list, dashboard, provision, deprovision");
            Assert.That(problem, Does.Contain("loopback clients only").And.Contain("RequireAuthorization"));
            Assert.That(app.Host.Servers.Select(s => s.ServerName), Is.EqualTo(new[] { "alpha.test" }));
        });
    }

    [Test]
    public async Task WithoutAPolicy_ALocalProxysRequestThatNamesAnotherClient_Is403()
    {
        await using var app = await StartAsync(admin => { }, forwardedHeaders: false);

        var statuses = await StatusesAsync(app, [new("X-Forwarded-For", Outsider)]);
        var forwarded = await StatusesAsync(app, [new("Forwarded", $"for={Outsider}")]);

        Assert.That(statuses.Concat(forwarded), Is.All.EqualTo(403), "a proxy on this machine relays other clients: they are not loopback");
    }

    [Test]
    public async Task WithAPolicy_ClientsItAdmitsAreAnsweredFromAnywhere_OthersAre401Or403()
    {
        await using var app = await StartAsync(admin => admin.RequireAuthorization("operators"));

        var anonymous = await StatusesAsync(app, [new("X-Forwarded-For", Outsider)]);
        var user = await StatusesAsync(app, [new("X-Forwarded-For", Outsider), new("Authorization", "Token alice")]);
        var anonymousLocal = await StatusesAsync(app, []);
        var op = await StatusesAsync(app, [new("X-Forwarded-For", Outsider), new("Authorization", "Token op-bob")]);

        Assert.Multiple(() =>
        {
            Assert.That(anonymous, Is.All.EqualTo(401));
            Assert.That(user, Is.All.EqualTo(403), "authenticated, but not an operator");
            Assert.That(anonymousLocal, Is.All.EqualTo(401), "with a policy, loopback is no pass");
            Assert.That(op, Is.EqualTo(new[] { 200, 200, 201, 204 }), "list, dashboard, provision, deprovision");
        });
    }

    [Test]
    public async Task AllowAnonymous_OpensItToEveryone()
    {
        await using var app = await StartAsync(admin => admin.AllowAnonymous());

        var statuses = await StatusesAsync(app, [new("X-Forwarded-For", Outsider)]);

        Assert.That(statuses, Is.EqualTo(new[] { 200, 200, 201, 204 }));
    }

    [Test]
    public async Task ElsewhereThanTheDefault_TheAdminApiAnswersOnlyThere()
    {
        await using var app = await TestApp.StartAsync(a =>
        {
            a.UseContextFlow();
            a.MapContextFlowAdmin("/ops/contextflow");
        });
        await app.ProvisionAsync("alpha.test");

        using var there = await app.Client.GetAsync("/ops/contextflow/servers");
        using var dashboard = await app.Client.GetAsync("/ops/contextflow/");
        using var notHere = await app.Client.GetAsync("/_contextflow/servers");

        Assert.Multiple(() =>
        {
            Assert.That((int)there.StatusCode, Is.EqualTo(200));
            Assert.That((int)dashboard.StatusCode, Is.EqualTo(200));
            Assert.That((int)notHere.StatusCode, Is.EqualTo(404));
            Assert.That(() => TestApp.StartAsync(a => a.MapContextFlowAdmin("/ops/{tenant}")), Throws.ArgumentException);
        });
    }

    /// <summary>An app with the admin API behind forwarded headers (a proxy on loopback says who the client is) and authentication.</summary>
    private static async Task<TestApp> StartAsync(Action<RouteGroupBuilder> protect, bool forwardedHeaders = true)
    {
        var app = await TestApp.StartAsync(
            a =>
            {
                if (forwardedHeaders)
                {
                    a.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor });
                }

                a.UseAuthentication();
                a.UseContextFlow();
                a.UseAuthorization();
                protect(a.MapContextFlowAdmin<WebTestConfig>((c, r) => new WebTestServer(c, r)));
            },
            configure: b =>
            {
                b.Services.AddAuthentication(TokenAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, TokenAuthentication>(TokenAuthentication.SchemeName, null);
                b.Services.AddAuthorizationBuilder().AddPolicy("operators", p => p.RequireRole(TokenAuthentication.OperatorRole));
            });
        await app.ProvisionAsync("alpha.test");
        return app;
    }

    /// <summary>List, dashboard, provision a server, deprovision it: the statuses, for a client the headers describe.</summary>
    private static async Task<int[]> StatusesAsync(TestApp app, KeyValuePair<string, string>[] headers)
    {
        var name = "new-" + Guid.NewGuid().ToString("N")[..8] + ".test";
        var statuses = new List<int>();
        foreach (var (method, path, body) in new[]
        {
            (HttpMethod.Get, "/_contextflow/servers", (string?)null),
            (HttpMethod.Get, "/_contextflow/", null),
            (HttpMethod.Post, "/_contextflow/servers", $$"""{ "serverName": "{{name}}" }"""),
            (HttpMethod.Delete, $"/_contextflow/servers/{name}", null),
        })
        {
            using var request = TestApp.Request(method, "localhost", path, body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"), headers);
            using var response = await app.Client.SendAsync(request);
            statuses.Add((int)response.StatusCode);
        }

        return [.. statuses];
    }
}
