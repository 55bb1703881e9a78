"""The gallery panel: a QListView over the library, thumbnails off the UI thread, search, filters, details."""
