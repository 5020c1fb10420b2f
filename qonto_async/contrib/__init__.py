"""Integrations with web frameworks: one client per application, opened at startup and closed at shutdown."""
