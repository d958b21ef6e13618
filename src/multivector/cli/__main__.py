"""``python -m multivector.cli`` runs the command line."""

from multivector.cli import main

main()
