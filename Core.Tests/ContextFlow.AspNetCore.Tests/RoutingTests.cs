using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.AspNetCore.Tests.Support;
using ContextFlow.Hosting;
using Microsoft.AspNetCore.Builder;

namespace ContextFlow.AspNetCore.Tests;

public sealed class RoutingTests : WebFixture
{
    [Test]
    public async Task HostHeader_ChoosesTheServer()
    {
        await using var app = await TestApp.StartAsync(a => a.MapTestEndpoints());
        await app.ProvisionAsync("alpha.test");
        await app.ProvisionAsync("beta.test");

        var alpha = await app.Client.SendAsync(TestApp.Request(HttpMethod.Get, "alpha.test", "/whoami"));
        var beta = await app.Client.SendAsync(TestApp.Request(HttpMethod.Get, "BETA.test:8080", "/whoami"));

        Assert.Multiple(async () =>
        {
            Assert.That((await alpha.Content.ReadFromJsonAsync<Seen>())!.Server, Is.EqualTo("alpha.test"));
            Assert.That((await beta.Content.ReadFromJsonAsync<Seen>())!.Server, Is.EqualTo("beta.test"), "port dropped, case folded");
        });
    }

    [Test]
    public async Task UnknownHost_Is404WithProblemDetails()
    {
        await using var app = await TestApp.StartAsync(a => a.MapTestEndpoints());
        await app.ProvisionAsync("alpha.test");

        using var response = await app.GetAsync("nobody.test", "/whoami");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Multiple(() =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(404));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(problem.GetProperty("title").GetString(), Is.EqualTo("Unknown server"));
            Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("nobody.test"));
            Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo(404));
        });
    }

    [Test]
    public async Task ServerBeingSetUp_Is503WithRetryAfter_ThenServes()
    {
        await using var app = await TestApp.StartAsync(a => a.MapTestEndpoints());
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var settingUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var provisioning = app.Host.ProvisionAsync(new WebTestConfig { ServerName = "slow.test" }, (c, _) => new WebTestServer(c, app.Running)
        {
            Setup = async ct =>
            {
                settingUp.TrySetResult();
                await release.Task.WaitAsync(ct);
            },
        });
        await settingUp.Task;

        using var during = await app.GetAsync("slow.test", "/whoami");
        var problem = await during.Content.ReadFromJsonAsync<JsonElement>();
        release.SetResult();
        await provisioning;
        using var after = await app.GetAsync("slow.test", "/whoami");

        Assert.Multiple(() =>
        {
            Assert.That((int)during.StatusCode, Is.EqualTo(503));
            Assert.That(during.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
            Assert.That(problem.GetProperty("title").GetString(), Is.EqualTo("Server unavailable"));
            Assert.That((int)after.StatusCode, Is.EqualTo(200));
        });
    }

    [Test]
    public async Task ServerShuttingDown_Is503_AndItsRequestsInFlightFinish()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await TestApp.StartAsync(a =>
        {
            a.UseContextFlow();
            a.MapGet("/hold", async () =>
            {
                entered.TrySetResult();
                await release.Task;
                return "held";
            });
            Endpoints.MapHandlers(a);
        });
        var server = await app.ProvisionAsync("going.test");

        var held = app.GetAsync("going.test", "/hold");
        await entered.Task;
        var deprovision = app.Host.DeprovisionAsync("going.test");
        while (server.State != ServerState.ShuttingDown)
        {
            await Task.Yield();
        }

        using var refused = await app.GetAsync("going.test", "/whoami");
        var waitedForTheRequest = !deprovision.IsCompleted;
        release.SetResult();
        using var finished = await held;
        await deprovision;

        Assert.Multiple(async () =>
        {
            Assert.That((int)refused.StatusCode, Is.EqualTo(503));
            Assert.That(waitedForTheRequest, "shutdown waits for the request in flight");
            Assert.That(await finished.Content.ReadAsStringAsync(), Is.EqualTo("held"));
            Assert.That(server.State, Is.EqualTo(ServerState.ShutDown));
        });
    }

    [Test]
    public async Task ServerProvisionedAtRunTime_IsServedWithoutEndpointChanges()
    {
        await using var app = await TestApp.StartAsync(a => a.MapTestEndpoints());
        using var before = await app.GetAsync("late.test", "/whoami");

        await app.ProvisionAsync("late.test");
        using var after = await app.GetAsync("late.test", "/whoami");
        await app.Host.DeprovisionAsync("late.test");
        using var gone = await app.GetAsync("late.test", "/whoami");

        Assert.That(new[] { (int)before.StatusCode, (int)after.StatusCode, (int)gone.StatusCode }, Is.EqualTo(new[] { 404, 200, 404 }));
    }

    [Test]
    public async Task PathPrefixResolver_RoutesOnThePathWithoutThePrefix()
    {
        await using var app = await TestApp.StartAsync(
            a =>
            {
                a.UseContextFlow();
                a.UseRouting();
                Endpoints.MapHandlers(a);
            },
            options: o => o.TenantResolver = TenantResolver.PathPrefix());
        await app.ProvisionAsync("alpha");

        var seen = await app.Client.GetFromJsonAsync<Seen>("/alpha/whoami");
        using var unknown = await app.Client.GetAsync("/nobody/whoami");

        Assert.Multiple(() =>
        {
            Assert.That(seen!.Server, Is.EqualTo("alpha"));
            Assert.That(seen.Url, Is.EqualTo("/alpha/whoami"), "the request's URL keeps the prefix, as the client sent it");
            Assert.That((int)unknown.StatusCode, Is.EqualTo(404));
        });
    }

    [Test]
    public async Task HeaderResolver_RoutesByTheHeader()
    {
        await using var app = await TestApp.StartAsync(a => a.MapTestEndpoints(), options: o => o.TenantResolver = TenantResolver.Header("X-Tenant"));
        await app.ProvisionAsync("alpha");

        using var named = await app.GetAsync("whatever", "/whoami", [new KeyValuePair<string, string>("X-Tenant", "alpha")]);
        using var unnamed = await app.GetAsync("alpha", "/whoami");

        Assert.Multiple(() =>
        {
            Assert.That((int)named.StatusCode, Is.EqualTo(200));
            Assert.That((int)unnamed.StatusCode, Is.EqualTo(404), "without the header the request names no server");
        });
    }

    [Test]
    public void ResolverArguments_AreChecked()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => TenantResolver.Header(""), Throws.ArgumentException);
            Assert.That(() => new ContextFlowOptions().TenantResolver = null!, Throws.ArgumentNullException);
            Assert.That(() => new ContextFlowOptions().SampleInterval = TimeSpan.Zero, Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public async Task CancelledClient_LeavesNothingInFlight()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await TestApp.StartAsync(a =>
        {
            a.UseContextFlow();
            a.MapGet("/forever", async (Microsoft.AspNetCore.Http.HttpContext http) =>
            {
                entered.TrySetResult();
                await Task.Delay(Timeout.Infinite, http.RequestAborted);
            });
        });
        var server = await app.ProvisionAsync("alpha.test");
        using var cancel = new CancellationTokenSource();

        var call = app.Client.SendAsync(TestApp.Request(HttpMethod.Get, "alpha.test", "/forever"), cancel.Token);
        await entered.Task;
        await cancel.CancelAsync();
        Assert.That(async () => await call, Throws.InstanceOf<OperationCanceledException>());
        var deprovision = app.Host.DeprovisionAsync("alpha.test");

        Assert.That(await deprovision.WaitAsync(TimeSpan.FromSeconds(10)), "the aborted request does not hold the shutdown up");
        Assert.That(server.State, Is.EqualTo(ServerState.ShutDown));
    }
}
