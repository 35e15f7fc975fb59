using System.Net.Http.Headers;
using GpuQos.Daemon.Exposition;
using Prometheus;

namespace GpuQos.Daemon.Http;

/// <summary>
/// <c>GET /metrics</c>: the Prometheus text format, or OpenMetrics when the scraper asks for it, as prometheus-net's
/// own middleware negotiates it (the <c>Accept</c> header by quality, or an <c>accept</c> query parameter). The
/// bytes come from <see cref="ScrapeRenders"/>: one render per collection cycle, whole, shared by its scrapes.
/// </summary>
public static class MetricsEndpoint
{
    public static void MapMetricsEndpoint(this WebApplication app, string path = "/metrics")
    {
        app.MapMethods(path, [HttpMethods.Get, HttpMethods.Head], async (HttpContext context, ScrapeRenders renders) =>
        {
            var (format, contentType) = Negotiate(context.Request);
            var render = renders.Acquire(format);
            try
            {
                context.Response.ContentType = contentType;
                context.Response.ContentLength = render.Length;
                if (!HttpMethods.IsHead(context.Request.Method))
                {
                    await render.WriteToAsync(context.Response.Body, context.RequestAborted);
                }
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The scraper went away (its timeout, a restart): nothing to report.
            }
            finally
            {
                render.Release();
            }
        });
    }

    /// <summary>The format the request asks for: OpenMetrics only when it prefers it to the text format.</summary>
    public static (ExpositionFormat Format, string ContentType) Negotiate(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var accept = request.Query.TryGetValue("accept", out var fromQuery) ? fromQuery.ToString() : request.Headers.Accept.ToString();
        var candidates = accept.Split(',')
            .Select(c => MediaTypeWithQualityHeaderValue.TryParse(c, out var type) ? type : null)
            .OfType<MediaTypeWithQualityHeaderValue>()
            .OrderByDescending(t => t.Quality ?? 1);
        foreach (var candidate in candidates)
        {
            if (candidate.MediaType == PrometheusConstants.TextContentType)
            {
                break;
            }

            if (candidate.MediaType == PrometheusConstants.OpenMetricsContentType)
            {
                return (ExpositionFormat.OpenMetricsText, PrometheusConstants.OpenMetricsContentTypeWithVersionAndEncoding);
            }
        }

        return (ExpositionFormat.PrometheusText, PrometheusConstants.TextContentTypeWithVersionAndEncoding);
    }
}
