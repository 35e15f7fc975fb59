using GpuQos.Daemon.Exposition;
using GpuQos.Daemon.Hosting;
using GpuQos.Model.Devices;
using GpuQos.Model.Snapshots;
using GpuQos.Daemon.Http.Api;

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
                return Results.Json(new ApiError("no collection cycle has completed yet"), ApiJsonContext.Api.ApiError, statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            var state = sections.Aggregate(Document(s), (document, section) => section.AddTo(document));
            return Results.Json(state, ApiJsonContext.Api.StateDocument);
        })
        .Produces<StateDocument>(contentType: "application/json")
        .Produces<ApiError>(StatusCodes.Status503ServiceUnavailable, "application/json");
    }

    /// <summary>The snapshot part of the state document, before the features add their sections.</summary>
    public static StateDocument Document(HostSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new StateDocument
        {
            Timestamp = s.Timestamp,
            Sequence = s.Sequence,
            Backend = s.Backend,
            Gpus = [.. s.Gpus.Select(Gpu)],
            Tenants = s.Tenants,
            Collectors = [.. s.Collectors.Select(c => new CollectorState(c.Name, c.Duration.TotalSeconds, c.Success, c.Error))],
        };
    }

    private static GpuState Gpu(GpuSnapshot g) => new()
    {
        Index = g.Identity.Index,
        Uuid = g.Identity.Uuid,
        Name = g.Identity.Name,
        Mode = g.Device?.Mode.Label(),
        Lost = g.Lost,
        Device = g.Device,
        Health = g.Health,
        Partitions = [.. g.Partitions.Select(p => new PartitionState(p.Reading, p.Tenant, p.Reading.Kind.Label()))],
        Processes = [.. g.Processes.Select(p => new ProcessState(p.Reading, p.Attribution))],
    };
}
