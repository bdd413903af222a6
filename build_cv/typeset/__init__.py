"""Running TeX: the sandboxed engine, reading its log, and finding what it needs."""
