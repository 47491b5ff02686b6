"""One module per reference-data group; see ../generate.py."""
