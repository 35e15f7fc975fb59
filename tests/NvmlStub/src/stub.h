/* The stand-in host: what the fixture describes and what control calls changed. */
#ifndef GPUQOS_NVML_STUB_H
#define GPUQOS_NVML_STUB_H

#include "nvml_abi.h"

#define MAX_GPUS 16
#define MAX_PROFILES 24
#define MAX_GIS 8
#define MAX_PROCS 64
#define MAX_VGPUS 32
#define MAX_XIDS 32
#define MAX_FAULTS 64
#define MAX_SAMPLES 16
#define TEXT 128

struct stub_gpu;

/* A MIG device handle: one GPU instance with its (single) compute instance. */
struct nvmlComputeInstance_st {
    struct nvmlGpuInstance_st *gi;
    unsigned int id;
};

struct nvmlGpuInstance_st {
    struct stub_gpu *gpu;
    unsigned int id;
    unsigned int profile_id;
    unsigned int start;
    unsigned int size;
    unsigned int sm_util;
    unsigned int dram_util;
    long long used_mib; /* fixture key used: the instance's memory in use as measured; -1: its processes' sum */
    char uuid[TEXT];
    /* present from the Nth topology read (nvmlDeviceGetMaxMigDeviceCount) until before the Mth (0: always) */
    unsigned int from, until;
    struct nvmlComputeInstance_st ci;
};

/* Both physical and MIG device handles point at one of these. */
struct nvmlDevice_st {
    struct stub_gpu *gpu;
    struct nvmlGpuInstance_st *gi; /* set for MIG device handles */
};

struct stub_profile {
    nvmlGpuInstanceProfileInfo_t info;
    unsigned int profile_enum;
};

struct stub_sample {
    unsigned long long ts;
    unsigned int sm;
    unsigned int mem;
};

/* The kinds of context a process holds, i.e. the NVML process lists it appears in. */
#define CTX_COMPUTE 1u
#define CTX_GRAPHICS 2u
#define CTX_MPS 4u /* an MPS client: in the MPS list (and, with mps_clients_in_compute, the compute list too) */

struct stub_process {
    unsigned int pid;
    unsigned int contexts; /* CTX_* bits */
    char name[TEXT];
    unsigned long long memory_mib;
    unsigned int gi;
    unsigned int ci;
    unsigned int sm;
    unsigned int mem;
    unsigned int sm_step; /* each new utilization sample's SM value grows by this (makes double counting visible) */
    unsigned int generated;
    unsigned int idle_after; /* after this many samples the process is idle: NVML then returns none for it */
    int sampled;  /* appears in process utilization samples (MPS clients do not) */
    int real;     /* a real PID: utilization is its recent share of CPU time */
    unsigned int from_call; /* appears from this call of nvmlDeviceGetComputeRunningProcesses_v3 onward */
    /* real-PID bookkeeping */
    unsigned long long last_ticks;
    double last_time;
    unsigned int last_share;
    /* sample ring for nvmlDeviceGetProcessUtilization */
    struct stub_sample samples[MAX_SAMPLES];
    int sample_count;
};

struct stub_vgpu {
    unsigned int id;
    unsigned int type_id;
    char vm[TEXT];
    char type[TEXT];
    unsigned long long fb_mib;
    unsigned long long fb_used_mib;
    unsigned int sm, mem, enc, dec;
};

struct stub_gpu {
    int index;
    struct nvmlDevice_st handle;
    char uuid[TEXT], name[TEXT], pci[TEXT], serial[TEXT];
    unsigned int minor;
    unsigned long long memory_mib, reserved_mib;
    long long used_mib; /* fixture key used: the device's memory in use as measured; -1: derived from its parts */
    unsigned int sm_util, mem_util;
    unsigned int sm_clock, sm_clock_max, mem_clock;
    unsigned int power_mw, power_limit_mw, power_min_mw, power_max_mw, power_default_mw;
    unsigned long long energy_mj;
    int temp;
    int fan; /* percent; -1: no fan (NOT_SUPPORTED, as on passively cooled data-centre boards) */
    int compute_mode;
    int mps_clients_in_compute; /* some drivers also list MPS clients in the compute list */
    int mig, virt, gpm, proc_util;
    unsigned long long clock_reasons;
    unsigned long long ecc_corrected, ecc_uncorrected;
    unsigned int remap_correctable, remap_uncorrectable, remap_pending, remap_failed;
    unsigned int pcie_tx, pcie_rx;
    unsigned int vgpu_policy, vgpu_timeslice_ns;
    int cc_major, cc_minor; /* CUDA compute capability (nvmlDeviceGetCudaComputeCapability) */
    unsigned int locked_min, locked_max;
    unsigned int process_calls;
    unsigned int topology_calls;
    struct stub_profile profiles[MAX_PROFILES];
    int profile_count;
    struct nvmlGpuInstance_st gis[MAX_GIS];
    struct nvmlDevice_st mig_handles[MAX_GIS];
    int gi_count;
    struct stub_process procs[MAX_PROCS];
    int proc_count;
    struct stub_vgpu vgpus[MAX_VGPUS];
    int vgpu_count;
};

struct stub_xid {
    int gpu;
    unsigned long long code;
    unsigned int after_ms;
    int delivered;
};

struct stub_fault {
    char fn[TEXT];
    int gpu; /* -1: any */
    nvmlReturn_t code;
    unsigned int from;
    unsigned int calls;
    unsigned int rate;           /* percent of matching calls from `from` on that fail (100: all) */
    unsigned long long random;   /* xorshift64 state, from `seed`, so a run can be repeated */
};

struct stub_host {
    struct stub_gpu gpus[MAX_GPUS];
    int gpu_count;
    struct stub_xid xids[MAX_XIDS];
    int xid_count;
    struct stub_fault faults[MAX_FAULTS];
    int fault_count;
    double init_time;
    /* the `driver` record: nvmlSystemGetDriverVersion, nvmlSystemGetNVMLVersion, nvmlSystemGetCudaDriverVersion_v2 */
    char driver_version[TEXT], nvml_version[TEXT];
    int cuda_version;
};

/* fixture.c: parses the file into host; returns 0, or -1 with a message on stderr. */
int stub_load_fixture(const char *path, struct stub_host *host);

/* procstat.c: the process's CPU time in clock ticks (utime + stime), or -1 when it does not exist. */
long long stub_process_cpu_ticks(unsigned int pid);
double stub_monotonic_seconds(void);
unsigned long long stub_realtime_micros(void);

#endif
