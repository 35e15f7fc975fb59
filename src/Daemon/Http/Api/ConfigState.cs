namespace GpuQos.Daemon.Http.Api;

/// <summary>The <c>config</c> section: which configuration is in force and how the last reload went.</summary>
/// <param name="Source">File, or the built-in demo configuration.</param>
/// <param name="Interval">Collection interval, seconds.</param>
/// <param name="Tenants">Tenant names.</param>
/// <param name="Policies">Number of policies.</param>
/// <param name="LastReload">The last reload attempt.</param>
public sealed record ConfigState(string Source, double Interval, IReadOnlyList<string> Tenants, int Policies, ReloadState LastReload);
