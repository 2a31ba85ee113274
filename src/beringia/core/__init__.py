"""Pure model code: functions over NumPy arrays and explicit random generators.

Nothing in this package reads files, prints, or imports pydantic, plotting or web code.
"""
