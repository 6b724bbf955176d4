"""What autoencoders are used for, each built on a fitted model: one sub-package per task."""
