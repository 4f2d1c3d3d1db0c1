"""Samverkan: the working tool behind a samverkansöverenskommelse."""
