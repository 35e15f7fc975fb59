using GpuQos.Daemon.Cli;

return await GpuQosCli.InvokeAsync(args);
