namespace Respond.Server.Hosting;

/// <summary>SPEC §8 lists: pages start at 1, 50 items by default, at most 200.</summary>
public readonly record struct Paging(int Page, int PageSize)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public int Skip => (Page - 1) * PageSize;

    /// <summary>The page asked for, or the 400 that says what a page may be.</summary>
    public static IResult? TryRead(int? page, int? pageSize, out Paging paging)
    {
        paging = new Paging(page ?? 1, pageSize ?? DefaultPageSize);
        // The offset must fit the database's (and LINQ's) 32-bit OFFSET: page 2147483647 would overflow it.
        var offset = ((long)paging.Page - 1) * paging.PageSize;
        return paging.Page < 1 || paging.PageSize < 1 || paging.PageSize > MaxPageSize || offset > int.MaxValue
            ? Problems.BadRequest($"page starts at 1; pageSize is 1 to {MaxPageSize}; (page - 1) × pageSize is at most {int.MaxValue}.")
            : null;
    }
}
