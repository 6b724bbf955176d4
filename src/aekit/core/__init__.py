"""The base layer: configuration, declared parameters, errors, the training-length rule, plots, the backend
choice and the rule for writing files safely. It imports nothing of aekit above it."""
