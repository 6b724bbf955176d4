"""The base layer: configuration, declared parameters, errors and the rule for writing files safely."""
