using GpuQos.Daemon.Exposition;
using GpuQos.Daemon.Hosting;
using GpuQos.Model.Devices;
using GpuQos.Model.Snapshots;

namespace GpuQos.Daemon.Http;

/// <summary>Health, readiness and the read-only JSON API.</summary>
public static class StateEndpoints
{
    /// <summary>Maps <c>/healthz</c>, <c>/readyz</c> and <c>/api/v1/state</c>.</summary>
    public static void MapStateEndpoints(this WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", (SnapshotStore store, PrometheusExporter exporter, RunRequest request, TimeProvider time) =>
        {
            // Ready once a cycle is whole in /metrics (a snapshot is published before its series are written, so
            // a scrape between the two would miss the last sources), and the latest is no more than three
            // intervals old.
            if (store.Latest is not { } latest || exporter.UpdatesCompleted == 0)
            {
                return Results.Text("not ready: no collection cycle has completed yet\n", statusCode: 503);
            }

            var age = time.GetUtcNow() - latest.Timestamp;
            return age > request.Options.Settings.Interval * 3 + TimeSpan.FromSeconds(2)
                ? Results.Text($"not ready: the last collection was {age.TotalSeconds:0.0} s ago\n", statusCode: 503)
                : Results.Text("ready\n");
        });
        app.MapGet("/api/v1/state", (SnapshotStore store, IEnumerable<IStateSection> sections) =>
        {
            if (store.Latest is not { } s)
            {
                return Results.Json(new { error = "no collection cycle has completed yet" }, statusCode: 503);
            }

            var state = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["timestamp"] = s.Timestamp,
                ["sequence"] = s.Sequence,
                ["backend"] = s.Backend,
                ["gpus"] = s.Gpus.Select(Gpu).ToArray(),
                ["tenants"] = s.Tenants,
                ["collectors"] = s.Collectors.Select(c => new { c.Name, durationSeconds = c.Duration.TotalSeconds, c.Success, c.Error }).ToArray(),
            };
            foreach (var section in sections)
            {
                state[section.Name] = section.GetState();
            }

            return Results.Json(state, JsonDefaults.Options);
        });
    }

    private static object Gpu(GpuSnapshot g) => new
    {
        index = g.Identity.Index,
        uuid = g.Identity.Uuid,
        name = g.Identity.Name,
        mode = g.Device?.Mode.Label(),
        lost = g.Lost,
        device = g.Device,
        health = g.Health,
        partitions = g.Partitions.Select(p => new { p.Reading, p.Tenant, kind = p.Reading.Kind.Label() }),
        processes = g.Processes.Select(p => new { p.Reading, p.Attribution }),
    };
}

/// <summary>A part of <c>/api/v1/state</c> contributed by a feature (SLA states, audits).</summary>
public interface IStateSection
{
    /// <summary>Key in the state document.</summary>
    string Name { get; }

    /// <summary>The section's value, serialized as JSON.</summary>
    object GetState();
}
