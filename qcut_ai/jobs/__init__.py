"""The Qt side of the work (QtCore, plus QImage decoding): task runners, the job manager
and its list model, the generation and library services the views use."""
