using GpuQos.IsolationProbes.Worker;

return await ProbeWorkerCommand.InvokeAsync(args);
