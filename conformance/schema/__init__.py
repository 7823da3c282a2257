"""JSON Schemas generated from the spec model: build them, emit them, validate against them."""
