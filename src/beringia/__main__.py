"""``python -m beringia`` runs the command line."""

from beringia.cli import main

main()
