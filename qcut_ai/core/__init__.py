"""Pure-Python domain layer: catalogue, requests, pricing, job states, errors.

Nothing here imports Qt or does I/O beyond reading packaged resources.
"""
