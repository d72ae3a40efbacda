"""The HTTP edge every domain's routes share: errors, validation, OpenAPI and docs, middleware, budgets."""
