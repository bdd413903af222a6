"""The LaTeX writer: moderncv through Jinja templates, every data string escaped."""
