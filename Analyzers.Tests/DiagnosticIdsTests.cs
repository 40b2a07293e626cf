using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;

namespace ContextFlow.Analyzers.Tests;

public sealed class DiagnosticIdsTests
{
    [Test]
    public void EveryId_IsUniqueAndInItsBand()
    {
        var ids = typeof(DiagnosticIds)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();

        Assert.That(ids, Is.Unique);
        Assert.That(ids, Has.All.Matches<string>(id => Regex.IsMatch(id, "^CTX[1239][0-9]{3}$")));
    }
}
