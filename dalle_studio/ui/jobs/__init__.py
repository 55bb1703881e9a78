"""The jobs panel: every request, its state, and its Cancel and Retry buttons."""
