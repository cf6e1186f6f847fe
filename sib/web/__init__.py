"""Server-rendered web pages for the people who do not use the API (issue 10)."""
