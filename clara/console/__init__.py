"""The web console for the office: a static page and its assets, served by Clara itself (no CDN, no build step)."""
