"""dialogs widgets."""
