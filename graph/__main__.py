"""``python -m graph`` is the ``policykg`` command (handy in a checkout that is not the installed one)."""

from graph.cli import main

main()
