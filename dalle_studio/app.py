"""The composition root: builds the QApplication, the qasync loop, settings and the main window."""
