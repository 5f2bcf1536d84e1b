"""litecoop-mlir: search IREE codegen configurations with a shared tree of collaborating models."""

__version__ = "0.1.0"
