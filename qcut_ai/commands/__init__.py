"""Sub-commands of the `qcut-ai` CLI. None of them imports Qt."""
