"""Infrastructure every domain may use and none of which knows a domain: cache, pub/sub, live updates, breakers,
metrics, logs, background work, shutdown."""
