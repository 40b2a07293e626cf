namespace ContextFlow.Orleans.Tests;

public sealed class CarriedRequestTests
{
    [TestCase("GET-1", "@ann:alpha", "5:GET-1@ann:alpha")]
    [TestCase("GET-1", null, "5:GET-1")]
    [TestCase("12:ab", "3:x", "5:12:ab3:x")]
    [TestCase("é", "ü", "1:éü")]
    public void Request_TravelsAsOneString_AndComesBackAsItsIdAndRequester(string id, string? requester, string expected)
    {
        var carried = CarriedRequest.Encode(new RequestInfo(id, Method: "GET", Url: "/x", IpAddress: "10.0.0.1", Requester: requester));

        var back = CarriedRequest.Decode(carried!);

        Assert.Multiple(() =>
        {
            Assert.That(carried, Is.EqualTo(expected));
            Assert.That(back, Is.EqualTo(new RequestInfo(id, Requester: requester)), "only the id and the requester cross");
            Assert.That(CarriedRequest.Matches(carried, new RequestInfo(id, Method: "POST", Requester: requester)));
        });
    }

    [Test]
    public void NoRequest_TravelsAsNothing()
    {
        Assert.Multiple(() =>
        {
            Assert.That(CarriedRequest.Encode(null), Is.Null);
            Assert.That(CarriedRequest.Matches(null, null));
            Assert.That(CarriedRequest.Matches("5:GET-1", null), Is.False);
            Assert.That(CarriedRequest.Matches(null, new RequestInfo("GET-1")), Is.False);
        });
    }

    [TestCase("5:GET-1", "GET-2", null)]
    [TestCase("5:GET-1", "GET-1", "@ann:alpha")]
    [TestCase("5:GET-1@ann:alpha", "GET-1", null)]
    [TestCase("5:GET-1@ann:alpha", "GET-1", "@bob:alpha")]
    public void AnotherRequest_DoesNotMatch(string carried, string id, string? requester) =>
        Assert.That(CarriedRequest.Matches(carried, new RequestInfo(id, Requester: requester)), Is.False);

    [TestCase("")]
    [TestCase("GET-1")]
    [TestCase(":GET-1")]
    [TestCase("9:GET-1")]
    [TestCase("-1:GET-1")]
    [TestCase("0:@ann:alpha")]
    [TestCase("99999999999:x")]
    public void ValueNotOfTheFormat_IsNoRequest(string carried)
    {
        Assert.Multiple(() =>
        {
            Assert.That(CarriedRequest.Decode(carried), Is.Null);
            Assert.That(CarriedRequest.Matches(carried, new RequestInfo("GET-1")), Is.False);
        });
    }
}
