namespace Nextra.Modules.Memory;

/// <summary><c>GET /api/flows/{id}/memory</c>; <c>MaxBytes</c> null = unlimited, 0 = project memory not available on the tier.</summary>
public sealed record MemoryUsageResponse(long UsedBytes, long? MaxBytes, MemoryKeyInfo[] Keys);

public sealed record MemoryKeyInfo(string Key, long Size);
