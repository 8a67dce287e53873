using Nextra.Modules.Flows.Validation;

namespace Nextra.Modules.Tests.Flows;

public sealed class YamlSyntaxValidatorTests
{
    [Fact]
    public void Validate_ValidMapping_NoProblems()
    {
        Assert.Empty(YamlSyntaxValidator.Validate("name: a\nlisteners: []\n"));
    }

    [Theory]
    [InlineData("name: a\nkey: value: other\n", 2, "yaml_syntax")]
    [InlineData("", 1, "empty_document")]
    [InlineData("   \n", 1, "empty_document")]
    [InlineData("- just\n- a list\n", 1, "not_a_mapping")]
    [InlineData("name: a\n---\nname: b\n", 3, "multiple_documents")]
    public void Validate_Problem_ReportsLineAndCode(string yaml, int line, string code)
    {
        var problem = Assert.Single(YamlSyntaxValidator.Validate(yaml));

        Assert.Equal(line, problem.Line);
        Assert.Equal(code, problem.Code);
        Assert.True(problem.Column >= 1);
    }

    [Fact]
    public void TopLevelScalar_ReadsName()
    {
        Assert.Equal("hello", YamlSyntaxValidator.TopLevelScalar("name: hello\n", "name"));
        Assert.Null(YamlSyntaxValidator.TopLevelScalar("other: 1\n", "name"));
    }
}
