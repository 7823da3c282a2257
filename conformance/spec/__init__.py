"""The spec layer: load YAML specs with a source map, check them, and build the typed spec model.

Everything else in the package reads the model built here; nothing here imports a higher layer.
"""
