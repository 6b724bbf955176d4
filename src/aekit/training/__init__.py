"""Training: the one fit body over prepared batches (in-memory arrays or streamed files), callbacks,
checkpoints and multi-worker training."""
