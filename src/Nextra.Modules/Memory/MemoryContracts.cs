namespace Nextra.Modules.Memory;

/// <summary><c>GET /api/flows/{id}/memory</c>.</summary>
public sealed record MemoryUsageResponse(long UsedBytes, long MaxBytes, MemoryKeyInfo[] Keys);

public sealed record MemoryKeyInfo(string Key, long Size);
