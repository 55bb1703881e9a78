"""canvas widgets."""
