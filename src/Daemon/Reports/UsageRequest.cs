namespace GpuQos.Daemon.Reports;

/// <summary>What <c>gpuqos report usage</c> asks for.</summary>
/// <param name="From">Start of the window.</param>
/// <param name="Until">End of the window.</param>
/// <param name="Split">The longest range one query covers.</param>
/// <param name="By">What the rows are.</param>
/// <param name="Top">How many pods to list by use (0: none).</param>
/// <param name="Prices">Prices per GPU model, or null.</param>
public sealed record UsageRequest(DateTimeOffset From, DateTimeOffset Until, TimeSpan Split, UsageGrouping By, int Top, PriceListOptions? Prices);
