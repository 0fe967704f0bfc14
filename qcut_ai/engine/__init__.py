"""The job engine without Qt: journal, runner and batch scheduling.

The CLI uses it directly; the Qt job manager wraps the same runner in
QRunnables so the GUI and the command line share one pipeline.
"""
