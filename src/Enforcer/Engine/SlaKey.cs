namespace GpuQos.Enforcer.Engine;

/// <summary>What one state machine tracks: a policy, its tenant, one GPU.</summary>
internal readonly record struct SlaKey(string Policy, string Tenant, int Gpu);
