using System.Runtime.CompilerServices;
using Npgsql;
using Respond.Server.Storage;

namespace Respond.Server.Tests.Storage;

// The one "lost a database race" rule, for alerts and runs alike: each case one of them relied on.
public sealed class StorageFailuresTests
{
    [Theory]
    [InlineData("23505")] // unique violation: a twin alert, a run started twice
    [InlineData("40001")] // serialization failure
    [InlineData("40P01")] // deadlock
    public void A_race_state_lost_a_race_directly_or_wrapped(string sqlState)
    {
        Assert.True(StorageFailures.IsLostRace(Postgres(sqlState)));
        Assert.True(StorageFailures.IsLostRace(new InvalidOperationException("wrapped", Postgres(sqlState))));
    }

    [Fact]
    public void A_stream_or_document_that_exists_or_moved_on_lost_a_race()
    {
        Assert.True(StorageFailures.IsLostRace(Uninitialized<JasperFx.Events.ExistingStreamIdCollisionException>()));
        Assert.True(StorageFailures.IsLostRace(Uninitialized<Marten.Exceptions.ExistingStreamIdCollisionException>()));
        Assert.True(StorageFailures.IsLostRace(Uninitialized<JasperFx.ConcurrencyException>()));
        Assert.True(StorageFailures.IsLostRace(Uninitialized<JasperFx.DocumentAlreadyExistsException>()));
        Assert.True(StorageFailures.IsLostRace(new InvalidOperationException("wrapped", Uninitialized<JasperFx.ConcurrencyException>())));
    }

    [Fact]
    public void Other_errors_did_not_lose_a_race()
    {
        Assert.False(StorageFailures.IsLostRace(Postgres("23503"))); // foreign key violation
        Assert.False(StorageFailures.IsLostRace(Postgres("08006"))); // connection failure: unavailable, not a race
        Assert.False(StorageFailures.IsLostRace(new InvalidOperationException("wrapped", Postgres("42P01"))));
        Assert.False(StorageFailures.IsLostRace(new TimeoutException()));
        Assert.False(StorageFailures.IsLostRace(new InvalidOperationException()));
    }

    private static PostgresException Postgres(string sqlState) => new("test", "ERROR", "ERROR", sqlState);

    // The libraries' constructors are theirs to change; the rule only looks at the type.
    private static T Uninitialized<T>() where T : Exception => (T)RuntimeHelpers.GetUninitializedObject(typeof(T));
}
