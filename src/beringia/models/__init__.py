"""The models, one room each: the only bridge from a scenario section to its core kernels.

alignment, construction, operations, reference (outside view, claims) and corridor (with
its appraisal); ``numfmt``, how a number is worded (probabilities at their bounds, money,
ranges), shared by the claim sentence, the report and the command line.
"""
