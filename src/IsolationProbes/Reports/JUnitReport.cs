using System.Globalization;
using System.Xml.Linq;
using GpuQos.IsolationProbes.Audit;

namespace GpuQos.IsolationProbes.Reports;

/// <summary>Writes <c>junit.xml</c>: one test case per probe and pair, so CI systems show audits like tests.</summary>
public static class JUnitReport
{
    /// <summary>The report as a JUnit XML document.</summary>
    public static XDocument Build(AuditReport report)
    {
        var cases = report.Results.Select(r =>
        {
            var name = r.Aggressor.Length > 0 ? $"{r.Probe}: {r.Victim} vs {r.Aggressor}" : $"{r.Probe}: {r.Victim}";
            var testcase = new XElement("testcase",
                new XAttribute("classname", $"gpuqos.audit.{r.Probe}"),
                new XAttribute("name", name),
                new XAttribute("time", r.Probe is "compute" or "bandwidth" or "cache"
                    ? (r.BaselineSeconds.Sum() + r.ContendedSeconds.Sum()).ToString("0.######", CultureInfo.InvariantCulture)
                    : "0"),
                new XElement("system-out", r.Summary));
            if (r.Verdict == ProbeVerdicts.Failed)
            {
                testcase.AddFirst(new XElement("failure", new XAttribute("message", "isolation violated"), new XAttribute("type", "IsolationViolation"), r.Summary));
            }
            else if (r.Verdict == ProbeVerdicts.Error)
            {
                testcase.AddFirst(new XElement("error", new XAttribute("message", r.Summary), new XAttribute("type", "ProbeError")));
            }

            return testcase;
        }).ToList();
        var suite = new XElement("testsuite",
            new XAttribute("name", "gpuqos isolation audit"),
            new XAttribute("tests", report.Results.Count),
            new XAttribute("failures", report.Results.Count(r => r.Verdict == ProbeVerdicts.Failed)),
            new XAttribute("errors", report.Results.Count(r => r.Verdict == ProbeVerdicts.Error)),
            new XAttribute("skipped", 0),
            new XAttribute("time", report.DurationSeconds.ToString("0.###", CultureInfo.InvariantCulture)),
            new XAttribute("timestamp", report.StartedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture)),
            new XAttribute("hostname", report.Host),
            cases);
        return new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement("testsuites", suite));
    }

    /// <summary>The file name CI systems look for.</summary>
    public const string FileName = "junit.xml";

    /// <summary>The document as UTF-8 bytes, indented, with its declaration (the caller writes the file).</summary>
    public static byte[] Render(AuditReport report)
    {
        using var stream = new MemoryStream();
        using (var writer = System.Xml.XmlWriter.Create(stream, new System.Xml.XmlWriterSettings { Encoding = new System.Text.UTF8Encoding(false), Indent = true }))
        {
            Build(report).Save(writer);
        }

        return stream.ToArray();
    }
}
