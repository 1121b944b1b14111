"""The statement library: holding statements approved in peacetime, versioned (issue 14)."""
