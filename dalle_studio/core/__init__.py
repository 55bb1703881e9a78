"""Cross-cutting, Qt-free pieces every layer may use: folders, settings, atomic writes, logging."""
