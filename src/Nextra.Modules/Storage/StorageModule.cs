namespace Nextra.Modules.Storage;

/// <summary>Placeholder so the project compiles until the storage module lands.</summary>
internal static class StorageModule;
