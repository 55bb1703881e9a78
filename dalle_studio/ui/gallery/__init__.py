"""gallery widgets."""
