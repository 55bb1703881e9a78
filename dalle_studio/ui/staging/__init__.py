"""The staging strip: a job's results beside the canvas, to preview, accept or discard."""
