"""Tests of the offregion Python package (unittest, standard library)."""
