//! Reads everything an NVML monitoring client usually reads, through the nvml-wrapper crate, and prints one
//! `path value` line per value, in NVML's units (bytes, KB/s for PCIe, mW, MHz, °C, percent). Calls the safe
//! wrapper does not offer (the MPS process list, MIG devices) go through its own raw bindings
//! (nvml-wrapper-sys). A failed call prints `error:<NvmlError variant>`.
//!
//! Usage: gpuqos-nvml-client LIBRARY   (the path of libnvidia-ml.so.1 to load)

use std::ffi::{CStr, OsStr};
use std::os::raw::{c_char, c_uint};

use nvml_wrapper::enum_wrappers::device::{Clock, PcieUtilCounter, TemperatureSensor};
use nvml_wrapper::enums::device::UsedGpuMemory;
use nvml_wrapper::error::{nvml_try, NvmlError};
use nvml_wrapper::struct_wrappers::device::ProcessInfo;
use nvml_wrapper::Nvml;
use nvml_wrapper_sys::bindings::{nvmlDevice_t, nvmlMemory_t, nvmlProcessInfo_t, NvmlLib};

fn show<T: std::fmt::Display>(path: &str, value: Result<T, NvmlError>) {
    match value {
        Ok(v) => println!("{} {}", path, v),
        Err(e) => println!("{} error:{:?}", path, e),
    }
}

fn processes(prefix: &str, list: Result<Vec<ProcessInfo>, NvmlError>) {
    match list {
        Err(e) => println!("{} error:{:?}", prefix, e),
        Ok(list) => {
            println!("{}/count {}", prefix, list.len());
            for p in list {
                let memory = match p.used_gpu_memory {
                    UsedGpuMemory::Used(bytes) => bytes.to_string(),
                    UsedGpuMemory::Unavailable => "unavailable".to_string(),
                };
                println!("{}/{}/memory {}", prefix, p.pid, memory);
                if let (Some(gi), Some(ci)) = (p.gpu_instance_id, p.compute_instance_id) {
                    println!("{}/{}/instance gi{}-ci{}", prefix, p.pid, gi, ci);
                }
            }
        }
    }
}

/// The MPS list through the raw binding, with NVML's size handshake, as the wrapper does for the other two.
fn mps_processes(lib: &NvmlLib, device: nvmlDevice_t) -> Result<Vec<ProcessInfo>, NvmlError> {
    let sym = lib.nvmlDeviceGetMPSComputeRunningProcesses_v3.as_ref().map_err(|_| NvmlError::FailedToLoadSymbol(String::new()))?;
    unsafe {
        let mut count: c_uint = 0;
        match nvml_try(sym(device, &mut count, std::ptr::null_mut())) {
            Ok(()) => return Ok(vec![]),
            Err(NvmlError::InsufficientSize(_)) => {}
            Err(e) => return Err(e),
        }
        count += 5;
        let mut raw: Vec<nvmlProcessInfo_t> = vec![std::mem::zeroed(); count as usize];
        nvml_try(sym(device, &mut count, raw.as_mut_ptr()))?;
        raw.truncate(count as usize);
        Ok(raw.into_iter().map(ProcessInfo::from).collect())
    }
}

fn mig_devices(nvml: &Nvml, lib: &NvmlLib, prefix: &str, device: nvmlDevice_t) {
    unsafe {
        let (mut current, mut pending): (c_uint, c_uint) = (0, 0);
        let mode = nvml_try((lib.nvmlDeviceGetMigMode.as_ref().unwrap())(device, &mut current, &mut pending));
        show(&format!("{}/mig/mode", prefix), mode.map(|_| current));
        if current != 1 {
            return;
        }
        let mut slots: c_uint = 0;
        nvml_try((lib.nvmlDeviceGetMaxMigDeviceCount.as_ref().unwrap())(device, &mut slots)).expect("nvmlDeviceGetMaxMigDeviceCount");
        for slot in 0..slots {
            let mut mig: nvmlDevice_t = std::ptr::null_mut();
            if nvml_try((lib.nvmlDeviceGetMigDeviceHandleByIndex.as_ref().unwrap())(device, slot, &mut mig)).is_err() {
                continue; // an empty slot: NOT_FOUND
            }
            let p = format!("{}/mig/{}", prefix, slot);
            let mut uuid = [0 as c_char; 96];
            nvml_try((lib.nvmlDeviceGetUUID.as_ref().unwrap())(mig, uuid.as_mut_ptr(), 96)).expect("nvmlDeviceGetUUID");
            let uuid = CStr::from_ptr(uuid.as_ptr()).to_string_lossy().into_owned();
            println!("{}/uuid {}", p, uuid);
            let gpu_instance = |handle: nvmlDevice_t| {
                let mut gi: c_uint = 0;
                nvml_try((lib.nvmlDeviceGetGpuInstanceId.as_ref().unwrap())(handle, &mut gi)).map(|_| gi)
            };
            let mut ci: c_uint = 0;
            let gi = gpu_instance(mig).expect("nvmlDeviceGetGpuInstanceId");
            nvml_try((lib.nvmlDeviceGetComputeInstanceId.as_ref().unwrap())(mig, &mut ci)).expect("nvmlDeviceGetComputeInstanceId");
            println!("{}/instance gi{}-ci{}", p, gi, ci);
            // A MIG device's UUID gives its MIG device handle back.
            show(&format!("{}/by_uuid", p), nvml.device_by_uuid(uuid.as_str()).and_then(|d| gpu_instance(d.handle())).map(|gi| format!("gi{}", gi)));
            let mut memory: nvmlMemory_t = std::mem::zeroed();
            nvml_try((lib.nvmlDeviceGetMemoryInfo.as_ref().unwrap())(mig, &mut memory)).expect("nvmlDeviceGetMemoryInfo on a MIG device");
            println!("{}/memory/total {}", p, memory.total);
            println!("{}/memory/used {}", p, memory.used);
            println!("{}/memory/free {}", p, memory.free);
        }
    }
}

fn main() {
    let library = std::env::args().nth(1).expect("usage: gpuqos-nvml-client LIBRARY");
    let nvml = Nvml::builder().lib_path(OsStr::new(&library)).init().expect("nvmlInit_v2");
    // The same library again for the raw calls: dlopen returns the instance already loaded, initialized above.
    let lib = unsafe { NvmlLib::new(&library) }.expect("load the library for the raw calls");

    let count = nvml.device_count().expect("nvmlDeviceGetCount_v2");
    println!("count {}", count);
    for index in 0..count {
        let device = nvml.device_by_index(index).expect("nvmlDeviceGetHandleByIndex_v2");
        let p = format!("gpu/{}", index);
        let uuid = device.uuid().expect("nvmlDeviceGetUUID");
        let pci = device.pci_info().expect("nvmlDeviceGetPciInfo");
        println!("{}/uuid {}", p, uuid);
        show(&format!("{}/name", p), device.name());
        println!("{}/pci {}", p, pci.bus_id);
        show(&format!("{}/index", p), device.index());
        show(&format!("{}/by_uuid", p), nvml.device_by_uuid(uuid.as_str()).and_then(|d| d.index()));
        show(&format!("{}/by_pci", p), nvml.device_by_pci_bus_id(pci.bus_id.as_str()).and_then(|d| d.index()));

        match device.memory_info() {
            Ok(m) => {
                println!("{}/memory/total {}", p, m.total);
                println!("{}/memory/used {}", p, m.used);
                println!("{}/memory/free {}", p, m.free);
            }
            Err(e) => println!("{}/memory error:{:?}", p, e),
        }
        show(&format!("{}/temperature", p), device.temperature(TemperatureSensor::Gpu));
        show(&format!("{}/fans", p), device.num_fans());
        show(&format!("{}/fan", p), device.fan_speed(0));
        show(&format!("{}/power/usage_mw", p), device.power_usage());
        show(&format!("{}/power/enforced_limit_mw", p), device.enforced_power_limit());
        show(&format!("{}/power/limit_mw", p), device.power_management_limit());
        match device.power_management_limit_constraints() {
            Ok(c) => println!("{}/power/limit_range_mw {}-{}", p, c.min_limit, c.max_limit),
            Err(e) => println!("{}/power/limit_range_mw error:{:?}", p, e),
        }
        match device.utilization_rates() {
            Ok(u) => {
                println!("{}/utilization/gpu {}", p, u.gpu);
                println!("{}/utilization/memory {}", p, u.memory);
            }
            Err(e) => println!("{}/utilization error:{:?}", p, e),
        }
        show(&format!("{}/clock/sm", p), device.clock_info(Clock::SM));
        show(&format!("{}/clock/sm_max", p), device.max_clock_info(Clock::SM));
        show(&format!("{}/clock/memory", p), device.clock_info(Clock::Memory));
        show(&format!("{}/pcie/tx_kbs", p), device.pcie_throughput(PcieUtilCounter::Send));
        show(&format!("{}/pcie/rx_kbs", p), device.pcie_throughput(PcieUtilCounter::Receive));

        processes(&format!("{}/processes/compute", p), device.running_compute_processes());
        processes(&format!("{}/processes/graphics", p), device.running_graphics_processes());
        processes(&format!("{}/processes/mps", p), mps_processes(&lib, unsafe { device.handle() }));
        match device.process_utilization_stats(None) {
            Ok(samples) => {
                // Every sample the driver still holds; the newest per process is the current one.
                let mut newest: Vec<nvml_wrapper::struct_wrappers::device::ProcessUtilizationSample> = Vec::new();
                for s in samples {
                    match newest.iter_mut().find(|n| n.pid == s.pid) {
                        Some(n) if n.timestamp < s.timestamp => *n = s,
                        Some(_) => {}
                        None => newest.push(s),
                    }
                }
                for s in newest {
                    println!("{}/process_utilization/{}/sm {}", p, s.pid, s.sm_util);
                    println!("{}/process_utilization/{}/memory {}", p, s.pid, s.mem_util);
                }
            }
            Err(e) => println!("{}/process_utilization error:{:?}", p, e),
        }
        mig_devices(&nvml, &lib, &p, unsafe { device.handle() });
    }
}
