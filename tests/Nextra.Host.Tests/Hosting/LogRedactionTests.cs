using Nextra.Host.Hosting;
using Serilog.Events;
using Serilog.Parsing;

namespace Nextra.Host.Tests.Hosting;

public sealed class LogRedactionTests
{
    [Theory]
    [InlineData("/api/triggers/f1/webhook/s3cr3t", "/api/triggers/f1/webhook/***")]
    [InlineData("/api/flows/f1", "/api/flows/f1")]
    public void Path_WebhookToken_Hidden(string path, string expected) => Assert.Equal(expected, LogRedaction.Path(path));

    [Fact]
    public void Enrich_RequestPathProperty_Redacted()
    {
        var evt = new LogEvent(DateTimeOffset.UnixEpoch, LogEventLevel.Information, null, new MessageTemplateParser().Parse("x"),
            [new LogEventProperty("RequestPath", new ScalarValue("/api/triggers/f/webhook/tok"))]);

        new LogRedaction().Enrich(evt, null!);

        Assert.Equal("\"/api/triggers/f/webhook/***\"", evt.Properties["RequestPath"].ToString());
    }
}
