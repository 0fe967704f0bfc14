"""Qt runtime for jobs (QtCore only): runnables on thread pools and the JobManager."""
