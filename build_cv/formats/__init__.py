"""Writers, one per output format, each fed by the format-neutral view (view.py)."""
