"""Fixtures shared by the reliability suite (issue 9). The fault, cancellation and soak tests keep theirs in
_harness.py; add shared fixtures here."""
