using System.Net.Http.Headers;
using System.Text;
using GpuQos.Enforcer.Policies;

namespace GpuQos.Enforcer.Workload;

/// <summary>
/// Reads a workload's own metrics endpoint (<c>scrape:URL</c>) as Prometheus does: one GET, a timeout, and a
/// cap on the page's size, so neither a hung nor a huge endpoint can hold the sampler or the daemon's memory.
/// </summary>
public sealed class ScrapeReader(HttpClient http, WorkloadMetricsOptions options) : IWorkloadSourceReader
{
    /// <inheritdoc />
    public string Kind => WorkloadSource.Scrape;

    /// <inheritdoc />
    public async Task<IReadOnlyList<ExposedSample>> ReadAsync(WorkloadSource source, Func<string, bool> keep, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, source.Url);

            // The classic text format: every exporter serves it, and it is what the parser reads.
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain") { Parameters = { new NameValueHeaderValue("version", "0.0.4") } });
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new WorkloadReadException($"{source.Target} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            if (response.Content.Headers.ContentLength > options.MaxBytes)
            {
                throw new WorkloadReadException($"{source.Target} sent {response.Content.Headers.ContentLength} bytes, more than maxBytes {options.MaxBytes}");
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await body.ReadAsync(chunk, timeout.Token).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > options.MaxBytes)
                {
                    throw new WorkloadReadException($"{source.Target} sent more than maxBytes {options.MaxBytes}");
                }

                buffer.Write(chunk, 0, read);
            }

            var text = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
            return ExpositionParser.Parse(text, keep);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new WorkloadReadException($"{source.Target} did not answer within {options.Timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException ex)
        {
            throw new WorkloadReadException($"{source.Target}: {ex.Message}", ex);
        }
        catch (FormatException ex)
        {
            throw new WorkloadReadException($"{source.Target} is not Prometheus text: {ex.Message}", ex);
        }
    }
}
