"""pytest plugin: `pytest --conformance-provider P` runs the conformance checks as test items."""
