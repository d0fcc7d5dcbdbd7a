using Respond.Domain.Common;
using Respond.Domain.Incidents;

namespace Respond.Domain.Tests.Common;

public class ContractWordsTests
{
    [Fact]
    public void The_words_are_the_enum_values_in_kebab_case_in_the_enums_order()
    {
        Assert.Equal(["true-positive", "benign-positive", "false-positive", "undetermined"], ContractWords.All<Classification>());
        Assert.Equal("informational, low, medium, high or critical", ContractWords.OneOf<Severity>());
    }

    [Theory]
    [InlineData("benign-positive", true)]
    [InlineData("Benign-Positive", false)]
    [InlineData(" benign-positive", false)]
    [InlineData("benignpositive", false)]
    [InlineData(null, false)]
    public void A_word_reads_back_only_exactly(string? text, bool known)
    {
        Assert.Equal(known, ContractWords.TryParse<Classification>(text, out var value));
        Assert.Equal(known ? Classification.BenignPositive : default, value);
    }
}
