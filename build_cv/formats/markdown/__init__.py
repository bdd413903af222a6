"""The Markdown writer: GitHub-flavoured Markdown, every special character escaped."""
