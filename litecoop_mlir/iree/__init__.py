"""Everything that talks to IREE: processes, targets, compile, run and benchmark."""
