"""Pure rules shared by every sub-platform (no Django, no I/O)."""
