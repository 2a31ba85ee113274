"""The models, one room each: the only bridge from a scenario section to its core kernels.

alignment, construction, operations, reference (outside view, claims) and corridor (with
its appraisal).
"""
