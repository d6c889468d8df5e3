"""The faces a person sees in a terminal: the text report, the interview and its questions."""

__all__ = ["interview", "questions", "render"]
