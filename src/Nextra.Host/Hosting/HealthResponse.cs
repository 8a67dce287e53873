namespace Nextra.Host.Hosting;

public sealed record HealthResponse(string Status);
