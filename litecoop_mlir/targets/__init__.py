"""Target-specific knowledge: host and device machine models, per-backend strategies."""
