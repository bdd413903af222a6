"""The HTML writer: one self-contained page, escaped by Jinja's autoescape."""
