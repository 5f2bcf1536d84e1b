"""One strategy object per IREE backend: everything that differs between llvm-cpu, Vulkan/SPIR-V and CUDA.

The rest of the package asks the strategy (`strategy_for(name)`) instead of comparing target
names: which tiling levels, pipelines and translation options exist, whether the full CPU
tile rules apply, how a tuning spec reaches the compiler, whether the built-in heuristic
models the target, which machine model a dispatch was configured for, how to build the
IREE target and how to tell whether a device is there to run it.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import shutil
from dataclasses import dataclass
from typing import Any, ClassVar, Iterator, Mapping, Sequence

from litecoop_mlir.ir.workload import BASELINE_FLAGS, Kernel
from litecoop_mlir.iree.devices import dump_vulkan_devices, list_devices, nvidia_smi
from litecoop_mlir.iree.targets import Target
from litecoop_mlir.targets import tile_rules as rules
from litecoop_mlir.targets.gpu import (
    GpuShape,
    default_mma_kind,
    derived_workgroup_size,
    gpu_of,
    gpu_violations,
    script_tiles,
    script_violations,
)
from litecoop_mlir.targets.machine import MachineModel, for_kernel, host_cpu_name
from litecoop_mlir.targets.tile_rules import REDUCTION_ONLY_LEVELS, TileCheck

CPU_LEVELS = (
    "distribution",
    "cache_parallel",
    "cache_reduction",
    "vector_common_parallel",
    "vector_reduction",
    "vector_inner_parallel",
)
GPU_LEVELS = ("workgroup", "thread", "subgroup", "reduction")
CPU_PIPELINES = ("DoubleTilingExpert", "ConvTileAndDecomposeExpert", "Mmt4dTilingExpert", "Default")
GPU_PIPELINES = ("TileAndFuse", "VectorDistribute", "BaseVectorize", "MatmulPromoteVectorize", "BaseDistribute")
TRANSLATION_OPTIONS = ("enable_loop_peeling", "enable_decomposition")
#: Tiling levels a codegen script reads, with the script op each one parameterises (llvm-cpu, then GPU targets,
#: whose register tile is each thread's tile).
SCRIPT_LEVELS = {"distribution": "workgroup tile", "vector_common_parallel": "register tile", "vector_reduction": "reduction tile"}
GPU_SCRIPT_LEVELS = {"workgroup": "workgroup tile", "thread": "thread tile", "reduction": "reduction tile"}
#: One line of meaning per tiling level, pipeline and option (for prompts).
DOCS = {
    "distribution": "workgroup tile: the iteration space each workgroup (thread of work) gets; parallel loops only",
    "cache_parallel": "a second tile of the parallel loops inside the workgroup tile, sized for the caches",
    "cache_reduction": "a tile of the reduction loops sized for the caches (K blocking)",
    "vector_common_parallel": "the register tile of the parallel loops: the vector shape the inner loop computes (m x n)",
    "vector_reduction": "the register tile of the reduction loops: how many K steps one vector iteration covers",
    "vector_inner_parallel": "an inner vector tile of parallel loops (elementwise ops fused into the dispatch)",
    "workgroup": "GPU workgroup tile (one workgroup computes this block)",
    "thread": "GPU per-thread tile inside the workgroup tile (workgroup / thread = threads along that loop)",
    "subgroup": "GPU per-subgroup tile in MMA intrinsic tiles (workgroup / (subgroup x intrinsic) = subgroups along that loop)",
    "reduction": "GPU reduction tile (K step per iteration; in intrinsic K steps when mma_kind is set)",
    "DoubleTilingExpert": "tile twice (workgroup, then registers) and vectorize: IREE's general CPU pipeline",
    "ConvTileAndDecomposeExpert": "tiles a convolution and decomposes it into 1-D convolutions before vectorizing",
    "Mmt4dTilingExpert": "the pipeline for data-tiled (mmt4d) matmuls",
    "Default": "IREE's fallback pipeline (little tiling)",
    "enable_loop_peeling": "peels loop remainders, so inner tiles need not divide the enclosing tile",
    "enable_decomposition": "decompose convolutions into lower-dimensional ones before vectorizing",
}


@dataclass(frozen=True)
class TargetStrategy:
    """What the search needs to know about one backend.

    Attributes:
        name: the backend's name on the command line.
        levels: the tiling levels of its lowering configs.
        pipelines: the codegen pipelines a script may name.
        translation_options: translation_info options a script may toggle.
        workgroup_size: whether a script may set the workgroup size.
        tuning_spec_honoured: whether `--iree-codegen-tuning-spec-path` reaches codegen
            (elsewhere the spec goes through `--iree-codegen-transform-dialect-library`).
        heuristic: which built-in heuristic proposer models this target ("" for none).
        codegen_scripts: whether litecoop_mlir.space.script_render builds transform-dialect scripts for it.
        family: the kind of code its scripts build: "cpu" (vectors and registers) or "gpu" (loops mapped to blocks
            and threads); script knobs and script builders are chosen by it.
        script_levels: the tiling levels a codegen script reads, with the script op each parameterises.
        offered_levels: levels moves offer even where IREE's configuration has none.
        gpu_options: the GPU pipeline options a move may set (litecoop_mlir.targets.gpu.GPU_OPTIONS).
    """

    name: ClassVar[str] = ""
    levels: ClassVar[tuple[str, ...]] = ()
    pipelines: ClassVar[tuple[str, ...]] = ()
    translation_options: ClassVar[tuple[str, ...]] = ()
    workgroup_size: ClassVar[bool] = False
    tuning_spec_honoured: ClassVar[bool] = False
    heuristic: ClassVar[str] = ""
    codegen_scripts: ClassVar[bool] = False
    family: ClassVar[str] = ""
    script_levels: ClassVar[Mapping[str, str]] = {}
    offered_levels: ClassVar[tuple[str, ...]] = ()
    device_values: ClassVar[tuple[str, ...]] = ()
    arch_flag: ClassVar[str] = ""
    gpu_options: ClassVar[tuple[str, ...]] = ()

    def iree_target(self, arch: str = "") -> Target:
        """The IREE target: compile flags, runtime device, environment."""
        raise NotImplementedError

    def legal_pipelines(self, kernel: Kernel) -> tuple[str, ...]:
        """Pipelines a script may choose for `kernel` (GPU targets: IREE's own only, for now)."""
        return (kernel.pipeline,) if kernel.pipeline else ()

    def machine(self, kernel: Kernel, host: MachineModel | None = None) -> MachineModel:
        """The machine `kernel` was configured for."""
        return for_kernel(kernel.cpu_features, kernel.native_vector_bytes, kernel.cpu, host)

    def spec_flag(self, spec_path: object) -> str:
        """The iree-compile flag that applies a tuning spec on this target."""
        if self.tuning_spec_honoured:
            return f"--iree-codegen-tuning-spec-path={spec_path}"
        return f"--iree-codegen-transform-dialect-library={spec_path}@__kernel_config"

    def device_name(self, target: Target) -> str:
        """What timings on `target` were taken on, as the tuning database keys them."""
        return f"{self.name}:{target.arch or 'default'}"

    def device_available(self, target: Target) -> tuple[bool, str]:
        """Whether modules for `target` can run here, with a reason when not."""
        return _listed_device(target, self.missing_device)

    missing_device: ClassVar[str] = "device"

    # -- the tile space and its rules ---------------------------------------------------
    def search_levels(self, kernel: Kernel) -> list[str]:
        """The tiling levels moves may set for `kernel` (IREE's own, and those always offered)."""
        levels = [lv for lv in self.levels if lv in kernel.default_tiles or lv in self.offered_levels]
        return [lv for lv in levels if not (lv in REDUCTION_ONLY_LEVELS and "reduction" not in kernel.iterator_types)]

    def level_choices(self, kernel: Kernel, level: str) -> tuple[tuple[int, ...], ...]:
        """Per-loop tile sizes a move may set at `level`."""
        return rules.level_choices(kernel, level, gpu=False)

    def loop_violations(self, kernel: Kernel, level: str, sizes: tuple[int, ...]) -> Iterator[str]:
        """The per-loop rules one level's sizes break."""
        return rules.bound_violations(level, sizes, kernel)

    def config_violations(self, kernel: Kernel, check: TileCheck) -> Iterator[str]:
        """The rules across levels a configuration breaks (nesting, vectors, registers, thread and memory limits)."""
        return iter(())

    def script_violations(self, kernel: Kernel, check: TileCheck) -> Iterator[str]:
        """The rules only a codegen script of a dispatch it can lower has on this target."""
        return iter(())

    def script_unsupported(self, kernel: Kernel) -> str:
        """Why a codegen script on this target does not cover `kernel` for a reason of the target ("" when it may)."""
        return ""

    def script_start(self, kernel: Kernel) -> tuple[dict[str, tuple[int, ...]], str] | None:
        """Tiles (and `hoist` knob) a script needs in place of IREE's, where IREE's own do not fit one; None: keep them."""
        return None

    def tile_rules(self, kernel: Kernel, level: str, machine: MachineModel) -> list[str]:
        """The rules on `level` beyond the shared one (one integer per loop within its bound), in words."""
        return []

    def follow_workgroup_size(self, kernel: Kernel, tiles: Mapping[str, tuple[int, ...]], workgroup_size: tuple[int, ...],
                              gpu_options: Mapping[str, str]) -> tuple[int, ...]:
        """The workgroup size an attribute configuration with these tiles gets when no move set it."""
        return workgroup_size

    def machine_facts(self, kernel: Kernel, machine: MachineModel) -> dict[str, Any]:
        """What the dispatch runs on, as a prompt states it."""
        return {"isa": machine.isa, "vector_registers": machine.vector_registers, "native_vector_bytes": machine.native_vector_bytes,
                "l1_bytes": machine.l1_bytes, "l2_bytes": machine.l2_bytes, "l3_bytes": machine.l3_bytes}

    def timed_on(self, target: Target) -> str:
        """What runs and times modules for `target` here, in words (device, driver), for summaries."""
        return f"{self.name} device {target.device}"

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class CpuStrategy(TargetStrategy):
    """llvm-cpu: lowering configs with CPU tiling levels, run single-threaded on local-sync."""

    name: ClassVar[str] = "llvm-cpu"
    device_values: ClassVar[tuple[str, ...]] = ("local",)
    arch_flag: ClassVar[str] = "--iree-llvmcpu-target-cpu"
    levels: ClassVar[tuple[str, ...]] = CPU_LEVELS
    pipelines: ClassVar[tuple[str, ...]] = CPU_PIPELINES
    translation_options: ClassVar[tuple[str, ...]] = TRANSLATION_OPTIONS
    tuning_spec_honoured: ClassVar[bool] = True
    heuristic: ClassVar[str] = "cpu"
    codegen_scripts: ClassVar[bool] = True
    family: ClassVar[str] = "cpu"
    script_levels: ClassVar[Mapping[str, str]] = SCRIPT_LEVELS
    offered_levels: ClassVar[tuple[str, ...]] = tuple(SCRIPT_LEVELS)

    def loop_violations(self, kernel: Kernel, level: str, sizes: tuple[int, ...]) -> Iterator[str]:
        return rules.cpu_loop_violations(kernel, level, sizes)

    def config_violations(self, kernel: Kernel, check: TileCheck) -> Iterator[str]:
        return rules.cpu_config_violations(kernel, check)

    def script_violations(self, kernel: Kernel, check: TileCheck) -> Iterator[str]:
        return rules.cpu_script_violations(kernel, check)

    def tile_rules(self, kernel: Kernel, level: str, machine: MachineModel) -> list[str]:
        return rules.cpu_tile_rules(kernel, level, machine)

    def iree_target(self, arch: str = "") -> Target:
        # $LITECOOP_CPU names the default CPU (e.g. znver3 to run the AVX2 paths on an AVX-512 host)
        cpu = arch or os.environ.get("LITECOOP_CPU") or "host"
        flags = ("--iree-hal-target-device=local", "--iree-hal-local-target-device-backends=llvm-cpu",
                 f"--iree-llvmcpu-target-cpu={cpu}")
        return Target(self.name, flags, device="local-sync", driver="local-sync", arch=cpu)

    def legal_pipelines(self, kernel: Kernel) -> tuple[str, ...]:
        if kernel.kind == "convolution":
            conv = "ConvTileAndDecomposeExpert"
            return (conv, "DoubleTilingExpert") if kernel.pipeline == conv else (kernel.pipeline,)
        return tuple(dict.fromkeys([kernel.pipeline, "DoubleTilingExpert"])) if kernel.pipeline else ("DoubleTilingExpert",)

    def device_available(self, target: Target) -> tuple[bool, str]:
        return True, ""

    def device_name(self, target: Target) -> str:
        return f"{target.arch}:{host_cpu_name()}" if target.arch != "host" else host_cpu_name()

    def timed_on(self, target: Target) -> str:
        return f"{host_cpu_name()}, one thread (local-sync)"


@dataclass(frozen=True)
class GpuStrategy(TargetStrategy):
    """What the GPU backends share: workgroup/thread/subgroup/reduction levels checked against the limits of the
    `#iree_gpu.target` each dispatch carries, and scripts that map loops to blocks and threads."""

    levels: ClassVar[tuple[str, ...]] = GPU_LEVELS
    pipelines: ClassVar[tuple[str, ...]] = GPU_PIPELINES
    workgroup_size: ClassVar[bool] = True
    heuristic: ClassVar[str] = "gpu"
    family: ClassVar[str] = "gpu"
    script_levels: ClassVar[Mapping[str, str]] = GPU_SCRIPT_LEVELS
    offered_levels: ClassVar[tuple[str, ...]] = tuple(GPU_SCRIPT_LEVELS)

    def search_levels(self, kernel: Kernel) -> list[str]:
        mma = bool(default_mma_kind(kernel))  # an MMA configuration distributes subgroups, any other threads
        return [lv for lv in super().search_levels(kernel) if lv != ("thread" if mma else "subgroup")]

    def level_choices(self, kernel: Kernel, level: str) -> tuple[tuple[int, ...], ...]:
        return rules.level_choices(kernel, level, gpu=True)

    def config_violations(self, kernel: Kernel, check: TileCheck) -> Iterator[str]:
        gpu = gpu_of(kernel)
        if gpu is None:
            return iter(())
        if check.scripted:
            return script_violations(kernel, check.tiles, gpu, dict(check.knobs))
        return gpu_violations(kernel, GpuShape(check.tiles, check.workgroup_size, dict(check.gpu_options)), gpu)

    def script_unsupported(self, kernel: Kernel) -> str:
        return "" if kernel.kind == "contraction" else f"on GPU targets, scripts cover contractions, not {kernel.kind} dispatches"

    def script_start(self, kernel: Kernel) -> tuple[dict[str, tuple[int, ...]], str] | None:
        return script_tiles(kernel, gpu_of(kernel))

    def tile_rules(self, kernel: Kernel, level: str, machine: MachineModel) -> list[str]:
        return rules.gpu_tile_rules(kernel, level)

    def follow_workgroup_size(self, kernel: Kernel, tiles: Mapping[str, tuple[int, ...]], workgroup_size: tuple[int, ...],
                              gpu_options: Mapping[str, str]) -> tuple[int, ...]:
        return derived_workgroup_size(kernel, GpuShape(dict(tiles), workgroup_size, dict(gpu_options))) or workgroup_size

    def machine_facts(self, kernel: Kernel, machine: MachineModel) -> dict[str, Any]:
        gpu = gpu_of(kernel)
        return {"gpu": gpu.to_json(), "described": gpu.describe()} if gpu else super().machine_facts(kernel, machine)


@dataclass(frozen=True)
class VulkanStrategy(GpuStrategy):
    """vulkan-spirv: SPIR-V `tile_sizes` levels and a workgroup size; runs on any Vulkan driver (lavapipe too)."""

    name: ClassVar[str] = "vulkan-spirv"
    device_values: ClassVar[tuple[str, ...]] = ("vulkan",)
    arch_flag: ClassVar[str] = "--iree-vulkan-target"
    codegen_scripts: ClassVar[bool] = True
    missing_device: ClassVar[str] = "Vulkan driver (install mesa-vulkan-drivers and libvulkan1)"

    def iree_target(self, arch: str = "") -> Target:
        flags: tuple[str, ...] = ("--iree-hal-target-device=vulkan",)
        arch = arch or detected_vulkan_arch()
        if arch:
            flags += (f"--iree-vulkan-target={arch}",)
        runtime_dir = os.environ.get("XDG_RUNTIME_DIR") or "/tmp"
        return Target(self.name, flags, "vulkan", "vulkan", arch, (("XDG_RUNTIME_DIR", runtime_dir),), opens_gpu=True)

    def timed_on(self, target: Target) -> str:
        fields = _vulkan_device()
        if not fields:
            return "Vulkan device (not identified)"
        cpu = " (a CPU device: Mesa lavapipe, not a GPU)" if fields.get("type") == "cpu" else ""
        return f"Vulkan: {fields.get('name', '?')}, {fields.get('driver_info', '?')}{cpu}"


#: IREE's Vulkan target per GPU vendor (PCI vendor id), for a device found without --arch.
VULKAN_ARCH_BY_VENDOR = {"0x10de": "ampere", "0x1002": "rdna3", "0x13b5": "valhall", "0x5143": "adreno"}


@functools.lru_cache(maxsize=1)
def _vulkan_device() -> dict[str, str]:
    """The first Vulkan device's name, type, vendor and driver, as the driver reports them ({} without one)."""
    probe = Target("vulkan-spirv", (), "vulkan", "vulkan", "", (("XDG_RUNTIME_DIR", os.environ.get("XDG_RUNTIME_DIR") or "/tmp"),),
                   opens_gpu=True)
    return dict(re.findall(r"^(name|type|vendor_id|driver_info): (.*)$", dump_vulkan_devices(probe), re.M))


def detected_vulkan_arch() -> str:
    """IREE's Vulkan target for the GPU the driver reports ("" for a CPU device such as lavapipe, or none:
    IREE's portable default)."""
    fields = _vulkan_device()
    return "" if fields.get("type") == "cpu" else VULKAN_ARCH_BY_VENDOR.get(fields.get("vendor_id", ""), "")


@dataclass(frozen=True)
class CudaStrategy(GpuStrategy):
    """cuda: `#iree_gpu.lowering_config` levels and a workgroup size; compiles anywhere, runs on an NVIDIA GPU."""

    name: ClassVar[str] = "cuda"
    arch_flag: ClassVar[str] = "--iree-cuda-target"
    gpu_options: ClassVar[tuple[str, ...]] = ("mma_kind", "promote_operands", "prefetch_num_stages", "bank_conflict_padding")
    codegen_scripts: ClassVar[bool] = True
    missing_device: ClassVar[str] = "CUDA device"

    def iree_target(self, arch: str = "") -> Target:
        sm = arch or detected_cuda_arch()
        return Target(self.name, ("--iree-hal-target-device=cuda", f"--iree-cuda-target={sm}"), "cuda", "cuda", sm,
                      opens_gpu=True)

    def device_available(self, target: Target) -> tuple[bool, str]:
        if shutil.which("nvidia-smi") is None and not os.path.exists("/dev/nvidiactl"):
            return False, "no CUDA device on this machine (compile-only: latencies are not measured)"
        return super().device_available(target)

    def timed_on(self, target: Target) -> str:
        name = nvidia_smi("name,driver_version")
        return f"CUDA: {name.replace(', ', ', driver ') if name else 'GPU (not identified)'}; PTX for {target.arch}"


#: The CUDA targets IREE 3.13's table knows (sm_90 and later are missing: PTX for sm_89 runs there through the driver's JIT).
CUDA_ARCHS = ("sm_70", "sm_75", "sm_80", "sm_86", "sm_89")


@functools.lru_cache(maxsize=1)
def detected_cuda_arch() -> str:
    """The CUDA target for the GPU nvidia-smi finds: its compute capability, capped at the newest IREE knows
    (sm_80 where none is found)."""
    cap = nvidia_smi("compute_cap")
    m = re.fullmatch(r"(\d+)\.(\d+)", cap)
    if not m:
        return "sm_80"
    want = int(m.group(1)) * 10 + int(m.group(2))
    fits = [a for a in CUDA_ARCHS if int(a[3:]) <= want]
    return fits[-1] if fits else "sm_80"


STRATEGIES: dict[str, TargetStrategy] = {s.name: s for s in (CpuStrategy(), VulkanStrategy(), CudaStrategy())}
TARGET_NAMES = tuple(STRATEGIES)
#: The target when none is named: the CPU this runs on.
DEFAULT_TARGET = CpuStrategy.name
#: The targets whose code runs on the host CPU (flags and options that act only in llvm-cpu codegen).
CPU_TARGETS = (CpuStrategy.name,)
#: iree-compile flags that choose the device / backend (their values name a strategy or one of its `device_values`).
TARGET_FLAGS = ("--iree-hal-target-device", "--iree-hal-local-target-device-backends", "--iree-hal-target-backends")


def configured_for(kernel: Kernel) -> TargetStrategy:
    """The strategy of the backend whose configuration `kernel` carries: a `#iree_gpu.target` names a GPU
    (SPIR-V capabilities: Vulkan), anything else was configured by llvm-cpu."""
    if not kernel.gpu_target:
        return STRATEGIES[CpuStrategy.name]
    return STRATEGIES[VulkanStrategy.name if "spirv:" in kernel.gpu_target else CudaStrategy.name]


def strategy_for(target: "str | Target | TargetStrategy") -> TargetStrategy:
    """The strategy of a backend given by name, IREE target or strategy."""
    if isinstance(target, TargetStrategy):
        return target
    name = target if isinstance(target, str) else target.name
    try:
        return STRATEGIES[name]
    except KeyError:
        raise ValueError(f"unknown target '{name}' (choose one of {', '.join(TARGET_NAMES)})") from None


def split_target(flags: Sequence[str], default: str = "", default_arch: str = "") -> tuple[Target | None, list[str]]:
    """The target the iree-compile `flags` select (their own target flags kept verbatim), and
    the other flags. Without target flags: `default` with `default_arch`, at O3 as the search
    compiles (unless the flags set an opt level). None: a target this
    tool does not tune (several devices, or another backend)."""
    default = default or DEFAULT_TARGET
    by_device = {v: s.name for s in STRATEGIES.values() for v in (s.name, *s.device_values)}
    arch_flags = {s.arch_flag: s.name for s in STRATEGIES.values()}
    names: set[str] = set()
    arch: dict[str, str] = {}
    target_flags, rest = [], []
    for f in flags:
        name, _, value = f.partition("=")
        if name in TARGET_FLAGS:
            names.update(by_device.get(v.strip(), f"?{v.strip()}") for v in value.split(","))
            target_flags.append(f)
        elif name in arch_flags:
            arch[arch_flags[name]] = value
            target_flags.append(f)
        else:
            rest.append(f)
    if not names:  # our own flags: the search's (the target's, at --iree-opt-level=O3 unless the user set one)
        opt = [] if any(f.startswith("--iree-opt-level=") for f in rest) else list(BASELINE_FLAGS)
        return make_target(default, default_arch or arch.get(default, "")), [*opt, *rest]
    if len(names) != 1 or next(iter(names)).startswith("?"):
        return None, [*target_flags, *rest]
    name = next(iter(names))
    made = make_target(name, arch.get(name, ""))
    return dataclasses.replace(made, compile_flags=tuple(target_flags), arch=arch.get(name, "")), rest


def make_target(name: str, arch: str = "") -> Target:
    """Build an IREE target by name; `arch` picks the CPU (default host), CUDA SM or Vulkan target."""
    return strategy_for(name).iree_target(arch)


@functools.lru_cache(maxsize=None)
def device_available(target: Target) -> tuple[bool, str]:
    """Whether a device for `target` can run modules here, with a reason when not."""
    return strategy_for(target).device_available(target)


def compute_units(target: Target) -> int:
    """Workgroups that run at once on `target`'s device, roughly: the host's cores where the Vulkan device is a
    CPU (lavapipe), else 0 (unknown: a GPU, whose SM count nothing here reports)."""
    return os.cpu_count() or 1 if "a CPU device" in timed_on(target) else 0


@functools.lru_cache(maxsize=None)
def timed_on(target: Target) -> str:
    """What times modules for `target` here, in words (asked once per target)."""
    return strategy_for(target).timed_on(target)


def _listed_device(target: Target, what: str) -> tuple[bool, str]:
    if any(line.startswith(f"{target.driver}://") for line in list_devices(target).splitlines()):
        return True, ""
    return False, f"no {what} found by iree-run-module --list_devices (compile-only)"


__all__ = ["CPU_LEVELS", "CPU_PIPELINES", "DOCS", "GPU_SCRIPT_LEVELS", "SCRIPT_LEVELS", "TileCheck", "configured_for", "GPU_LEVELS", "GPU_PIPELINES", "STRATEGIES", "TARGET_NAMES", "TRANSLATION_OPTIONS",
           "TargetStrategy", "compute_units", "detected_cuda_arch", "detected_vulkan_arch", "device_available", "make_target", "strategy_for", "timed_on"]
