"""`make bench`: serve the site as in production and measure its pages (README.md here)."""
