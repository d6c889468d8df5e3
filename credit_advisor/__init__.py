"""The installed home of the project's `facts`, `rules` and `cli`.

The source tree keeps the user's layout (`facts/`, `rules/`, `cli.py` at the top), but
installing us must never shadow another distribution's `rules`, `facts` or `cli`, so they
are installed as `credit_advisor.facts`, `credit_advisor.rules` and `credit_advisor.cli`.
This folder holds links to them, so that the name exists in the source tree as it does
when installed: type checkers, editors and a build all follow the same imports.
"""
