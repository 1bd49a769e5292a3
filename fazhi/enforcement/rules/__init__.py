"""The enforcement statute as pure functions and transition tables (no ORM, no I/O)."""
