"""litecoop-mlir: search IREE codegen configurations with a shared tree of collaborating models.

    import litecoop_mlir
    result = litecoop_mlir.optimize("kernels/matmul_512.mlir", "runs/mm", budget=64)
    result.speedup, result.best_scripts["main_dispatch_0"], result.spec_text

`optimize` takes a path, `-` (stdin) or MLIR text; its keyword arguments are those of
`OptimizeOptions` (or pass `options=`). The package imports its parts lazily.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litecoop_mlir.core.version import __version__

if TYPE_CHECKING:
    from litecoop_mlir.driver.options import OptimizeOptions, OptimizeResult


def optimize(source: str, work_dir: str = "litecoop-out", options: "OptimizeOptions | None" = None, *,
             resume: bool = False, **option_fields: Any) -> "OptimizeResult":
    """Search every dispatch of `source` (a path, `-`, or MLIR text) and write the run into `work_dir`."""
    from litecoop_mlir.driver import optimize as tune

    if options is not None and option_fields:
        raise TypeError("pass either options= or option fields, not both")
    return tune.optimize(source, work_dir, options or tune.OptimizeOptions(**option_fields), resume=resume)


def __getattr__(name: str) -> Any:
    if name in ("OptimizeOptions", "OptimizeResult"):
        from litecoop_mlir.driver import optimize as tune

        return getattr(tune, name)
    raise AttributeError(f"module 'litecoop_mlir' has no attribute {name!r}")


__all__ = ["OptimizeOptions", "OptimizeResult", "__version__", "optimize"]
