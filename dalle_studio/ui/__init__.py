"""The UI layer (QtWidgets): views and input. No business rules, no network, no disk formats."""
