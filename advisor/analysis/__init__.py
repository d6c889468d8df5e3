"""The analyses over a run: they read firings, conclusions and parameters, never decide.

`aggregate` turns firings into an Advice; `timeline` dates what the rules concluded;
`explain` walks a conclusion back to the answers (HOW); `whynot`, `whatif` and `audit`
reason about runs and recorded traces.
"""

__all__ = ["aggregate", "audit", "explain", "timeline", "whatif", "whynot"]
