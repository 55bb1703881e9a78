"""prompt widgets."""
