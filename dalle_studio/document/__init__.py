"""The document layer (QtCore/QtGui, no widgets): the picture being worked on, its mask and its history."""
