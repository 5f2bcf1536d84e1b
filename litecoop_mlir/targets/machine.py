"""What the CPU offers: ISA level, vector registers, caches and the measured FMA peak.

Never assumed: the ISA comes from the `cpu_features` IREE configured the dispatch for (so a
kernel compiled for `znver3` is judged as AVX2 on any host), or from `/proc/cpuinfo` for the
host; caches come from sysfs. Unit tests pass the fixtures `AVX2` / `AVX512` explicitly.
"""

from __future__ import annotations

import dataclasses
import functools
import platform
import re
from dataclasses import dataclass
from pathlib import Path

#: llvm-cpu rejects vectors of this many bytes or more ("large vector sizes").
MAX_VECTOR_BYTES = 16 * 1024


@dataclass(frozen=True)
class MachineModel:
    """The CPU as the legality rules, the heuristic and the prompt see it.

    Attributes:
        isa: the widest SIMD level: `avx512`, `avx2`, `sse`, `sve`, `neon` or `scalar`.
        native_vector_bytes: bytes per SIMD register the code generator targets.
        vector_registers: architectural SIMD registers (16 for AVX2, 32 for AVX-512/NEON/SVE).
        max_vector_bytes: the code generator's vector size limit.
        l1_bytes / l2_bytes / l3_bytes: data-cache sizes of one core (L3: the shared slice).
        cpu: the CPU name IREE targets (`znver4`, `host`, ...), for reports.
    """

    isa: str = "avx2"
    native_vector_bytes: int = 32
    vector_registers: int = 16
    max_vector_bytes: int = MAX_VECTOR_BYTES
    l1_bytes: int = 32 * 1024
    l2_bytes: int = 512 * 1024
    l3_bytes: int = 32 << 20
    cpu: str = ""

    def lanes(self, element_bytes: int) -> int:
        """SIMD lanes for elements of `element_bytes` bytes."""
        return max(self.native_vector_bytes // max(element_bytes, 1), 1)

    def with_features(self, cpu_features: str, native_vector_bytes: int = 0, cpu: str = "") -> "MachineModel":
        """This machine's caches with the ISA that `cpu_features` (LLVM's `+avx2,+fma,...`) enable."""
        isa = isa_from_features(cpu_features) if cpu_features else self.isa
        width = native_vector_bytes or _ISA_VECTOR_BYTES[isa]
        return dataclasses.replace(self, isa=isa, native_vector_bytes=width, vector_registers=_ISA_REGISTERS[isa],
                                   cpu=cpu or self.cpu)

    def describe(self) -> str:
        return (f"{self.cpu or 'cpu'} {self.isa}: {self.vector_registers} x {self.native_vector_bytes * 8}-bit vector "
                f"registers, L1 {self.l1_bytes // 1024} KiB, L2 {self.l2_bytes // 1024} KiB, L3 {self.l3_bytes >> 20} MiB")


_ISA_REGISTERS = {"avx512": 32, "avx2": 16, "sse": 16, "sve": 32, "neon": 32, "scalar": 16}
_ISA_VECTOR_BYTES = {"avx512": 64, "avx2": 32, "sse": 16, "sve": 16, "neon": 16, "scalar": 8}

#: Fixtures for tests and for reasoning about hosts one is not on.
AVX2 = MachineModel("avx2", 32, 16, l1_bytes=32 * 1024, l2_bytes=512 * 1024, l3_bytes=32 << 20, cpu="znver3")
AVX512 = MachineModel("avx512", 64, 32, l1_bytes=48 * 1024, l2_bytes=1 << 20, l3_bytes=32 << 20, cpu="znver4")


def isa_from_features(features: str) -> str:
    """The widest SIMD level named in a feature list (LLVM `+x,-y` or /proc/cpuinfo words)."""
    on = {f.strip().lstrip("+").lower() for f in re.split(r"[,\s]+", features) if f.strip() and not f.strip().startswith("-")}
    if "avx512f" in on:
        return "avx512"
    if "avx2" in on and "fma" in on:
        return "avx2"
    if "sve" in on:
        return "sve"
    if "neon" in on or "asimd" in on:
        return "neon"
    if "sse2" in on or "sse" in on:
        return "sse"
    return "scalar"


def _host_caches(base: Path = Path("/sys/devices/system/cpu/cpu0/cache")) -> dict[int, int]:
    sizes: dict[int, int] = {}
    try:
        for idx in sorted(base.glob("index*")):
            level = int((idx / "level").read_text())
            if (idx / "type").read_text().strip() in ("Data", "Unified"):
                text = (idx / "size").read_text().strip().upper()
                mult = {"K": 1024, "M": 1 << 20, "G": 1 << 30}.get(text[-1:], 1)
                sizes[level] = int(text.rstrip("KMG")) * mult
    except (OSError, ValueError):
        pass
    return sizes


def _host_features() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return ""
    m = re.search(r"^(?:flags|Features)\s*:\s*(.*)$", text, re.M)
    return m.group(1) if m else ""


@functools.lru_cache(maxsize=1)
def host_cpu_name() -> str:
    """The host CPU's model name (/proc/cpuinfo), or the machine type where it has none."""
    try:
        m = re.search(r"^model name\s*:\s*(.*)$", Path("/proc/cpuinfo").read_text(), re.M)
    except OSError:
        m = None
    return " ".join(m.group(1).split()) if m else platform.machine() or "unknown cpu"


@functools.lru_cache(maxsize=1)
def detect_host() -> MachineModel:
    """The running host: ISA from /proc/cpuinfo (NEON assumed on aarch64), caches from sysfs."""
    features = _host_features()
    if not features and platform.machine() in ("aarch64", "arm64"):
        features = "neon"
    caches = _host_caches()
    base = MachineModel(l1_bytes=caches.get(1, AVX2.l1_bytes), l2_bytes=caches.get(2, AVX2.l2_bytes),
                        l3_bytes=caches.get(3, AVX2.l3_bytes), cpu="host")
    return base.with_features(features or "sse2")


def for_kernel(cpu_features: str, native_vector_bytes: int, cpu: str = "", host: MachineModel | None = None) -> MachineModel:
    """The machine a dispatch was configured for: its target's ISA and vector width, the host's caches."""
    return (host or detect_host()).with_features(cpu_features, native_vector_bytes, cpu)


# ---------------------------------------------------------------------------------------
# Measured peak
# ---------------------------------------------------------------------------------------

__all__ = ["AVX2", "AVX512", "MAX_VECTOR_BYTES", "MachineModel", "detect_host", "for_kernel", "host_cpu_name", "isa_from_features"]
