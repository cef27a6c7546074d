"""intake: reads insurance mission orders arriving by email and fax, and opens case files from them."""

__version__ = "0.1.0"
