"""Reliability and security suite (issue 9): faults, cancellation, leaks, fuzzing, secrets, durability."""
