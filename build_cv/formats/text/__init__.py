"""The plain-text writer: the CV in reading order, for web forms and as the text to extract."""
