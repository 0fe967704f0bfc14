"""Qt widgets: the embeddable MediaPanel and its parts, plus the demo timeline."""
