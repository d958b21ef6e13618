"""``python -m multivector`` runs the command line."""

from multivector.cli import main

main()
