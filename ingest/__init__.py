"""From outside formats to a searchable catalogue: format adapters, the catalogue store, hybrid search, bundled data.

Sub-packages, each naming what it offers in its ``__init__``: ``formats`` (reading outside files into
graph models), ``search`` (embedders and label scorers: hybrid ranking without a store), ``store``
(the Chroma-backed catalogue store), ``data`` (the catalogues that ship with credpath).
"""
