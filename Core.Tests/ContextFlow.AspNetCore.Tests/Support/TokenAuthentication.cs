using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ContextFlow.AspNetCore.Tests.Support;

/// <summary>
/// An authentication scheme for the tests: <c>Authorization: Token {name}</c> signs in user {name}, an operator when the
/// name starts with "op-". Anything else is anonymous.
/// </summary>
public sealed class TokenAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Token";
    public const string OperatorRole = "operator";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers[HeaderNames.Authorization].ToString();
        if (!header.StartsWith(SchemeName + " ", System.StringComparison.Ordinal))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var name = header[(SchemeName.Length + 1)..];
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], SchemeName);
        if (name.StartsWith("op-", System.StringComparison.Ordinal))
        {
            identity.AddClaim(new Claim(ClaimTypes.Role, OperatorRole));
        }

        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
