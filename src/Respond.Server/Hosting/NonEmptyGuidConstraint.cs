namespace Respond.Server.Hosting;

/// <summary>
/// Replaces the <c>{id:guid}</c> route constraint: the empty GUID names nothing (Marten refuses it as a stream id),
/// so a route given one does not match, and the caller gets the API's 404 instead of a 500.
/// </summary>
internal sealed class NonEmptyGuidConstraint : IRouteConstraint
{
    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        values.TryGetValue(routeKey, out var value)
        && Guid.TryParse(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), out var id)
        && id != Guid.Empty;
}
